import FHIR
import Foundation
import HealthRecord
import LocalServer
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// A real `mes-server` process for integration tests (a `LocalServer`: started on 127.0.0.1:0,
/// stopped when this object goes away or the test process dies), with HTTP and login helpers.
final class ServerProcess: Sendable {
    let server: LocalServer
    var dataDirectory: URL { server.dataDirectory }
    let url: String

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mes-server-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    init(dataDirectory: URL? = nil, arguments: [String] = ["--seed", "demo"]) throws {
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                       dataDirectory: dataDirectory ?? Self.temporaryDirectory(),
                                       arguments: ["--lang", "fr"] + arguments)
        url = server.url.absoluteString
    }

    /// SIGTERM, then wait. Returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        server.stop()
        return server.terminationStatus
    }

    // MARK: - HTTP

    struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: JSON { (try? JSON(parsing: body)) ?? .null }
        var detail: String? { OperationOutcome((try? Resource(json)) ?? Resource(type: "None")).flatMap(\.detailCode) }
        func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    func request(_ method: String, _ path: String, json: JSON? = nil, body: [UInt8]? = nil, token: String? = nil,
                 headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        if let json { request.httpBody = Data(json.serialized()) }
        if let body { request.httpBody = Data(body) }
        if request.httpBody != nil { request.setValue("application/fhir+json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var headerMap: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headerMap["\(key)"] = "\(value)" }
        return Answer(status: http.statusCode, headers: headerMap, body: Array(data))
    }

    func get(_ path: String, token: String?) async throws -> Answer { try await request("GET", path, token: token) }

    /// Asserts the status of a request.
    func expect(_ status: Int, _ method: String, _ path: String, json: JSON? = nil, token: String?, headers: [String: String] = [:],
                _ message: String? = nil, file: StaticString = #filePath, line: UInt = #line) async throws {
        let answer = try await request(method, path, json: json, token: token, headers: headers)
        XCTAssertEqual(answer.status, status, message ?? "\(method) \(path)", file: file, line: line)
    }

    /// Asserts the status of a GET.
    func expectGet(_ path: String, token: String?, status: Int, _ message: String? = nil,
                   file: StaticString = #filePath, line: UInt = #line) async throws {
        let answer = try await get(path, token: token)
        XCTAssertEqual(answer.status, status, message ?? path, file: file, line: line)
    }

    // MARK: - Logins

    /// Logs a patient or aidant in: password, then the one-time code read from DATA/otp.
    func loginPatient(_ identifier: String, password: String) async throws -> String {
        try await login(["identifier": .string(identifier), "password": .string(password)], name: identifier)
    }

    /// Logs a professional in: RPPS and password, then the one-time code (the second factor).
    func loginProfessional(_ rpps: String, password: String) async throws -> String {
        try await login(["rpps": .string(rpps), "password": .string(password)], name: rpps)
    }

    /// Password, then the one-time code the demo server wrote to `DATA/otp/<name>.txt`.
    private func login(_ credentials: JSON, name: String) async throws -> String {
        let first = try await request("POST", "/auth/login", json: credentials)
        XCTAssertEqual(first.status, 200, String(decoding: first.body, as: UTF8.self))
        let challenge = try XCTUnwrap(first.json["challenge"]?.stringValue)
        let code = try String(contentsOf: dataDirectory.appendingPathComponent("otp/\(name).txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let second = try await request("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": .string(code)])
        XCTAssertEqual(second.status, 200, String(decoding: second.body, as: UTF8.self))
        return try XCTUnwrap(second.json["access_token"]?.stringValue)
    }

    /// Demo logins.
    func holder() async throws -> String { try await loginPatient("helene.martineau", password: "demo-helene") }
    func otherHolder() async throws -> String { try await loginPatient("bruno.caradec", password: "demo-bruno") }
    func aidant() async throws -> String { try await loginPatient("julien.martineau", password: "demo-julien") }
    func professional(_ id: String) async throws -> String {
        let rpps = ["lefevre": "10003456781", "bernard": "10003456782", "garnier": "10003456783", "renaud": "10003456784", "haddad": "10003456785"][id]!
        return try await loginProfessional(rpps, password: "demo-\(id)")
    }

    /// The holder creates an access code; returns the code and its consent id.
    func accessCode(holderToken: String, patient: String = "helene", rubriques: [String], minutes: Int = 60) async throws -> (code: String, consent: String) {
        let answer = try await request("POST", "/Patient/\(patient)/$access-code",
                                       json: ["durationMinutes": .int(minutes), "rubriques": .array(rubriques.map { .string($0) })], token: holderToken)
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        return (try XCTUnwrap(answer.json["code"]?.stringValue), try XCTUnwrap(answer.json["consent"]?.stringValue))
    }

    func redeem(_ code: String, token: String) async throws -> Answer {
        try await request("POST", "/$redeem-access-code", json: ["code": .string(code)], token: token)
    }

    /// Publishes a document with its content (MHD ITI-65: one transaction); answers with the
    /// stored DocumentReference (201) or the refusal.
    func publish(_ document: DocumentReference, content: [UInt8], token: String) async throws -> Answer {
        var document = document
        document.id = nil
        document.attachment.url = "urn:uuid:content"
        let binary = Binary(contentType: document.attachment.contentType, data: content)
        let bundle = FHIRBundle(kind: .transaction, entries: [
            .init(fullUrl: "urn:uuid:document", resource: document.resource, method: "POST", url: "DocumentReference"),
            .init(fullUrl: "urn:uuid:content", resource: binary.resource, method: "POST", url: "Binary"),
        ])
        let answer = try await request("POST", "/", json: bundle.resource.json, token: token)
        guard answer.status == 200, let location = answer.json["entry"]?[0]?["response"]?["location"]?.stringValue else { return answer }
        var read = try await get("/" + location.split(separator: "/").prefix(2).joined(separator: "/"), token: token)
        read.status = 201
        return read
    }

    func advanceClock(seconds: Double) async throws {
        let answer = try await request("POST", "/_test/clock", json: ["advanceSeconds": .double(seconds)])
        XCTAssertEqual(answer.status, 200)
    }

    /// The ids of a searchset's entries.
    static func ids(_ answer: Answer) -> [String] {
        answer.json["entry"]?.elements.compactMap { $0["resource"]?["id"]?.stringValue } ?? []
    }
}
