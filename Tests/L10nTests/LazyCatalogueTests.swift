import Foundation
import L10n
import XCTest

/// The catalogues are read as they are needed (issue 20, start time): a start in one language
/// reads that language's files only, and a switch at run time reads the other then. The byte
/// parser reads every catalogue of the repository exactly as the character-by-character
/// reading it replaced did (kept here as the reference).
final class LazyCatalogueTests: XCTestCase {
    static let repository = CatalogueCompletenessTests.repository

    func testAStartInFrenchReadsFrenchOnlyAndASwitchReadsEnglishThen() {
        let localizer = Localizer(loadingFrom: Self.repository, language: .french)
        XCTAssertEqual(localizer.loadedLanguages, [])
        XCTAssertEqual(localizer.text("documents.category.all"), "Toutes les catégories")
        XCTAssertEqual(localizer.loadedLanguages, [.french])
        localizer.setLanguage(.english)
        XCTAssertEqual(localizer.text("documents.category.all"), "All categories")
        XCTAssertEqual(localizer.plural("documents.count", count: 2), "2 documents")
        XCTAssertEqual(localizer.loadedLanguages, [.french, .english])
        localizer.setLanguage(.french)
        XCTAssertEqual(localizer.text("documents.category.all"), "Toutes les catégories")
    }

    func testAStartInEnglishDoesNotReadFrenchWhileNoKeyIsMissing() {
        let localizer = Localizer(loadingFrom: Self.repository, language: .english)
        XCTAssertEqual(localizer.text("documents.category.all"), "All categories")
        XCTAssertEqual(localizer.loadedLanguages, [.english])
        // A key missing from English falls back to French, read then.
        XCTAssertEqual(localizer.text("no.such.key"), "no.such.key")
        XCTAssertEqual(localizer.loadedLanguages, [.french, .english])
    }

    func testLazyCataloguesHoldEveryKeyOfEveryFile() {
        let localizer = Localizer(loadingFrom: Self.repository)
        for language in Language.allCases {
            let folder = Self.repository.appendingPathComponent("Localization/\(language.rawValue)")
            let whole = Localizer.loadCatalogue(in: folder)
            XCTAssertGreaterThan(whole.keys.count, 500, language.rawValue)
            XCTAssertEqual(localizer.catalogue(for: language), whole, language.rawValue)
            for key in whole.keys {
                guard let form = whole[key]?.forms.first, !form.isEmpty else { continue }
                XCTAssertEqual(localizer.text(key, language: language), form, "\(language.rawValue): \(key)")
            }
        }
    }

