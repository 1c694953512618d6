import Foundation
import TestSupport
import XCTest

/// `mes access …` and `mes history` as a user runs them, against a real `mes-server`.
final class SharingCommandTests: XCTestCase {
    func testCodeListEndAndHistoryFromTheCommandLine() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        world.vault.close()
        let passphrase = world.directory.url.appendingPathComponent("passphrase")
        try Data("phrase secrète de test".utf8).write(to: passphrase)
        func mes(_ arguments: String...) throws -> (status: Int32, output: String) {
            try runProgram(BuiltProducts.path("mes"),
                           ["--home", world.directory.url.appendingPathComponent("vault").path, "--passphrase-file", passphrase.path] + arguments,
                           environment: ["LANG": "fr_FR.UTF-8", "HOME": world.directory.path])
        }
        func json(_ text: String) throws -> Any { try MesJSON.data(text) }

        let created = try mes("access", "code", "--duration", "30m", "--rubriques", "documents,vaccinations", "--json")
        XCTAssertEqual(created.status, 0)
        let answer = try XCTUnwrap(try json(created.output) as? [String: Any])
        let code = try XCTUnwrap(answer["code"] as? String)
        XCTAssertEqual(answer["qr"] as? String, "MES-ACCES:1:\(code)")
        XCTAssertEqual(answer["rubriques"] as? [String], ["documents", "vaccinations"])
        XCTAssertEqual(try mes("access", "code", "--duration", "3h").status, 2, "only the four durations")

        XCTAssertEqual(try world.professional(SharingWorld.garnier, "redeem", code).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "DocumentReference/doc-bio-recent").status, 0)
        XCTAssertEqual(try mes("sync").status, 0)
        let listed = try XCTUnwrap(try json(try mes("access", "list", "--json").output) as? [[String: Any]])
        let session = try XCTUnwrap(listed.first { $0["status"] as? String == "active" })
        XCTAssertEqual(session["professional"] as? String, "Dr Amélie Garnier")
        XCTAssertEqual(session["rpps"] as? String, "10003456783")
        XCTAssertEqual(session["via"] as? String, "code")
        let text = try mes("access", "list").output
        XCTAssertTrue(text.contains("Dr Amélie Garnier, Biologie médicale, RPPS 10003456783"), text)

        XCTAssertEqual(try mes("access", "end", try XCTUnwrap(session["id"] as? String)).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "DocumentReference/doc-bio-recent").status, 8 /* not found: what one may not see is not found (issue 19) */)
        XCTAssertEqual(try mes("access", "end", "no-such-session").status, 8)

        let history = try XCTUnwrap(try json(try mes("history", "--actor", "garnier", "--json").output) as? [[String: Any]])
        XCTAssertTrue(history.contains { $0["action"] as? String == "read" && $0["target"] as? String == "doc-bio-recent" }, "\(history)")
        XCTAssertTrue(history.allSatisfy { $0["rpps"] as? String == "10003456783" || $0["actor"] as? String == "Dr Amélie Garnier" })
        XCTAssertEqual((try json(try mes("history", "--actor", "bernard", "--json").output) as? [Any])?.count, 0)

        world.server.stop()
        let offline = try mes("access", "code")
        XCTAssertEqual(offline.status, 5, "offline: exit 5, and said plainly (on standard error)")
    }
}
