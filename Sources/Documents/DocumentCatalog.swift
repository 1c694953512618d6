import FHIR
import Foundation
import HealthRecord
import L10n

/// The DMP tables of `Resources/dmp/` as the client uses them: which MES category each type and
/// class code files under, and the label of each type in French and English.
public struct DocumentCatalog: Sendable {
    public let categorizer: DocumentCategorizer
    private let typeLabels: [String: (fr: String, en: String)]

    /// The share directory's catalogue, read once (the app opens a library per section and
    /// per space; each read it again).
    public static let standard = DocumentCatalog()

    /// Reads `document-types.tsv`, `class-codes.tsv` and `class-categories.tsv` from the share
    /// directory (`ShareDirectory.locate()` when nil). Missing files give an empty catalogue:
    /// every document is then filed by the category it carries, else under "Autres documents".
    public init(shareDirectory: URL? = ShareDirectory.locate()) {
        func read(_ name: String) -> String {
            guard let url = shareDirectory?.appendingPathComponent("Resources/dmp/\(name)"),
                  let data = FileManager.default.contents(atPath: url.path) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        self.init(documentTypes: read("document-types.tsv"), classCodes: read("class-codes.tsv"),
                  classCategories: read("class-categories.tsv"))
    }

    /// Builds the catalogue from the files' text.
    public init(documentTypes: String, classCodes: String, classCategories: String) {
        let table = DocumentTypeTable(documentTypes: documentTypes, classCodes: classCodes)
        var types: [String: Document.Category] = [:]
        var labels: [String: (fr: String, en: String)] = [:]
        for entry in table.types {
            types[entry.code] = Document.Category(rawValue: entry.category.rawValue)
            labels[entry.code] = (entry.labelFR, entry.labelEN)
        }
        categorizer = DocumentCategorizer(types: types, classes: DocumentCategorizer.classTable(tsv: classCategories))
        typeLabels = labels
    }

    /// The label of a type code in `language`, when the table knows it.
    public func typeLabel(_ code: String, language: Language) -> String? {
        typeLabels[code].map { language == .french ? $0.fr : $0.en }
    }
}
