import Crypto
import FHIR
import Foundation
import HealthRecord
import L10n
import SQLite

/// `/auth/*`: login (patients and aidants: identifier + password, then a one-time code;
/// professionals: RPPS + password, then a one-time code — the Pro Santé Connect stand-in, two
/// factors as with an e-CPS), logout, and `me`. Wrong passwords and wrong codes count alike
/// against an account: five within 15 minutes lock it out of login for 15 minutes.
struct AuthEndpoints {
    let router: Router

    func handle(_ request: HTTPRequest, segments: [String]) throws -> HTTPResponse {
        switch (request.method, segments.count > 1 ? segments[1] : "") {
        case ("POST", "login"): return try login(request)
        case ("POST", "otp"): return try verifyCode(request)
        case ("POST", "service-token"): return try serviceToken(request)
        case ("POST", "logout"): return try logout(request)
        case ("GET", "me"): return try me(request)
        default: throw APIError.notFound("unknown path \(request.path)")
        }
    }

    private func login(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let password = body["password"]?.stringValue, !password.isEmpty, password.utf8.count <= 1024 else {
            throw APIError.badRequest("password is required", detail: "missing-credentials")
        }
        let professional = body["rpps"] != nil
        guard let login = (professional ? body["rpps"] : body["identifier"])?.stringValue, Accounts.isValidLogin(login) else {
            throw APIError.badRequest("identifier (or rpps) is required", detail: "missing-credentials")
        }
        let found = try router.store.read { db in try Accounts.find(db, login: login) }
        // Verify even for an unknown login, so timing does not tell which logins exist.
        let verified = Accounts.verify(password, hash: found?.1 ?? Self.decoyHash)
        let now = router.context.clock.now
        if let (caller, _) = found, let remaining = try router.store.read({ db in try CodeLockout.remaining(db, accountID: caller.accountID, now: now) }) {
            throw CodeLockout.lockedOut(retryAfter: remaining)
        }
        guard let (caller, _) = found, verified, (caller.kind == .professional) == professional, caller.kind != .service else {
            // A wrong password counts against the account, like a wrong code.
            if let (caller, _) = found, try router.store.write({ db in try CodeLockout.recordFailure(db, accountID: caller.accountID, now: now) }) {
                throw CodeLockout.lockedOut(retryAfter: Int(CodeLockout.duration))
            }
            throw APIError.unauthorized("wrong identifier or password", detail: "invalid-credentials")
        }
        let challenge = Hex.encode(Random.bytes(16))
        let code = String(format: "%06u", Random.uniform(below: 1_000_000))
        try router.store.write { db in
            try db.run("DELETE FROM otp_challenges WHERE expires < ?", [now.timeIntervalSince1970])
            try db.run("INSERT INTO otp_challenges (challenge_hash, account_id, code_hash, expires) VALUES (?, ?, ?, ?)",
                       [Accounts.digest(challenge), caller.accountID, Accounts.digest(code), now.addingTimeInterval(router.settings.otpLifetime).timeIntervalSince1970])
        }
        deliverCode(code, to: caller.login)
        return .fhir(200, ["challenge": .string(challenge), "expires_in": .int(Int(router.settings.otpLifetime)), "otp": "sent"])
    }

    /// `POST /auth/service-token` {service, secret}: a connected service's token (client
    /// credentials, as OAuth's). The token reaches only the spaces and rubriques its holders
    /// consented to (`ServiceCatalogue.access`). Wrong secrets lock out like wrong passwords.
    private func serviceToken(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let service = body["service"]?.stringValue, Accounts.isValidLogin(service),
              let secret = body["secret"]?.stringValue, !secret.isEmpty, secret.utf8.count <= 1024 else {
            throw APIError.badRequest("service and secret are required", detail: "missing-credentials")
        }
        let now = router.context.clock.now
        let found = try router.store.read { db in try Accounts.find(db, login: "service.\(service)") }
        let verified = Accounts.verify(secret, hash: found?.1 ?? Self.decoyHash)
        if let (caller, _) = found, let remaining = try router.store.read({ db in try CodeLockout.remaining(db, accountID: caller.accountID, now: now) }) {
            throw CodeLockout.lockedOut(retryAfter: remaining)
        }
        guard let (caller, _) = found, verified, caller.kind == .service else {
            if let (caller, _) = found, try router.store.write({ db in try CodeLockout.recordFailure(db, accountID: caller.accountID, now: now) }) {
                throw CodeLockout.lockedOut(retryAfter: Int(CodeLockout.duration))
            }
            throw APIError.unauthorized("wrong service or secret", detail: "invalid-credentials")
        }
        let settings = router.settings
        let token = try router.store.write { db in try Accounts.issueToken(db, accountID: caller.accountID, now: now, lifetime: settings.tokenLifetime) }
        return .fhir(200, token.json)
    }

