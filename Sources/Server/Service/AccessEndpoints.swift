import Crypto
import FHIR
import Foundation
import HealthRecord
import L10n
import SQLite

/// Temporary access codes, emergency access, blocking, delegations and the holder's
/// oppositions. Each is recorded as a `Consent` in the holder's space (so it syncs), and
/// enforced from the server's own tables.
struct AccessEndpoints {
    let router: Router
    var now: Date { router.context.clock.now }

    private func rubriques(_ body: JSON) throws -> [Section] {
        guard let list = body["rubriques"]?.arrayValue, !list.isEmpty else {
            throw APIError.badRequest("rubriques must list at least one of \(Section.allCases.map(\.rawValue).joined(separator: ", "))", detail: "invalid-parameter")
        }
        return try list.map { item in
            guard let rubrique = item.stringValue.flatMap(Section.init(rawValue:)) else {
                throw APIError.badRequest("unknown rubrique \(item.text)", detail: "invalid-parameter")
            }
            return rubrique
        }
    }

    private func consent(id: String, patient: String, kind: String, status: String, now: Date, actor: JSON? = nil,
                         rubriques: [Section] = [], period: (Date, Date?)? = nil, deny: Bool = false, note: String? = nil) -> Resource {
        var resource = Resource(type: "Consent", id: id)
        resource["status"] = .string(status)
        resource["scope"] = Concept.codeable(CodeSystem.consentScope, "patient-privacy")
        resource["category"] = [Concept.codeable(CodeSystem.mesConsentKind, kind)]
        resource["patient"] = ["reference": .string("Patient/\(patient)")]
        resource["dateTime"] = .string(FHIRDateTime.instant(now))
        var provision: JSONObject = JSONObject()
        provision["type"] = deny ? "deny" : "permit"
        if let period {
            provision["period"] = .compact(["start": .string(FHIRDateTime.instant(period.0)), "end": .optional(period.1.map(FHIRDateTime.instant))])
        }
        if let actor { provision["actor"] = [["role": Concept.codeable("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"), "reference": actor]] }
        if !rubriques.isEmpty { provision["code"] = .array(rubriques.map { ["coding": [$0.coding]] }) }
        resource["provision"] = .object(provision)
        if let note { resource["extension"] = [["url": "urn:mes:extension:consent-note", "valueString": .string(note)]] }
        return resource
    }

    // MARK: - Access codes

    /// `POST /Patient/{id}/$access-code` {durationMinutes, rubriques, redeemWithinMinutes?}
    func createCode(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let minutes = body["durationMinutes"]?.intValue, (1...(60 * 24 * 90)).contains(minutes) else {
            throw APIError.badRequest("durationMinutes must be 1…129600", detail: "invalid-parameter")
        }
        let redeemWithin = body["redeemWithinMinutes"]?.intValue ?? 60
        guard (1...(60 * 24 * 7)).contains(redeemWithin) else { throw APIError.badRequest("redeemWithinMinutes must be 1…10080", detail: "invalid-parameter") }
        let chosen = try rubriques(body)
        let now = self.now
        let redeemBy = now.addingTimeInterval(Double(redeemWithin * 60))
        let consentID = Audit.newID()
        let code = try router.gate.write(caller) { transaction -> String in
            let scope = try transaction.holderScope(patient)
            let db = scope.db
            var code = ""
            repeat {
                code = String(format: "%08u", Random.uniform(below: 100_000_000))
            } while try db.queryFirst("SELECT 1 FROM access_grants WHERE code_hash = ? AND state = 'pending'", [Accounts.digest(code)], map: { _ in true }) != nil
            try db.run("""
                INSERT INTO access_grants (consent_id, patient_id, kind, code_hash, rubriques, duration, redeem_by, state)
                VALUES (?, ?, 'code', ?, ?, ?, ?, 'pending')
                """, [consentID, patient, Accounts.digest(code), Authorization.rubriqueColumn(chosen), Double(minutes * 60), redeemBy.timeIntervalSince1970])
            var resource = consent(id: consentID, patient: patient, kind: "access-code", status: "proposed", now: now, rubriques: chosen,
                                   period: (now, redeemBy))
            try scope.saveServerResource(&resource)
            return code
        }
        return .fhir(201, ["code": .string(code), "consent": .string(consentID), "redeemBy": .string(FHIRDateTime.instant(redeemBy)),
                           "durationMinutes": .int(minutes), "rubriques": .array(chosen.map { .string($0.rawValue) })])
    }

