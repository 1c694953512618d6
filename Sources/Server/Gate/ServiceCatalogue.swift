import FHIR
import Foundation
import HealthRecord
import SQLite

/// The catalogue de services and the holders' consents to them. A referenced service has an
/// account of kind `service` (its token) and an entry: finalités, each asking for data exchanges
/// (a rubrique, read or write). The holder connects a service finalité by finalité; the grant
/// (`service_grants`) then reaches exactly the rubriques those finalités read and write, and the
/// gate refuses the rest (403, audited). When the service asks for more, its version rises and
/// every grant approved for an older version reaches nothing until the holder approves again;
/// so does a grant a parent approved for a child's space, once the child is 18 (the young adult
/// decides).
enum ServiceCatalogue {
    /// A grant's consent is stable per service and space (connecting again replaces it).
    static func consentID(service: String, patient: String) -> String { "service-\(service)-\(patient)" }

    /// Adds or updates a service (its version rises when it asks for more than before).
    static func publish(_ db: Database, _ entry: API.ServiceEntry, accountID: String) throws {
        var entry = entry
        entry.connection = nil
        try db.run("INSERT OR REPLACE INTO services (id, account_id, version, entry) VALUES (?, ?, ?, ?)",
                   [entry.id, accountID, entry.version, entry.json.text])
    }

    /// Every service of the catalogue, by name.
    static func all(_ db: Database) throws -> [API.ServiceEntry] {
        try db.query("SELECT entry FROM services ORDER BY id", []) { row in try? JSON(parsing: row.string(0)) }
            .compactMap { $0.flatMap(API.ServiceEntry.init(json:)) }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }

    static func entry(_ db: Database, id: String) throws -> (entry: API.ServiceEntry, accountID: String)? {
        try db.queryFirst("SELECT entry, account_id FROM services WHERE id = ?", [id]) { row in
            (try? JSON(parsing: row.string(0))).flatMap(API.ServiceEntry.init(json:)).map { ($0, row.string(1)) }
        } ?? nil
    }

    /// The catalogue with what the holder of `patient` consented to.
    static func connections(_ db: Database, patient: String, now: Date) throws -> [API.ServiceEntry] {
        let grants = try db.query("""
            SELECT service_id, consent_id, finalities, version, approved_for_minor FROM service_grants
            WHERE patient_id = ? AND revoked = 0 AND service_id != ''
            """, [patient]) { ($0.string(0), $0.string(1), $0.string(2), $0.int(3), $0.int(4) != 0) }
        let adult = try grants.contains(where: \.4) && !Delegations.isMinor(db, patient: patient, now: now)
        return try all(db).map { entry in
            var entry = entry
            if let grant = grants.first(where: { $0.0 == entry.id }) {
                entry.connection = API.ServiceConnection(consent: grant.1, finalities: grant.2.split(separator: ",").map(String.init),
                                                         approvedVersion: grant.3,
                                                         approval: approvalNeeded(approvedVersion: grant.3, currentVersion: entry.version,
                                                                                  approvedForMinor: grant.4, spaceIsAdult: adult))
            }
            return entry
        }
    }

    /// Why a grant reaches nothing until the holder approves again, if it does.
    static func approvalNeeded(approvedVersion: Int, currentVersion: Int, approvedForMinor: Bool, spaceIsAdult: Bool) -> API.ApprovalReason? {
        if approvedVersion < currentVersion { return .serviceAskedForMore }
        if approvedForMinor && spaceIsAdult { return .cameOfAge }
        return nil
    }

