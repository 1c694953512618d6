import Foundation

/// A document of the *dossier médical* with its DMP metadata (`DocumentReference`). Its content
/// is a `DocumentContent`, stored and fetched separately.
public struct Document: ProfileRecord, Hashable {
    public static let kind = RecordKind.document

    /// Who deposited the document.
    public enum Origin: String, Codable, Sendable, CaseIterable {
        case professional, patient
    }

    public var id: String
    public var profileID: String
    public var title: String
    /// typeCode: LOINC (`60591-5` synthèse médicale, …) or TRE_A05 (`DOCPAT01`, `EXPPAT_1`, …).
    public var typeCode: CodedConcept
    /// classCode (TRE_A03).
    public var classCode: DocumentClass
    /// The MES category the document is filed under, when its source said so (the server's
    /// `urn:mes:document-category`, the user's choice on import); else `DocumentCategorizer`
    /// derives it from the type and class codes.
    public var category: Category?
    public var author: DocumentAuthor
    /// When the document was written (`DocumentReference.date` / creationTime).
    public var creationDate: Date
    /// The period of care it covers (serviceStartTime/serviceStopTime).
    public var serviceStart: Date?
    public var serviceEnd: Date?
    /// Size of the content in bytes and its SHA-256 (lower-case hex), as the server announced.
    public var size: Int
    public var sha256: String
    /// MIME type of the content (`application/pdf`, `image/jpeg`, `text/plain`, …).
    public var format: String
    public var confidentiality: Confidentiality
    public var visibility: Set<VisibilityLabel>
    /// A free note the holder added.
    public var note: String?
    public var origin: Origin
    public var isRead: Bool

    public init(id: String, profileID: String, title: String, typeCode: CodedConcept, classCode: DocumentClass,
                author: DocumentAuthor, creationDate: Date, serviceStart: Date? = nil, serviceEnd: Date? = nil,
                size: Int, sha256: String, format: String, confidentiality: Confidentiality = .normal,
                visibility: Set<VisibilityLabel> = [], note: String? = nil, origin: Origin, isRead: Bool = false,
                category: Category? = nil) {
        self.id = id
        self.profileID = profileID
        self.title = title
        self.typeCode = typeCode
        self.classCode = classCode
        self.author = author
        self.creationDate = creationDate
        self.serviceStart = serviceStart
        self.serviceEnd = serviceEnd
        self.size = size
        self.sha256 = sha256
        self.format = format
        self.confidentiality = confidentiality
        self.visibility = visibility
        self.note = note
        self.origin = origin
        self.isRead = isRead
        self.category = category
    }

    /// Masked from health professionals (MASQUE_PS).
    public var isMaskedFromProfessionals: Bool { visibility.contains(.maskedFromProfessionals) }

    /// Who may see the document, as the DMP rules put it (the server enforces them; the client
    /// uses this to explain what it shows).
    public func isVisible(to viewer: Viewer) -> Bool {
        Self.isVisible(visibility: visibility, authorRPPS: author.rpps, to: viewer)
    }

    /// The same rule for a document known only by its labels and its author's RPPS.
    public static func isVisible(visibility: Set<VisibilityLabel>, authorRPPS: String?, to viewer: Viewer) -> Bool {
        let masked = visibility.contains(.maskedFromProfessionals)
        return switch viewer {
        case .patient: !visibility.contains(.invisibleToPatient)
        case .legalRepresentative: !visibility.contains(.invisibleToPatient) && !visibility.contains(.invisibleToLegalRepresentatives)
        case .generalPractitioner: true  // the médecin traitant sees masked documents too
        case .professional(let rpps): !masked || (rpps != nil && rpps == authorRPPS)
        case .socialCareProfessional: !visibility.contains(.maskedFromSocialCare) && !masked
        }
    }

    /// Who looks at a document.
    public enum Viewer: Sendable, Equatable {
        case patient
        case legalRepresentative
        case generalPractitioner
        /// A health professional, with their RPPS when known (an author keeps access).
        case professional(rpps: String?)
        case socialCareProfessional
    }

    /// Checks received content against the announced size and hash.
    public func matches(contentSize: Int, sha256 hash: String) -> Bool {
        contentSize == size && hash.lowercased() == sha256.lowercased()
    }
}

