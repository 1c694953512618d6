import HealthRecord

/// The code systems the wire adds to the domain's (LOINC, UCUM, HL7 Confidentiality live in
/// HealthRecord's `CodeSystem`): HL7, the ANS NOS terminologies' FHIR URLs, and our own under `urn:mes:`.
extension CodeSystem {
    public static let snomed = "http://snomed.info/sct"
    /// TRE_A07 StatutVisibiliteDocument (OID 1.2.250.1.213.1.1.4.13): DMP visibility codes.
    public static let visibility = "https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument"
    /// The same system named by its OID, as XDS metadata carries it (accepted on input).
    public static let visibilityOID = "urn:oid:1.2.250.1.213.1.1.4.13"
    /// TRE_A03 ClasseDocument: the document class (JDV_J57 classCode).
    public static let documentClass = "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"
    /// TRE_A05 TypeDocComplementaire: document types that are not LOINC (`DOCPAT01`, `EXPPAT_1`, …).
    public static let documentTypeFR = "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire"
    /// TRE_R260 HL7RoleClass (contact roles: `QUAL`, `ECON`, `GUARD`, `CAREGIVER`).
    public static let contactRole = "https://mos.esante.gouv.fr/NOS/TRE_R260-HL7RoleClass/FHIR/TRE-R260-HL7RoleClass"
    /// FHIR consent scopes and categories.
    public static let consentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
    public static let auditEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type"
    public static let auditEventAction = "http://hl7.org/fhir/audit-event-action"
    public static let communicationCategory = "http://terminology.hl7.org/CodeSystem/communication-category"
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"

    /// The twelve categories MES shows users (`DocumentCategory`).
    public static let mesDocumentCategory = "urn:mes:document-category"
    /// The rubriques of the space an access grant or delegation covers (`Section`).
    public static let mesRubrique = "urn:mes:rubrique"
    /// The kinds of `Consent` the server manages (access grant, block, oppositions, delegation).
    public static let mesConsentKind = "urn:mes:consent-kind"
    /// The categories of `Communication`: `message` (a thread) or `notification`.
    public static let mesCommunicationKind = "urn:mes:communication-kind"
    /// Account identifiers (the patient's login identifier).
    public static let mesAccount = "urn:mes:account"
}

/// Identifier systems.
public enum IdentifierSystem {
    /// INS-NIR (a real NIR): never used by the demo.
    public static let insNIR = "urn:oid:1.2.250.1.213.1.4.8"
    /// INS-NIA (temporary number).
    public static let insNIA = "urn:oid:1.2.250.1.213.1.4.9"
    /// INS of test.
    public static let insTest = "urn:oid:1.2.250.1.213.1.4.10"
    /// INS of demonstration: what the demo seed uses.
    public static let insDemo = "urn:oid:1.2.250.1.213.1.4.11"
    /// RPPS numbers of health professionals (ANS identifier system).
    public static let rpps = "urn:oid:1.2.250.1.71.4.2.1"
}

/// Extensions defined by mes.
public enum ExtensionURL {
    /// On `Attachment`: the SHA-256 of the content, base64 (R4's `hash` is SHA-1).
    public static let attachmentSHA256 = "urn:mes:extension:attachment-sha256"
    /// On `Communication` (notification): a machine code for the event (`access.read`, …).
    public static let notificationCode = "urn:mes:extension:notification-code"
    /// On `Communication` (message): the thread it belongs to (the id of the first message).
    public static let thread = "urn:mes:extension:thread"
}

/// The DMP visibility codes (TRE_A07) a document's `securityLabel` may carry.
public enum VisibilityCode: String, Sendable, CaseIterable {
    /// Masked from health professionals (except the author and the médecin traitant).
    case maskedFromProfessionals = "MASQUE_PS"
    /// Not visible to the patient (until the professional has told them).
    case invisibleToPatient = "INVISIBLE_PATIENT"
    /// Not visible to a minor's legal representatives.
    case invisibleToLegalRepresentatives = "INVISIBLE_REPRESENTANTS_LEGAUX"
    /// Masked from social-care professionals.
    case maskedFromSocialCare = "MASQUE_PSOCIAL"
    /// Masked from third persons.
    case maskedFromThirdPersons = "MASQUE_PT"

    public var coding: JSON { ["system": .string(CodeSystem.visibility), "code": .string(rawValue)] }
}

/// The wire side of a space's sections (*rubriques*): the resource types in each, and their codes
/// in `urn:mes:rubrique`.
extension Section {
    /// The section a resource type belongs to; nil for types outside every section
    /// (Patient, Practitioner, and the holder's own administration: Consent, RelatedPerson, AuditEvent).
    public static func of(resourceType: String) -> Section? {
        switch resourceType {
        case "DocumentReference", "Binary", "List": .documents
        case "Condition", "MedicationStatement", "AllergyIntolerance", "FamilyMemberHistory", "Observation", "Encounter": .medicalProfile
        case "Immunization": .vaccinations
        case "Appointment", "Task": .agenda
        case "Communication": .messages
        case "ExplanationOfBenefit": .careHistory
        default: nil
        }
    }

    public var coding: JSON { ["system": .string(CodeSystem.mesRubrique), "code": .string(rawValue)] }
}

/// The categories MES shows users for documents (DESIGN.md section 13); the domain defines them, the wire carries their raw values
/// as codes of `urn:mes:document-category`.
public typealias DocumentCategory = Document.Category

extension Document.Category {
    public var coding: JSON { ["system": .string(CodeSystem.mesDocumentCategory), "code": .string(rawValue)] }
}

/// A `Coding`/`CodeableConcept` helper.
public enum Concept {
    public static func coding(_ system: String, _ code: String, _ display: String? = nil) -> JSON {
        .compact(["system": .string(system), "code": .string(code), "display": .optional(display)])
    }

    public static func codeable(_ system: String, _ code: String, _ display: String? = nil, text: String? = nil) -> JSON {
        .compact(["coding": [coding(system, code, display)], "text": .optional(text)])
    }

    /// Every `system|code` of a CodeableConcept (or of a list of them).
    public static func tokens(of concept: JSON?) -> [(system: String?, code: String)] {
        guard let concept else { return [] }
        if case .array(let list) = concept { return list.flatMap { tokens(of: $0) } }
        return concept["coding"]?.elements.compactMap { coding in
            coding["code"]?.stringValue.map { (coding["system"]?.stringValue, $0) }
        } ?? []
    }
}