    /// Connects `service` in the space for the chosen finalités (replacing an earlier consent):
    /// 400 for an unknown or empty choice, 404 for an unknown service.
    static func connect(_ scope: Scope, service: String, finalities: [String]) throws -> API.ServiceEntry {
        let db = scope.db
        guard let (entry, accountID) = try entry(db, id: service) else { throw APIError.notFound("no such service \(service)") }
        let known = Set(entry.finalities.map(\.id))
        guard !finalities.isEmpty, finalities.allSatisfy(known.contains) else {
            throw APIError.badRequest("finalities must name at least one of \(known.sorted().joined(separator: ", "))", detail: "invalid-parameter")
        }
        let chosen = entry.finalities.map(\.id).filter(finalities.contains)
        let (read, write) = entry.sections(of: chosen)
        let consent = consentID(service: service, patient: scope.patient)
        try db.run("""
            INSERT OR REPLACE INTO service_grants (consent_id, account_id, patient_id, read_rubriques, write_rubriques, ends, revoked, service_id,
                finalities, version, approved_for_minor)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """, [consent, accountID, scope.patient, Authorization.rubriqueColumn(read), Authorization.rubriqueColumn(write), Self.untilRevoked,
                  service, chosen.joined(separator: ","), entry.version, try Delegations.isMinor(db, patient: scope.patient, now: scope.now) ? 1 : 0])
        try scope.saveServer(consentResource(id: consent, patient: scope.patient, entry: entry, sections: read.union(write), now: scope.now))
        var connected = entry
        connected.connection = API.ServiceConnection(consent: consent, finalities: chosen, approvedVersion: entry.version, approval: nil)
        return connected
    }

    /// A consent lasts until the holder revokes it.
    static let untilRevoked = 1e12

    /// The Consent that records a connection in the space (so the holder's devices know it):
    /// category `urn:mes:consent-category|service`, the service named in extensions, the
    /// rubriques it reaches in `provision.code`.
    static func consentResource(id: String, patient: String, entry: API.ServiceEntry, sections: Set<Section>, now: Date) -> Resource {
        var resource = Resource(type: "Consent", id: id)
        resource["extension"] = [["url": .string(ExtensionURL.serviceID), "valueString": .string(entry.id)],
                                 ["url": .string(ExtensionURL.serviceName), "valueString": .string(entry.name)]]
        resource["status"] = "active"
        resource["scope"] = Concept.codeable(CodeSystem.consentScope, "patient-privacy")
        resource["category"] = [Concept.codeable("urn:mes:consent-category", "service")]
        resource["patient"] = ["reference": .string("Patient/\(patient)")]
        resource["dateTime"] = .string(FHIRDateTime.instant(now))
        resource["provision"] = .compact(["type": "permit", "period": ["start": .string(FHIRDateTime.instant(now))],
                                          "code": .array(sections.sorted().map { ["coding": [$0.coding]] })])
        return resource
    }

    /// The access of a service's account to a space: the union of its live grants there; 403
    /// `consent-outdated` when the service asked for more since the holder approved, or when a
    /// parent approved it for a child who is now 18.
    static func access(_ db: Database, caller: Caller, patient: String, now: Date) throws -> Access? {
        let grants = try db.query("""
            SELECT g.read_rubriques, g.write_rubriques, g.version, coalesce(s.version, 0), g.approved_for_minor FROM service_grants g
            LEFT JOIN services s ON s.id = g.service_id
            WHERE g.account_id = ? AND g.patient_id = ? AND g.revoked = 0 AND g.ends > ?
            """, [caller.accountID, patient, now.timeIntervalSince1970]) { ($0.string(0), $0.string(1), $0.int(2), $0.int(3), $0.int(4) != 0) }
        guard !grants.isEmpty else { return nil }
        let adult = try grants.contains(where: \.4) && !Delegations.isMinor(db, patient: patient, now: now)
        let reasons = grants.map { approvalNeeded(approvedVersion: $0.2, currentVersion: $0.3, approvedForMinor: $0.4, spaceIsAdult: adult) }
        let current = zip(grants, reasons).filter { $0.1 == nil }.map(\.0)
        guard !current.isEmpty else {
            let why = reasons.contains(.serviceAskedForMore) ? "the service asks for more than the holder approved"
                                                             : "a parent approved the service before the holder came of age"
            throw APIError.forbidden("\(why); the holder must approve again", detail: "consent-outdated")
        }
        return Access(patient: patient, role: .service, caller: caller, rubriques: Set(current.flatMap { Authorization.parseRubriques($0.0) }),
                      writeRubriques: Set(current.flatMap { Authorization.parseRubriques($0.1) }))
    }
}
