import HealthRecord

/// The DMP code tables of `Resources/dmp/`: document types (LOINC, TRE_A05) with the MES
/// category users see, and document classes (TRE_A03), each with French and English labels.
/// Parsed from the tab-separated files; the caller finds them (`ShareDirectory`).
public struct DocumentTypeTable: Sendable {
    public struct Entry: Sendable, Equatable {
        public var system: String
        public var code: String
        public var category: DocumentCategory
        public var labelFR: String
        public var labelEN: String
    }

    public private(set) var types: [Entry] = []
    /// Class code → (French, English).
    public private(set) var classes: [String: (fr: String, en: String)] = [:]

    /// Parses `document-types.tsv` and `class-codes.tsv`; lines starting with `#` are comments,
    /// malformed lines are skipped.
    public init(documentTypes: String, classCodes: String) {
        for columns in Self.rows(documentTypes) where columns.count == 5 {
            let system = columns[0] == "loinc" ? CodeSystem.loinc : CodeSystem.documentTypeFR
            guard let category = DocumentCategory(rawValue: columns[2]) else { continue }
            types.append(Entry(system: system, code: columns[1], category: category, labelFR: columns[3], labelEN: columns[4]))
        }
        for columns in Self.rows(classCodes) where columns.count == 3 {
            classes[columns[0]] = (columns[1], columns[2])
        }
    }

    /// The entry of a document type (the system may be omitted).
    public func type(system: String?, code: String) -> Entry? {
        types.first { $0.code == code && (system == nil || $0.system == system) }
    }

    private static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}
