import FHIR
import Foundation
import HealthRecord
import SQLite

/// What a caller may do in one patient's space, decided by the server on every request.
struct Access: Sendable {
    enum Role: String, Sendable {
        /// The person whose space it is.
        case holder
        /// A parent of a minor: holds the child's space.
        case parent
        /// An aidant within a delegation's rubriques and end date.
        case aidant
        /// A professional through a redeemed access code or an emergency session.
        case professional
    }

    var patient: String
    var role: Role
    var caller: Caller
    var rubriques: Set<Section>
    /// For a professional: the holder's médecin traitant sees masked documents.
    var isGeneralPractitioner = false
    /// The emergency kind (`bris-de-glace`, `samu`) when the session is an emergency one.
    var emergencyKind: String?

    /// The holder's side: no audit, administration allowed.
    var isHolderSide: Bool { role == .holder || role == .parent }

    /// Reads and writes by anyone but the holder's side are audited and notified (a parent
    /// holds a minor's space: their own syncs must not fill the child's history).
    var isAudited: Bool { !isHolderSide }

    func canRead(type: String) -> Bool {
        switch type {
        case "Patient": return true
        case "Practitioner": return true
        case "AuditEvent", "Consent", "RelatedPerson": return isHolderSide
        case _ where !ProfileRules.mayRead(type: type, access: self): return false
        default:
            guard let rubrique = Section.of(resourceType: type) else { return false }
            return isHolderSide || rubriques.contains(rubrique)
        }
    }

    func canWrite(type: String) -> Bool {
        switch type {
        case "Patient", "Consent", "RelatedPerson": return isHolderSide
        case "AuditEvent", "ExplanationOfBenefit", "Practitioner": return false
        case _ where role == .professional && ProfileRules.privateTypes.contains(type): return false
        default:
            guard let rubrique = Section.of(resourceType: type) else { return false }
            return isHolderSide || rubriques.contains(rubrique)
        }
    }

    /// The SQL condition (on `resources`) of the rows this caller may see.
    var visibilitySQL: String {
        switch role {
        case .holder: return "(flags & 2) = 0"
        case .aidant: return "(flags & 10) = 0"
        case .parent: return "(flags & 6) = 0"
        case .professional:
            if isGeneralPractitioner { return "(flags & 8) = 0" }
            return "(flags & 8) = 0 AND ((flags & 1) = 0 OR instr(authors, ' \(caller.practitionerReference ?? "-") ') > 0)"
        }
    }

    /// The same rule in Swift, for a single row.
    func canSee(_ stored: StoredResource) -> Bool {
        guard canRead(type: stored.type) else { return false }
        let flags = stored.flags
        switch role {
        case .holder: return !flags.contains(.invisibleToPatient)
        // The holder's notifications tell who opened the space and why (an emergency's reason):
        // they belong to the holder's side, like the activity history, not to a delegation.
        case .aidant: return flags.isDisjoint(with: [.invisibleToPatient, .holderOnly])
        case .parent: return flags.isDisjoint(with: [.invisibleToPatient, .invisibleToLegalRepresentatives])
        case .professional:
            if flags.contains(.holderOnly) { return false }
            if isGeneralPractitioner || !flags.contains(.maskedFromProfessionals) { return true }
            return stored.authors.contains(" \(caller.practitionerReference ?? "-") ")
        }
    }

    /// Who acted, for an AuditEvent's agent.
    var agent: JSON {
        var who: JSON = ["display": .string(caller.displayName)]
        if let practitioner = caller.practitionerReference {
            who["reference"] = .string(practitioner)
        } else {
            who["identifier"] = ["system": .string(CodeSystem.mesAccount), "value": .string(caller.login)]
        }
        return ["who": who, "requestor": true, "type": Concept.codeable("urn:mes:access-role", role.rawValue)]
    }
}

enum Authorization {
    /// The caller's access to the space of `patient`: 404 when the space does not exist,
    /// 403 when the caller has no right in it (with the reason as detail code).
    static func access(_ db: Database, caller: Caller, patient: String, now: Date) throws -> Access {
        guard let space = try ResourceRepository.fetch(db, type: "Patient", id: patient), !space.deleted else {
            throw APIError.notFound("no such patient space")
        }
        if caller.patientID == patient {
            return Access(patient: patient, role: .holder, caller: caller, rubriques: Set(Section.allCases))
        }
        if try db.queryFirst("SELECT 1 FROM guardianships WHERE account_id = ? AND patient_id = ?", [caller.accountID, patient], map: { _ in true }) != nil {
            return Access(patient: patient, role: .parent, caller: caller, rubriques: Set(Section.allCases))
        }
        let seconds = now.timeIntervalSince1970
        let delegated = try db.query("SELECT rubriques FROM delegations WHERE account_id = ? AND patient_id = ? AND revoked = 0 AND ends > ?",
                                     [caller.accountID, patient, seconds]) { $0.string(0) }
        if !delegated.isEmpty {
            return Access(patient: patient, role: .aidant, caller: caller, rubriques: Set(delegated.flatMap(parseRubriques)))
        }
        guard caller.kind == .professional, let practitioner = caller.practitionerID else {
            throw APIError.forbidden("no access to this space", detail: "no-access")
        }
        if try isBlocked(db, patient: patient, practitioner: practitioner) {
            throw APIError.forbidden("the holder has blocked this professional", detail: "blocked")
        }
        let sessions = try db.query("""
            SELECT rubriques, kind FROM access_grants WHERE patient_id = ? AND practitioner_id = ? AND state = 'active' AND session_ends > ?
            """, [patient, practitioner, seconds]) { ($0.string(0), $0.string(1)) }
        guard !sessions.isEmpty else { throw APIError.forbidden("no active access session for this space", detail: "no-access") }
        let patientResource = try space.resource()
        let isGP = patientResource["generalPractitioner"]?.elements.contains {
            $0["reference"]?.stringValue.flatMap(ResourceReference.init)?.description == "Practitioner/\(practitioner)"
        } ?? false
        return Access(patient: patient, role: .professional, caller: caller,
                      rubriques: Set(sessions.flatMap { parseRubriques($0.0) }), isGeneralPractitioner: isGP,
                      emergencyKind: sessions.first { $0.1 != "code" }?.1)
    }

    static func isBlocked(_ db: Database, patient: String, practitioner: String) throws -> Bool {
        try db.queryFirst("SELECT 1 FROM blocks WHERE patient_id = ? AND practitioner_id = ? AND active = 1",
                          [patient, practitioner], map: { _ in true }) ?? false
    }

    static func parseRubriques(_ text: String) -> [Section] {
        text.split(separator: ",").compactMap { Section(rawValue: String($0)) }
    }

    static func rubriqueColumn(_ rubriques: some Sequence<Section>) -> String {
        rubriques.sorted().map(\.rawValue).joined(separator: ",")
    }
}
