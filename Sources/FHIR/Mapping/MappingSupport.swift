import Foundation
import HealthRecord

/// How one HealthRecord type travels as one FHIR resource type: reading a resource into a
/// record, and writing a record as a resource.
///
/// Writing starts from the last server version (`base`) when there is one, so members mes does
/// not model survive, and a member whose meaning did not change keeps the server's exact form
/// (a `Practitioner/…` reference, a coding with its display): only members that now say
/// something different are replaced.
struct ResourceCodec<Record: Equatable & Sendable>: Sendable {
    let resourceType: String
    /// The members this codec writes (and removes when the record has nothing for them).
    let members: [String]
    let decode: @Sendable (Resource) throws(FHIRError) -> Record
    /// The resource written from scratch (members in `members` only, plus the envelope).
    let encodeFresh: @Sendable (Record) -> Resource
    /// Fields kept on the device only (read state, the profile's relation): reset to what
    /// `decode` gives, so comparisons look at what the server knows.
    var withoutLocalState: @Sendable (Record) -> Record = { $0 }

    func encode(_ record: Record, onto base: Resource?) -> Resource {
        let fresh = encodeFresh(record)
        guard let base, base.resourceType == resourceType else { return fresh }
        var result = base
        var current = try? decode(result)
        let written = (fresh.json.objectValue?.keys ?? []).filter { !["resourceType", "id", "meta"].contains($0) }
        for member in written + members.filter({ !written.contains($0) }) {
            var candidate = result
            candidate[member] = fresh[member]
            if candidate[member] == result[member] { continue }
            let decoded = try? decode(candidate)
            if decoded == nil || decoded.map(withoutLocalState) != current.map(withoutLocalState) {
                result = candidate
                current = decoded
            }
        }
        // A base that cannot say what the record says (it was malformed): write afresh.
        guard let check = try? decode(result), withoutLocalState(check) == withoutLocalState(record) else {
            var merged = fresh
            for (key, value) in base.json.objectValue ?? JSONObject() where fresh[key] == nil && !members.contains(key) && key != "meta" {
                merged[key] = value
            }
            return merged
        }
        return result
    }
}

// MARK: - Code systems between HealthRecord (OIDs) and FHIR (ANS URLs)

enum SystemNames {
    /// HealthRecord names some French systems by OID; on the wire FHIR uses the ANS URLs.
    static let toFHIR: [String: String] = [
        HealthRecord.CodeSystem.treA05: CodeSystem.documentTypeFR,
        HealthRecord.CodeSystem.treA03: CodeSystem.documentClass,
        HealthRecord.CodeSystem.treA07: CodeSystem.visibility,
    ]
    static let fromFHIR: [String: String] = Dictionary(uniqueKeysWithValues: toFHIR.map { ($1, $0) })

    static func wire(_ system: String) -> String { toFHIR[system] ?? system }
    static func record(_ system: String) -> String { fromFHIR[system] ?? system }
}

// MARK: - Reading and writing common FHIR data types

enum FHIRValue {
    /// A CodeableConcept's human text: `text`, else the first coding's display, else its code.
    static func text(_ concept: JSON?) -> String? {
        guard let concept else { return nil }
        if let text = concept["text"]?.stringValue, !text.isEmpty { return text }
        if let display = concept["coding"]?[0]?["display"]?.stringValue, !display.isEmpty { return display }
        return concept["coding"]?[0]?["code"]?.stringValue
    }

    /// The first coding of a CodeableConcept, as a record's coded concept.
    static func concept(_ concept: JSON?) -> CodedConcept? {
        guard let coding = concept?["coding"]?[0], let code = coding["code"]?.stringValue else { return nil }
        return CodedConcept(system: SystemNames.record(coding["system"]?.stringValue ?? ""), code: code,
                            display: coding["display"]?.stringValue)
    }

    /// A CodeableConcept with the coding (when any) and a text.
    static func codeable(_ concept: CodedConcept?, text: String?) -> JSON? {
        if concept == nil && text == nil { return nil }
        let coding: JSON = concept.map {
            .compact(["system": .string(SystemNames.wire($0.system)), "code": .string($0.code), "display": .optional($0.display)])
        } ?? .null
        return .compact(["coding": coding.isNull ? .null : [coding], "text": .optional(text)])
    }

    static func instant(_ json: JSON?) -> Date? { json?.stringValue.flatMap(FHIRDateTime.parse) }
    static func instant(_ date: Date?) -> JSON? { date.map { .string(FHIRDateTime.instant($0)) } }

    /// The calendar day a FHIR date or dateTime names (its first ten characters).
    static func day(_ json: JSON?) -> CalendarDate? {
        guard let text = json?.stringValue, text.count >= 10 else { return nil }
        return CalendarDate(iso: String(text.prefix(10)))
    }

    static func day(_ date: CalendarDate?) -> JSON? { date.map { .string($0.iso) } }

    static func string(_ value: String?) -> JSON? { value.map { .string($0) } }

    /// `note[0].text` (an Annotation list).
    static func note(_ json: JSON?) -> String? { json?[0]?["text"]?.stringValue }
    static func note(_ text: String?) -> JSON? { text.map { [["text": .string($0)]] } }

