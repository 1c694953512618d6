import Foundation
import HealthRecord

/// HealthRecord ↔ FHIR R4 (DESIGN.md §5): what a resource becomes in the vault, and the
/// resource a local record is sent as. Client and server share it, so both speak one format.
public enum RecordMapping {
    /// The record kinds a resource of `type` may become (a tombstone carries no resource: the
    /// client removes the id under each of them).
    public static func kinds(forResourceType type: String) -> [RecordKind] {
        switch type {
        case "Patient": [.profile]
        case "Condition": [.condition, .disability]
        case "Encounter": [.hospitalization]
        case "MedicationStatement": [.treatment]
        case "AllergyIntolerance": [.allergy]
        case "Immunization": [.vaccination]
        case "FamilyMemberHistory": [.familyHistory]
        case "Observation": [.measurement, .bloodGroup, .lifestyle]
        case "DocumentReference": [.document]
        case "ExplanationOfBenefit": [.careHistory]
        case "Appointment", "Task": [.agendaEvent]
        case "Communication": [.message, .thread]
        case "Consent": [.wishes, .serviceConsent, .delegation, .accessGrant, .block]
        case "AuditEvent": [.auditEntry]
        default: []
        }
    }

    /// The kinds the client sends to the server. Delegations, access grants and blocks go
    /// through the server's operations; the care and activity histories are read-only; threads
    /// follow from their messages.
    public static func isSent(_ kind: RecordKind) -> Bool {
        switch kind {
        case .delegation, .accessGrant, .block, .careHistory, .auditEntry, .thread: false
        default: true
        }
    }

    /// What a resource becomes in the vault, the record the resource is about first (a Patient
    /// gives its profile then its contacts; a thread's first message gives the message then the
    /// thread). Empty for resources mes does not keep (notifications, unknown measures, lifted
    /// blocks, types outside §5).
    public static func decode(_ resource: Resource) throws(FHIRError) -> [any ProfileRecord] {
        switch resource.resourceType {
        case "Patient":
            let patient = try PatientMapping.decode(resource)
            return [patient.profile] + patient.contacts
        case "Condition":
            if ProfileEntriesMapping.isDisability(resource) { return [try ProfileEntriesMapping.disability.decode(resource)] }
            return [try MedicalProfileMapping.condition.decode(resource)]
        case "Encounter": return [try ProfileEntriesMapping.hospitalization.decode(resource)]
        case "MedicationStatement": return [try MedicalProfileMapping.treatment.decode(resource)]
        case "AllergyIntolerance": return [try MedicalProfileMapping.allergy.decode(resource)]
        case "Immunization": return [try MedicalProfileMapping.vaccination.decode(resource)]
        case "FamilyMemberHistory": return [try MedicalProfileMapping.familyHistory.decode(resource)]
        case "Observation":
            switch ProfileEntriesMapping.kind(ofObservation: resource) {
            case .measurement: return [try ObservationMapping.decode(resource)]
            case .bloodGroup: return [try ProfileEntriesMapping.bloodGroup.decode(resource)]
            case .lifestyle: return [try ProfileEntriesMapping.lifestyle.decode(resource)]
            case .notKept: return []
            }
        case "DocumentReference": return [try DocumentMapping.decode(resource)]
        case "ExplanationOfBenefit": return [try ReadOnlyMapping.careHistoryEntry(resource)]
        case "Appointment": return [try AgendaMapping.appointment.decode(resource)]
        case "Task": return [try AgendaMapping.task.decode(resource)]
        case "AuditEvent": return [try ReadOnlyMapping.auditEntry(resource)]
        case "Communication":
            guard !CommunicationMapping.isNotification(resource) else { return [] }
            let message = try CommunicationMapping.decodeMessage(resource)
            return [message] + [CommunicationMapping.thread(of: resource, message: message)].compactMap { $0 }
        case "Consent":
            switch ConsentMapping.kind(of: resource) {
            case .wishes: return [try ConsentMapping.wishes.decode(resource)]
            case .service: return [try ConsentMapping.service.decode(resource)]
            case .delegation: return [try ConsentMapping.delegation(resource)]
            case .accessGrant: return [try ConsentMapping.accessGrant(resource)]
            case .block: return [try ConsentMapping.block(resource)]
            case .notKept: return []
            }
        default: return []
        }
    }

    /// A space's Patient: its profile and contacts.
    public static func decodePatient(_ resource: Resource) throws(FHIRError) -> PatientRecord {
        try PatientMapping.decode(resource)
    }

    /// The Patient for a profile and its contacts, written onto the last server version.
    public static func encodePatient(_ record: PatientRecord, onto base: Resource?) -> Resource {
        PatientMapping.codec.encode(record, onto: base)
    }

