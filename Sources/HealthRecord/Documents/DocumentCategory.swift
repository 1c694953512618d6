import Foundation

extension Document {
    /// The twelve categories MES shows users (DESIGN.md §13), in the order MES lists them. The
    /// raw values are the codes of `urn:mes:document-category` on the wire.
    public enum Category: String, Codable, Sendable, CaseIterable, Hashable {
        case summary = "resume"                 // Ma santé en résumé
        case prescriptions = "ordonnances"      // Ordonnances et soins
        case imaging = "imagerie"               // Radio, écho, scanner, IRM
        case laboratory = "biologie"            // Résultats de biologie
        case reports = "comptes-rendus"         // Comptes rendus
        case prevention = "prevention"          // Prévention et dépistages
        case certificates = "certificats"       // Certificats médicaux
        case administrative = "administratif"   // Pièces administratives
        case advanceDirectives = "directives"   // Directives anticipées
        case medicalSummary = "synthese"        // Synthèse médicale
        case questionnaire = "questionnaire"    // Questionnaire santé
        case other = "autres"                   // Autres documents

        /// The type and class a document the patient deposits under this category carries
        /// (TRE_A05 `DOCPAT..`/`EXPPAT_3`, LOINC for the questionnaire). The category itself is
        /// also stored, since several categories share a type (`DOCPAT03`).
        public var patientDepositedType: (type: CodedConcept, class: DocumentClass) {
            switch self {
            case .summary: (Self.docpat(8), .patientDeposited)
            case .prescriptions: (Self.docpat(2), .patientDeposited)
            case .imaging: (Self.docpat(4), .patientDeposited)
            case .laboratory: (Self.docpat(5), .patientDeposited)
            case .reports: (Self.docpat(3), .patientDeposited)
            case .prevention: (Self.docpat(6), .patientDeposited)
            case .certificates: (Self.docpat(7), .certificate)
            case .administrative: (Self.docpat(9), .management)
            case .advanceDirectives: (DocumentType.advanceDirectives, .patientDeposited)
            case .medicalSummary: (Self.docpat(1), .patientDeposited)
            case .questionnaire: (CodedConcept(system: CodeSystem.loinc, code: "74465-6"), .patientDeposited)
            case .other: (Self.docpat(3), .patientDeposited)
            }
        }

        private static func docpat(_ number: Int) -> CodedConcept {
            DocumentType.patientDeposited(number)!
        }
    }
}

/// Files documents under the MES categories: the category the document carries, else the one
/// of its type code, else the one of its class code, else "Autres documents". The tables come
/// from `Resources/dmp/` (document types and class fallbacks).
public struct DocumentCategorizer: Sendable {
    private let byType: [String: Document.Category]
    private let byClass: [String: Document.Category]

    /// `types`: type code (LOINC or TRE_A05) → category; `classes`: class code → category.
    public init(types: [String: Document.Category], classes: [String: Document.Category]) {
        byType = types
        byClass = classes
    }

    public func category(of document: Document) -> Document.Category {
        category(explicit: document.category, typeCode: document.typeCode.code, classCode: document.classCode.rawValue)
    }

    public func category(explicit: Document.Category?, typeCode: String, classCode: String) -> Document.Category {
        explicit ?? byType[typeCode] ?? byClass[classCode] ?? .other
    }

    /// Names the tables (FNV-1a over their sorted entries): two categorizers with the same
    /// fingerprint file every document alike, so categories stored by one stay right for the other.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for entry in byType.map({ "t\($0.key)=\($0.value.rawValue)" }).sorted() + byClass.map({ "c\($0.key)=\($0.value.rawValue)" }).sorted() {
            for byte in entry.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }

    /// Parses `class-categories.tsv` (class code, category code; `#` starts a comment).
    public static func classTable(tsv text: String) -> [String: Document.Category] {
        var table: [String: Document.Category] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard columns.count >= 2, let category = Document.Category(rawValue: columns[1]) else { continue }
            table[columns[0]] = category
        }
        return table
    }
}
