import Foundation
import HealthRecord
import XCTest

/// Issue 11, "the app as a user meets it", in tmux at 80x24 on a home synced from a real
/// `mes-server`: each test is an item of "What was seen" that failed before the change.
final class AppShapeE2ETests: XCTestCase {
    /// A synced home, `mes` on it at 80x24 (or as asked), in Documents once the first sync ended.
    func openDocuments(width: Int = 80, height: Int = 24, term: String = "screen-256color",
                       environment: [String: String] = ["LANG": "C.UTF-8"], arguments: [String] = []) async throws
        -> (SyncedHome, TerminalSession) {
        let home = try await SyncedHome()
        let terminal = try home.terminal(width: width, height: height, term: term, environment: environment, arguments: arguments)
        try terminal.waitFor(environment["LANG"] == "C" ? "Synchro : a jour" : "Synchro : à jour", timeout: 20)
        try terminal.send("2")
        return (home, terminal)
    }

    /// Item 1: a document masked in the app is masked on the server a moment later, while the
    /// app runs; the header says "1 en attente" then "à jour", and quitting has nothing unsent.
    func testMaskInTheAppReachesTheServerWithoutQuitting() async throws {
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
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
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
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
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
        let file = home.directory.url.appendingPathComponent("tension.txt")
        try Data("Tension du matin : 13/8".utf8).write(to: file)
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
        let maskAll = try terminal.waitFor("Masquer tous mes documents", "seront cachés")
        XCTAssertTrue(maskAll.contains("[▸Non (n)]"), maskAll)
        try terminal.send("Enter")
        try terminal.waitFor("Annulé")
        XCTAssertEqual(try terminal.screen().components(separatedBy: "masqué]").count, maskedBefore, "Enter masked nothing")
        try terminal.send("M")
        try terminal.waitFor("seront cachés")
        try terminal.send("o")
        try terminal.waitFor("Le serveur masque désormais tous vos documents")
        // A server policy, not a loop of labels: no document changed its own mark.
        XCTAssertEqual(try terminal.screen().components(separatedBy: "masqué]").count, maskedBefore, "no document relabelled")
        try terminal.send("M")
        try terminal.waitFor("Ne plus masquer tous mes documents", "redeviendront")
        try terminal.send("n")
        try terminal.waitFor("Annulé")
    }

