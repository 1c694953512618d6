import FHIR
import Foundation
import HealthRecord
@testable import Server
import XCTest

/// Login, as the probe found it: wrong passwords were never locked out, and professionals
/// logged in with one factor.
final class AuthFindingsTests: XCTestCase {
    func code(_ server: InProcessServer, _ login: String) throws -> String {
        try String(contentsOf: server.directory.appendingPathComponent("otp/\(login).txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testWrongPasswordsLockTheAccountOut() throws {
        let server = try InProcessServer()
        let wrong: JSON = ["identifier": "helene.martineau", "password": "not-her-password"]
        let statuses = (0..<6).map { _ in server.call("POST", "/auth/login", json: wrong).status }
        XCTAssertEqual(statuses, [401, 401, 401, 401, 429, 429])
        let right = server.call("POST", "/auth/login", json: ["identifier": "helene.martineau", "password": "demo-helene"])
        XCTAssertEqual(right.status, 429, "the right password does not get through a lock-out")
        XCTAssertEqual(right.detail, "locked-out")
        XCTAssertNotNil(right.header("Retry-After"))
        // Another account is not affected; the lock-out ends.
        XCTAssertEqual(server.call("POST", "/auth/login", json: ["identifier": "bruno.caradec", "password": "demo-bruno"]).status, 200)
        server.app.clock.advance(by: 16 * 60)
        XCTAssertEqual(server.call("POST", "/auth/login", json: ["identifier": "helene.martineau", "password": "demo-helene"]).status, 200)
    }

    func testAProfessionalLogsInWithTwoFactors() throws {
        let server = try InProcessServer()
        let first = server.call("POST", "/auth/login", json: ["rpps": "10003456783", "password": "demo-garnier"])
        XCTAssertEqual(first.status, 200)
        XCTAssertNil(first.json["access_token"], "a password alone gives no token")
        let challenge = try XCTUnwrap(first.json["challenge"]?.stringValue)
        let wrong = server.call("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": "000000"])
        if try code(server, "10003456783") != "000000" { XCTAssertEqual(wrong.status, 401) }
        let again = try XCTUnwrap(server.call("POST", "/auth/login", json: ["rpps": "10003456783", "password": "demo-garnier"]).json["challenge"]?.stringValue)
        let second = server.call("POST", "/auth/otp", json: ["challenge": .string(again), "code": .string(try code(server, "10003456783"))])
        XCTAssertEqual(second.status, 200)
        let token = try XCTUnwrap(second.json["access_token"]?.stringValue)
        XCTAssertEqual(server.call("GET", "/auth/me", token: token).json["kind"]?.stringValue, "professional")
    }
}
