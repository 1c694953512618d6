import Crypto
import Documents
import FHIR
@testable import Features
@testable import mes
import Foundation
import HealthRecord
import L10n
import TerminalUI
import TestSupport
import Vault
import XCTest

/// The Documents section in the app shell, driven key by key through the virtual terminal.
@MainActor
final class DocumentsScreenTests: XCTestCase {
    var vault: Vault!
    var directory: TemporaryDirectory!

    override func setUp() async throws {
        Localizer.shared.setLanguage(.french)
        directory = try TemporaryDirectory(prefix: "mes-documents-screen")
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("test".utf8)), keyDerivation: .fixed(.minimumForTests))
        try vault.write { session in
            try session.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau"), origin: .remote)
            let report = LabReport(title: "Bilan biologique", issued: "2026-03-01T08:00:00Z", results: [
                .init(loinc: "4548-4", analyte: "Hémoglobine glyquée (HbA1c)", value: 7.4, unit: "%", low: 4.0, high: 6.0),
                .init(loinc: "2823-3", analyte: "Potassium", value: 4.2, unit: "mmol/L", low: 3.5, high: 5.0),
            ]).bundle.resource.serialized()
            let documents = [
                Self.document("bio", "Compte rendu d'examens biologiques", DocumentType.laboratoryReport, .report, daysAgo: 5,
                              format: LabReport.contentType, size: report.count),
                Self.document("ordo", "Ordonnance — traitement chronique", DocumentType.prescriptionOfHealthProducts, .prescription, daysAgo: 10),
                Self.document("echo", "Échographie abdominale", DocumentType.imagingReport, .imaging, daysAgo: 20),
                Self.document("hidden", "À annoncer", DocumentType.imagingReport, .imaging, daysAgo: 1, visibility: [.invisibleToPatient]),
                Self.document("evil", "Piège\u{1B}[2J\u{1B}]0;titre\u{07}", DocumentType.hospitalReport, .report, daysAgo: 30),
            ]
            for document in documents { try session.documents.save(document, origin: .remote) }
            try session.documents.saveContent(DocumentContent(documentID: "bio", bytes: report, extractedText: "HbA1c glyquée"))
            try session.documents.saveContent(DocumentContent(documentID: "ordo", bytes: Array("Metformine 1000 mg".utf8),
                                                              extractedText: "Metformine 1000 mg"))
        }
    }

    override func tearDown() async throws {
        vault.close()
        directory.remove()
    }

    static func document(_ id: String, _ title: String, _ type: CodedConcept, _ kind: DocumentClass, daysAgo: Double,
                         format: String = "text/plain", size: Int = 18, visibility: Set<VisibilityLabel> = []) -> Document {
        Document(id: id, profileID: "helene", title: title, typeCode: type, classCode: kind,
                 author: DocumentAuthor(name: "Dr Amélie Garnier", organization: "Laboratoire du Parc"),
                 creationDate: Date(timeIntervalSinceNow: -daysAgo * 86_400), size: size, sha256: String(repeating: "0", count: 64),
                 format: format, visibility: visibility, origin: .professional)
    }

    func makeRuntime(size: Size = Size(width: 100, height: 30)) -> (Runtime<AppShell>, VirtualTerminal) {
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let terminal = VirtualTerminal(size: size)
        let shell = AppShell(documents: DocumentsServices(library: library, canPrint: false))
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.send(.resized(terminal.size))
        return (runtime, terminal)
    }

    /// Types text, letting the effects of each key run (reads of the vault, searches).
    func type(_ text: String, _ runtime: Runtime<AppShell>) async {
        for character in text { await press(runtime, .character(character)) }
    }

    /// Presses keys, letting the effects of each run before the next.
    func press(_ runtime: Runtime<AppShell>, _ keys: Key...) async {
        for key in keys {
            runtime.send(.key(key))
            await runtime.settle()
        }
    }

    /// Ctrl-X: the vault locks and the screen lets go of what it loaded (here an open reader with
    /// the document's text); after the unlock it loads the list again (issue 21).
    func testLockingDropsWhatTheScreenLoadedAndUnlockingReloadsIt() async throws {
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let terminal = VirtualTerminal(size: Size(width: 100, height: 30))
        let shell = AppShell(documents: DocumentsServices(library: library, canPrint: false), session: SessionControl.forVault(vault))
        let runtime = Runtime(app: shell, backend: terminal)
        runtime.send(.resized(terminal.size))
        await press(runtime, .character("2"), .down, .enter)
        XCTAssertNotNil(try XCTUnwrap(runtime.app.screen as? DocumentsScreen).reader, "a document is open:\n\(terminal.screen.text)")
        await press(runtime, .control("x"))
        XCTAssertTrue(vault.isLocked)
        XCTAssertNil(try XCTUnwrap(runtime.app.screen as? DocumentsScreen).reader, "the open document is gone")
        await type("test", runtime)
        await press(runtime, .enter)
        XCTAssertFalse(vault.isLocked)
        XCTAssertTrue(terminal.screen.contains("4 documents affichés sur 4"), terminal.screen.text)
    }

    func testTheListAt80x24() async throws {
        let (runtime, terminal) = makeRuntime(size: .minimum)
        runtime.send(.key(.character("2")))
        XCTAssertTrue(terminal.screen.contains("Lecture de vos documents…"), "loading is an effect: the first frame says so")
        await runtime.settle()
        assertScreen(terminal.screen, [
            " mes │ Profil : aucun │ Synchro : non connectée │ Coffre : aucun",
            "1 Accueil [2 Docs] 3 Profil 4 Agenda 5 Messages 6 Partage 7 Aidants 8 Réglages",
            "Catégorie : Toutes les catégories (4) · Tri : date décroissant",
            "Ordonnances et soins (1)",
            "▸ \(Self.day(10)) Ordonnance — traitement chronique [nouveau]",
            "Radio, écho, scanner, IRM (1)",
            "  \(Self.day(20)) Échographie abdominale [nouveau]",
            "Résultats de biologie (1)",
            "  \(Self.day(5)) Compte rendu d'examens biologiques [nouveau]",
            "Comptes rendus (1)",
            "  \(Self.day(30)) Piège^[[2J^[]0;titre^G [nouveau]",
            "", "", "", "", "", "", "", "", "", "",
            "Dr Amélie Garnier (Laboratoire du Parc) · 18 octets · 1 sur 4",
            " 4 documents affichés sur 4.",
            " Entrée ouvrir  / chercher  c catégorie  s tri  m masquer  a ajouter  ? aide",
        ])
    }

    static func day(_ daysAgo: Double) -> String { LocalFormat.date(Date(timeIntervalSinceNow: -daysAgo * 86_400)) }

    func testBrowseFilterSearchReadAndMask() async throws {
        let (runtime, terminal) = makeRuntime()
        await press(runtime, .character("2"))
        var screen = terminal.screen
        XCTAssertTrue(screen.contains("Résultats de biologie (1)"), screen.text)
        XCTAssertTrue(screen.contains("Radio, écho, scanner, IRM (1)"), "the invisible document is not counted")
        XCTAssertFalse(screen.contains("À annoncer"), "INVISIBLE_PATIENT never reaches the screen")
        XCTAssertTrue(screen.contains("[nouveau]"))
        XCTAssertTrue(screen.contains("Piège^[[2J^[]0;titre^G"), "escape sequences are shown inert")
        XCTAssertFalse(screen.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })

        // Filter a category through the chooser: "all", then the 12 categories in MES order.
        await press(runtime, .character("c"))
        XCTAssertTrue(terminal.screen.contains("Choisir une catégorie"))
        for _ in 0..<4 { await press(runtime, .down) }
        await press(runtime, .enter)
        screen = terminal.screen
        XCTAssertTrue(screen.contains("Catégorie : Résultats de biologie (1)"), screen.text)
        XCTAssertFalse(screen.contains("Échographie"))

        // Searched within the category: its matches only, drawn.
        await press(runtime, .character("/"))
        await type("examens", runtime)
        screen = terminal.screen
        XCTAssertTrue(screen.contains("Recherche (saisie) : examens"), screen.text)
        XCTAssertTrue(screen.contains("Compte rendu d'examens biologiques"), screen.text)
        await press(runtime, .escape)
        // Back to all, then search as you type.
        await press(runtime, .character("c"), .home, .enter, .character("/"))
        await type("metfor", runtime)
        screen = terminal.screen
        XCTAssertTrue(screen.contains("Recherche (saisie) : metfor"), screen.text)
        XCTAssertTrue(screen.contains("Ordonnance — traitement chronique"))
        XCTAssertFalse(screen.contains("Échographie abdominale"))
        XCTAssertTrue(screen.contains("[Metformine]"), "the snippet marks the match with brackets")
        // Enter leaves the typing for the results, said on screen; letters are commands again.
        await press(runtime, .enter)
        XCTAssertTrue(terminal.screen.contains("Résultats de « metfor » : 1 document"), terminal.screen.text)
        await press(runtime, .escape)
        XCTAssertTrue(terminal.screen.contains("Échographie abdominale"))

        // Open the lab report (the last row: categories come in MES order): a table, the
        // out-of-range value flagged in words.
        await press(runtime, .end, .up, .enter)
        screen = terminal.screen
        XCTAssertTrue(screen.contains("Hémoglobine glyquée (HbA1c)"), screen.text)
        let flagged = try XCTUnwrap(screen.lines.first { $0.contains("7,4") })
        XCTAssertTrue(flagged.contains("▲ élevé") && flagged.contains("4 – 6"), flagged)
        XCTAssertFalse(try XCTUnwrap(screen.lines.first { $0.contains("4,2") }).contains("élevé"))
        await press(runtime, .escape)
        XCTAssertFalse(terminal.screen.lines.first { $0.contains("Compte rendu d'examens") }?.contains("[nouveau]") ?? true,
                       "opened: no longer new")

        // Mask the selected document: the mark shows, the change is queued for the server.
        await press(runtime, .character("m"))
        screen = terminal.screen
        XCTAssertTrue(try XCTUnwrap(screen.lines.first { $0.contains("Compte rendu d'examens") }).contains("masqué"), screen.text)
        XCTAssertTrue(runtime.app.announcement?.contains("Son auteur et votre médecin traitant peuvent toujours le voir.") ?? false)
        XCTAssertEqual(try vault.read { try $0.outbox.pending().map(\.recordID) }, ["bio"])
        XCTAssertTrue(try vault.read { try $0.documents.find("bio")?.isMaskedFromProfessionals } ?? false)

        // A professional's document cannot be deleted.
        await press(runtime, .character("d"))
        XCTAssertTrue(runtime.app.announcement?.contains("vous pouvez le masquer, pas le supprimer") ?? false)
    }

    func testTenThousandDocumentsDrawOnlyWhatFits() async throws {
        try vault.write { session in
            for number in 0..<10_000 {
                try session.documents.save(Self.document("syn-\(number)", "Document synthétique n° \(number)", DocumentType.imagingReport,
                                                         .imaging, daysAgo: Double(number % 3650)), origin: .remote)
            }
        }
        let (runtime, terminal) = makeRuntime()
        await press(runtime, .character("2"))
        XCTAssertTrue(terminal.screen.contains("Radio, écho, scanner, IRM (10001)"), terminal.screen.text)
        await press(runtime, .end)
        XCTAssertTrue(terminal.screen.contains("Document synthétique"), "the last rows are drawn")
        XCTAssertTrue(terminal.screen.lines[27].hasSuffix("10\u{202F}004 sur 10\u{202F}004"), "the rank among the documents shown: \(terminal.screen.lines[27])")
        await press(runtime, .character("s"))
        XCTAssertTrue(terminal.screen.contains("Tri : titre croissant"))
    }

    /// The list reads one page around the selection (issue 20): at every depth, after paging,
    /// jumping to the end and back, under another order and a search, the rows drawn are the
    /// rows of the whole list at that place, in order, and the rank is right.
    func testDeepScrollPositionsShowTheWholeListsRows() async throws {
        let types: [(CodedConcept, DocumentClass)] = [(DocumentType.imagingReport, .imaging), (DocumentType.laboratoryReport, .report),
                                                       (DocumentType.prescriptionOfHealthProducts, .prescription)]
        try vault.write { session in
            try session.documents.delete("evil", origin: .remote)  // its title is drawn sanitised
            for number in 0..<2_000 {
                let (type, kind) = types[number % types.count]
                try session.documents.save(Self.document("deep-\(number)", "Pièce n° \(number)\(number % 4 == 0 ? " tension" : "")", type, kind,
                                                         daysAgo: Double((number * 37) % 900) + 40), origin: .remote)
            }
        }
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let (runtime, terminal) = makeRuntime(size: Size(width: 100, height: 30))

        /// The whole list, as the in-memory listing orders it, grouped in MES order: titles.
        func whole(_ sort: DocumentSort, search: String? = nil) throws -> [String] {
            let filter = DocumentFilter(searchResults: try search.map { try library.matchingIDs($0) })
            let listing = DocumentListing(try library.summaries(), filter: filter, sort: sort)
            return Document.Category.allCases.flatMap { category in listing.rows.filter { $0.category == category }.map(\.title) }
        }
        /// The drawn document rows are consecutive rows of `expected`, and the selected one is at the rank shown.
        func check(_ expected: [String], _ step: String) throws {
            let lines = terminal.screen.lines
            let rows = lines.compactMap { line -> (title: String, selected: Bool)? in
                guard line.hasPrefix("  ") || line.hasPrefix("▸ "), line.count > 13 else { return nil }
                let title = String(line.dropFirst(13)).replacingOccurrences(of: " [nouveau]", with: "")
                    .trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ↓", with: "").replacingOccurrences(of: " ↑", with: "")
                return (title.trimmingCharacters(in: .whitespaces), line.hasPrefix("▸"))
            }
            XCTAssertGreaterThan(rows.count, 10, "\(step): rows drawn\n\(terminal.screen.text)")
            let indices = try rows.map { row in try XCTUnwrap(expected.firstIndex(of: row.title), "\(step): \(row.title) is in the list") }
            XCTAssertEqual(indices, Array(indices[0]..<(indices[0] + indices.count)), "\(step): consecutive rows of the whole list\n\(terminal.screen.text)")
            let selected = try XCTUnwrap(rows.firstIndex { $0.selected }, step)
            let rank = try XCTUnwrap(lines.first { $0.contains(" sur \(LocalFormat.decimal(Double(expected.count)))") }, step)
            XCTAssertTrue(rank.contains("\(LocalFormat.decimal(Double(indices[selected] + 1))) sur "), "\(step): \(rank)")
        }

        await press(runtime, .character("2"))
        let byDate = try whole(DocumentSort())
        XCTAssertEqual(byDate.count, 2_003)
        try check(byDate, "first frame")
        for page in 1...60 {
            await press(runtime, .pageDown)
            if page % 12 == 0 { try check(byDate, "page \(page)") }
        }
        await press(runtime, .end)
        try check(byDate, "end")
        for _ in 0..<25 { await press(runtime, .up) }
        try check(byDate, "end, 25 up")
        await press(runtime, .home)
        try check(byDate, "home")
        // Another order, deep: titles from A to Z.
        await press(runtime, .character("s"))
        for _ in 0..<30 { await press(runtime, .pageDown) }
        try check(try whole(DocumentSort(key: .title)), "by title, 30 pages down")
        // A search, deep in its results.
        await press(runtime, .character("/"))
        await type("tension", runtime)
        await press(runtime, .enter)
        for _ in 0..<20 { await press(runtime, .pageDown) }
        try check(try whole(DocumentSort(key: .title), search: "tension"), "search, 20 pages down")
    }
}
