import FHIR
import Foundation
import HealthRecord
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// The process: clean stop on SIGTERM, data kept across restarts, idempotent seeding, TLS and
/// the loopback rule, the test-only fault switch, the professional's command line.
final class LifecycleTests: XCTestCase {
    func testDataSurvivesARestartAndSeedingIsIdempotent() async throws {
        let directory = ServerProcess.temporaryDirectory()
        let first = try ServerProcess(dataDirectory: directory)
        let token = try await first.holder()
        let created = try await first.request("PUT", "/Observation/kept-across-restart", json: [
            "resourceType": "Observation", "status": "final", "subject": ["reference": "Patient/helene"], "code": ["text": "Poids"],
        ], token: token)
        XCTAssertEqual(created.status, 201)
        let countBefore = try await first.get("/DocumentReference?_summary=count", token: token).json["total"]?.intValue
        let accountsBefore = try Data(contentsOf: directory.appendingPathComponent("demo-accounts.json"))
        XCTAssertEqual(first.stop(), 0, "SIGTERM stops the server cleanly")

        let second = try ServerProcess(dataDirectory: directory)
        defer { second.stop() }
        let again = try await second.holder()
        try await second.expectGet("/Observation/kept-across-restart", token: again, status: 200)
        let countAfter = try await second.get("/DocumentReference?_summary=count", token: again).json["total"]?.intValue
        XCTAssertEqual(countBefore, countAfter, "seeding twice adds nothing")
        let accounts = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("demo-accounts.json"))) as? [[String: Any]]
        XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("demo-accounts.json")), accountsBefore)
        let roles = Set(accounts?.compactMap { $0["role"] as? String } ?? [])
        XCTAssertEqual(roles, ["holder", "child", "aidant", "professional", "service"])
        XCTAssertTrue(accounts?.allSatisfy { $0["identifier"] != nil && $0["password"] != nil && $0["displayName"] != nil } ?? false)
    }

    func testTokensExpire() async throws {
        let server = try ServerProcess(arguments: ["--seed", "demo", "--enable-test-clock", "--token-ttl", "600"])
        let token = try await server.holder()
        try await server.expectGet("/Patient/helene", token: token, status: 200)
        try await server.advanceClock(seconds: 601)
        let expired = try await server.get("/Patient/helene", token: token)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.detail, "expired-token")
    }

    func testLoginNeedsTheRightPasswordAndAFreshOneTimeCode() async throws {
        let server = try ServerProcess()
        let wrong = try await server.request("POST", "/auth/login", json: ["identifier": "helene.martineau", "password": "nope"])
        XCTAssertEqual(wrong.status, 401)
        let unknown = try await server.request("POST", "/auth/login", json: ["identifier": "nobody", "password": "nope"])
        XCTAssertEqual(unknown.status, 401)
        let proAsPatient = try await server.request("POST", "/auth/login", json: ["identifier": "10003456781", "password": "demo-lefevre"])
        XCTAssertEqual(proAsPatient.status, 401)
        let first = try await server.request("POST", "/auth/login", json: ["identifier": "helene.martineau", "password": "demo-helene"])
        let challenge = try XCTUnwrap(first.json["challenge"]?.stringValue)
        XCTAssertNil(first.json["access_token"], "a patient needs the one-time code")
        let code = try String(contentsOf: server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let bad = try await server.request("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": code == "000000" ? "111111" : "000000"])
        XCTAssertEqual(bad.status, 401)
        let good = try await server.request("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": .string(code)])
        XCTAssertEqual(good.status, 200)
        let token = try XCTUnwrap(good.json["access_token"]?.stringValue)
        let reused = try await server.request("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": .string(code)])
        XCTAssertEqual(reused.status, 401, "a code works once")
        try await server.expect(200, "POST", "/auth/logout", token: token)
        try await server.expectGet("/Patient/helene", token: token, status: 401)
    }

    func testPlainHTTPIsRefusedOffLoopbackAndTLSServes() throws {
        let refused = Process()
        refused.executableURL = URL(fileURLWithPath: BuiltProducts.path("mes-server"))
        refused.arguments = ["--data", ServerProcess.temporaryDirectory().path, "--listen", "0.0.0.0:0"]
        refused.standardError = FileHandle(forWritingAtPath: "/dev/null")
        refused.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try refused.run()
        refused.waitUntilExit()
        XCTAssertEqual(refused.terminationStatus, 2)

        let directory = ServerProcess.temporaryDirectory()
        let key = directory.appendingPathComponent("key.pem").path, certificate = directory.appendingPathComponent("cert.pem").path
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                                     "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"])
        let server = try ServerProcess(arguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { server.stop() }
        XCTAssertTrue(server.url.hasPrefix("https://127.0.0.1:"))
        let output = try run("/usr/bin/curl", ["-s", "--cacert", certificate, server.url + "/metadata"])
        XCTAssertTrue(output.contains("CapabilityStatement"))
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
        try ProcessRunner.run(executable, arguments, standardInput: input).standardOutput
    }

    func testFaultInjectionExistsOnlyWhenEnabledAndFailsTheNextRequests() async throws {
        let plain = try ServerProcess(arguments: [])
        try await plain.expect(404, "POST", "/_test/faults", json: ["fault": "error", "count": 1], token: nil)
        try await plain.expect(404, "POST", "/_test/clock", json: ["advanceSeconds": 10], token: nil)
        plain.stop()

        let server = try ServerProcess(arguments: ["--enable-fault-injection"])
        try await server.expect(200, "POST", "/_test/faults", json: ["fault": "error", "count": 2], token: nil)
        try await server.expectGet("/metadata", token: nil, status: 500)
        try await server.expectGet("/metadata", token: nil, status: 500)
        try await server.expectGet("/metadata", token: nil, status: 200)

        try await server.expect(200, "POST", "/_test/faults", json: ["fault": "malformed", "count": 1], token: nil)
        let malformed = try await server.get("/metadata", token: nil)
        XCTAssertEqual(malformed.status, 200)
        XCTAssertThrowsError(try JSON(parsing: malformed.body))

        // libcurl retries once a request whose reused connection closed without an answer: close two.
        try await server.expect(200, "POST", "/_test/faults", json: ["fault": "close", "count": 2], token: nil)
        do {
            _ = try await server.get("/metadata", token: nil)
            XCTFail("the connection should have been closed")
        } catch {}
        try await server.expect(200, "DELETE", "/_test/faults", token: nil)

        // A body cut in half: the client either reports the lost connection or gets less than the
        // whole (never a complete answer); the server stays up.
        let whole = try await server.get("/metadata", token: nil).body
        try await server.expect(200, "POST", "/_test/faults", json: ["fault": "truncate", "count": 1], token: nil)
        let truncated: Result<ServerProcess.Answer, URLError>
        do {
            truncated = .success(try await server.get("/metadata", token: nil))
        } catch let error as URLError {
            truncated = .failure(error)
        }
        switch truncated {
        case .success(let answer):
            XCTAssertLessThan(answer.body.count, whole.count, "the body was cut")
            XCTAssertThrowsError(try JSON(parsing: answer.body), "a truncated body must not parse")
        case .failure(let error):
            XCTAssertNotEqual(error.code, .cannotConnectToHost, "the server answered, then cut the body")
            XCTAssertNotEqual(error.code, .timedOut)
        }

        try await server.expect(200, "POST", "/_test/faults", json: ["fault": "stall", "count": 1, "stallSeconds": 1], token: nil)
        let started = Date()
        try await server.expectGet("/metadata", token: nil, status: 200)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9)
        try await server.expectGet("/metadata", token: nil, status: 200)
    }

    func testTheProfessionalCommandRedeemsACodeAndReads() async throws {
        let server = try ServerProcess()
        let holder = try await server.holder()
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let passwordFile = server.dataDirectory.appendingPathComponent("pro-password.txt")
        try "demo-bernard\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let base = ["pro", "--url", server.url, "--rpps", "10003456782", "--password-file", passwordFile.path,
                    "--otp-file", server.dataDirectory.appendingPathComponent("otp/10003456782.txt").path]
        let redeemed = try JSON(parsing: run(BuiltProducts.path("mes-server"), base + ["redeem", code]))
        XCTAssertEqual(redeemed["patient"]?.stringValue, "helene")
        let search = try JSON(parsing: run(BuiltProducts.path("mes-server"), base + ["get", "DocumentReference?patient=helene&_count=3"]))
        XCTAssertEqual(search["resourceType"]?.stringValue, "Bundle")
        XCTAssertEqual(search["entry"]?.elements.count, 3)
        let refused = try JSON(parsing: run(BuiltProducts.path("mes-server"), base + ["get", "Condition?patient=helene"]))
        XCTAssertEqual(refused["resourceType"]?.stringValue, "OperationOutcome")
    }

    func testSyntheticSeedingAddsDocumentsThatSyncInPages() async throws {
        let server = try ServerProcess(arguments: ["--seed", "synthetic:1500"])
        let token = try await server.holder()
        let total = try await server.get("/DocumentReference?_summary=count", token: token).json["total"]?.intValue
        XCTAssertEqual(total, 1500 + 15, "the demo's 16 documents less the one invisible to the holder")
        let messages = try await server.get("/Communication?category=message&_summary=count", token: token).json["total"]?.intValue ?? 0
        XCTAssertGreaterThanOrEqual(messages, 150)
        var cursor: String?
        var documents = 0
        repeat {
            let answer = try await server.get("/Patient/helene/$changes?_count=500" + (cursor.map { "&since=\($0)" } ?? ""), token: token)
            let page = try API.ChangesPage(json: answer.json)
            documents += page.changes.filter { $0.resourceType == "DocumentReference" && !$0.deleted }.count
            cursor = page.more ? page.cursor : nil
        } while cursor != nil
        XCTAssertEqual(documents, 1500 + 15)
    }
}
