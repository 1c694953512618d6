import FHIR
import Foundation
import HealthRecord
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The HTTP layer and error handling against a real server: every refusal is an
/// OperationOutcome with the right status, and bad input never wedges the server.
final class HTTPBehaviourTests: XCTestCase {
    nonisolated(unsafe) static var server: ServerProcess?

    override class func setUp() {
        server = try? ServerProcess(arguments: ["--seed", "demo", "--max-body-bytes", "65536"])
    }

    override class func tearDown() {
        server?.stop()
        server = nil
    }

    var server: ServerProcess { get throws { try XCTUnwrap(Self.server, "mes-server did not start") } }

    func testMetadataIsACapabilityStatement() async throws {
        let answer = try await server.get("/metadata", token: nil)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.json["resourceType"]?.stringValue, "CapabilityStatement")
        XCTAssertEqual(answer.json["fhirVersion"]?.stringValue, "4.0.1")
        XCTAssertTrue(answer.header("Content-Type")?.contains("application/fhir+json") ?? false)
    }

    func testMissingAndInvalidTokensAre401() async throws {
        let missing = try await server.get("/DocumentReference", token: nil)
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.json["resourceType"]?.stringValue, "OperationOutcome")
        XCTAssertNotNil(missing.header("WWW-Authenticate"))
        let invalid = try await server.get("/DocumentReference", token: "not-a-token")
        XCTAssertEqual(invalid.status, 401)
        XCTAssertEqual(invalid.detail, "invalid-token")
    }

    func testMalformedJSONWrongTypeAndBadParametersAre400() async throws {
        let server = try self.server
        let token = try await server.holder()
        let malformed = try await server.request("POST", "/Observation", body: Array(#"{"resourceType":"Observation","status":"#.utf8), token: token)
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(malformed.detail, "malformed-json")
        let notObject = try await server.request("POST", "/Observation", body: Array("[1,2,3]".utf8), token: token)
        XCTAssertEqual(notObject.status, 400)
        let wrongType = try await server.request("POST", "/Observation", json: ["resourceType": "Condition", "subject": ["reference": "Patient/helene"]], token: token)
        XCTAssertEqual(wrongType.status, 400)
        XCTAssertEqual(wrongType.detail, "wrong-type")
        let badDocument = try await server.request("POST", "/DocumentReference", json: ["resourceType": "DocumentReference", "status": 3, "subject": ["reference": "Patient/helene"]], token: token)
        XCTAssertEqual(badDocument.status, 400)
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let tooDeep = try await server.request("POST", "/Observation", body: Array(deep.utf8), token: token)
        XCTAssertEqual(tooDeep.status, 400)
        let unknownParameter = try await server.get("/DocumentReference?colour=blue", token: token)
        XCTAssertEqual(unknownParameter.status, 400)
        XCTAssertEqual(unknownParameter.detail, "unknown-parameter")
        let badCount = try await server.get("/DocumentReference?_count=-4", token: token)
        XCTAssertEqual(badCount.status, 400)
        let badDate = try await server.get("/DocumentReference?date=ge2024-13-45", token: token)
        XCTAssertEqual(badDate.status, 400)
        let badCursor = try await server.get("/Patient/helene/$changes?since=zzz", token: token)
        XCTAssertEqual(badCursor.status, 400)
        let unknownType = try await server.get("/Spaceship/1", token: token)
        XCTAssertEqual(unknownType.status, 404)
        let badMethod = try await server.request("PATCH", "/DocumentReference/doc-profil", token: token)
        XCTAssertEqual(badMethod.status, 405)
        // The server still answers.
        let after = try await server.get("/metadata", token: nil)
        XCTAssertEqual(after.status, 200)
    }

    func testOversizeBodyIs413() async throws {
        let server = try self.server
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        let answer = try await server.request("POST", "/auth/login", body: big)
        XCTAssertEqual(answer.status, 413)
        XCTAssertEqual(answer.json["resourceType"]?.stringValue, "OperationOutcome")
        let after = try await server.get("/metadata", token: nil)
        XCTAssertEqual(after.status, 200)
    }

    func testASlowClientDoesNotWedgeTheServerAndIsDisconnected() async throws {
        let server = try ServerProcess(arguments: ["--timeout", "2", "--threads", "2"])
        defer { server.stop() }
        let port = UInt16(server.url.split(separator: ":").last!)!
        let socket = try RawSocket(port: port)
        try socket.send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"ident")
        // Meanwhile, others are served.
        for _ in 0..<3 {
            let answer = try await server.get("/metadata", token: nil)
            XCTAssertEqual(answer.status, 200)
        }
        // The idle connection is closed after the timeout (2 s here).
        XCTAssertTrue(socket.waitForClose(seconds: 8), "the stalled connection was not closed")
    }

    func testNotFoundGoneAndETags() async throws {
        let server = try self.server
        let token = try await server.holder()
        let missing = try await server.get("/Condition/nope", token: token)
        XCTAssertEqual(missing.status, 404)
        let read = try await server.get("/Condition/cond-hta", token: token)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.header("ETag"), "W/\"1\"")
        XCTAssertEqual(read.json["meta"]?["versionId"]?.stringValue, "1")
        XCTAssertNotNil(read.json["meta"]?["lastUpdated"]?.stringValue)
        let notModified = try await server.request("GET", "/Condition/cond-hta", token: token, headers: ["If-None-Match": "W/\"1\""])
        XCTAssertEqual(notModified.status, 304)
    }
}

/// A TCP client that sends raw bytes (for slow-client tests).
final class RawSocket {
    let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// True when the peer closes the connection within `seconds`.
    func waitForClose(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) >= 0 else { return false }
            if poller.revents != 0 {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return true }
            }
        }
        return false
    }
}
