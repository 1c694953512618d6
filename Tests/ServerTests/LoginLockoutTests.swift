import FHIR
import Foundation
import HealthRecord
import XCTest

/// The one-time login code is a second factor: someone who knows the password cannot try codes
/// without end by logging in again and again for fresh challenges.
final class LoginLockoutTests: XCTestCase {
    func testWrongOneTimeCodesAcrossChallengesLockTheAccountOut() async throws {
        let server = try ServerProcess(arguments: ["--seed", "demo", "--enable-test-clock"])
        defer { server.stop() }
        let credentials: JSON = ["identifier": "helene.martineau", "password": "demo-helene"]
        func challenge() async throws -> ServerProcess.Answer {
            try await server.request("POST", "/auth/login", json: credentials)
        }
        func wrongCode(_ challenge: String) async throws -> ServerProcess.Answer {
            let right = try String(contentsOf: server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let wrong = String(format: "%06d", ((Int(right) ?? 0) + 1) % 1_000_000)
            return try await server.request("POST", "/auth/otp", json: ["challenge": .string(challenge), "code": .string(wrong)])
        }
        var statuses: [Int] = []
        for _ in 0..<2 {
            let login = try await challenge()
            XCTAssertEqual(login.status, 200)
            let id = try XCTUnwrap(login.json["challenge"]?.stringValue)
            for _ in 0..<3 { statuses.append(try await wrongCode(id).status) }
        }
        XCTAssertEqual(statuses.prefix(4), [401, 401, 401, 401])
        XCTAssertEqual(statuses[4], 429, "the fifth wrong code locks the account out: \(statuses)")
        let locked = try await challenge()
        XCTAssertEqual(locked.status, 429)
        XCTAssertEqual(locked.detail, "locked-out")
        XCTAssertNotNil(locked.header("Retry-After"))

        try await server.advanceClock(seconds: 16 * 60)
        _ = try await server.holder()
    }
}