    /// The demo server's "SMS": the log and `DATA/otp/<identifier>.txt` (the latest code).
    private func deliverCode(_ code: String, to login: String) {
        let folder = router.context.dataDirectory.appendingPathComponent("otp", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = folder.appendingPathComponent("\(login).txt")
        try? Data((code + "\n").utf8).write(to: file, options: .atomic)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        ServerLog.write(tr("server.log.otp", ["identifier": login, "code": code]))
    }

    private func verifyCode(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let challenge = body["challenge"]?.stringValue, let code = body["code"]?.stringValue else {
            throw APIError.badRequest("challenge and code are required", detail: "missing-credentials")
        }
        let now = router.context.clock.now
        let settings = router.settings
        let outcome = try router.store.write { db -> Result<API.Token, APIError> in
            guard let (accountID, codeHash, expires, attempts) = try db.queryFirst(
                "SELECT account_id, code_hash, expires, attempts FROM otp_challenges WHERE challenge_hash = ?", [Accounts.digest(challenge)],
                map: { ($0.string(0), $0.string(1), $0.double(2), $0.int(3)) }) else {
                return .failure(.unauthorized("unknown or used challenge; log in again", detail: "invalid-challenge"))
            }
            guard expires > now.timeIntervalSince1970 else {
                try db.run("DELETE FROM otp_challenges WHERE challenge_hash = ?", [Accounts.digest(challenge)])
                return .failure(.unauthorized("the code has expired; log in again", detail: "expired-code"))
            }
            if let remaining = try CodeLockout.remaining(db, accountID: accountID, now: now) {
                try db.run("DELETE FROM otp_challenges WHERE account_id = ?", [accountID])
                return .failure(CodeLockout.lockedOut(retryAfter: remaining))
            }
            guard Sodium.constantTimeEqual(Array(Accounts.digest(code).utf8), Array(codeHash.utf8)) else {
                if try CodeLockout.recordFailure(db, accountID: accountID, now: now) {
                    try db.run("DELETE FROM otp_challenges WHERE account_id = ?", [accountID])
                    return .failure(CodeLockout.lockedOut(retryAfter: Int(CodeLockout.duration)))
                }
                if attempts + 1 >= 5 {
                    try db.run("DELETE FROM otp_challenges WHERE challenge_hash = ?", [Accounts.digest(challenge)])
                } else {
                    try db.run("UPDATE otp_challenges SET attempts = attempts + 1 WHERE challenge_hash = ?", [Accounts.digest(challenge)])
                }
                return .failure(.unauthorized("wrong code", detail: "invalid-code"))
            }
            try db.run("DELETE FROM otp_challenges WHERE challenge_hash = ?", [Accounts.digest(challenge)])
            return .success(try Accounts.issueToken(db, accountID: accountID, now: now, lifetime: settings.tokenLifetime))
        }
        return .fhir(200, try outcome.get().json)
    }

    private func logout(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try router.authenticate(request)
        let token = String((request.header("authorization") ?? "").dropFirst(7)).trimmingCharacters(in: .whitespaces)
        try router.store.write { db in try db.run("DELETE FROM tokens WHERE token_hash = ?", [Accounts.digest(token)]) }
        return .fhir(200, ["loggedOut": true])
    }

    /// The account and every space it may open, with the role and rubriques.
    private func me(_ request: HTTPRequest) throws -> HTTPResponse {
        let caller = try router.authenticate(request)
        let now = router.context.clock.now.timeIntervalSince1970
        let spaces = try router.store.read { db -> [JSON] in
            var spaces: [JSON] = []
            if let own = caller.patientID { spaces.append(["patient": .string(own), "role": "holder", "rubriques": Self.all]) }
            let clock = router.context.clock.now
            // A minor's own account holds the space once 18; the parents' access ends then.
            for space in try db.query("SELECT patient_id FROM minor_accounts WHERE account_id = ?", [caller.accountID], map: { $0.string(0) })
            where try !Delegations.isMinor(db, patient: space, now: clock) {
                spaces.append(["patient": .string(space), "role": "holder", "rubriques": Self.all])
            }
            for child in try db.query("SELECT patient_id FROM guardianships WHERE account_id = ?", [caller.accountID], map: { $0.string(0) })
            where try Delegations.isMinor(db, patient: child, now: clock) {
                spaces.append(["patient": .string(child), "role": "parent", "rubriques": Self.all])
            }
            for (patient, rubriques, ends, consent) in try db.query(
                "SELECT patient_id, rubriques, ends, consent_id FROM delegations WHERE account_id = ? AND state = 'active' AND kind = 'caregiving' AND ends > ?",
                [caller.accountID, now], map: { ($0.string(0), $0.string(1), $0.double(2), $0.string(3)) }) {
                spaces.append(["patient": .string(patient), "role": "aidant", "consent": .string(consent),
                               "rubriques": .array(rubriques.split(separator: ",").map { .string(String($0)) }),
                               "until": .string(FHIRDateTime.instant(Date(timeIntervalSince1970: ends)))])
            }
            if let practitioner = caller.practitionerID {
                for (patient, rubriques, ends, consent, kind) in try db.query(
                    "SELECT patient_id, rubriques, session_ends, consent_id, kind FROM access_grants WHERE practitioner_id = ? AND state = 'active' AND session_ends > ?",
                    [practitioner, now], map: { ($0.string(0), $0.string(1), $0.double(2), $0.string(3), $0.string(4)) }) {
                    spaces.append(["patient": .string(patient), "role": "professional", "consent": .string(consent), "access": .string(kind),
                                   "rubriques": .array(rubriques.split(separator: ",").map { .string(String($0)) }),
                                   "until": .string(FHIRDateTime.instant(Date(timeIntervalSince1970: ends)))])
                }
            }
            return spaces
        }
        return .fhir(200, .compact([
            "account": .string(caller.accountID), "kind": .string(caller.kind.rawValue), "login": .string(caller.login),
            "displayName": .string(caller.displayName), "patient": .optional(caller.patientID),
            "practitioner": .optional(caller.practitionerID), "spaces": .array(spaces),
        ]))
    }

    static let all: JSON = .array(Section.allCases.map { .string($0.rawValue) })

    /// A valid hash of a random password, verified when the login is unknown.
    static let decoyHash: String = (try? Argon2id.hashPassword(SecureBytes(copying: Random.bytes(16)),
                                                               parameters: Argon2idParameters(iterations: 2, memoryBytes: 8 << 20))) ?? ""
}