/// The author of a document: a professional (with organisation and RPPS) or the patient.
public struct DocumentAuthor: Codable, Sendable, Hashable {
    public var name: String
    public var organization: String?
    public var rpps: String?

    public init(name: String, organization: String? = nil, rpps: String? = nil) {
        self.name = name
        self.organization = organization
        self.rpps = rpps
    }
}

/// classCode values (TRE_A03 / JDV_J57).
public enum DocumentClass: String, Codable, Sendable, CaseIterable {
    case report = "10"
    case synthesis = "11"
    case imaging = "31"
    case prescription = "42"
    case dispensation = "43"
    case carePlan = "44"
    case administeredTreatment = "45"
    case certificate = "52"
    case reimbursement = "60"
    case patientDeposited = "90"
    case management = "95"

    public var concept: CodedConcept { CodedConcept(system: CodeSystem.treA03, code: rawValue) }
}

/// HL7 v3 Confidentiality codes.
public enum Confidentiality: String, Codable, Sendable, CaseIterable {
    case low = "L"
    case moderate = "M"
    case normal = "N"
    case restricted = "R"
    case veryRestricted = "V"
}

/// Visibility labels (TRE_A07 StatutVisibiliteDocument).
public enum VisibilityLabel: String, Codable, Sendable, CaseIterable, Hashable {
    case maskedFromProfessionals = "MASQUE_PS"
    case invisibleToPatient = "INVISIBLE_PATIENT"
    case invisibleToLegalRepresentatives = "INVISIBLE_REPRESENTANTS_LEGAUX"
    case maskedFromSocialCare = "MASQUE_PSOCIAL"
    case maskedFromThirdPersons = "MASQUE_PT"
}

/// The bytes of a document and the text extracted from it for search.
public struct DocumentContent: Sendable, Equatable {
    public var documentID: String
    public var bytes: [UInt8]
    /// Plain text extracted from the content (for full-text search), when any.
    public var extractedText: String?

    /// The most a document may weigh (MES attachments: 5 MB).
    public static let maximumSize = 5 * 1024 * 1024

    public init(documentID: String, bytes: [UInt8], extractedText: String? = nil) {
        self.documentID = documentID
        self.bytes = bytes
        self.extractedText = extractedText
    }
}

/// Well-known document type codes (DESIGN.md §13).
public enum DocumentType {
    public static let medicalSynthesis = CodedConcept(system: CodeSystem.loinc, code: "60591-5", display: "Synthèse médicale")
    public static let prescriptionOfHealthProducts = CodedConcept(system: CodeSystem.loinc, code: "57833-6", display: "Prescription de produits de santé")
    public static let prescriptionOfCare = CodedConcept(system: CodeSystem.loinc, code: "57832-8", display: "Prescription de soins")
    public static let laboratoryReport = CodedConcept(system: CodeSystem.loinc, code: "11502-2", display: "CR d'examens biologiques")
    public static let imagingReport = CodedConcept(system: CodeSystem.loinc, code: "18748-4", display: "CR d'imagerie médicale")
    public static let dischargeLetter = CodedConcept(system: CodeSystem.loinc, code: "11490-0", display: "Lettre de liaison à la sortie")
    public static let hospitalReport = CodedConcept(system: CodeSystem.loinc, code: "34112-3", display: "CR hospitalier (séjour)")
    public static let vaccinationHistory = CodedConcept(system: CodeSystem.loinc, code: "11369-6", display: "Historique des vaccinations")
    public static let vaccinationNote = CodedConcept(system: CodeSystem.loinc, code: "87273-9", display: "Note de vaccination")
    public static let advanceDirectives = CodedConcept(system: CodeSystem.treA05, code: "EXPPAT_3", display: "Directives anticipées")
    /// The synthèse of the profil médical the holder saves (TRE_A05, valid since 2021-09-24).
    public static let profileSynthesis = CodedConcept(system: CodeSystem.treA05, code: "DOCPAT08", display: "Profil médical Mon espace santé")
    public static let wishesAndRights = CodedConcept(system: CodeSystem.treA05, code: "EXPPAT_1", display: "Volontés et droits")

    /// A document the patient deposited: `DOCPAT01`…`DOCPAT09`.
    public static func patientDeposited(_ number: Int) -> CodedConcept? {
        guard (1...9).contains(number) else { return nil }
        return CodedConcept(system: CodeSystem.treA05, code: String(format: "DOCPAT%02d", number))
    }
}
