import FHIR
import SQLite

/// The holder's choices for their whole space (`access_policies`), as the gate applies them on
/// every request: the emergency oppositions, "mask all my documents, present and future", and
/// whether documents masked from professionals stay visible in an emergency. The policy is a
/// rule, not a loop of labels: a document added afterwards, by anyone, is covered at once, and
/// turning it off gives back what was hidden only by it.
struct SpacePolicy: Sendable, Equatable {
    /// Opposes *bris de glace* by professionals (purpose `BTG`).
    var opposeEmergency = false
    /// Opposes access by the SAMU regulator (purpose `ETREAT`).
    var opposeSamu = false
    /// Every document of the space is masked from professionals (not from its author nor the
    /// médecin traitant), whatever its own labels.
    var maskAllDocuments = false
    /// Masked documents (by label or by `maskAllDocuments`) are shown in an emergency session
    /// (purpose `MASKED`). On unless the holder opposes it: the DMP's rule.
    var maskedVisibleInEmergency = true

    /// The resource types "documents" covers (a Binary follows its document).
    static let documentTypes: Set<String> = ["DocumentReference", "Binary"]

    static func of(_ db: Database, patient: String) throws -> SpacePolicy {
        try db.queryFirst("""
            SELECT oppose_emergency, oppose_samu, mask_all, masked_in_emergency FROM access_policies WHERE patient_id = ?
            """, [patient], map: { SpacePolicy(opposeEmergency: $0.bool(0), opposeSamu: $0.bool(1), maskAllDocuments: $0.bool(2),
                                               maskedVisibleInEmergency: $0.bool(3)) }) ?? SpacePolicy()
    }

    func save(_ db: Database, patient: String) throws {
        try db.run("""
            INSERT OR REPLACE INTO access_policies (patient_id, oppose_emergency, oppose_samu, mask_all, masked_in_emergency) VALUES (?, ?, ?, ?, ?)
            """, [patient, opposeEmergency, opposeSamu, maskAllDocuments, maskedVisibleInEmergency])
    }

    /// The wire form (`API.AccessPolicy`).
    var api: API.AccessPolicy {
        API.AccessPolicy(opposeEmergency: opposeEmergency, opposeSamu: opposeSamu, maskAllDocuments: maskAllDocuments,
                         maskedVisibleInEmergency: maskedVisibleInEmergency)
    }

    /// Applies the members `body` carries (others stay); 400 when one is not a boolean.
    mutating func apply(_ body: JSON) throws {
        for key in API.AccessPolicy.members where body[key] != nil && body[key]?.boolValue == nil {
            throw APIError.badRequest("\(key) must be true or false", detail: "invalid-parameter")
        }
        opposeEmergency = body["opposeEmergency"]?.boolValue ?? opposeEmergency
        opposeSamu = body["opposeSamu"]?.boolValue ?? opposeSamu
        maskAllDocuments = body["maskAllDocuments"]?.boolValue ?? maskAllDocuments
        maskedVisibleInEmergency = body["maskedVisibleInEmergency"]?.boolValue ?? maskedVisibleInEmergency
    }
}
