/// Every kind of record a health space holds. The raw value is stable: it names the record in
/// the vault, in the sync outbox and in change notifications.
public enum RecordKind: String, Codable, Sendable, CaseIterable, Hashable {
    case profile
    case emergencyContact = "emergency-contact"
    case delegation
    case document
    case condition
    case treatment
    case allergy
    case vaccination
    case familyHistory = "family-history"
    case measurement
    case wishes
    case careHistory = "care-history"
    case agendaEvent = "agenda-event"
    case thread
    case message
    case accessGrant = "access-grant"
    case serviceConsent = "service-consent"
    case block
    case auditEntry = "audit-entry"
    case hospitalization
    case disability
    case bloodGroup = "blood-group"
    case lifestyle
}

/// A record that belongs to one profile (one person's space) of the vault.
public protocol ProfileRecord: Codable, Sendable, Equatable, Identifiable where ID == String {
    static var kind: RecordKind { get }
    /// The client-assigned identifier (stable across devices and the server).
    var id: String { get }
    /// The profile whose space holds this record (a profile's own is its `id`).
    var profileID: String { get }
}

/// A code from a terminology: LOINC, TRE_A05, UCUM, HL7 v3, …
public struct CodedConcept: Codable, Sendable, Equatable, Hashable {
    /// The code system's URI or OID (`http://loinc.org`, `urn:oid:1.2.250.1.213.1.1.4.12`, …).
    public var system: String
    public var code: String
    /// A human label, when the source gave one (untrusted text: sanitise before display).
    public var display: String?

    public init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }

    /// Two concepts name the same thing when system and code agree (labels may differ).
    public func sameCode(as other: CodedConcept) -> Bool {
        system == other.system && code == other.code
    }
}

/// Code systems used across the record.
public enum CodeSystem {
    public static let loinc = "http://loinc.org"
    public static let ucum = "http://unitsofmeasure.org"
    /// TRE_A05 TypeDocComplementaire (patient-deposited and other French document types).
    public static let treA05 = "urn:oid:1.2.250.1.213.1.1.4.12"
    /// TRE_A03 ClasseDocument (classCode).
    public static let treA03 = "urn:oid:1.2.250.1.213.1.1.4.1"
    /// TRE_A07 StatutVisibiliteDocument (visibility labels).
    public static let treA07 = "urn:oid:1.2.250.1.213.1.1.4.13"
    /// HL7 v3 Confidentiality.
    public static let confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
    /// TRE_R260 HL7RoleClass (contacts' roles).
    public static let treR260 = "https://mos.esante.gouv.fr/NOS/TRE_R260-HL7RoleClass/FHIR/TRE-R260-HL7RoleClass"
    /// Identifiers of a patient's INS (FR Core).
    public static let insNIR = "urn:oid:1.2.250.1.213.1.4.8"
    public static let insNIA = "urn:oid:1.2.250.1.213.1.4.9"
    public static let insTest = "urn:oid:1.2.250.1.213.1.4.10"
    public static let insDemo = "urn:oid:1.2.250.1.213.1.4.11"
    /// RPPS numbers of health professionals.
    public static let rpps = "urn:oid:1.2.250.1.71.4.2.1"
}
