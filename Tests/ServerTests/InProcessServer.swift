import FHIR
import Foundation
import HealthRecord
@testable import Server
import SQLite
import XCTest

/// The server without a process or a socket: the demo world seeded in a temporary directory,
/// requests handed to the router directly. For tables of cases that would take minutes over
/// HTTP; the HTTP behaviour itself is tested against a real `mes-server` (`ServerProcess`).
final class InProcessServer {
    let directory: URL
    let app: ServerApp
    let router: Router

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mes-server-inprocess-\(UUID().uuidString)")
        var settings = ServerSettings()
        settings.passwordIterations = 1
        settings.passwordMemoryBytes = 1 << 20
        app = try ServerApp(dataDirectory: directory, settings: settings)
        try app.seed(.demo)
        router = Router(context: ServerContext(store: app.store, clock: app.clock, settings: settings, dataDirectory: directory), scheme: "http")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var store: Store { app.store }

    struct Answer {
        var status: Int
        var body: [UInt8]
        var headers: [(name: String, value: String)]
        var json: JSON { (try? JSON(parsing: body)) ?? .null }
        var detail: String? { OperationOutcome((try? Resource(json)) ?? Resource(type: "None")).flatMap(\.detailCode) }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    /// One request; `path` may carry a query (`/DocumentReference?patient=helene`).
    func call(_ method: String, _ path: String, json: JSON? = nil, token: String? = nil, headers: [String: String] = [:]) -> Answer {
        let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
        let query: [(name: String, value: String)] = parts.count > 1 ? parts[1].split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return (pair[0], pair.count > 1 ? pair[1] : "")
        } : []
        var allHeaders = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        allHeaders["host"] = allHeaders["host"] ?? "127.0.0.1:8080"
        if let token { allHeaders["authorization"] = "Bearer \(token)" }
        let request = HTTPRequest(method: method, path: parts[0], query: query, headers: allHeaders, body: json?.serialized() ?? [])
        let response = router.handle(request)
        return Answer(status: response.status, body: response.body, headers: response.headers)
    }

    /// Publishes a document and its content in one transaction (MHD ITI-65).
    func publish(_ document: DocumentReference, content: [UInt8], token: String) -> Answer {
        var document = document
        document.attachment.url = "urn:uuid:content"
        let bundle = FHIRBundle(kind: .transaction, entries: [
            .init(fullUrl: "urn:uuid:document", resource: document.resource, method: "POST", url: "DocumentReference"),
            .init(fullUrl: "urn:uuid:content", resource: Binary(contentType: document.attachment.contentType, data: content).resource,
                  method: "POST", url: "Binary"),
        ])
        return call("POST", "/", json: bundle.resource.json, token: token)
    }

    /// A bearer token for an account, issued directly (the login flow has its own tests).
    func token(login: String) throws -> String {
        try store.write { db in
            guard let (caller, _) = try Accounts.find(db, login: login) else { throw APIError.notFound("no account \(login)") }
            return try Accounts.issueToken(db, accountID: caller.accountID, now: app.clock.now, lifetime: 3600).accessToken
        }
    }

    /// A professional account with its Practitioner, written directly.
    func addProfessional(id: String, rpps: String, name: String) throws {
        try store.write { db in
            var writer = SeedWriter(db: db, now: app.clock.now)
            var practitioner = Resource(type: "Practitioner", id: id)
            practitioner["name"] = [["text": .string(name)]]
            try writer.save(practitioner, patient: "")
            try Accounts.create(db, kind: .professional, login: rpps, passwordHash: "-", displayName: name, patientID: nil, practitionerID: id)
        }
    }

    /// Runs SQL on the server's database (test set-up only).
    func database<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T { try store.write(body) }
}

typealias SQLiteDatabase = SQLite.Database
