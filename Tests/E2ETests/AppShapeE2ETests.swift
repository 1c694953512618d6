import Foundation
import HealthRecord
import XCTest

/// Issue 11, "the app as a user meets it", in tmux at 80x24 on a home synced from a real
/// `mes-server`: each test is an item of "What was seen" that failed before the change.
final class AppShapeE2ETests: XCTestCase {
    /// Item 1: a document masked in the app is masked on the server a moment later, while the
    /// app runs; the header says "1 en attente" then "à jour", and quitting has nothing unsent.
    func testMaskInTheAppReachesTheServerWithoutQuitting() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("2")
        try terminal.waitFor("▸ ", "Ma santé en résumé [nouveau]")
        let title = "Ma santé en résumé"
        let before = try await home.serverCopy()
        XCTAssertEqual(before.first { $0.title == title }?.isMaskedFromProfessionals, false)

        try terminal.send("m")
        try terminal.waitFor("Ma santé en résumé [nouveau, masqué]", "Synchro : 1 en attente")
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let after = try await home.serverCopy()
        XCTAssertEqual(after.first { $0.title == title }?.isMaskedFromProfessionals, true,
                       "the server's copy is masked while the app still runs")

        try terminal.send("q")
        let question = try terminal.waitFor("Quitter mes ?")
        XCTAssertFalse(question.contains("pas encore envoyée"), question)
        try terminal.send("o")
        XCTAssertEqual(try terminal.waitForExit(), 0)
    }

    /// Item 2: in the reader, `e` opens the export prompt, and what is typed goes into it only:
    /// no masking, printing or change of section; Esc closes it for good.
    func testTypingAFileNameIntoExportRunsNothingElse() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("2")
        try terminal.waitFor("Ma santé en résumé [nouveau]")
        try terminal.send("Enter")
        try terminal.waitFor("Document ouvert : Ma santé en résumé")
        try terminal.send("e")
        try terminal.waitFor("Exporter une copie", "n’est pas chiffrée")
        for key in ["m", "p", "1", "d", "q", "?"] { try terminal.send(key) }
        let typed = try terminal.waitFor("mp1dq?")
        XCTAssertTrue(typed.contains("[2 Docs]"), "still in Documents:\n\(typed)")
        XCTAssertFalse(typed.contains("masqué"), typed)
        XCTAssertFalse(typed.contains("Quitter mes ?"), typed)
        XCTAssertTrue(typed.contains("Entrée OK  Échap Annuler"), "the key bar is the dialog's:\n\(typed)")
        try terminal.send("Escape")
        try terminal.waitFor("Annulé")
        try terminal.send("Escape")
        let list = try terminal.waitFor("Retour à la liste")
        XCTAssertFalse(list.contains("Exporter une copie"), "the dialog does not come back:\n\(list)")
        XCTAssertTrue(list.contains("Synchro : à jour"), "nothing was changed:\n\(list)")
    }

    /// Item 3: Enter on a delete confirmation deletes nothing (it starts on "Non"), the buttons
    /// show their keys; "mask all" says what it will change, Enter changes nothing, and once on
    /// its title says the opposite.
    func testDestructiveAndPrivacyConfirmationsDefaultToTheSafeAnswer() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let file = home.directory.url.appendingPathComponent("tension.txt")
        try Data("Tension du matin : 13/8".utf8).write(to: file)
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("2")
        try terminal.waitFor("Ma santé en résumé")
        try terminal.send("a")
        try terminal.waitFor("Ajouter un document")
        try terminal.send(file.path, "Enter")
        try terminal.waitFor("▸ ", "tension", "Synchro : à jour", timeout: 20)

        try terminal.send("d")
        let question = try terminal.waitFor("Cette action est définitive.")
        XCTAssertTrue(question.contains("[ Oui (o)]") && question.contains("[▸Non (n)]"), question)
        XCTAssertFalse(question.contains("[o/N]"), question)
        try terminal.send("Enter")
        try terminal.waitFor("Annulé")
        let kept = try await home.serverCopy()
        XCTAssertTrue(kept.contains { $0.title.contains("tension") }, "nothing deleted")

        let maskedBefore = try terminal.screen().components(separatedBy: "masqué]").count
        try terminal.send("M")
        let maskAll = try terminal.waitFor("Masquer tous mes documents", "seront masqués maintenant")
        XCTAssertTrue(maskAll.contains("[▸Non (n)]"), maskAll)
        try terminal.send("Enter")
        try terminal.waitFor("Annulé")
        XCTAssertEqual(try terminal.screen().components(separatedBy: "masqué]").count, maskedBefore, "Enter masked nothing")
        try terminal.send("M")
        try terminal.waitFor("seront masqués maintenant")
        try terminal.send("o")
        try terminal.waitFor("Tous vos documents sont masqués")
        try terminal.send("M")
        try terminal.waitFor("Ne plus masquer tous mes documents", "le restent")
        try terminal.send("n")
        try terminal.waitFor("Annulé")
    }

    /// Item 4: the search mode shows on screen: typing, then results; letters typed are text,
    /// and after Enter the key bar says what the keys do.
    func testSearchModesShowOnScreen() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("2")
        try terminal.waitFor("Ma santé en résumé")
        try terminal.send("/")
        try terminal.waitFor("Recherche (saisie) :", "Entrée voir les résultats")
        try terminal.send("glycemie")
        let typing = try terminal.waitFor("Recherche (saisie) : glycemie")
        XCTAssertFalse(typing.contains("Document ouvert") || typing.contains("Exporter") || typing.contains("1 en attente"), typing)
        try terminal.send("Enter")
        let results = try terminal.waitFor("Résultats de « glycemie » :", "Échap effacer la recherche")
        XCTAssertFalse(results.contains("Recherche (saisie)"), results)
        try terminal.send("Escape")
        let cleared = try terminal.waitFor("Recherche effacée.")
        XCTAssertFalse(cleared.contains("Résultats de «"), cleared)
    }
}
