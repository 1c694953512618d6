import Foundation
import HealthRecord

/// The *agenda santé*: appointments as `Appointment`, reminders and tasks as `Task`.
public enum AgendaMapping {
    public static let agendaCategory = "urn:mes:agenda-category"

    /// The resource type an event is sent as.
    static func resourceType(of event: AgendaEvent) -> String {
        event.category == .appointment ? "Appointment" : "Task"
    }

    static let appointment = ResourceCodec<AgendaEvent>(
        resourceType: "Appointment", members: ["extension", "identifier", "status", "description", "start", "end", "comment", "participant"],
        decode: { resource throws(FHIRError) in
            let actors = (resource["participant"]?.elements ?? []).compactMap { $0["actor"] }
            guard let patient = actors.lazy.compactMap({ FHIRValue.patientID($0) }).first else {
                throw .invalid("Appointment needs a Patient participant")
            }
            let status: AgendaEvent.Status = switch resource["status"]?.stringValue {
            case "fulfilled": .done
            case "cancelled", "noshow", "entered-in-error": .cancelled
            default: .planned
            }
            return AgendaEvent(id: try FHIRValue.require(resource.id, "Appointment.id"), profileID: patient, category: .appointment,
                               title: resource["description"]?.stringValue ?? "",
                               start: try FHIRValue.require(FHIRValue.instant(resource["start"]), "Appointment.start"),
                               end: FHIRValue.instant(resource["end"]),
                               location: location(resource),
                               practitioner: FHIRValue.practitioner(actors.first { FHIRValue.patientID($0) == nil }),
                               reminderOffsets: reminders(resource), recurrenceRule: recurrence(resource), status: status,
                               note: resource["comment"]?.stringValue, source: source(of: resource), allDay: allDay(resource),
                               preventionStep: preventionStep(resource), externalUID: externalUID(resource))
        },
        encodeFresh: { event in
            var resource = Resource(type: "Appointment", id: event.id)
            resource["extension"] = extensions(event)
            resource["identifier"] = identifier(event)
            resource["status"] = .string(event.status == .done ? "fulfilled" : event.status == .cancelled ? "cancelled" : "booked")
            resource["description"] = .string(event.title)
            resource["start"] = FHIRValue.instant(event.start)
            resource["end"] = FHIRValue.instant(event.end)
            resource["comment"] = FHIRValue.string(event.note)
            var participants: [JSON] = [["actor": FHIRValue.patient(event.profileID), "status": "accepted"]]
            if let practitioner = FHIRValue.practitioner(event.practitioner) {
                participants.append(["actor": practitioner, "status": "accepted"])
            }
            resource["participant"] = .array(participants)
            return resource
        })

    static let task = ResourceCodec<AgendaEvent>(
        resourceType: "Task", members: ["extension", "identifier", "status", "intent", "code", "description", "for", "executionPeriod", "owner", "note"],
        decode: { resource throws(FHIRError) in
            let status: AgendaEvent.Status = switch resource["status"]?.stringValue {
            case "completed": .done
            case "cancelled", "rejected", "failed", "entered-in-error": .cancelled
            default: .planned
            }
            let isReminder = Concept.tokens(of: resource["code"]).contains { $0.system == agendaCategory && $0.code == "reminder" }
            let period = resource["executionPeriod"]
            return AgendaEvent(id: try FHIRValue.require(resource.id, "Task.id"),
                               profileID: try FHIRValue.require(FHIRValue.patientID(resource["for"]), "Task.for"),
                               category: isReminder ? .reminder : .task, title: resource["description"]?.stringValue ?? "",
                               start: try FHIRValue.require(FHIRValue.instant(period?["start"]) ?? FHIRValue.instant(resource["authoredOn"]),
                                                            "Task.executionPeriod.start"),
                               end: FHIRValue.instant(period?["end"]), location: location(resource),
                               practitioner: FHIRValue.practitioner(resource["owner"]), reminderOffsets: reminders(resource),
                               recurrenceRule: recurrence(resource), status: status, note: FHIRValue.note(resource["note"]),
                               source: source(of: resource), allDay: allDay(resource), preventionStep: preventionStep(resource),
                               externalUID: externalUID(resource))
        },
        encodeFresh: { event in
            var resource = Resource(type: "Task", id: event.id)
            resource["extension"] = extensions(event)
            resource["identifier"] = identifier(event)
            resource["status"] = .string(event.status == .done ? "completed" : event.status == .cancelled ? "cancelled" : "requested")
            resource["intent"] = "plan"
            resource["code"] = event.category == .reminder ? Concept.codeable(agendaCategory, "reminder") : nil
            resource["description"] = .string(event.title)
            resource["for"] = FHIRValue.patient(event.profileID)
            resource["executionPeriod"] = .compact(["start": FHIRValue.instant(event.start) ?? .null, "end": FHIRValue.instant(event.end) ?? .null])
            resource["owner"] = FHIRValue.practitioner(event.practitioner)
            resource["note"] = FHIRValue.note(event.note)
            return resource
        })

