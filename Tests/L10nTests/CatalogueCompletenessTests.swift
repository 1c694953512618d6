import Foundation
import L10n
import XCTest

/// The catalogues are complete: every key in every language, non-empty, and used somewhere.
final class CatalogueCompletenessTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func catalogue(_ language: Language) -> POCatalogue {
        Localizer.loadCatalogue(in: Self.repository.appendingPathComponent("Localization/\(language.rawValue)"))
    }

    func testEveryLanguageHasEveryKeyAndNoneIsEmpty() {
        let all = Language.allCases.map { ($0, catalogue($0)) }
        let union = Set(all.flatMap { $0.1.keys })
        XCTAssertFalse(union.isEmpty, "no catalogue found")
        for (language, catalogue) in all {
            for key in union.sorted() {
                guard let entry = catalogue[key] else {
                    XCTFail("\(language.rawValue): key \(key) is missing")
                    continue
                }
                XCTAssertFalse(entry.forms.isEmpty || entry.forms.contains(where: \.isEmpty),
                               "\(language.rawValue): key \(key) has an empty translation")
            }
        }
    }

    /// A count is said with the plural form its number takes ("1 document", "3 documents"), not
    /// with "document(s)": the catalogues have plural entries for that.
    func testNoTextHedgesItsPluralWithParentheses() {
        for language in Language.allCases {
            let catalogue = catalogue(language)
            for key in catalogue.keys.sorted() {
                for form in catalogue[key]?.forms ?? [] where form.contains("(s)") || form.contains("(x)") {
                    XCTFail("\(language.rawValue): \(key) says « \(form) »: make it a plural entry")
                }
            }
        }
    }

    func testPluralEntriesHaveEveryForm() {
        for language in Language.allCases {
            for (key, entry) in catalogue(language).entries where entry.pluralKey != nil {
                XCTAssertEqual(entry.forms.count, 2, "\(language.rawValue): \(key) needs both plural forms")
            }
        }
    }

    func testPluralFormsHeaderMatchesTheBuiltInRule() {
        for language in Language.allCases {
            XCTAssertEqual(catalogue(language).pluralFormsHeader, language.pluralFormsHeader, language.rawValue)
        }
    }

    /// Every Swift source file's text, concatenated.
    func allSources() throws -> String {
        var sources = ""
        let enumerator = FileManager.default.enumerator(atPath: Self.repository.appendingPathComponent("Sources").path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            sources += try String(contentsOf: Self.repository.appendingPathComponent("Sources/\(path)"), encoding: .utf8)
        }
        return sources
    }

    func testEveryKeyTheSourcesAskForExists() throws {
        let sources = try allSources()
        let catalogue = catalogue(.french)
        let pattern = try NSRegularExpression(pattern: #"\btr(?:Plural)?\("([A-Za-z0-9_.-]+)""#)
        let range = NSRange(sources.startIndex..., in: sources)
        let asked = Set(pattern.matches(in: sources, range: range).compactMap { match in
            Range(match.range(at: 1), in: sources).map { String(sources[$0]) }
        })
        XCTAssertFalse(asked.isEmpty)
        for key in asked.sorted() {
            XCTAssertNotNil(catalogue[key], "Sources/ asks for \(key), which no catalogue defines")
        }
    }

    func testEveryKeyIsUsedInTheSources() throws {
        let sources = try allSources()
        for key in catalogue(.french).keys.sorted() {
            XCTAssertTrue(sources.contains("\"\(key)\""), "key \(key) is used nowhere in Sources/")
        }
    }
}