    /// The resource a record is sent as, written onto `base` (the last server version, so what
    /// mes does not model survives). Profiles and contacts travel in their Patient
    /// (`encodePatient`); kinds that are not sent (`isSent`) have no resource.
    public static func encode(_ record: any ProfileRecord, onto base: Resource?) throws(FHIRError) -> Resource {
        switch record {
        case let record as HealthRecord.Condition: return MedicalProfileMapping.condition.encode(record, onto: base)
        case let record as Treatment: return MedicalProfileMapping.treatment.encode(record, onto: base)
        case let record as Allergy: return MedicalProfileMapping.allergy.encode(record, onto: base)
        case let record as Vaccination: return MedicalProfileMapping.vaccination.encode(record, onto: base)
        case let record as FamilyHistory: return MedicalProfileMapping.familyHistory.encode(record, onto: base)
        case let record as HealthMeasurement: return ObservationMapping.codec.encode(record, onto: base)
        case let record as Hospitalization: return ProfileEntriesMapping.hospitalization.encode(record, onto: base)
        case let record as Disability: return ProfileEntriesMapping.disability.encode(record, onto: base)
        case let record as BloodGroup: return ProfileEntriesMapping.bloodGroup.encode(record, onto: base)
        case let record as Lifestyle: return ProfileEntriesMapping.lifestyle.encode(record, onto: base)
        case let record as Document: return DocumentMapping.codec.encode(record, onto: base)
        case let record as Message: return CommunicationMapping.message.encode(record, onto: base)
        case let record as Wishes: return ConsentMapping.wishes.encode(record, onto: base)
        case let record as ServiceConsent: return ConsentMapping.service.encode(record, onto: base)
        case let record as AgendaEvent:
            let type = base?.resourceType ?? AgendaMapping.resourceType(of: record)
            return type == "Appointment" ? AgendaMapping.appointment.encode(record, onto: base) : AgendaMapping.task.encode(record, onto: base)
        default:
            throw .invalid("\(type(of: record).kind.rawValue) records are not sent as resources")
        }
    }

    /// The resource type a record is sent as (nil for kinds that are not sent).
    public static func resourceType(of record: any ProfileRecord, base: Resource?) -> String? {
        if let base { return base.resourceType }
        switch record {
        case is Profile, is EmergencyContact: return "Patient"
        case let event as AgendaEvent: return AgendaMapping.resourceType(of: event)
        default: return try? encode(record, onto: nil).resourceType
        }
    }

    /// `record` with the fields kept on this device only (read state, the profile's relation)
    /// taken from `local`.
    public static func keepingLocalState<Record: ProfileRecord>(_ record: Record, from local: Record?) -> Record {
        guard let local else { return record }
        switch (record, local) {
        case (var document as Document, let old as Document):
            document.isRead = old.isRead
            return document as! Record
        case (var message as Message, let old as Message):
            message.isRead = old.isRead
            return message as! Record
        case (var thread as MessageThread, let old as MessageThread):
            thread.isArchived = old.isArchived
            thread.lastPreview = old.lastPreview
            thread.lastSender = old.lastSender
            thread.lastFromPatientSide = old.lastFromPatientSide
            return thread as! Record
        case (var profile as Profile, let old as Profile):
            profile.relation = old.relation
            return profile as! Record
        default:
            return record
        }
    }
}

extension RecordMapping {
    /// A `Practitioner` resource of the directory as the domain's practitioner: "Dr Given
    /// Family", the RPPS number, the specialty (its first qualification's text).
    public static func practitioner(_ resource: Resource) -> Practitioner? {
        guard resource.resourceType == "Practitioner" else { return nil }
        let name = resource["name"]?[0]
        let words = (name?["prefix"]?.elements ?? []) + (name?["given"]?.elements ?? []) + [name?["family"] ?? .null]
        let rpps = resource["identifier"]?.elements.first { $0["system"]?.stringValue == IdentifierSystem.rpps }?["value"]?.stringValue
        return Practitioner(name: words.compactMap(\.stringValue).joined(separator: " "), rpps: rpps,
                            specialty: resource["qualification"]?[0]?["code"]?["text"]?.stringValue)
    }

    /// A Reference to `Practitioner/<id>` that also names them (display, RPPS identifier,
    /// specialty extension), as managed consents carry it; from the directory's resource when
    /// there is one, else with `fallbackName`.
    public static func practitionerReference(id: String, directory resource: Resource?, fallbackName: String?) -> JSON {
        var practitioner = resource.flatMap(practitioner) ?? Practitioner(name: "")
        if practitioner.name.isEmpty { practitioner.name = fallbackName ?? "" }
        var reference = FHIRValue.practitioner(practitioner) ?? JSON.object(JSONObject())
        reference["reference"] = .string("Practitioner/\(id)")
        return reference
    }
}
