import Foundation
import HealthRecord
import Messaging
import TestSupport
import Vault
import XCTest

/// Hostile content in messages and attachment names (escape sequences, bidi controls, 1 MB of
/// text in one line) arrives from a real server and is shown inert by `mes messages`.
final class HostileMessageTests: XCTestCase {
    func testHostileMessagesAreShownInert() async throws {
        let server = try MessagingServer()
        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let hostile = "Titre \u{1B}]0;pwned\u{07}\u{1B}[2J\u{202E}cod.exe\u{9B}31m fin"
        let long = String(repeating: "A", count: 1_000_000)
        let started = try await server.request("POST", "/Patient/helene/$message", json: [
            "topic": .string(hostile), "text": .string(hostile + "\n" + long),
            "attachments": [["title": .string("fiche\u{1B}[31m\u{2066}.txt"), "contentType": "text/plain",
                             "data": .string(Data("texte \u{1B}[5m clignotant".utf8).base64EncodedString())]],
        ], token: garnier)
        XCTAssertEqual(started.status, 201)
        let thread = try XCTUnwrap(started.json["id"]?.stringValue)

        let client = try await server.client()
        client.vault.close()
        let home = client.directory.url
        let passphrase = home.appendingPathComponent("passphrase")
        try Data("phrase de passe de test".utf8).write(to: passphrase)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphrase.path)
        let environment = ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "LC_ALL": nil])
        for command in [["messages", "list"], ["messages", "show", thread], ["messages", "attachment", thread, "0"]] {
            let result = try ProcessRunner.run(BuiltProducts.path("mes"), ["--home", home.appendingPathComponent("vault").path,
                                                                           "--passphrase-file", passphrase.path] + command,
                                               environment: environment)
            XCTAssertEqual(result.status, 0, result.standardError)
            let output = result.standardOutput
            XCTAssertFalse(output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(command): a control escaped")
            XCTAssertFalse(output.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) },
                           "\(command): a bidi control escaped")
        }
        let shown = try ProcessRunner.run(BuiltProducts.path("mes"), ["--home", home.appendingPathComponent("vault").path,
                                                                      "--passphrase-file", passphrase.path, "messages", "show", thread],
                                          environment: environment)
        XCTAssertTrue(shown.standardOutput.contains("Titre"), "the words stay readable")
        XCTAssertTrue(shown.standardOutput.contains(String(repeating: "A", count: 1000)), "the long line is shown, not dropped")
    }
}
