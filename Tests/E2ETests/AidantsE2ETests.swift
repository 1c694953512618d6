import Crypto
import FHIR
import Foundation
import HealthRecord
import Sharing
@testable import Sync
import TestSupport
import Vault
import XCTest

/// Section 7 used as its users would, in tmux at 80x24 on a real `mes-server` (issue 16,
/// session 24): the holder invites an aidant from the form, confirms the match the server
/// found (« Non » focused), the invitation reaches the server while the app runs; the limit of
/// three aidants is refused in words; revoking asks first. An aidant whose delegation was
/// revoked with a change unsent hands it to the holder, who finds it among their documents.
final class AidantsE2ETests: XCTestCase {
    /// A patient account of the test's own (the server's test-only endpoint).
    func account(_ home: SyncedHome, _ login: String, family: String, given: String) async throws {
        let body: JSON = ["login": .string(login), "password": .string("secret-\(login)"), "family": .string(family), "given": .string(given),
                          "birthDate": "1980-01-02", "holder": false]
        let answer = try await URLSessionTransport(baseURL: home.server.url).send(BackendRequest(method: "POST", path: "/_test/accounts",
                                                                                               body: Data(body.serialized())))
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
    }

    /// What `login` sees of the invitations made to them, from a fresh vault.
    func invitations(_ home: SyncedHome, _ login: String) async throws -> [DelegationOperations.Invitation] {
        let copy = home.directory.url.appendingPathComponent("copy-\(UUID().uuidString.prefix(6))")
        let vault = try await SyncedHome.syncedVault(server: home.server, in: copy, identifier: login, password: "secret-\(login)")
        defer { vault.close() }
        return try await DelegationOperations(vault: vault).invitations()
    }

    /// Types the form of `n`: the person, Agenda ticked beside Documents, the declaration
    /// ticked (unless `declare` is false), then Enter.
    func fillInvitation(_ mes: TerminalSession, family: String, given: String, identifier: String, declare: Bool = true) throws {
        try mes.send("n")
        try mes.waitFor("Inviter un aidant pour Hélène MARTINEAU", "Nom de naissance")
        for value in [family, given, "02/01/1980", identifier] {
            try mes.send(value)
            try mes.send("Tab")
        }
        // Documents (ticked), the rubriques up to Agenda: tick it.
        let agenda = try XCTUnwrap(SharingWording.formOrder.firstIndex(of: .agenda))
        for _ in 0..<agenda { try mes.send("Tab") }
        try mes.send("Space")
        // The rubriques after Agenda, the end date (a year from now), then the declaration.
        for _ in 0..<(SharingWording.formOrder.count - agenda + 1) { try mes.send("Tab") }
        if declare { try mes.send("Space") }
        try mes.send("Enter")
    }

