import L10n
import XCTest

final class LocalizerTests: XCTestCase {
    let po = """
        # comment
        msgid ""
        msgstr ""
        "Plural-Forms: nplurals=2; plural=(n > 1);\\n"

        msgid "greeting"
        msgstr "Bonjour {name}"

        msgid "documents.count"
        msgid_plural "documents.count"
        msgstr[0] "{count} document"
        msgstr[1] "{count} documents"

        msgid "multi"
        msgstr ""
        "ligne un\\n"
        "ligne \\"deux\\""
        """

    func testParsesEntriesPluralsHeaderAndContinuations() throws {
        let catalogue = try POCatalogue(parsing: po)
        XCTAssertEqual(catalogue["greeting"]?.forms, ["Bonjour {name}"])
        XCTAssertEqual(catalogue["documents.count"]?.forms, ["{count} document", "{count} documents"])
        XCTAssertEqual(catalogue["multi"]?.forms, ["ligne un\nligne \"deux\""])
        XCTAssertEqual(catalogue.pluralFormsHeader, "nplurals=2; plural=(n > 1);")
    }

    func testRejectsMalformedCatalogues() {
        XCTAssertThrowsError(try POCatalogue(parsing: "msgid \"a\"\nmsgstr \"b"))
        XCTAssertThrowsError(try POCatalogue(parsing: "bogus \"a\""))
        XCTAssertThrowsError(try POCatalogue(parsing: "msgid \"a\\q\""))
    }

    func testFrenchPluralTreatsZeroAndOneAsSingular() throws {
        let french = try POCatalogue(parsing: po)
        let english = try POCatalogue(parsing: """
            msgid "documents.count"
            msgid_plural "documents.count"
            msgstr[0] "{count} document"
            msgstr[1] "{count} documents"
            """)
        let localizer = Localizer(catalogues: [.french: french, .english: english])
        XCTAssertEqual(localizer.plural("documents.count", count: 0), "0 document")
        XCTAssertEqual(localizer.plural("documents.count", count: 1), "1 document")
        XCTAssertEqual(localizer.plural("documents.count", count: 2), "2 documents")
        localizer.setLanguage(.english)
        XCTAssertEqual(localizer.plural("documents.count", count: 0), "0 documents")
        XCTAssertEqual(localizer.plural("documents.count", count: 1), "1 document")
    }

    func testSubstitutesAndFallsBackToFrenchThenToTheKey() throws {
        let localizer = Localizer(catalogues: [.french: try POCatalogue(parsing: po), .english: POCatalogue()], language: .english)
        XCTAssertEqual(localizer.text("greeting", ["name": "Léa"]), "Bonjour Léa")
        XCTAssertEqual(localizer.text("no.such.key"), "no.such.key")
    }

    func testLanguageFromEnvironment() {
        XCTAssertEqual(Language.fromEnvironment([:]), .french)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "en_US.UTF-8"]), .english)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "en_US.UTF-8", "LC_ALL": "fr_FR.UTF-8"]), .french)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "de_DE.UTF-8"]), .french)
        XCTAssertEqual(Language.fromEnvironment(["LANG": "C.UTF-8"]), .french)
    }
}
