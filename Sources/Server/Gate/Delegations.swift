import FHIR
import Foundation
import HealthRecord
import SQLite

/// Delegations to aidants (also used by seeding).
enum Delegations {
    static func create(_ db: Database, consentID: String, aidant: Caller, patient: String, rubriques: [Section], until: Date, now: Date) throws {
        try db.run("INSERT OR REPLACE INTO delegations (consent_id, account_id, patient_id, rubriques, ends, revoked) VALUES (?, ?, ?, ?, ?, 0)",
                   [consentID, aidant.accountID, patient, Authorization.rubriqueColumn(rubriques), until.timeIntervalSince1970])
        var resource = Resource(type: "Consent", id: consentID)
        resource["status"] = "active"
        resource["scope"] = Concept.codeable(CodeSystem.consentScope, "patient-privacy")
        resource["category"] = [Concept.codeable(CodeSystem.mesConsentKind, "delegation")]
        resource["patient"] = ["reference": .string("Patient/\(patient)")]
        resource["dateTime"] = .string(FHIRDateTime.instant(now))
        resource["provision"] = [
            "type": "permit",
            "period": ["start": .string(FHIRDateTime.instant(now)), "end": .string(FHIRDateTime.instant(until))],
            "actor": [["role": Concept.codeable(CodeSystem.contactRole, "CAREGIVER"),
                       "reference": ["identifier": ["system": .string(CodeSystem.mesAccount), "value": .string(aidant.login)],
                                     "display": .string(aidant.displayName)]]],
            "code": .array(rubriques.map { ["coding": [$0.coding]] }),
        ]
        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: now)
    }
}
