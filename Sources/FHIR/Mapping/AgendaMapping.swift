import Foundation
import HealthRecord

/// The *agenda santé*: appointments as `Appointment`, reminders and tasks as `Task`.
enum AgendaMapping {
    static let agendaCategory = "urn:mes:agenda-category"

    /// The resource type an event is sent as.
    static func resourceType(of event: AgendaEvent) -> String {
        event.category == .appointment ? "Appointment" : "Task"
    }

    static let appointment = ResourceCodec<AgendaEvent>(
        resourceType: "Appointment", members: ["extension", "status", "description", "start", "end", "comment", "participant"],
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
                               note: resource["comment"]?.stringValue)
        },
        encodeFresh: { event in
            var resource = Resource(type: "Appointment", id: event.id)
            resource["extension"] = extensions(event)
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
        resourceType: "Task", members: ["extension", "status", "intent", "code", "description", "for", "executionPeriod", "owner", "note"],
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
                               recurrenceRule: recurrence(resource), status: status, note: FHIRValue.note(resource["note"]))
        },
        encodeFresh: { event in
            var resource = Resource(type: "Task", id: event.id)
            resource["extension"] = extensions(event)
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
                              (ExtensionURL.recurrenceRule, "valueString", FHIRValue.string(event.recurrenceRule))]
                             + event.reminderOffsets.map { (ExtensionURL.reminderOffset, "valueDecimal", JSON.double($0)) })
    }
}
