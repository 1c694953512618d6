import Crypto
import FHIR
import Foundation
import SQLite

/// Who is calling, from a valid bearer token.
struct Caller: Sendable {
    /// `service`: a connected service (catalogue de services), reaching spaces through `service_grants`.
    enum Kind: String, Sendable { case patient, professional, service }
    var accountID: String
    var kind: Kind
    var login: String
    var displayName: String
    /// The space this account holds (patients; an aidant may hold none).
    var patientID: String?
    /// The professional's Practitioner id.
    var practitionerID: String?

    var practitionerReference: String? { practitionerID.map { "Practitioner/\($0)" } }
}

/// Accounts, passwords (Argon2id), one-time codes and bearer tokens.
enum Accounts {
    /// Login identifiers: letters, digits and `.-_@`, so they are safe as file names too.
    static func isValidLogin(_ login: String) -> Bool {
        (1...64).contains(login.utf8.count) && login.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2E || byte == 0x2D || byte == 0x5F || byte == 0x40
        } && !login.hasPrefix(".")
    }

    static func hashPassword(_ password: String, settings: ServerSettings) throws -> String {
        let secret = try SecureBytes(copying: Array(password.utf8))
        return try Argon2id.hashPassword(secret, parameters: Argon2idParameters(iterations: settings.passwordIterations, memoryBytes: settings.passwordMemoryBytes))
    }

    static func verify(_ password: String, hash: String) -> Bool {
        guard let secret = try? SecureBytes(copying: Array(password.utf8)) else { return false }
        return Argon2id.verifyPassword(secret, hash: hash)
    }

    /// Creates an account, or returns the existing one with that login unchanged (idempotent seeding).
    @discardableResult
    static func create(_ db: Database, kind: Caller.Kind, login: String, passwordHash: String, displayName: String,
                       patientID: String?, practitionerID: String?, id chosen: String? = nil) throws -> String {
        if let existing = try db.queryFirst("SELECT id FROM accounts WHERE login = ?", [login], map: { $0.string(0) }) {
            return existing
        }
        let id = chosen ?? "acc-" + Hex.encode(Random.bytes(8))
        try db.run("INSERT INTO accounts (id, kind, login, password_hash, display_name, patient_id, practitioner_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [id, kind.rawValue, login, passwordHash, displayName, patientID, practitionerID])
        return id
    }

    static let callerColumns = "id, kind, login, display_name, patient_id, practitioner_id"

    static func caller(_ row: Row) -> Caller {
        Caller(accountID: row.string(0), kind: Caller.Kind(rawValue: row.string(1)) ?? .patient, login: row.string(2),
               displayName: row.string(3), patientID: row.optionalString(4), practitionerID: row.optionalString(5))
    }

    static func find(_ db: Database, login: String) throws -> (Caller, String)? {
        try db.queryFirst("SELECT \(callerColumns), password_hash FROM accounts WHERE login = ?", [login]) { (caller($0), $0.string(6)) }
    }

    static func find(_ db: Database, accountID: String) throws -> Caller? {
        try db.queryFirst("SELECT \(callerColumns) FROM accounts WHERE id = ?", [accountID], map: caller)
    }

    static func find(_ db: Database, practitionerID: String) throws -> Caller? {
        try db.queryFirst("SELECT \(callerColumns) FROM accounts WHERE practitioner_id = ?", [practitionerID], map: caller)
    }

    static func digest(_ secret: String) -> String { Hex.encode(SHA256.hash(Array(secret.utf8))) }

    /// Issues a bearer token for the account.
    static func issueToken(_ db: Database, accountID: String, now: Date, lifetime: TimeInterval) throws -> API.Token {
        let token = Hex.encode(Random.bytes(32))
        try db.run("DELETE FROM tokens WHERE expires < ?", [now.timeIntervalSince1970])
        try db.run("INSERT INTO tokens (token_hash, account_id, expires) VALUES (?, ?, ?)",
                   [digest(token), accountID, now.addingTimeInterval(lifetime).timeIntervalSince1970])
        return API.Token(accessToken: token, expiresIn: Int(lifetime), accountID: accountID)
    }

    /// The caller a bearer token stands for; 401 when missing, unknown or expired.
    static func authenticate(_ db: Database, authorization: String?, now: Date) throws -> Caller {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("a bearer token is required")
        }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let (accountID, expires) = try db.queryFirst("SELECT account_id, expires FROM tokens WHERE token_hash = ?", [digest(token)], map: { ($0.string(0), $0.double(1)) }) else {
            throw APIError.unauthorized("unknown token", detail: "invalid-token")
        }
        guard expires > now.timeIntervalSince1970 else { throw APIError.unauthorized("the token has expired", detail: "expired-token") }
        guard let caller = try find(db, accountID: accountID) else { throw APIError.unauthorized("unknown account", detail: "invalid-token") }
        return caller
    }
}
