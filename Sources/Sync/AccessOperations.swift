import FHIR
import Foundation
import HealthRecord
import Vault

/// The server's access-management operations for the holder's side (Docs/server-api.md,
/// "Access management"): they need the server, unlike edits that wait in the outbox. Each
/// changes a `Consent` on the server; the next sync brings it into the vault.
///
/// Operations are sent once (a code created twice would leave a second valid code behind); an
/// unreachable server is `SyncError.offline`, said plainly to the user.
public struct AccessOperations: Sendable {
    let client: BackendClient

    /// The operations of the account logged in on `vault`; throws `notLoggedIn` without one.
    public init(vault: Vault, transport: (@Sendable (URL) -> any Transport)? = nil, requestTimeout: TimeInterval = 15) throws {
        guard let account = try Account.stored(in: vault) else { throw SyncError.notLoggedIn }
        let transport = transport?(account.server) ?? URLSessionTransport(baseURL: account.server, requestTimeout: requestTimeout)
        client = BackendClient(transport: transport, token: account.token, backoff: Backoff(maximumAttempts: 1))
    }

    /// Creates a single-use code opening `rubriques` for `durationMinutes` once redeemed; it
    /// must be redeemed within `redeemWithinMinutes`. The code is shown once: only its hash is kept.
    public func createCode(patient: String, durationMinutes: Int, rubriques: [Section],
                           redeemWithinMinutes: Int = 60) async throws(SyncError) -> API.AccessCode {
        let body: JSON = ["durationMinutes": .int(durationMinutes), "rubriques": .array(rubriques.map { .string($0.rawValue) }),
                          "redeemWithinMinutes": .int(redeemWithinMinutes)]
        let answer = try await post(API.Path.accessCode(patient: patient), body)
        do { return try API.AccessCode(json: answer) } catch { throw .protocolViolation("access code answer incomplete") }
    }

    /// Ends a session, an unused code or a block at once (`$revoke` on its Consent).
    public func revoke(consent: String) async throws(SyncError) {
        _ = try await post(API.Path.revoke(consent: consent), JSON.object(JSONObject()))
    }

    /// Blocks a professional (`Practitioner/<id>`): their sessions end now, and they see nothing
    /// of the space until unblocked. Returns the block's Consent id.
    @discardableResult
    public func block(patient: String, practitionerID: String) async throws(SyncError) -> String {
        let answer = try await post(API.Path.block(patient: patient), ["practitioner": .string("Practitioner/\(practitionerID)")])
        guard let consent = answer["consent"]?.stringValue else { throw .protocolViolation("block answer without its consent") }
        return consent
    }

    public func policy(patient: String) async throws(SyncError) -> API.AccessPolicy {
        API.AccessPolicy(json: try await client.json(BackendRequest(path: API.Path.accessPolicy(patient: patient))))
    }

    /// Changes the emergency choices and "mask all my documents"; returns the policy as the server keeps it.
    public func setPolicy(_ policy: API.AccessPolicy, patient: String) async throws(SyncError) -> API.AccessPolicy {
        let request = BackendRequest(method: "PUT", path: API.Path.accessPolicy(patient: patient), body: BackendClient.body(policy.json))
        return API.AccessPolicy(json: try await client.json(request))
    }

    /// The catalogue de services, each with what the holder of `patient` consented to.
    public func services(patient: String) async throws(SyncError) -> [API.ServiceEntry] {
        let answer = try await client.json(BackendRequest(path: API.Path.services(patient: patient)))
        return (answer["services"]?.elements ?? []).compactMap(API.ServiceEntry.init(json:))
    }

    /// Connects a service for the chosen finalités (or approves it again); returns it connected.
    public func connectService(patient: String, service: String, finalities: [String]) async throws(SyncError) -> API.ServiceEntry {
        let answer = try await post(API.Path.connectService(patient: patient),
                                    ["service": .string(service), "finalities": .array(finalities.map { .string($0) })])
        guard let entry = API.ServiceEntry(json: answer) else { throw .protocolViolation("connect-service answer incomplete") }
        return entry
    }

    /// The directory of professionals: by name words, or by RPPS number (11 digits).
    public func searchProfessionals(_ text: String) async throws(SyncError) -> [DirectoryEntry] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let query: (String, String) = trimmed.count == 11 && trimmed.allSatisfy(\.isNumber)
            ? ("identifier", "\(IdentifierSystem.rpps)|\(trimmed)") : ("name", trimmed)
        let answer = try await client.json(BackendRequest(path: "/Practitioner", query: [query, ("_count", "20")]))
        let bundle: FHIRBundle
        do { bundle = try FHIRBundle(Resource(answer)) } catch { throw .protocolViolation("directory answer is not a Bundle") }
        return bundle.entries.compactMap { $0.resource.flatMap(DirectoryEntry.init) }
    }

    private func post(_ path: String, _ body: JSON) async throws(SyncError) -> JSON {
        try await client.json(BackendRequest(method: "POST", path: path, body: BackendClient.body(body)))
    }
}

/// A professional of the directory (a `Practitioner`).
public struct DirectoryEntry: Sendable, Equatable, Hashable {
    /// The server's id (`Practitioner/<id>`).
    public var id: String
    public var practitioner: Practitioner

    public init(id: String, practitioner: Practitioner) {
        self.id = id
        self.practitioner = practitioner
    }

    init?(_ resource: Resource) {
        guard let id = resource.id, let practitioner = RecordMapping.practitioner(resource) else { return nil }
        self.init(id: id, practitioner: practitioner)
    }
}
