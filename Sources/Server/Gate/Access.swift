import FHIR
import Foundation
import HealthRecord
import SQLite

/// What a caller may do in one patient's space, decided by the server on every request. Built
/// only by `Authorization.access` (and by the access operations that open a session); read
/// through a `Scope`.
struct Access: Sendable {
    enum Role: String, Sendable, CaseIterable {
        /// The person whose space it is.
        case holder
        /// A parent of a minor: holds the child's space.
        case parent
        /// An aidant within a delegation's rubriques and end date.
        case aidant
        /// A professional through a redeemed access code or an emergency session.
        case professional
        /// A connected service (catalogue de services) within the holder's consent.
        case service
    }

    var patient: String
    var role: Role
    var caller: Caller
    /// The rubriques this access reads.
    var rubriques: Set<Section>
    /// The rubriques this access writes (a connected service may read more than it writes).
    var writeRubriques: Set<Section>
    /// For a professional: the holder's médecin traitant sees masked documents.
    var isGeneralPractitioner = false
    /// The emergency kind (`bris-de-glace`, `samu`) when the session is an emergency one.
    var emergencyKind: String?
    /// The holder's space-wide choices (read for professionals: masking).
    var policy = SpacePolicy()

    init(patient: String, role: Role, caller: Caller, rubriques: Set<Section>, writeRubriques: Set<Section>? = nil,
         isGeneralPractitioner: Bool = false, emergencyKind: String? = nil) {
        self.patient = patient
        self.role = role
        self.caller = caller
        self.rubriques = rubriques
        self.writeRubriques = writeRubriques ?? rubriques
        self.isGeneralPractitioner = isGeneralPractitioner
        self.emergencyKind = emergencyKind
    }

    /// The holder's side: no audit, administration allowed.
    var isHolderSide: Bool { role == .holder || role == .parent }

    /// Reads and writes by anyone but the holder's side are audited and notified (a parent
    /// holds a minor's space: their own syncs must not fill the child's history).
    var isAudited: Bool { !isHolderSide }

    /// Whether this access reads resources of `type` (in a space; shared types always).
    func canRead(type: String) -> Bool {
        guard let policy = ResourcePolicy.of(type), ProfileRules.mayRead(type: type, access: self) else { return false }
        switch policy.audience {
        case .space, .shared: return true
        case .holderSide: return isHolderSide
        case .rubrique(let rubrique): return isHolderSide || rubriques.contains(rubrique)
        }
    }

    /// Whether this access writes resources of `type`.
    func canWrite(type: String) -> Bool {
        guard let policy = ResourcePolicy.of(type), !(role == .professional && ProfileRules.privateTypes.contains(type)) else { return false }
        switch policy.writers {
        case .server: return false
        case .holderSide: return isHolderSide
        case .readers:
            // A service writes what its consent lets it write, even in a rubrique it does not read.
            if role == .service, case .rubrique(let rubrique) = policy.audience { return writeRubriques.contains(rubrique) }
            guard canRead(type: type) else { return false }
            guard case .rubrique(let rubrique) = policy.audience else { return isHolderSide }
            return isHolderSide || writeRubriques.contains(rubrique)
        }
    }

    /// Which rows this access sees (the one definition, for memory and SQL alike).
    var visibility: VisibilityRule {
        switch role {
        case .holder: return VisibilityRule(hidden: [.invisibleToPatient])
        case .parent: return VisibilityRule(hidden: [.invisibleToPatient, .invisibleToLegalRepresentatives])
        // The holder's notifications tell who opened the space and why (an emergency's reason):
        // they belong to the holder's side, like the activity history, not to a delegation.
        case .aidant: return VisibilityRule(hidden: [.invisibleToPatient, .holderOnly])
        case .service: return VisibilityRule(hidden: [.invisibleToPatient, .holderOnly, .maskedFromThirdPersons])
        case .professional:
            // The médecin traitant sees masked documents; so does an emergency session unless
            // the holder opposed it (purpose `MASKED`).
            if isGeneralPractitioner || (emergencyKind != nil && policy.maskedVisibleInEmergency) { return VisibilityRule(hidden: [.holderOnly]) }
            return VisibilityRule(hidden: [.holderOnly], hiddenUnlessAuthor: [.maskedFromProfessionals],
                                  typesHiddenUnlessAuthor: policy.maskAllDocuments ? SpacePolicy.documentTypes : [],
                                  author: caller.practitionerReference ?? "-")
        }
    }