    /// The patient reference of a space.
    static func patient(_ profileID: String) -> JSON { ["reference": .string("Patient/\(profileID)")] }

    /// The id of the patient a reference names.
    static func patientID(_ json: JSON?) -> String? {
        guard let text = json?["reference"]?.stringValue, let reference = ResourceReference(text), reference.type == "Patient" else {
            return nil
        }
        return reference.id
    }

    /// A practitioner from a Reference: its display, and the RPPS when it carries the identifier.
    static func practitioner(_ json: JSON?) -> Practitioner? {
        guard let json, json.objectValue != nil else { return nil }
        let rpps = json["identifier"]?["system"]?.stringValue == IdentifierSystem.rpps ? json["identifier"]?["value"]?.stringValue : nil
        let name = json["display"]?.stringValue ?? ""
        if name.isEmpty && rpps == nil && json["reference"] == nil { return nil }
        var practitioner = Practitioner(name: name, rpps: rpps)
        for ext in json["extension"]?.elements ?? [] {
            switch ext["url"]?.stringValue {
            case ExtensionURL.practitionerSpecialty: practitioner.specialty = ext["valueString"]?.stringValue
            case ExtensionURL.practitionerOrganization: practitioner.organization = ext["valueString"]?.stringValue
            default: break
            }
        }
        return practitioner
    }

    static func practitioner(_ practitioner: Practitioner?) -> JSON? {
        // FHIR has no empty objects: a prescriber known by nothing is no element at all.
        guard let practitioner, !practitioner.name.isEmpty || practitioner.rpps != nil else { return nil }
        var extensions: [JSON] = []
        if let specialty = practitioner.specialty {
            extensions.append(["url": .string(ExtensionURL.practitionerSpecialty), "valueString": .string(specialty)])
        }
        if let organization = practitioner.organization {
            extensions.append(["url": .string(ExtensionURL.practitionerOrganization), "valueString": .string(organization)])
        }
        return .compact([
            "extension": .array(extensions),
            "identifier": practitioner.rpps.map { ["system": .string(IdentifierSystem.rpps), "value": .string($0)] } ?? .null,
            "display": practitioner.name.isEmpty ? .null : .string(practitioner.name),
        ])
    }

    /// The value of the extension `url` among `json`'s extensions.
    static func extensionValue(_ json: JSON?, _ url: String, _ type: String) -> JSON? {
        json?["extension"]?.elements.first { $0["url"]?.stringValue == url }?[type]
    }

    /// Extensions built from (url, value type, value) triples, skipping nil values.
    static func extensions(_ items: [(String, String, JSON?)]) -> JSON? {
        let list = items.compactMap { url, type, value in value.map { JSON.object(JSONObject([("url", .string(url)), (type, $0)])) } }
        return list.isEmpty ? nil : .array(list)
    }

    /// A required member, or an `invalid` error naming it.
    static func require<T>(_ value: T?, _ what: String) throws(FHIRError) -> T {
        guard let value else { throw .invalid("\(what) is required") }
        return value
    }
}

extension ExtensionURL {
    /// On a practitioner Reference: the specialty and the organisation (shown with the name).
    public static let practitionerSpecialty = "urn:mes:extension:practitioner-specialty"
    public static let practitionerOrganization = "urn:mes:extension:practitioner-organization"
    /// On any resource: the holder's own note.
    public static let holderNote = "urn:mes:extension:holder-note"
    /// On `Appointment`/`Task`: reminders before the start, in seconds (one `valueDecimal` each).
    public static let reminderOffset = "urn:mes:extension:reminder-offset"
    /// On `Appointment`/`Task`: an RFC 5545 RRULE.
    public static let recurrenceRule = "urn:mes:extension:recurrence-rule"
    /// On `Appointment`/`Task`: who wrote it when not the patient (a `valueCoding` of `urn:mes:agenda-source`:
    /// `professional` or `booking-service`, the name as display); set by the server.
    public static let agendaSource = "urn:mes:extension:agenda-source"
    /// On `Appointment`/`Task`: a whole-day event (`valueBoolean`).
    public static let allDay = "urn:mes:extension:all-day"
    /// On `Appointment`/`Task`: the prevention step it plans or records (a rule id of the prevention calendar).
    public static let preventionStep = "urn:mes:extension:prevention-step"
    /// On `Appointment`/`Task`: where it takes place.
    public static let location = "urn:mes:extension:location"
    /// On `Communication`: attachments (references to documents).
    public static let attachment = "urn:mes:extension:attachment"
    /// On `Consent` (service consent): the service's identifier and name.
    public static let serviceID = "urn:mes:extension:service-id"
    public static let serviceName = "urn:mes:extension:service-name"
    /// On `Consent` (wishes): organ donation, trusted person, the advance-directives summary.
    public static let organDonation = "urn:mes:extension:organ-donation"
    public static let trustedPerson = "urn:mes:extension:trusted-person"
    public static let directivesSummary = "urn:mes:extension:directives-summary"
    /// On `Consent` (access code): the code as its holder saw it.
    public static let accessCode = "urn:mes:extension:access-code"
}
