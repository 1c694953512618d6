import FHIR
import Foundation
import SQLite

/// What the holder's side needs to show about the professionals its managed consents name,
/// and keeping those consents true when a block ends sessions.
extension AccessEndpoints {
    /// A professional as a managed Consent names them: reference, name, RPPS and specialty (so
    /// the holder's app can show who holds a session or is blocked without another request).
    static func professionalActor(_ transaction: GateTransaction, practitioner id: String, display fallback: String? = nil) throws -> JSON {
        let stored = try? transaction.resource("Practitioner", id).stored
        return RecordMapping.practitionerReference(id: id, directory: try stored?.resource(), fallbackName: fallback)
    }

    /// Ends the professional's running sessions in the space, and says so in their Consents
    /// (status `inactive`, period ended now) so the holder's list stops showing them.
    static func endSessions(_ scope: Scope, practitioner: String) throws {
        let (db, patient) = (scope.db, scope.patient)
        let ended = try db.query("SELECT consent_id FROM access_grants WHERE patient_id = ? AND practitioner_id = ? AND state = 'active'",
                                 [patient, practitioner]) { $0.string(0) }
        try db.run("UPDATE access_grants SET state = 'ended' WHERE patient_id = ? AND practitioner_id = ? AND state = 'active'", [patient, practitioner])
        for consent in ended {
            guard let (_, stored) = try? scope.transactionResource("Consent", consent) else { continue }
            try markInactive(scope, stored)
        }
    }

    /// A managed Consent that no longer applies: `inactive`, its period ended now.
    static func markInactive(_ scope: Scope, _ stored: StoredResource) throws {
        var resource = try stored.resource()
        resource["status"] = "inactive"
        if var provision = resource["provision"], var period = provision["period"] {
            period["end"] = .string(FHIRDateTime.instant(scope.now))
            provision["period"] = period
            resource["provision"] = provision
        }
        try scope.saveServerResource(&resource)
    }
}
