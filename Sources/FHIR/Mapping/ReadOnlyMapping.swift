import Foundation
import HealthRecord

/// Resources the client only reads: the activity history (`AuditEvent`) and the care history
/// from the health insurance (`ExplanationOfBenefit`).
enum ReadOnlyMapping {
    static func auditEntry(_ resource: Resource) throws(FHIRError) -> AuditEntry {
        let entities = (resource["entity"]?.elements ?? []).compactMap { $0["what"]?["reference"]?.stringValue.flatMap(ResourceReference.init) }
        let patient = try FHIRValue.require(entities.first { $0.type == "Patient" }?.id, "AuditEvent.entity (patient)")
        let target = entities.first { $0.type != "Patient" }
        // A refused search names only the type it asked for.
        let targetType = target?.type ?? (resource["entity"]?.elements ?? []).compactMap { $0["name"]?.stringValue }.first
        let agent = resource["agent"]?[0]
        let role = Concept.tokens(of: agent?["type"]).first { $0.system == "urn:mes:access-role" }?.code
        let actorRole: AuditEntry.ActorRole = switch role {
        case "holder", "parent": .holder
        case "aidant": .caregiver
        case "professional": .professional
        case "service": .service
        default: agent?["who"]?["reference"]?.stringValue?.hasPrefix("Practitioner/") == true ? .professional : .system
        }
        let interaction = resource["subtype"]?[0]?["code"]?.stringValue
        let action: AuditEntry.Action = switch (resource["action"]?.stringValue, interaction) {
        case _ where resource["outcome"]?.stringValue == "4": .refused
        case (_, "redeem-access-code"): .accessGranted
        case (_, "emergency-access"): .emergencyAccess
        case (_, "revoke"): .accessRevoked
        case ("C", _): .create
        case ("U", _): .update
        case ("D", _): .delete
        default: .read
        }
        let rpps = agent?["who"]?["identifier"]?["system"]?.stringValue == IdentifierSystem.rpps
            ? agent?["who"]?["identifier"]?["value"]?.stringValue : nil
        return AuditEntry(id: try FHIRValue.require(resource.id, "AuditEvent.id"), profileID: patient,
                          date: try FHIRValue.require(FHIRValue.instant(resource["recorded"]), "AuditEvent.recorded"),
                          actorName: agent?["who"]?["display"]?.stringValue ?? "", actorRole: actorRole, actorRPPS: rpps,
                          action: action, targetKind: targetType.flatMap { RecordMapping.kinds(forResourceType: $0).first },
                          targetID: target?.id, via: via(Concept.tokens(of: resource["purposeOfEvent"]?[0]).first?.code))
    }

    /// The purpose of an emergency access (v3-ActReason `BTG`, `ETREAT`).
    private static func via(_ purpose: String?) -> AccessGrant.Via? {
        switch purpose {
        case "BTG": .emergency
        case "ETREAT": .samu
        default: nil
        }
    }

    static func careHistoryEntry(_ resource: Resource) throws(FHIRError) -> CareHistoryEntry {
        func total(_ category: String) -> Int {
            let entry = resource["total"]?.elements.first { Concept.tokens(of: $0["category"]).contains { $0.code == category } }
            return Int(((entry?["amount"]?["value"]?.doubleValue ?? 0) * 100).rounded())
        }
        return CareHistoryEntry(
            id: try FHIRValue.require(resource.id, "ExplanationOfBenefit.id"),
            profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "ExplanationOfBenefit.patient"),
            date: try FHIRValue.require(FHIRValue.day(resource["billablePeriod"]?["start"]) ?? FHIRValue.day(resource["created"]),
                                        "ExplanationOfBenefit.billablePeriod"),
            service: FHIRValue.text(resource["item"]?[0]?["productOrService"]) ?? FHIRValue.text(resource["type"]) ?? "",
            provider: resource["provider"]?["display"]?.stringValue,
            amountCharged: total("submitted"), amountReimbursed: total("benefit"))
    }
}