    /// Item 4: the search mode shows on screen: typing, then results; letters typed are text,
    /// and after Enter the key bar says what the keys do.
    func testSearchModesShowOnScreen() async throws {
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
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

    /// Item 5: wrapping loses no word (the export warning says "pas"), a cut line ends with "…",
    /// and a message longer than the line is read whole in the history (`!`).
    func testNothingIsLostByWrappingOrCutting() async throws {
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
        try terminal.waitFor("Ma santé en résumé")
        try terminal.send("u", "x")
        let filtered = try terminal.waitFor("Filtre activé : masqués seulement")
        let filterLine = filtered.components(separatedBy: "\n")[2]
        XCTAssertTrue(filterLine.hasPrefix("Catégorie :") && filterLine.hasSuffix("…"), filterLine)
        try terminal.send("Escape", "g", "Enter")
        try terminal.waitFor("Document ouvert : Ma santé en résumé")
        try terminal.send("e")
        let dialog = try terminal.waitFor("Exporter une copie")
        let inside = dialog.components(separatedBy: "\n").filter { $0.contains("│") }
            .map { $0.replacingOccurrences(of: "│", with: "").trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(inside.contains("la copie exportée n’est pas chiffrée. Gardez-la en lieu sûr et supprimez-la après usage."), inside)
        try terminal.send("Escape", "m")
        let said = try terminal.waitFor("masqué aux professionnels")
        let messageLine = said.components(separatedBy: "\n")[22]
        XCTAssertTrue(messageLine.hasSuffix("…"), messageLine)
        try terminal.send("!")
        let history = try terminal.waitFor("Messages")
        // The history's lines, without the box's sides, joined back into sentences.
        let whole = history.components(separatedBy: "\n")
            .map { $0.replacingOccurrences(of: "│", with: "").trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(whole.contains("Son auteur et votre médecin traitant peuvent toujours le voir."), history)
    }

    /// Item 6: at 80x24 the sections are a tab bar and a title shows at least 60 characters.
    func testTitlesShowAtLeastSixtyCharactersAt80x24() async throws {
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
        let title = "Compte rendu de consultation de cardiologie et bilan annuel complet 2026"
        let file = home.directory.url.appendingPathComponent(title + ".txt")
        try Data("Examen normal.".utf8).write(to: file)
        try terminal.waitFor("Ma santé en résumé")
        try terminal.send("a")
        try terminal.waitFor("Ajouter un document")
        try terminal.send(file.path, "Enter")
        let screen = try terminal.waitFor("Compte rendu de consultation")
        let row = try XCTUnwrap(screen.components(separatedBy: "\n").first { $0.contains("Compte rendu de consultation") })
        let shown = row.components(separatedBy: "Compte rendu de consultation").last.map { "Compte rendu de consultation" + $0 } ?? ""
        XCTAssertGreaterThanOrEqual(shown.prefix { $0 != "…" && $0 != "[" }.trimmingCharacters(in: .whitespaces).count, 60, row)
        XCTAssertTrue(row.contains("…"), "the rest is cut with an ellipsis: \(row)")
        try terminal.send("Enter")
        let reader = try terminal.waitFor("Document ouvert")
        XCTAssertTrue(reader.contains(title), "the reader has the whole width:\n\(reader)")
    }

    /// Item 7: "aéb" then Backspace twice leaves "a", the cursor right after it.
    func testBackspaceErasesWholeAccentedCharacters() async throws {
        let (home, terminal) = try await openDocuments()
        defer { terminal.close(); home.close() }
        try terminal.waitFor("Ma santé en résumé")
        try terminal.send("/")
        try terminal.waitFor("Recherche (saisie) :")
        try terminal.send("aéb")
        try terminal.waitFor("Recherche (saisie) : aéb")
        try terminal.send("BSpace", "BSpace")
        let screen = try terminal.waitFor("Recherche (saisie) : a ")
        let lines = screen.components(separatedBy: "\n")
        let row = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Recherche (saisie) : a") })
        XCTAssertFalse(lines[row].contains("é"), lines[row])
        let cursor = try terminal.cursor()
        XCTAssertEqual(cursor.y, row)
        XCTAssertEqual(cursor.x, "Recherche (saisie) : a".count, "the cursor right after the a")
    }

    /// Item 9 (the "?" part): on a vt100 in the C locale, symbols become ASCII or words
    /// ("<=", "(haut)"), accents drop; not one "?" stands for a character.
    func testTheAsciiFallbackShowsNoQuestionMark() async throws {
        let (home, terminal) = try await openDocuments(term: "vt100", environment: ["LANG": "C"])
        defer { terminal.close(); home.close() }
        try terminal.waitFor("Ma sante en resume")
        try terminal.send("c")
        try terminal.waitFor("Choisir une categorie")
        try terminal.send("Down", "Down", "Down", "Down", "Enter")
        try terminal.waitFor("Categorie : Resultats de biologie")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("(haut) eleve", "Hemoglobine glyquee")
        let lines = screen.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() where index != 23 {
            XCTAssertFalse(line.contains("?"), "a \"?\" on row \(index): \(line)")
        }
        XCTAssertTrue(lines[23].hasSuffix("? aide"), "the help key is the only \"?\": \(lines[23])")
        XCTAssertFalse(screen.unicodeScalars.contains { !$0.isASCII }, screen)
    }

    /// Item 10: in screen-reader mode the category chooser replaces what is under it, the lab
    /// report reads as "analyte : valeur" pairs with the flag in words, and marks such as
    /// [nouveau] sit right after the title.
    func testScreenReaderModeReadsLinearly() async throws {
        let (home, terminal) = try await openDocuments(arguments: ["--screen-reader"])
        defer { terminal.close(); home.close() }
        let list = try terminal.waitFor("Ma santé en résumé [nouveau]")
        XCTAssertFalse(list.contains("│"), list)
        try terminal.send("c")
        let chooser = try terminal.waitFor("Choisir une catégorie")
        XCTAssertFalse(chooser.contains("Ma santé en résumé [nouveau]"), "the list is cleared under the chooser:\n\(chooser)")
        try terminal.send("Down", "Down", "Down", "Down", "Enter")
        try terminal.waitFor("Catégorie : Résultats de biologie")
        try terminal.send("Enter")
        let report = try terminal.waitFor("Hémoglobine glyquée (HbA1c) : 7,4")
        let row = try XCTUnwrap(report.components(separatedBy: "\n").first { $0.contains("Hémoglobine glyquée (HbA1c) : 7,4") })
        XCTAssertTrue(row.contains("élevé"), row)
        let cursor = try terminal.cursor()
        XCTAssertEqual(report.components(separatedBy: "\n")[cursor.y].contains("Compte rendu"), true, "the cursor on the document's title")
    }
}
