import FHIR
import Foundation
import HealthRecord
import L10n
import SQLite

/// Delegations to aidants and second legal representatives: invited by the holder's side,
/// accepted or refused by the invited person, revoked by either side, over at their end date.
/// Each is a `Consent` in the holder's space (so the holder's app syncs it) and a row of
/// `delegations` (what `Authorization.access` reads). The rules of MES: at most 3 aidants per
/// person and 5 people per aidant; an attestation PDF of the delegation, and of its end, in both
/// spaces; a parent's access to a child's space ends at 18.
enum Delegations {
    static let maxAidantsPerPerson = 3
    static let maxPeoplePerAidant = 5

    enum Kind: String, Sendable {
        case caregiving
        /// A second legal representative of a minor: on acceptance, a parent of the space.
        case legalRepresentation = "legal-representation"
    }

    /// Creates an active delegation at once (seeding and tests).
    static func create(_ db: Database, consentID: String, aidant: Caller, patient: String, rubriques: [Section], until: Date, now: Date) throws {
        try db.run("""
            INSERT OR REPLACE INTO delegations (consent_id, account_id, patient_id, rubriques, ends, revoked, state, kind, created)
            VALUES (?, ?, ?, ?, ?, 0, 'active', 'caregiving', ?)
            """, [consentID, aidant.accountID, patient, Authorization.rubriqueColumn(rubriques), until.timeIntervalSince1970, now.timeIntervalSince1970])
        var resource = consent(consentID, patient: patient, aidant: aidant, kind: .caregiving, rubriques: rubriques, until: until, now: now,
                               status: "active")
        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: now)
    }

    static func consent(_ id: String, patient: String, aidant: Caller, kind: Kind, rubriques: [Section], until: Date, now: Date,
                        status: String) -> Resource {
        var resource = Resource(type: "Consent", id: id)
        resource["status"] = .string(status)
        resource["scope"] = Concept.codeable(CodeSystem.consentScope, "patient-privacy")
        resource["category"] = [Concept.codeable(CodeSystem.mesConsentKind, "delegation")]
        resource["patient"] = ["reference": .string("Patient/\(patient)")]
        resource["dateTime"] = .string(FHIRDateTime.instant(now))
        resource["provision"] = [
            "type": "permit",
            "period": ["start": .string(FHIRDateTime.instant(now)), "end": .string(FHIRDateTime.instant(until))],
            "actor": [["role": Concept.codeable(CodeSystem.contactRole, kind == .legalRepresentation ? "GUARD" : "CAREGIVER"),
                       "reference": ["identifier": ["system": .string(CodeSystem.mesAccount), "value": .string(aidant.login)],
                                     "display": .string(aidant.displayName)]]],
            "code": .array(rubriques.map { ["coding": [$0.coding]] }),
        ]
        return resource
    }

    /// One row of `delegations`.
    struct Row: Sendable {
        var consentID: String, accountID: String, patient: String, rubriques: [Section], ends: Date, state: String, kind: Kind, created: Date

        static let columns = "consent_id, account_id, patient_id, rubriques, ends, state, kind, created"

        init(_ row: SQLite.Row) {
            consentID = row.string(0)
            accountID = row.string(1)
            patient = row.string(2)
            rubriques = Authorization.parseRubriques(row.string(3))
            ends = Date(timeIntervalSince1970: row.double(4))
            state = row.string(5)
            kind = Kind(rawValue: row.string(6)) ?? .caregiving
            created = Date(timeIntervalSince1970: row.double(7))
        }

        /// pending | active | refused | revoked | expired.
        func status(at now: Date) -> String {
            (state == "pending" || state == "active") && ends <= now ? "expired" : state
        }
    }

    static func row(_ db: Database, consentID: String) throws -> Row? {
        try db.queryFirst("SELECT \(Row.columns) FROM delegations WHERE consent_id = ?", [consentID], map: Row.init)
    }

    // MARK: - Invitation

    /// The holder's side of `scope` invites `aidant`: checks the rules, then a pending row and
    /// a `proposed` Consent. 422 with a clear detail when a rule refuses it.
    static func invite(_ scope: Scope, aidant: Caller, kind: Kind, rubriques: [Section], until: Date) throws -> String {
        try check(scope, aidant: aidant, kind: kind, until: until)
        let consentID = Audit.newID()
        try scope.db.run("""
            INSERT INTO delegations (consent_id, account_id, patient_id, rubriques, ends, revoked, state, kind, created, inviter)
            VALUES (?, ?, ?, ?, ?, 0, 'pending', ?, ?, ?)
            """, [consentID, aidant.accountID, scope.patient, Authorization.rubriqueColumn(rubriques), until.timeIntervalSince1970, kind.rawValue,
                  scope.now.timeIntervalSince1970, scope.access.caller.accountID])
        try scope.saveServer(consent(consentID, patient: scope.patient, aidant: aidant, kind: kind, rubriques: rubriques, until: until,
                                     now: scope.now, status: "proposed"))
        return consentID
    }

    /// The rules an invitation must pass (what `invite` checks first, and what the holder's
    /// side is told before confirming the match): 422 with a clear detail when one refuses it.
    static func check(_ scope: Scope, aidant: Caller, kind: Kind, until: Date) throws {
        let db = scope.db, now = scope.now, patient = scope.patient
        guard aidant.kind == .patient, aidant.patientID != patient, aidant.accountID != scope.access.caller.accountID else {
            throw APIError.unprocessable("one cannot be one's own aidant", detail: "self-delegation")
        }
        guard until > now else { throw APIError.badRequest("until must be in the future", detail: "invalid-parameter") }
        let seconds = now.timeIntervalSince1970
        let live = "state IN ('pending', 'active') AND ends > ?"
        switch kind {
        case .caregiving:
            let aidants = try db.queryFirst("SELECT count(*) FROM delegations WHERE patient_id = ? AND kind = 'caregiving' AND \(live)",
                                            [patient, seconds]) { $0.int(0) } ?? 0
            guard aidants < maxAidantsPerPerson else {
                throw APIError.unprocessable("this person already has \(maxAidantsPerPerson) aidants (invitations included): the limit",
                                             detail: "aidant-limit")
            }
            let helped = try db.queryFirst("SELECT count(*) FROM delegations WHERE account_id = ? AND kind = 'caregiving' AND \(live)",
                                           [aidant.accountID, seconds]) { $0.int(0) } ?? 0
            guard helped < maxPeoplePerAidant else {
                throw APIError.unprocessable("this aidant already helps \(maxPeoplePerAidant) people (invitations included): the limit",
                                             detail: "aidant-busy")
            }
        case .legalRepresentation:
            guard try isMinor(db, patient: patient, now: now) else {
                throw APIError.unprocessable("only a minor's space has legal representatives", detail: "not-a-minor")
            }
            let parents = try db.queryFirst("SELECT count(*) FROM guardianships WHERE patient_id = ?", [patient]) { $0.int(0) } ?? 0
            guard parents < 2 else { throw APIError.unprocessable("this space already has two legal representatives", detail: "representative-limit") }
        }
        if try db.queryFirst("SELECT 1 FROM delegations WHERE account_id = ? AND patient_id = ? AND \(live)",
                             [aidant.accountID, patient, seconds], map: { _ in true }) != nil {
            throw APIError.unprocessable("this person is already invited or already aidant of this space", detail: "already-delegated")
        }
    }

    // MARK: - The invited person's answer

    /// Accepts (or refuses) an invitation made to `caller`: 404 when there is none pending.
    static func answer(_ db: Database, consentID: String, caller: Caller, accept: Bool, now: Date) throws -> Row {
        guard var row = try row(db, consentID: consentID), row.accountID == caller.accountID, row.status(at: now) == "pending" else {
            throw APIError.notFound("no pending invitation \(consentID)")
        }
        row.state = accept ? "active" : "refused"
        try db.run("UPDATE delegations SET state = ? WHERE consent_id = ?", [row.state, consentID])
        if accept, row.kind == .legalRepresentation {
            try db.run("INSERT OR IGNORE INTO guardianships (account_id, patient_id) VALUES (?, ?)", [caller.accountID, row.patient])
        }
        try setConsentStatus(db, row, accept ? "active" : "rejected", now: now)
        let access = Access(patient: row.patient, role: .aidant, caller: caller, rubriques: [])
        try Audit.record(db, access: access, action: .execute, interaction: accept ? "delegation-accept" : "delegation-refuse",
                         entities: ["Consent/\(consentID)"], now: now)
        try Audit.notify(db, patient: row.patient, code: accept ? "delegation.accepted" : "delegation.refused",
                         text: tr(accept ? "server.delegation.accepted" : "server.delegation.refused", ["aidant": caller.displayName]), now: now)
        if accept { try attest(db, row, aidant: caller, ended: false, now: now) }
        return row
    }

    /// Ends a delegation now (revoked by the holder's side or by the aidant). Returns false
    /// when it was over already.
    @discardableResult
    static func end(_ db: Database, _ row: Row, by caller: Caller, now: Date) throws -> Bool {
        let wasActive = row.status(at: now) == "active"
        guard row.status(at: now) == "pending" || wasActive else { return false }
        try db.run("UPDATE delegations SET state = 'revoked', revoked = 1 WHERE consent_id = ?", [row.consentID])
        if row.kind == .legalRepresentation {
            try db.run("DELETE FROM guardianships WHERE account_id = ? AND patient_id = ?", [row.accountID, row.patient])
        }
        try setConsentStatus(db, row, "inactive", now: now)
        if wasActive, let aidant = try Accounts.find(db, accountID: row.accountID) {
            if caller.accountID == aidant.accountID {
                try Audit.notify(db, patient: row.patient, code: "delegation.ended",
                                 text: tr("server.delegation.ended-by-aidant", ["aidant": aidant.displayName]), now: now)
            }
            try attest(db, row, aidant: aidant, ended: true, now: now)
        }
        return true
    }

    private static func setConsentStatus(_ db: Database, _ row: Row, _ status: String, now: Date) throws {
        guard let stored = try ResourceRepository.fetch(db, type: "Consent", id: row.consentID) else { return }
        var resource = try stored.resource()
        resource["status"] = .string(status)
        if status == "inactive", var provision = resource["provision"], var period = provision["period"] {
            period["end"] = .string(FHIRDateTime.instant(now))
            provision["period"] = period
            resource["provision"] = provision
        }
        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: row.patient), now: now)
    }

    // MARK: - Attestations

    /// The attestation of a delegation (or of its end), a PDF document in the holder's space and
    /// in the aidant's own space when they have one. Always written in French, the official
    /// language of the document, whatever language the server, the holder or the aidant use:
    /// both spaces receive the same legal text, and every app shows its title as it is.
    static func attest(_ db: Database, _ row: Row, aidant: Caller, ended: Bool, now: Date) throws {
        func tr(_ key: String, _ arguments: [String: String] = [:]) -> String {
            Localizer.shared.text(key, arguments, language: attestationLanguage)
        }
        let holderName = try name(db, patient: row.patient) ?? row.patient
        let day = LocalFormat.date(now, language: attestationLanguage)
        let role = tr(row.kind == .legalRepresentation ? "server.attestation.role.legal" : "server.attestation.role.aidant")
        let title = tr(ended ? "server.attestation.end.title" : "server.attestation.title", ["aidant": aidant.displayName, "holder": holderName])
        var lines = [
            tr(ended ? "server.attestation.end.body" : "server.attestation.body",
               ["aidant": aidant.displayName, "holder": holderName, "role": role, "date": day]),
            tr("server.attestation.rubriques", ["list": row.rubriques.map { tr(rubriqueKey($0)) }.joined(separator: ", ")]),
            tr("server.attestation.period", ["start": LocalFormat.date(row.created, language: attestationLanguage),
                                             "end": ended ? day : LocalFormat.date(row.ends, language: attestationLanguage)]),
        ]
        if !ended { lines.append(tr("server.attestation.limits")) }
        lines.append(tr("server.attestation.reference", ["consent": row.consentID]))
        guard let pdf = AttestationPDF.make(title: title, lines: lines, author: tr("server.attestation.author")) else { return }
        var spaces = [row.patient]
        if let own = aidant.patientID, own != row.patient { spaces.append(own) }
        var writer = SeedWriter(db: db, now: now)
        for (index, space) in spaces.enumerated() {
            let id = "attestation-\(row.consentID.prefix(24))-\(ended ? "end" : "start")-\(index)"
            let document = DocumentReference(id: id, typeSystem: CodeSystem.documentTypeFR, typeCode: "DOCPAT09", typeDisplay: title,
                                             classCode: "95", category: .administrative, subject: "Patient/\(space)",
                                             date: FHIRDateTime.instant(now),
                                             authors: [DocumentReference.Author(reference: nil, display: tr("server.attestation.author"))],
                                             title: title, attachment: .init(contentType: "application/pdf", title: title,
                                                                             creation: FHIRDateTime.instant(now)))
            try writer.saveDocument(document, content: pdf)
        }
    }

    // MARK: - Hand-over of unsent changes

    /// How long after a delegation's end its aidant may still hand over what they had not sent.
    static let handOverWindow: TimeInterval = 30 * 86400
    /// At most this many changes, and this many bytes of document, in one hand-over.
    static let handOverMaxChanges = 1000
    static let handOverMaxBytes = 512 * 1024

    /// The aidant of an ended delegation hands the changes they could not send to the holder:
    /// one plain-text document deposited in the holder's space (listed among their documents,
    /// announced by a notification, recorded in their history as the aidant's), masked from
    /// professionals (a note between the aidant and the holder, who may unmask it). It does not
    /// reopen the space: nothing is read, nothing else is written, the changes are not applied
    /// (the holder keeps the document, or deletes it to discard them), and a delegation hands
    /// over once only, within `handOverWindow` of its end. Returns the document's id.
    static func handOver(_ db: Database, patient: String, caller: Caller, changes: [JSON], now: Date) throws -> String {
        let seconds = now.timeIntervalSince1970
        let rows = try db.query("SELECT \(Row.columns) FROM delegations WHERE account_id = ? AND patient_id = ? ORDER BY created DESC",
                                [caller.accountID, patient], map: Row.init)
        if rows.contains(where: { $0.status(at: now) == "active" }) {
            throw APIError(409, .conflict, "your delegation to this space is active: synchronise instead", detail: "still-delegated")
        }
        // Only one's own delegations are looked at: anyone else learns nothing of the space.
        guard let row = rows.first(where: { ["revoked", "expired"].contains($0.status(at: now)) }) else {
            throw APIError(404, .notFound, "no ended delegation of yours to this space", detail: "no-ended-delegation")
        }
        let ended = try endDate(db, row) ?? row.ends
        guard seconds - ended.timeIntervalSince1970 <= handOverWindow else {
            throw APIError.forbidden("the delegation ended too long ago to hand changes over", detail: "hand-over-closed")
        }
        guard !changes.isEmpty, changes.count <= handOverMaxChanges, changes.allSatisfy({ $0.objectValue != nil }) else {
            throw APIError.badRequest("changes must be 1 to \(handOverMaxChanges) objects", detail: "invalid-parameter")
        }
        try db.run("INSERT OR IGNORE INTO notification_marks (mark) VALUES (?)", ["hand-over|\(row.consentID)"])
        guard db.changes > 0 else {
            throw APIError(409, .conflict, "the changes of this delegation were handed over already", detail: "already-handed-over")
        }
        func tr(_ key: String, _ arguments: [String: String] = [:]) -> String {
            Localizer.shared.text(key, arguments, language: attestationLanguage)
        }
        let holderName = try name(db, patient: patient) ?? patient
        let title = tr("server.handover.title", ["aidant": caller.displayName])
        var text = [title, "", tr("server.handover.intro", ["aidant": caller.displayName, "holder": holderName,
                                                            "date": LocalFormat.date(ended, language: attestationLanguage),
                                                            "count": String(changes.count)]), ""]
        for (index, change) in changes.enumerated() {
            let operation = change["operation"]?.stringValue ?? "?"
            text.append(tr("server.handover.change", ["number": String(index + 1), "kind": String((change["kind"]?.stringValue ?? "?").prefix(40)),
                                                      "id": String((change["id"]?.stringValue ?? "?").prefix(80)),
                                                      "operation": tr(operation == "delete" ? "server.handover.delete" : "server.handover.save"),
                                                      "date": change["created"]?.stringValue.flatMap(FHIRDateTime.parse)
                                                          .map { LocalFormat.dateTime($0, language: attestationLanguage) } ?? "?"]))
            if let record = change["record"], record.objectValue != nil { text.append(record.prettyPrinted()) }
            text.append("")
        }
        text.append(tr("server.handover.outro"))
        let content = Array(text.joined(separator: "\n").utf8)
        guard content.count <= handOverMaxBytes else {
            throw APIError(413, .tooLong, "the changes are too large to hand over (\(handOverMaxBytes) bytes at most)", detail: "too-large")
        }
        let id = "handover-\(row.consentID.prefix(24))"
        let author = tr("server.handover.author", ["aidant": caller.displayName])
        let document = DocumentReference(id: id, typeSystem: CodeSystem.documentTypeFR, typeCode: "DOCPAT09", typeDisplay: title,
                                         classCode: "95", category: .administrative, subject: "Patient/\(patient)",
                                         date: FHIRDateTime.instant(now),
                                         // Deposited on the holder's side (the aidant acted for them): the holder
                                         // may delete it to discard the changes; the history says who it was.
                                         authors: [DocumentReference.Author(reference: "Patient/\(patient)", display: author)],
                                         title: title, visibility: [.maskedFromProfessionals],
                                         attachment: .init(contentType: "text/plain; charset=utf-8", title: title,
                                                                         creation: FHIRDateTime.instant(now)))
        var writer = SeedWriter(db: db, now: now)
        try writer.saveDocument(document, content: content)
        let access = Access(patient: patient, role: .aidant, caller: caller, rubriques: [])
        try Audit.record(db, access: access, action: .create, interaction: "hand-over",
                         entities: ["DocumentReference/\(id)", "Consent/\(row.consentID)"], now: now)
        try Audit.notify(db, patient: patient, code: "delegation.hand-over",
                         text: Localizer.shared.plural("server.handover.notification", count: changes.count, ["aidant": caller.displayName]),
                         now: now)
        return id
    }

    /// When a delegation was revoked (its Consent's period end), nil when it was not.
    static func endDate(_ db: Database, _ row: Row) throws -> Date? {
        guard row.state == "revoked", let stored = try ResourceRepository.fetch(db, type: "Consent", id: row.consentID) else { return nil }
        return try stored.resource()["provision"]?["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.parse)
    }

    /// The language of attestations (see `attest`).
    static let attestationLanguage = Language.french

    /// The catalogue key naming a rubrique (the words the apps use).
    static func rubriqueKey(_ section: Section) -> String {
        switch section {
        case .documents: "sharing.rubrique.documents"
        case .medicalProfile: "sharing.rubrique.profile"
        case .vaccinations: "sharing.rubrique.vaccinations"
        case .agenda: "sharing.rubrique.agenda"
        case .messages: "sharing.rubrique.messages"
        case .careHistory: "sharing.rubrique.reimbursements"
        case .entourage: "sharing.rubrique.entourage"
        }
    }

    // MARK: - Persons

    /// "Hélène MARTINEAU", from the space's Patient.
    static func name(_ db: Database, patient: String) throws -> String? {
        guard let stored = try ResourceRepository.fetch(db, type: "Patient", id: patient) else { return nil }
        let resource = try stored.resource()
        let name = resource["name"]?[0]
        let given = name?["given"]?[0]?.stringValue ?? ""
        let family = name?["family"]?.stringValue ?? ""
        return [given, family.uppercased()].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Whether the space's person is under 18 at `now` (the server's clock: a test moves it).
    /// A space without a birth date counts as a minor's when a parent holds it.
    static func isMinor(_ db: Database, patient: String, now: Date) throws -> Bool {
        guard let stored = try ResourceRepository.fetch(db, type: "Patient", id: patient),
              let birth = try stored.resource()["birthDate"]?.stringValue, birth.count >= 10,
              let year = Int(birth.prefix(4)) else { return true }
        let majority = String(format: "%04d", year + 18) + birth.dropFirst(4).prefix(6)
        return FHIRDateTime.date(now) < majority
    }

    /// The account matching an invitation's person: its identifier, and the name and birth
    /// date of the person behind it (from `account_identities`, else the account's own space).
    /// Nil when anything differs: the same answer for an unknown identifier, so it tells nothing.
    static func match(_ db: Database, identifier: String, family: String, given: String, birthDate: String) throws -> Caller? {
        guard let (account, _) = try Accounts.find(db, login: identifier), account.kind == .patient else { return nil }
        var identity = try db.queryFirst("SELECT family, given, birth_date FROM account_identities WHERE account_id = ?",
                                         [account.accountID]) { ($0.string(0), $0.string(1), $0.string(2)) }
        if identity == nil, let own = account.patientID, let stored = try ResourceRepository.fetch(db, type: "Patient", id: own) {
            let resource = try stored.resource()
            let name = resource["name"]?[0]
            identity = (name?["family"]?.stringValue ?? "", name?["given"]?[0]?.stringValue ?? "", resource["birthDate"]?.stringValue ?? "")
        }
        guard let identity, fold(identity.0) == fold(family), fold(identity.1) == fold(given), identity.2 == birthDate else { return nil }
        return account
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            .trimmingCharacters(in: .whitespaces)
    }
}
