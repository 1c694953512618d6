import FHIR
import Foundation
import HealthRecord
import Vault

/// The account a vault syncs with: the server, who logged in, and the bearer token. Kept in the
/// vault's settings (encrypted with everything else). The token is a secret: it is never
/// printed, logged or put in a description.
public struct Account: Codable, Sendable, Equatable, CustomStringConvertible {
    public var server: URL
    /// The login identifier typed at login.
    public var identifier: String
    /// The server's id of the account.
    public var accountID: String
    public var displayName: String
    var token: String
    public var tokenExpiry: Date

    public init(server: URL, identifier: String, accountID: String, displayName: String, token: String, tokenExpiry: Date) {
        self.server = server
        self.identifier = identifier
        self.accountID = accountID
        self.displayName = displayName
        self.token = token
        self.tokenExpiry = tokenExpiry
    }

    public var description: String { "Account(\(identifier) on \(server.absoluteString))" }

    /// True once the token's announced lifetime has passed (the server may refuse it sooner).
    public func tokenHasExpired(at date: Date = Date()) -> Bool { date >= tokenExpiry }

    static let settingsKey = "sync.account"

    /// The account stored in the vault, if any.
    public static func stored(in vault: Vault) throws -> Account? {
        try vault.read { try $0.settings.value(settingsKey, as: Account.self) }
    }

    /// Stores the account (a new login replaces the previous token; queued work is kept).
    public func save(in vault: Vault) throws {
        try vault.write { try $0.settings.set(self, for: Self.settingsKey) }
    }

    /// Forgets the token (logout). Queued work and synced data stay.
    public static func forget(in vault: Vault) throws {
        try vault.write { try $0.settings.remove(settingsKey) }
    }

    // MARK: Logging in

    /// Logs in with identifier, password and one-time code. `oneTimeCode` is called only after
    /// the server accepted the password (it creates and sends the code then).
    public static func login(server: URL, identifier: String, password: String,
                             oneTimeCode: @Sendable () async throws -> String,
                             transport: (any Transport)? = nil) async throws -> Account {
        let challenge = try await LoginChallenge.start(server: server, identifier: identifier, password: password, transport: transport)
        return try await challenge.finish(oneTimeCode: try await oneTimeCode())
    }
}

/// The first step of a login: the password was accepted and the server sent a one-time code.
public struct LoginChallenge: Sendable {
    public let server: URL
    public let identifier: String
    let challenge: String
    let client: BackendClient

    /// Sends identifier and password. Throws `loginRefused` when the server refuses them,
    /// `offline` when it cannot be reached.
    public static func start(server: URL, identifier: String, password: String,
                             transport: (any Transport)? = nil) async throws(SyncError) -> LoginChallenge {
        let client = BackendClient(transport: transport ?? URLSessionTransport(baseURL: server), token: nil,
                                   backoff: Backoff(maximumAttempts: 3))
        let body: JSON = ["identifier": .string(identifier), "password": .string(password)]
        let answer = try await login(client, BackendRequest(method: "POST", path: API.Path.login, body: BackendClient.body(body)))
        guard let challenge = answer["challenge"]?.stringValue else { throw .protocolViolation("login answer without a challenge") }
        return LoginChallenge(server: server, identifier: identifier, challenge: challenge, client: client)
    }

    /// Sends the one-time code; on success, returns the account with its token and name.
    public func finish(oneTimeCode: String) async throws(SyncError) -> Account {
        let body: JSON = ["challenge": .string(challenge), "code": .string(oneTimeCode.trimmingCharacters(in: .whitespacesAndNewlines))]
        let answer = try await Self.login(client, BackendRequest(method: "POST", path: API.Path.verifyCode, body: BackendClient.body(body)))
        let token: API.Token
        do { token = try API.Token(json: answer) } catch { throw .protocolViolation("token answer incomplete") }
        let me = BackendClient(transport: client.transport, token: token.accessToken, backoff: client.backoff)
        let profile = try await me.json(BackendRequest(path: API.Path.me))
        return Account(server: server, identifier: identifier, accountID: token.accountID,
                       displayName: profile["displayName"]?.stringValue ?? identifier, token: token.accessToken,
                       tokenExpiry: Date().addingTimeInterval(TimeInterval(token.expiresIn)))
    }

    private static func login(_ client: BackendClient, _ request: BackendRequest) async throws(SyncError) -> JSON {
        do {
            return try await client.json(request, returningUnauthorized: true)
        } catch .refused(let status, let detail) where status == 400 || status == 401 || status == 429 {
            throw .loginRefused(detail: detail ?? "invalid-credentials")
        }
    }
}