    func testTheHolderInvitesFromTheFormConfirmsTheMatchMeetsTheLimitAndRevokes() async throws {
        let home = try await SyncedHome(serverArguments: ["--enable-test-clock"])
        defer { home.close() }
        try await account(home, "claire.dupont", family: "Dupont", given: "Claire")
        let mes = try home.terminal()
        defer { mes.close() }
        try mes.waitFor("Synchro : à jour", timeout: 20)
        try mes.send("7")
        try mes.waitFor("Aidants de l’espace de Hélène MARTINEAU (n inviter, r révoquer)")

        // The declaration is required before anything is asked of the server.
        try fillInvitation(mes, family: "Dupont", given: "Claire", identifier: "claire.dupont", declare: false)
        try mes.waitFor("Cochez la déclaration pour envoyer l’invitation.")
        try mes.send("Space", "Enter")
        // The match, to confirm: « Non » is the default, so Enter sends nothing.
        var screen = try mes.waitFor("Personne trouvée : Claire Dupont", "claire.dupont", timeout: 10)
        XCTAssertTrue(screen.contains("Documents, Agenda"), screen)
        let pending = try await invitations(home, "claire.dupont")
        XCTAssertEqual(pending.count, 0, "nothing sent before the match is confirmed")
        try mes.send("Enter")
        try mes.waitFor("Rien n’a changé.")
        try mes.send("Enter")
        try mes.waitFor("Personne trouvée : Claire Dupont", timeout: 10)
        try mes.send("o")
        screen = try mes.waitFor("Invitation envoyée à Claire Dupont", timeout: 10)
        // The server has it while the app runs; the list shows it once synced.
        let sent = try await invitations(home, "claire.dupont")
        XCTAssertEqual(sent.map(\.status), ["pending"])
        XCTAssertEqual(Set(sent.first?.rubriques ?? []), [.documents, .agenda])
        XCTAssertEqual(sent.first?.name, "Hélène MARTINEAU")
        screen = try mes.waitFor("Claire Dupont, aidant : invitation en attente", timeout: 15)

        // A third aidant is fine; a fourth is refused with the server's reason, at the match.
        try await account(home, "anne.test", family: "Test", given: "Anne")
        try await account(home, "bruno.test", family: "Test", given: "Bruno")
        try fillInvitation(mes, family: "Test", given: "Anne", identifier: "anne.test")
        try mes.waitFor("Personne trouvée : Anne Test", timeout: 10)
        try mes.send("o")
        try mes.waitFor("Invitation envoyée à Anne Test", timeout: 10)
        try fillInvitation(mes, family: "Test", given: "Bruno", identifier: "bruno.test")
        try mes.waitFor("Refusé : cette personne a déjà 3 aidants", timeout: 10)
        try mes.send("Escape")
        try mes.waitFor("Invitation abandonnée : rien n’a été envoyé.")

        // Revoking Claire asks first, « Non » focused.
        screen = try mes.waitFor("Claire Dupont, aidant : invitation en attente", timeout: 15)
        // The last line is Julien's (the list stops there), Claire's is just above.
        try mes.send("Down", "Down", "Down", "Down", "Down", "Down")
        try mes.waitFor("▸ Julien Martineau")
        try mes.send("Up")
        try mes.waitFor("▸ Claire Dupont")
        try mes.send("r")
        try mes.waitFor("Mettre fin à une délégation", timeout: 5)
        try mes.send("Enter")
        try mes.waitFor("Rien n’a changé.")
        let unchanged = try await invitations(home, "claire.dupont")
        XCTAssertEqual(unchanged.map(\.status), ["pending"])
        try mes.send("r", "o")
        try mes.waitFor("Délégation de Claire Dupont terminée.", timeout: 10)
        let revoked = try await invitations(home, "claire.dupont")
        XCTAssertEqual(revoked.map(\.status), ["revoked"])
    }

    func testARevokedAidantHandsTheUnsentChangeToTheHolderFromSectionSeven() async throws {
        let home = try await SyncedHome(identifier: "julien.martineau", password: "demo-julien")
        defer { home.close() }
        // Julien moved a rendez-vous in Hélène's agenda, not sent yet…
        let vault = try Vault.open(in: VaultDirectory(home.home), passphrase: SecureBytes(copying: Array(SyncedHome.passphraseText.utf8)))
        try LocalChanges(vault: vault).save(AgendaEvent(id: "appt-by-julien", profileID: "helene", category: .appointment,
                                                        title: "Ophtalmologue (pris par Julien)", start: Date().addingTimeInterval(6 * 86400)))
        vault.close()
        // …when Hélène revokes his delegation.
        let copy = home.directory.url.appendingPathComponent("helene-revokes")
        let helene = try await SyncedHome.syncedVault(server: home.server, in: copy)
        let consent = try XCTUnwrap(try helene.read { try $0.records(Delegation.self).all(profile: "helene") }
            .first { $0.delegateName.hasPrefix("Julien") && $0.status == .active }?.id)
        try await DelegationOperations(vault: helene).revoke(consent: consent)
        helene.close()

        let mes = try home.terminal()
        defer { mes.close() }
        var screen = try mes.waitFor("L’espace ouvert n’est plus accessible", "Aucun espace n’est ouvert à votre compte pour l’instant", timeout: 20)
        XCTAssertFalse(screen.contains("aidant pour"), "the header names nobody any more:\n\(screen)")
        XCTAssertTrue(screen.contains("Section 7 : h les remet à la personne"), screen)
        try mes.send("7")
        try mes.waitFor("Modifications non envoyées d’espaces perdus", "Hélène MARTINEAU : 1 modification non envoyée")
        try mes.send("Down", "Down", "Down", "Down", "Down", "Down")
        try mes.waitFor("▸ Hélène MARTINEAU : 1 modification")
        try mes.send("h")
        try mes.waitFor("Remettre 1 modification non envoyée à Hélène MARTINEAU ?")
        try mes.send("Enter")
        try mes.waitFor("Rien n’a changé.")
        try mes.send("h", "o")
        try mes.waitFor("1 modification remise à Hélène MARTINEAU", timeout: 10)
        screen = try mes.screen()
        XCTAssertFalse(screen.contains("Modifications non envoyées d’espaces perdus"), screen)

        // Hélène finds it among her documents, the change written out in it.
        let documents = try await home.serverCopy()
        let deposit = try XCTUnwrap(documents.first { $0.title.hasPrefix("Modifications non envoyées, remises par Julien") },
                                    "\(documents.map(\.title))")
        XCTAssertEqual(deposit.profileID, "helene")
    }

