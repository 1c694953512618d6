import FHIR
import Foundation
import HealthRecord
import L10n
import SQLite

/// The activity history: an `AuditEvent` in the holder's space for every access or change by
/// someone other than the holder, and notifications (`Communication` of kind `notification`).
enum Audit {
    enum Action: String {
        case read = "R", create = "C", update = "U", delete = "D", execute = "E"
    }

    /// Records one access. `entities` are the references touched (besides the patient).
    /// `AuditEvent.outcome`: success, or a refusal (minor failure, `4`).
    enum Outcome: String {
        case success = "0", refused = "4"
    }

    static func record(_ db: Database, access: Access, action: Action, interaction: String, entities: [String],
                       now: Date, purpose: String? = nil, detail: String? = nil, outcome: Outcome = .success) throws {
        var event = Resource(type: "AuditEvent", id: newID())
        event["type"] = Concept.coding(CodeSystem.auditEventType, "rest", "RESTful Operation")
        event["subtype"] = [Concept.coding("http://hl7.org/fhir/restful-interaction", interaction)]
        event["action"] = .string(action.rawValue)
        event["recorded"] = .string(FHIRDateTime.instant(now))
        event["outcome"] = .string(outcome.rawValue)
        if let purpose {
            event["purposeOfEvent"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/v3-ActReason", purpose == "samu" ? "ETREAT" : "BTG", text: purpose)]
        }
        if let detail { event["outcomeDesc"] = .string(detail) }
        event["agent"] = [access.agent]
        event["source"] = ["observer": ["display": "mes-server"]]
        var entityList: [JSON] = [["what": ["reference": .string("Patient/\(access.patient)")], "type": Concept.coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person")]]
        for entity in entities.prefix(20) where entity != "Patient/\(access.patient)" {
            // A refused search names the type it asked for (no resource was touched).
            entityList.append(entity.contains("/") ? ["what": ["reference": .string(entity)]] : ["name": .string(entity)])
        }
        event["entity"] = .array(entityList)
        try ResourceRepository.save(db, &event, index: ResourceIndex(resource: event, patient: access.patient), now: now)
    }

    /// A notification to the holder. With a `mark`, sent at most once per mark.
    static func notify(_ db: Database, patient: String, code: String, text: String, now: Date, mark: String? = nil,
                       alsoTo: [String] = []) throws {
        if let mark {
            try db.run("INSERT OR IGNORE INTO notification_marks (mark) VALUES (?)", [mark])
            guard db.changes > 0 else { return }
        }
        var message = Resource(type: "Communication", id: newID())
        message["extension"] = [["url": .string(ExtensionURL.notificationCode), "valueCode": .string(code)]]
        message["status"] = "completed"
        message["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "notification")]
        message["subject"] = ["reference": .string("Patient/\(patient)")]
        message["sent"] = .string(FHIRDateTime.instant(now))
        message["recipient"] = .array(([ "Patient/\(patient)"] + alsoTo).map { ["reference": .string($0)] })
        message["payload"] = [["contentString": .string(text)]]
        try ResourceRepository.save(db, &message, index: ResourceIndex(resource: message, patient: patient), now: now)
    }

    /// Audits an access by someone other than the holder, and tells the holder once a day per
    /// person and kind ("Dr Martin a consulté votre espace").
    static func trace(_ db: Database, access: Access, action: Action, interaction: String, entities: [String], now: Date) throws {
        guard access.isAudited else { return }
        try record(db, access: access, action: action, interaction: interaction, entities: entities, now: now, purpose: access.emergencyKind)
        let day = FHIRDateTime.date(now)
        let actor = access.caller.displayName
        if action == .read {
            try notify(db, patient: access.patient, code: "access.read", text: tr("server.notification.read", ["actor": actor]), now: now,
                       mark: "read|\(access.caller.accountID)|\(access.patient)|\(day)")
        } else {
            try notify(db, patient: access.patient, code: "access.write", text: tr("server.notification.write", ["actor": actor]), now: now,
                       mark: "write|\(access.caller.accountID)|\(access.patient)|\(day)")
        }
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}