    private static func location(_ resource: Resource) -> String? {
        FHIRValue.extensionValue(resource.json, ExtensionURL.location, "valueString")?.stringValue
    }

    private static func recurrence(_ resource: Resource) -> String? {
        FHIRValue.extensionValue(resource.json, ExtensionURL.recurrenceRule, "valueString")?.stringValue
    }

    private static func reminders(_ resource: Resource) -> [TimeInterval] {
        (resource["extension"]?.elements ?? []).filter { $0["url"]?.stringValue == ExtensionURL.reminderOffset }
            .compactMap { $0["valueDecimal"]?.doubleValue }
    }

    private static func extensions(_ event: AgendaEvent) -> JSON? {
        FHIRValue.extensions([(ExtensionURL.location, "valueString", FHIRValue.string(event.location)),
                              (ExtensionURL.recurrenceRule, "valueString", FHIRValue.string(event.recurrenceRule)),
                              (ExtensionURL.agendaSource, "valueCoding", event.source.map(sourceCoding)),
                              (ExtensionURL.allDay, "valueBoolean", event.allDay ? .bool(true) : nil),
                              (ExtensionURL.preventionStep, "valueString", FHIRValue.string(event.preventionStep))]
                             + event.reminderOffsets.map { (ExtensionURL.reminderOffset, "valueDecimal", JSON.double($0)) })
    }

    private static func identifier(_ event: AgendaEvent) -> JSON? {
        event.externalUID.map { [["system": .string(CodeSystem.icalendarUID), "value": .string($0)]] }
    }

    private static func externalUID(_ resource: Resource) -> String? {
        resource["identifier"]?.elements.first { $0["system"]?.stringValue == CodeSystem.icalendarUID }?["value"]?.stringValue
    }

    private static func allDay(_ resource: Resource) -> Bool {
        FHIRValue.extensionValue(resource.json, ExtensionURL.allDay, "valueBoolean") == .bool(true)
    }

    private static func preventionStep(_ resource: Resource) -> String? {
        FHIRValue.extensionValue(resource.json, ExtensionURL.preventionStep, "valueString")?.stringValue
    }

    /// What the server checks without naming the domain's types.
    public static let maximumNoteLength = AgendaEvent.maximumNoteLength
    public static let maximumRemindersPerDay = AgendaEvent.maximumRemindersPerDay

    /// True for an item a professional or a booking service wrote (read-only for the holder).
    public static func isFromElsewhere(_ resource: Resource) -> Bool { source(of: resource) != nil }

    /// The source extension the server stamps on what a professional writes.
    public static func professionalSourceExtension(name: String) -> JSON {
        ["url": .string(ExtensionURL.agendaSource), "valueCoding": sourceCoding(AgendaEvent.Source(kind: .professional, name: name))]
    }

    /// The source extension of an item from a booking service (demo seed).
    public static func bookingSourceExtension(service: String) -> JSON {
        ["url": .string(ExtensionURL.agendaSource), "valueCoding": sourceCoding(AgendaEvent.Source(kind: .bookingService, name: service))]
    }

    /// The first and last instants (exclusive) of the Europe/Paris day `instant` falls on, as FHIR instants.
    public static func parisDay(of instant: Date) -> (start: String, end: String) {
        let day = CalendarDate(instant)
        return (FHIRDateTime.instant(day.start()), FHIRDateTime.instant(day.adding(days: 1).start()))
    }

    static func sourceCoding(_ source: AgendaEvent.Source) -> JSON {
        ["system": .string(CodeSystem.agendaSource), "code": .string(source.kind.rawValue), "display": .string(source.name)]
    }

    /// Where an `Appointment` or `Task` comes from: its source extension, else a professional
    /// when a participant (or the task's requester or owner) is a `Practitioner/…` reference;
    /// nil for the patient's own items. The server and the client decide read-only on it.
    public static func source(of resource: Resource) -> AgendaEvent.Source? {
        if let coding = FHIRValue.extensionValue(resource.json, ExtensionURL.agendaSource, "valueCoding") {
            switch coding["code"]?.stringValue {
            case "patient": return nil
            case let code?: if let kind = AgendaEvent.Source.Kind(rawValue: code) {
                return AgendaEvent.Source(kind: kind, name: coding["display"]?.stringValue ?? "")
            }
            case nil: break
            }
        }
        let actors: [JSON] = resource.resourceType == "Appointment"
            ? (resource["participant"]?.elements ?? []).compactMap { $0["actor"] }
            : [resource["requester"], resource["owner"]].compactMap { $0 }
        for actor in actors {
            if let reference = actor["reference"]?.stringValue.flatMap(ResourceReference.init), reference.type == "Practitioner" {
                return AgendaEvent.Source(kind: .professional, name: actor["display"]?.stringValue ?? "")
            }
        }
        return nil
    }
}

extension CodeSystem {
    /// Who wrote an agenda item (`professional`, `booking-service`; `patient` for the user's own).
    public static let agendaSource = "urn:mes:agenda-source"
    /// An iCalendar UID (RFC 5545 §3.8.4.7) kept as an identifier of an imported item.
    public static let icalendarUID = "urn:ietf:rfc:5545:uid"
}
