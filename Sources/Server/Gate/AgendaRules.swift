import FHIR
import Foundation
import SQLite

/// The agenda's rules (`Appointment`, `Task`): an item a professional or a booking service
/// wrote is read-only for the holder's side; only the server marks where an item comes from;
/// a comment holds at most 1,000 characters and a date at most 10 rappels (as MES).
enum AgendaRules {
    static func prepare(_ resource: inout Resource, access: Access, existing: StoredResource?, db: Database) throws {
        if let existing, !existing.deleted { try checkChange(existing, access: access) }
        var extensions = resource["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.agendaSource } ?? []
        if access.role == .professional {
            extensions.append(AgendaMapping.professionalSourceExtension(name: access.caller.displayName))
        } else if AgendaMapping.isFromElsewhere(resource) {
            throw APIError.forbidden("only the server marks an item as coming from a professional or a service", detail: "agenda-source")
        }
        resource["extension"] = extensions.isEmpty ? nil : .array(extensions)
        let comment = resource.resourceType == "Appointment" ? resource["comment"]?.stringValue : resource["note"]?[0]?["text"]?.stringValue
        if let comment, comment.count > AgendaMapping.maximumNoteLength {
            throw APIError.unprocessable("a comment holds at most \(AgendaMapping.maximumNoteLength) characters", detail: "agenda-comment-too-long")
        }
        try checkRemindersPerDay(resource, patient: access.patient, db: db)
    }

    /// Changing or deleting an item that came from a professional or a service is refused to
    /// everyone but a professional (who may change only what they wrote).
    static func checkChange(_ existing: StoredResource, access: Access) throws {
        guard ["Appointment", "Task"].contains(existing.type), access.role != .professional,
              AgendaMapping.isFromElsewhere(try existing.resource()) else { return }
        throw APIError.forbidden("this item comes from a professional or a booking service: change it there", detail: "agenda-read-only")
    }

    /// At most `maximumRemindersPerDay` rappels share one date (Europe/Paris).
    private static func checkRemindersPerDay(_ resource: Resource, patient: String, db: Database) throws {
        guard resource.resourceType == "Task",
              Concept.tokens(of: resource["code"]).contains(where: { $0.code == "reminder" }),
              let startText = resource["executionPeriod"]?["start"]?.stringValue, let start = FHIRDateTime.parse(startText) else { return }
        let (from, to) = AgendaMapping.parisDay(of: start)
        let others = try db.query("""
            SELECT id FROM resources WHERE type = 'Task' AND patient = ? AND deleted = 0 AND date >= ? AND date < ?
            AND instr(tokens, ' code=reminder ') > 0 AND id != ?
            """, [patient, from, to, resource.id ?? ""]) { $0.string(0) }
        if others.count >= AgendaMapping.maximumRemindersPerDay {
            throw APIError.unprocessable("at most \(AgendaMapping.maximumRemindersPerDay) rappels on one date", detail: "agenda-too-many-reminders")
        }
    }
}