    func testTheByteParserReadsEveryCatalogueAsTheCharacterParserDid() throws {
        for language in Language.allCases {
            let folder = Self.repository.appendingPathComponent("Localization/\(language.rawValue)")
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".po") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                let parsed = try POCatalogue(parsing: text)
                let reference = try ReferencePO.parse(text)
                XCTAssertEqual(Set(parsed.keys), Set(reference.entries.keys), file)
                for (key, entry) in reference.entries {
                    XCTAssertEqual(parsed[key]?.forms, entry.forms, "\(file): \(key)")
                    XCTAssertEqual(parsed[key]?.pluralKey, entry.pluralKey, "\(file): \(key)")
                }
                XCTAssertEqual(parsed.pluralFormsHeader, reference.header, file)
            }
        }
    }

    func testTheByteParserKeepsTheRulesOfTheSyntax() throws {
        let samples = [
            "msgid \"a\"\nmsgstr \"b\"",
            "  msgid   \"a\"  \n\tmsgstr \"é\\t\\\"x\\\"\\\\\"\n\"suite\\n\"\n",
            "msgctxt \"c\"\nmsgid \"k\"\nmsgstr \"v\"\n# comment\n\nmsgid \"k2\"\nmsgid_plural \"k2s\"\nmsgstr[0] \"un\"\nmsgstr[1] \"deux\"",
            "msgid \"\"\nmsgstr \"\"\n\"Project: x\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\nmsgid \"k\"\nmsgstr \"v\"",
            "msgid \"a\"\r\nmsgstr \"b\"\r\n",
        ]
        for sample in samples {
            let parsed = try POCatalogue(parsing: sample)
            let reference = try ReferencePO.parse(sample.replacingOccurrences(of: "\r\n", with: "\n"))
            XCTAssertEqual(Set(parsed.keys), Set(reference.entries.keys), sample)
            for (key, entry) in reference.entries { XCTAssertEqual(parsed[key]?.forms, entry.forms, sample) }
            XCTAssertEqual(parsed.pluralFormsHeader, reference.header, sample)
        }
        let failures: [(String, String)] = [
            ("msgid \"a\"\nmsgstr \"b", "line 2: expected a quoted string"),
            ("bogus \"a\"", "line 1: unknown keyword bogus"),
            ("msgid \"a\\q\"", "line 1: unknown escape \\q"),
            ("msgid \"a\\é\"", "line 1: unknown escape \\é"),
            ("msgid \"a\\\"", "line 1: string ends with a backslash"),
            ("msgid \"a\"\nmsgstr \"b\\\\\\\"", "line 2: string ends with a backslash"),
            ("\"orphan\"", "line 1: string outside an entry"),
            ("msgid", "line 1: expected a keyword and a string"),
            ("msgstr[x] \"a\"", "line 1: unknown keyword msgstr[x]"),
        ]
        for (text, message) in failures {
            XCTAssertThrowsError(try POCatalogue(parsing: text), text) { error in
                XCTAssertEqual((error as? POCatalogue.ParseError)?.description, message, text)
            }
        }
    }
}

/// The PO reading the byte parser replaced: Swift `Character`s, one line at a time.
private enum ReferencePO {
    struct Entry { var forms: [String]; var pluralKey: String? }
    struct Failure: Error { var reason: String }

    static func parse(_ text: String) throws -> (entries: [String: Entry], header: String?) {
        var entries: [String: Entry] = [:]
        var header: String?
        var key: String?, pluralKey: String?
        var forms: [Int: String] = [:]
        var field: (name: String, index: Int?)?
        func flush() {
            guard let currentKey = key else { return }
            if currentKey.isEmpty {
                for line in (forms[0] ?? "").split(separator: "\n") where line.hasPrefix("Plural-Forms:") {
                    header = trim(line.dropFirst("Plural-Forms:".count))
                }
            } else {
                entries[currentKey] = Entry(forms: forms.keys.sorted().map { forms[$0]! }, pluralKey: pluralKey)
            }
            key = nil; pluralKey = nil; forms = [:]; field = nil
        }
        func append(_ value: String) {
            switch field?.name {
            case "msgid": key = (key ?? "") + value
            case "msgid_plural": pluralKey = (pluralKey ?? "") + value
            case "msgstr": forms[field?.index ?? 0, default: ""] += value
            default: break
            }
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = trim(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("\"") { append(try unquote(line)); continue }
            guard let space = line.firstIndex(of: " ") else { throw Failure(reason: "keyword") }
            let keyword = String(line[..<space])
            let value = try unquote(trim(line[line.index(after: space)...]))
            switch keyword {
            case "msgctxt": flush(); field = ("msgctxt", nil)
            case "msgid": if field?.name != "msgctxt" { flush() }; key = ""; field = ("msgid", nil)
            case "msgid_plural": pluralKey = ""; field = ("msgid_plural", nil)
            case "msgstr": field = ("msgstr", 0); forms[0] = ""
            default:
                guard let index = Int(keyword.dropFirst(7).dropLast()) else { throw Failure(reason: keyword) }
                field = ("msgstr", index); forms[index] = ""
            }
            append(value)
        }
        flush()
        return (entries, header)
    }

    static func trim(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }

    static func trim(_ text: String) -> String { trim(Substring(text)) }

    static func unquote(_ text: String) throws -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { throw Failure(reason: "quote") }
        var result = "", escaping = false
        for character in text.dropFirst().dropLast() {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                default: throw Failure(reason: "escape")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
