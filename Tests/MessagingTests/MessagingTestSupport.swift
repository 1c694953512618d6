import Crypto
import FHIR
import Foundation
import HealthRecord
import LocalServer
import Messaging
import Sync
import TestSupport
import Vault
import XCTest

/// A real `mes-server` with the demo world (messagerie seed included) and the professional's
/// side of the messagerie over HTTP.
final class MessagingServer: @unchecked Sendable {
    private(set) var server: LocalServer
    let directory: TemporaryDirectory
    let faults: Bool
    var url: URL { server.url }

    init(faults: Bool = false) throws {
        directory = try TemporaryDirectory(prefix: "mes-messaging-server")
        self.faults = faults
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: directory.url,
                                       arguments: ["--seed", "demo", "--lang", "fr"] + (faults ? ["--enable-fault-injection"] : []))
    }

    deinit {
        server.stop()
        directory.remove()
    }

    /// Stops the process (the data stays); `restart` starts a new one on it.
    func stop() { server.stop() }

    func restart() throws {
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: directory.url,
                                       arguments: ["--lang", "fr"] + (faults ? ["--enable-fault-injection"] : []))
    }

    func request(_ method: String, _ path: String, json: JSON? = nil, token: String? = nil) async throws -> (status: Int, json: JSON) {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let response = try await URLSessionTransport(baseURL: url).send(BackendRequest(method: method, path: path, headers: headers,
                                                                                       body: json.map { Data($0.serialized()) }))
        return (response.status, (try? JSON(parsing: response.body)) ?? .null)
    }

    func professional(rpps: String, password: String) async throws -> String {
        // Two factors for professionals: the password, then the one-time code (issue 19).
        let (_, first) = try await request("POST", API.Path.login, json: ["rpps": .string(rpps), "password": .string(password)])
        let code = try String(contentsOf: directory.url.appendingPathComponent("otp/\(rpps).txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, answer) = try await request("POST", API.Path.verifyCode, json: ["challenge": first["challenge"] ?? .null, "code": .string(code)])
        return try XCTUnwrap(answer["access_token"]?.stringValue)
    }

    /// Arms the test-only fault switch for the next `count` requests under `path`.
    func injectFault(_ fault: String, count: Int, path: String) async throws {
        let answer = try await request("POST", "/_test/faults", json: ["fault": .string(fault), "count": .int(count), "path": .string(path)])
        XCTAssertEqual(answer.status, 200)
    }

    /// A fresh vault logged in as `identifier` and synced.
    func client(_ identifier: String = "helene.martineau", password: String = "demo-helene") async throws -> MessagingClient {
        let client = try MessagingClient()
        let otp = directory.url.appendingPathComponent("otp/\(identifier).txt")
        let account = try await Account.login(server: url, identifier: identifier, password: password) {
            try String(contentsOf: otp, encoding: .utf8)
        }
        try account.save(in: client.vault)
        let report = await client.engine.sync()
        XCTAssertEqual(report.outcome, .complete, "\(report)")
        return client
    }

    /// Points the client at the server's current address (after a restart).
    func repoint(_ client: MessagingClient) throws {
        try client.vault.write { session in
            var account = try XCTUnwrap(session.settings.value("sync.account", as: Account.self))
            account.server = url
            try session.settings.set(account, for: "sync.account")
        }
    }
}

/// A vault with cheap key derivation and its sync engine.
final class MessagingClient: @unchecked Sendable {
    let directory: TemporaryDirectory
    let vault: Vault
    let engine: SyncEngine

    init() throws {
        directory = try TemporaryDirectory(prefix: "mes-messaging-client")
        vault = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                 passphrase: SecureBytes(copying: Array("phrase de passe de test".utf8)),
                                 keyDerivation: .fixed(.minimumForTests)).vault
        var options = SyncEngine.Options()
        options.backoff = Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200), maximumAttempts: 3)
        engine = SyncEngine(vault: vault, options: options)
    }

    deinit {
        vault.close()
        directory.remove()
    }

    func messenger(_ profileID: String? = nil) throws -> Messenger {
        try XCTUnwrap(Messenger.open(vault, profileID: profileID))
    }
}

/// The professionals of the demo world.
enum DemoPro {
    static let garnier = (rpps: "10003456783", password: "demo-garnier")
    static let bernard = (rpps: "10003456782", password: "demo-bernard")
    static let morel = (rpps: "10003456786", password: "demo-morel")
}

/// The messages of a professional's `$thread` answer, and the other resources by type.
func threadEntries(_ json: JSON) -> (messages: [JSON], others: [String: [JSON]]) {
    var messages: [JSON] = []
    var others: [String: [JSON]] = [:]
    for entry in json["entry"]?.elements ?? [] {
        guard let resource = entry["resource"], let type = resource["resourceType"]?.stringValue else { continue }
        if type == "Communication" { messages.append(resource) } else { others[type, default: []].append(resource) }
    }
    return (messages, others)
}