    func testTheAccueilListsRecommendationsThatOpenInTheAgendaAndALineOpensItsRendezVous() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        var screen = try mes.waitFor("recommandations de prévention à faire.", "Dépistage du cancer colorectal", timeout: 20)
        // The recommendations are the last block but two: up from the bottom of the list.
        for _ in 0..<20 { try mes.send("Down") }
        screen = try mes.waitFor("accès par d’autres personnes")
        var tries = 0
        while !(try mes.screen()).contains("▸ Dépistage du cancer colorectal"), tries < 12 {
            try mes.send("Up")
            try await Task.sleep(for: .milliseconds(150))
            tries += 1
        }
        try mes.send("Enter")
        screen = try mes.waitFor("[p Examens recommandés]", "▸ À faire — Dépistage du cancer colorectal")
        // Back to the Accueil: the next rendez-vous opens its detail in the agenda.
        try mes.send("1")
        try mes.waitFor("Prochain rendez-vous")
        tries = 0
        while !(try mes.screen()).contains("▸ Séance de kinésithérapie"), tries < 12 {
            try mes.send("Up")
            try await Task.sleep(for: .milliseconds(150))
            tries += 1
        }
        try mes.send("Enter")
        screen = try mes.waitFor("Avec : Mme Léa Fontaine", "Échap retour")
        XCTAssertTrue(screen.contains("[4 Agenda]"), screen)
    }

    func testWithoutAnAccountTheAccueilSaysHowToLogIn() throws {
        let passphrase = FileManager.default.temporaryDirectory.appendingPathComponent("mes-e2e-pass-\(UUID().uuidString.prefix(6))")
        try Data("phrase de test\n".utf8).write(to: passphrase)
        defer { try? FileManager.default.removeItem(at: passphrase) }
        for (arguments, words) in [([], ["Aucun espace ici pour l’instant : connectez-vous", "« mes login »", "« mes --demo »"]),
                                   (["--lang", "en", "--screen-reader"], ["No space here yet: log in", "“mes login”"])] {
            let mes = try TerminalSession(arguments: ["--passphrase-file", passphrase.path] + arguments, prepareHome: { home in
                let (vault, _) = try Vault.create(in: VaultDirectory(home), passphrase: SecureBytes(copying: Array("phrase de test".utf8)),
                                                  keyDerivation: .fixed(.minimumForTests))
                vault.close()
            })
            defer { mes.close() }
            // Each word waited for in turn: a capture may land while the screen is being drawn.
            var screen = ""
            for word in words { screen = try mes.waitFor(word, timeout: 15) }
            for word in words { XCTAssertTrue(screen.contains(word), screen) }
            XCTAssertFalse(screen.contains("Bientôt disponible") || screen.contains("Coming soon"), screen)
        }
    }
}
