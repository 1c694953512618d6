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

    func testEveryKeyIsUsedInTheSources() throws {
        var sources = ""
        let enumerator = FileManager.default.enumerator(atPath: Self.repository.appendingPathComponent("Sources").path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            sources += try String(contentsOf: Self.repository.appendingPathComponent("Sources/\(path)"), encoding: .utf8)
        }
        for key in catalogue(.french).keys.sorted() {
            XCTAssertTrue(sources.contains("\"\(key)\""), "key \(key) is used nowhere in Sources/")
        }
    }
}
