import Crypto
import Features
import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI
import TestSupport
import Vault
import XCTest

/// Partage et confidentialité on the virtual terminal at 80x24: what the vault holds, drawn in
/// whole; safe defaults; the server's absence said plainly.
@MainActor
final class SharingScreenTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!
    let now = Date(timeIntervalSince1970: 1_796_900_000) // 2026-12-10

    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
        directory = try TemporaryDirectory(prefix: "mes-sharing-screen")
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("test".utf8)), keyDerivation: .fixed(.minimumForTests))
        let bernard = Practitioner(name: "Dr Sophie Bernard", rpps: "10003456782", specialty: "Cardiologie")
        let renaud = Practitioner(name: "Dr Marc Renaud", rpps: "10003456784", specialty: "Radiologie")
        try vault.write { session in
            try session.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau"), origin: .remote)
            try session.records(AccessGrant.self).save(AccessGrant(
                id: "session-1", profileID: "helene", code: "", sections: [.documents, .vaccinations], created: now.addingTimeInterval(-600),
                expires: now.addingTimeInterval(6600), status: .active, professional: bernard, via: .code, practitionerID: "bernard"), origin: .remote)
            try session.records(Block.self).save(Block(id: "block-1", profileID: "helene", target: .professional(renaud),
                                                       created: now.addingTimeInterval(-86_400), practitionerID: "renaud"), origin: .remote)
            try session.auditEntries.save(AuditEntry(id: "audit-1", profileID: "helene", date: now.addingTimeInterval(-300),
                                                     actorName: "Dr Sophie Bernard", actorRole: .professional, actorRPPS: "10003456782",
                                                     action: .read, targetKind: .document, targetID: "doc-1"), origin: .remote)
        }
    }

    override func tearDown() async throws {
        vault.close()
        directory.remove()
    }

    func start(screenReader: Bool = false) -> (Runtime<AppShell>, VirtualTerminal) {
        let terminal = VirtualTerminal(size: Size(width: 80, height: 24))
        let now = self.now
        let services = SharingServices(center: SharingCenter(vault: vault, profileID: "helene"), clock: { now })
        let shell = AppShell(settings: AppSettings(language: .french, screenReader: screenReader), sharing: services)
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.send(.resized(terminal.size))
        return (runtime, terminal)
    }

    func press(_ runtime: Runtime<AppShell>, _ keys: Key...) async {
        for key in keys {
            runtime.send(.key(key))
            await runtime.settle()
        }
    }

    func testWhoIsConnectedBlockedAndWhatTheyDid() async {
        let (runtime, terminal) = start()
        await press(runtime, .character("6"))
        let until = LocalFormat.dateTime(now.addingTimeInterval(6600)), since = LocalFormat.dateTime(now.addingTimeInterval(-600))
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "1 Accueil 2 Docs 3 Profil 4 Agenda 5 Messages [6 Partage] 7 Aidants 8 Réglages",
            "[Accès]  Bloqués   Urgence   Masquage   Services   Historique",
            "",
            "Professionnels connectés à votre espace maintenant. f met fin à un accès",
            "aussitôt.",
            "",
            "▸ Dr Sophie Bernard — jusqu’au \(until)",
            "", "", "", "", "", "", "", "", "", "",
            "Dr Sophie Bernard, Cardiologie, RPPS 10003456782",
            "depuis le \(since), jusqu’au \(until)\u{a0}; rubriques\u{a0}: Documents,",
            "Vaccinations",
            "Comment\u{a0}: code d’accès",
            terminal.screen.lines[22],
            " n code  f mettre fin  b bloquer  Tab onglet  1-8 sections  ! messages  ? aide",
        ])
        await press(runtime, .tab)
        XCTAssertTrue(terminal.screen.contains("▸ Dr Marc Renaud, Radiologie, RPPS 10003456784 — bloqué(e) depuis le"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("Un professionnel bloqué n’a plus accès à vos documents"))
        await press(runtime, .backTab, .backTab)
        XCTAssertTrue(terminal.screen.contains("[Historique]"))
        XCTAssertTrue(terminal.screen.contains("Dr Sophie Bernard — a consulté · document [nouveau]"), terminal.screen.text)
        await press(runtime, .character("m"))
        XCTAssertTrue(terminal.screen.contains("Mes actions."), "the holder’s own actions on the other side: \(terminal.screen.text)")
    }

    func testSomeoneNewIsAnnouncedWhenTheAppStarts() async {
        let (runtime, _) = start()
        XCTAssertTrue(runtime.app.messages.contains { $0.contains("Nouvel accès à votre espace\u{a0}: Dr Sophie Bernard") }, "\(runtime.app.messages)")
        await press(runtime, .character("6"), .backTab)
        let (again, _) = start()
        XCTAssertFalse(again.app.messages.contains { $0.contains("Nouvel accès") }, "seen once the history was opened")
    }

    func testPrivacyChangesStartOnNoAndNeedTheServer() async {
        let (runtime, terminal) = start()
        await press(runtime, .character("6"), .tab, .tab)
        XCTAssertTrue(terminal.screen.contains("▸ Accès du SAMU en cas d’urgence\u{a0}: autorisé"), terminal.screen.text)
        await press(runtime, .enter)
        XCTAssertTrue(terminal.screen.contains("[▸Non (n)]"), "the safe answer is focused: \(terminal.screen.text)")
        XCTAssertTrue(terminal.screen.contains("Refuser l’accès du SAMU"))
        await press(runtime, .character("3"), .enter)
        XCTAssertEqual(runtime.app.section, .sharing, "the dialog kept the digit")
        XCTAssertTrue(terminal.screen.lines[22].contains("Annulé."), terminal.screen.lines[22])
        XCTAssertTrue(terminal.screen.contains("▸ Accès du SAMU en cas d’urgence\u{a0}: autorisé"))

        await press(runtime, .backTab, .backTab, .character("f"))
        XCTAssertTrue(terminal.screen.contains("Mettre fin maintenant à l’accès de Dr Sophie Bernard"), terminal.screen.text)
        await press(runtime, .character("o"))
        XCTAssertTrue(runtime.app.messages.contains { $0.contains("Connectez-vous d’abord") }, "\(runtime.app.messages)")
        XCTAssertTrue(terminal.screen.contains("▸ Dr Sophie Bernard"), "nothing changed")
    }

    func testTheCodeFormAndScreenReaderMode() async {
        let (runtime, terminal) = start(screenReader: true)
        await press(runtime, .character("6"))
        XCTAssertFalse(terminal.screen.text.contains("┌"))
        XCTAssertTrue(terminal.screen.contains("Partage et confidentialité"), terminal.screen.text)
        await press(runtime, .character("n"))
        XCTAssertTrue(terminal.screen.contains("Donner accès à un professionnel"), terminal.screen.text)
        XCTAssertTrue(terminal.screen.contains("Documents"))
        await press(runtime, .down, .character(" "))
        XCTAssertTrue(terminal.screen.lines[22].contains("Documents\u{a0}: non cochée"), terminal.screen.lines[22])
        await press(runtime, .enter)
        XCTAssertTrue(terminal.screen.lines[22].contains("Cochez au moins une rubrique."), terminal.screen.lines[22])
        await press(runtime, .escape)
        XCTAssertTrue(terminal.screen.lines[22].contains("Aucun code créé."))
    }
}