    /// `POST /$redeem-access-code` {code}: a professional opens a session. Wrong codes are
    /// counted per professional; 5 within 15 minutes lock them out for 15 minutes (429).
    func redeem(_ request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        guard caller.kind == .professional, let practitioner = caller.practitionerID else {
            throw APIError.forbidden("only professionals redeem access codes", detail: "professional-only")
        }
        let body = try router.jsonBody(request)
        let code = body["code"]?.stringValue ?? ""
        let now = self.now
        let seconds = now.timeIntervalSince1970
        let outcome = try router.gate.write(caller) { transaction -> Result<JSON, APIError> in
            let db = transaction.db
            if let remaining = try CodeLockout.remaining(db, accountID: caller.accountID, now: now) {
                return .failure(CodeLockout.lockedOut(retryAfter: remaining))
            }
            let grant = code.count == 8 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)
                ? try db.queryFirst("SELECT consent_id, patient_id, rubriques, duration, redeem_by FROM access_grants WHERE code_hash = ? AND state = 'pending'",
                                    [Accounts.digest(code)], map: { ($0.string(0), $0.string(1), $0.string(2), $0.double(3), $0.double(4)) })
                : nil
            guard let (consentID, patient, rubriques, duration, redeemBy) = grant, redeemBy > seconds else {
                if try CodeLockout.recordFailure(db, accountID: caller.accountID, now: now) {
                    return .failure(CodeLockout.lockedOut(retryAfter: Int(CodeLockout.duration)))
                }
                return .failure(.forbidden("unknown, used or expired access code", detail: "invalid-code"))
            }
            if try Authorization.isBlocked(db, patient: patient, practitioner: practitioner) {
                return .failure(.forbidden("the holder has blocked this professional", detail: "blocked"))
            }
            let ends = now.addingTimeInterval(duration)
            try db.run("UPDATE access_grants SET state = 'active', practitioner_id = ?, session_ends = ? WHERE consent_id = ?",
                       [practitioner, ends.timeIntervalSince1970, consentID])
            let chosen = Authorization.parseRubriques(rubriques)
            let actor = try Self.professionalActor(transaction, practitioner: practitioner, display: caller.displayName)
            // The session is open: from here on the professional is in the space like any caller.
            let scope = try transaction.scope(patient)
            var resource = consent(id: consentID, patient: patient, kind: "access-code", status: "active", now: now, actor: actor,
                                   rubriques: chosen, period: (now, ends))
            try scope.saveServerResource(&resource)
            try scope.record(.execute, "redeem-access-code", entities: ["Consent/\(consentID)"])
            try scope.notifyHolder(code: "access.session", text: tr("server.notification.session", ["actor": caller.displayName]))
            return .success(["patient": .string(patient), "consent": .string(consentID), "expiresAt": .string(FHIRDateTime.instant(ends)),
                             "rubriques": .array(chosen.map { .string($0.rawValue) })])
        }
        return .fhir(200, try outcome.get())
    }

    // MARK: - Emergency access

    /// `POST /Patient/{id}/$emergency-access` {kind: bris-de-glace|samu, reason}
    func emergency(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        guard caller.kind == .professional, let practitioner = caller.practitionerID else {
            throw APIError.forbidden("only professionals open emergency access", detail: "professional-only")
        }
        let body = try router.jsonBody(request)
        guard let kind = body["kind"]?.stringValue, ["bris-de-glace", "samu"].contains(kind) else {
            throw APIError.badRequest("kind must be bris-de-glace or samu", detail: "invalid-parameter")
        }
        guard let reason = body["reason"]?.stringValue, !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.count <= 500 else {
            throw APIError.badRequest("a reason is required", detail: "invalid-parameter")
        }
        let now = self.now
        let lifetime = router.settings.emergencyLifetime
        let result = try router.gate.write(caller) { transaction -> JSON in
            let db = transaction.db
            guard let space = try transaction.emergencySpace(patient) else { throw APIError.notFound("no such patient space") }
            if try Authorization.isBlocked(db, patient: patient, practitioner: practitioner) {
                throw APIError.forbidden("the holder has blocked this professional", detail: "blocked")
            }
            let policy = try SpacePolicy.of(db, patient: patient)
            if kind == "samu" ? policy.opposeSamu : policy.opposeEmergency {
                throw APIError.forbidden("the holder opposed this kind of access in advance", detail: "opposed")
            }
            let consentID = Audit.newID()
            let ends = now.addingTimeInterval(lifetime)
            let all = Section.allCases
            try db.run("""
                INSERT INTO access_grants (consent_id, patient_id, kind, rubriques, duration, practitioner_id, session_ends, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'active')
                """, [consentID, patient, kind, Authorization.rubriqueColumn(all), lifetime, practitioner, ends.timeIntervalSince1970])
            let actor = try Self.professionalActor(transaction, practitioner: practitioner, display: caller.displayName)
            let scope = try transaction.scope(patient).emergency(kind)
            var resource = consent(id: consentID, patient: patient, kind: kind, status: "active", now: now, actor: actor,
                                   rubriques: all, period: (now, ends), note: reason)
            try scope.saveServerResource(&resource)
            try scope.record(.execute, "emergency-access", entities: ["Consent/\(consentID)"], detail: reason)
            let gp = try space.resource()["generalPractitioner"]?.elements.compactMap { $0["reference"]?.stringValue } ?? []
            let text = kind == "samu"
                ? tr("server.notification.samu", ["actor": caller.displayName, "reason": reason])
                : tr("server.notification.emergency", ["actor": caller.displayName, "reason": reason])
            try scope.notifyHolder(code: "access.\(kind)", text: text, alsoTo: gp)
            return ["patient": .string(patient), "consent": .string(consentID), "expiresAt": .string(FHIRDateTime.instant(ends)),
                    "rubriques": .array(all.map { .string($0.rawValue) })]
        }
        return .fhir(200, result)
    }

    /// `GET|PUT /Patient/{id}/$access-policy` {opposeEmergency, opposeSamu, maskAllDocuments,
    /// maskedVisibleInEmergency}: the holder's space-wide choices (`SpacePolicy`), enforced by the
    /// gate. Each choice is also a Consent in the space, so it syncs.
    func policy(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let body: JSON? = request.method == "PUT" ? try router.jsonBody(request) : nil
        let now = self.now
        let result = try router.gate.write(caller) { transaction -> JSON in
            let scope = try transaction.holderScope(patient)
            let db = scope.db
            var policy = try SpacePolicy.of(db, patient: patient)
            if let body {
                try policy.apply(body)
                try policy.save(db, patient: patient)
                // Each choice is mirrored by a Consent, active while the holder departs from the default.
                for (kind, active) in [("opposition-bris-de-glace", policy.opposeEmergency), ("opposition-samu", policy.opposeSamu),
                                       ("mask-all-documents", policy.maskAllDocuments), ("opposition-masked-emergency", !policy.maskedVisibleInEmergency)] {
                    try scope.saveServer(consent(id: "\(kind)-\(patient)", patient: patient, kind: kind, status: active ? "active" : "inactive",
                                                now: now, deny: true))
                }
            }
            return policy.api.json
        }
        return .fhir(200, result)
    }

    // MARK: - Blocking and delegation

    /// `POST /Patient/{id}/$block` {practitioner: "Practitioner/…"}
    func block(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let reference = body["practitioner"]?.stringValue.flatMap(ResourceReference.init), reference.type == "Practitioner" else {
            throw APIError.badRequest("practitioner must be a Practitioner reference", detail: "invalid-parameter")
        }
        let now = self.now
        let consentID = Audit.newID()
        try router.gate.write(caller) { transaction in
            let scope = try transaction.holderScope(patient)
            let db = scope.db
            _ = try transaction.resource("Practitioner", reference.id)
            try db.run("INSERT INTO blocks (consent_id, patient_id, practitioner_id, active) VALUES (?, ?, ?, 1)", [consentID, patient, reference.id])
            try Self.endSessions(scope, practitioner: reference.id)
            try scope.saveServer(consent(id: consentID, patient: patient, kind: "block", status: "active", now: now,
                                        actor: try Self.professionalActor(transaction, practitioner: reference.id), period: (now, nil), deny: true))
        }
        return .fhir(201, ["consent": .string(consentID)])
    }

    /// `POST /Patient/{id}/$delegate` {identifier, family, given, birthDate, rubriques, until,
    /// kind?}: invites an aidant (or, with `kind: legal-representation`, a minor's second legal
    /// representative), matched by identifier, name and birth date. The invitation waits for
    /// their answer (`Consent/{id}/$accept`, `$refuse`). 404 `no-match` when nobody matches.
    func delegate(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let login = body["identifier"]?.stringValue, !login.isEmpty else {
            throw APIError.badRequest("identifier of the aidant is required", detail: "invalid-parameter")
        }
        guard let family = body["family"]?.stringValue, let given = body["given"]?.stringValue,
              let birthDate = body["birthDate"]?.stringValue, FHIRDateTime.range(of: birthDate) != nil, birthDate.count == 10 else {
            throw APIError.badRequest("family, given and birthDate (YYYY-MM-DD) of the aidant are required", detail: "invalid-parameter")
        }
        guard let untilText = body["until"]?.stringValue, let until = FHIRDateTime.range(of: untilText)?.end else {
            throw APIError.badRequest("until must be a FHIR date", detail: "invalid-parameter")
        }
        let kindText = body["kind"]?.stringValue ?? Delegations.Kind.caregiving.rawValue
        guard let kind = Delegations.Kind(rawValue: kindText) else { throw APIError.badRequest("unknown kind \(kindText)", detail: "invalid-parameter") }
        let chosen = kind == .legalRepresentation ? Section.allCases : try rubriques(body)
        let consentID = try router.gate.write(caller) { transaction -> String in
            let scope = try transaction.holderScope(patient)
            guard let aidant = try Delegations.match(scope.db, identifier: login, family: family, given: given, birthDate: birthDate) else {
                throw APIError(404, .notFound, "no account matches this identifier, name and birth date", detail: "no-match")
            }
            return try Delegations.invite(scope, aidant: aidant, kind: kind, rubriques: chosen, until: until)
        }
        return .fhir(201, ["consent": .string(consentID), "status": "pending"])
    }

    /// `GET /$invitations`: the delegations made to the caller (as aidant or representative),
    /// whatever their state, with the name of the person whose space it is.
    func invitations(caller: Caller) throws -> HTTPResponse {
        let now = self.now
        let entries = try router.store.read { db -> [JSON] in
            try db.query("SELECT \(Delegations.Row.columns) FROM delegations WHERE account_id = ? ORDER BY created DESC",
                         [caller.accountID], map: Delegations.Row.init).map { row in
                [
                    "consent": .string(row.consentID), "patient": .string(row.patient),
                    "name": .string(try Delegations.name(db, patient: row.patient) ?? ""), "kind": .string(row.kind.rawValue),
                    "status": .string(row.status(at: now)), "rubriques": .array(row.rubriques.map { .string($0.rawValue) }),
                    "until": .string(FHIRDateTime.instant(row.ends)), "since": .string(FHIRDateTime.instant(row.created)),
                ]
            }
        }
        return .fhir(200, ["invitations": .array(entries)])
    }

    /// `POST /Consent/{id}/$accept` and `$refuse`: the invited person's answer.
    func answer(consent consentID: String, accept: Bool, caller: Caller) throws -> HTTPResponse {
        let now = self.now
        let row = try router.store.write { db in try Delegations.answer(db, consentID: consentID, caller: caller, accept: accept, now: now) }
        return .fhir(200, ["consent": .string(consentID), "status": .string(row.state), "patient": .string(row.patient)])
    }

    // MARK: - Revocation

    /// The opposition Consents (`<kind>-<patient>`) and the policy column each mirrors.
    static let oppositionColumns = [("opposition-bris-de-glace", "oppose_emergency = 0"), ("opposition-samu", "oppose_samu = 0"),
                                    ("mask-all-documents", "mask_all = 0"), ("opposition-masked-emergency", "masked_in_emergency = 1")]

    /// `POST /Consent/{id}/$revoke`: ends an access code or session, a delegation, or a block, at once.
    func revoke(_ request: HTTPRequest, consent consentID: String, caller: Caller) throws -> HTTPResponse {
        let now = self.now
        // The aidant (or invited representative) ends their own delegation: either side may.
        if try router.store.write({ db -> Bool in
            guard let row = try Delegations.row(db, consentID: consentID), row.accountID == caller.accountID else { return false }
            try Delegations.end(db, row, by: caller, now: now)
            return true
        }) {
            return .fhir(200, ["consent": .string(consentID), "status": "inactive"])
        }
        try router.gate.write(caller) { transaction in
            // Only the holder's side sees Consents: anyone else is told it does not exist.
            let (found, stored) = try transaction.resource("Consent", consentID)
            guard let scope = found, scope.access.isHolderSide else { throw APIError.notFound("no such consent") }
            let db = scope.db
            try db.run("UPDATE access_grants SET state = 'ended' WHERE consent_id = ? AND state IN ('pending', 'active')", [consentID])
            if let row = try Delegations.row(db, consentID: consentID) {
                // The delegation's own end: its attestation, a representative no longer a parent.
                try Delegations.end(db, row, by: transaction.caller, now: scope.now)
                return
            }
            try db.run("UPDATE blocks SET active = 0 WHERE consent_id = ?", [consentID])
            try db.run("UPDATE service_grants SET revoked = 1 WHERE consent_id = ?", [consentID])
            // An opposition's Consent mirrors the policy: revoking it lifts the opposition too.
            for (kind, column) in Self.oppositionColumns where consentID == "\(kind)-\(stored.patient)" {
                try db.run("UPDATE access_policies SET \(column) WHERE patient_id = ?", [stored.patient])
            }
            try Self.markInactive(scope, stored)
        }
        return .fhir(200, ["consent": .string(consentID), "status": "inactive"])
    }
}