    /// Whether this access sees the row (its type readable, its flags admitted).
    func canSee(_ stored: StoredResource) -> Bool {
        canRead(type: stored.type) && visibility.admits(type: stored.type, flags: stored.flags, authors: stored.authors)
    }

    /// The reference this caller is recorded under as an author (`Practitioner/<id>`,
    /// `Patient/<id>` for the holder's side, nil for others).
    var authorReference: String? {
        switch role {
        case .professional: return caller.practitionerReference
        case .holder, .parent: return "Patient/\(patient)"
        case .aidant, .service: return nil
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

/// Decides the access of a caller to a space from the server's tables.
enum Authorization {
    /// The caller's access to the space of `patient`; 403 `no-access` when the caller has none
    /// there — also when the space does not exist, so the answer tells nothing of which spaces
    /// exist — or `blocked` for a blocked professional who had a session.
    static func access(_ db: Database, caller: Caller, patient: String, now: Date) throws -> Access {
        let noAccess = APIError.forbidden("no access to this space", detail: "no-access")
        guard let space = try ResourceRepository.fetch(db, type: "Patient", id: patient), !space.deleted else { throw noAccess }
        if caller.patientID == patient {
            return Access(patient: patient, role: .holder, caller: caller, rubriques: Set(Section.allCases))
        }
        // A minor's own account holds the space from 18; a parent's access ends then (the
        // server's clock decides, so a test can move it).
        if try db.queryFirst("SELECT 1 FROM minor_accounts WHERE account_id = ? AND patient_id = ?", [caller.accountID, patient], map: { _ in true }) != nil,
           try !Delegations.isMinor(db, patient: patient, now: now) {
            return Access(patient: patient, role: .holder, caller: caller, rubriques: Set(Section.allCases))
        }
        if try db.queryFirst("SELECT 1 FROM guardianships WHERE account_id = ? AND patient_id = ?", [caller.accountID, patient], map: { _ in true }) != nil,
           try Delegations.isMinor(db, patient: patient, now: now) {
            return Access(patient: patient, role: .parent, caller: caller, rubriques: Set(Section.allCases))
        }
        let seconds = now.timeIntervalSince1970
        let delegated = try db.query("""
            SELECT rubriques FROM delegations WHERE account_id = ? AND patient_id = ? AND state = 'active' AND kind = 'caregiving' AND ends > ?
            """, [caller.accountID, patient, seconds]) { $0.string(0) }
        if !delegated.isEmpty {
            return Access(patient: patient, role: .aidant, caller: caller, rubriques: Set(delegated.flatMap(parseRubriques)))
        }
        if caller.kind == .service {
            guard let access = try ServiceCatalogue.access(db, caller: caller, patient: patient, now: now) else { throw noAccess }
            return access
        }
        guard caller.kind == .professional, let practitioner = caller.practitionerID else { throw noAccess }
        let sessions = try db.query("""
            SELECT rubriques, kind FROM access_grants WHERE patient_id = ? AND practitioner_id = ? AND state = 'active' AND session_ends > ?
            """, [patient, practitioner, seconds]) { ($0.string(0), $0.string(1)) }
        if try isBlocked(db, patient: patient, practitioner: practitioner) {
            throw APIError.forbidden("the holder has blocked this professional", detail: "blocked")
        }
        guard !sessions.isEmpty else { throw noAccess }
        let patientResource = try space.resource()
        let isGP = patientResource["generalPractitioner"]?.elements.contains {
            $0["reference"]?.stringValue.flatMap(ResourceReference.init)?.description == "Practitioner/\(practitioner)"
        } ?? false
        var access = Access(patient: patient, role: .professional, caller: caller,
                            rubriques: Set(sessions.flatMap { parseRubriques($0.0) }), isGeneralPractitioner: isGP,
                            emergencyKind: sessions.first { $0.1 != "code" }?.1)
        access.policy = try SpacePolicy.of(db, patient: patient)
        return access
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
