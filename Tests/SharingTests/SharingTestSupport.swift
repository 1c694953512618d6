import Crypto
import FHIR
import Foundation
import HealthRecord
import LocalServer
import Sharing
import Sync
import TestSupport
import Vault
import XCTest

/// A `mes-server` (demo world, test clock), Hélène's vault logged in and synced, and the
/// professionals of the demo acting through the real `mes-server pro` command.
final class SharingWorld: @unchecked Sendable {
    let server: LocalServer
    let directory: TemporaryDirectory
    let vault: Vault
    let center: SharingCenter

    static let bernard = ("10003456782", "demo-bernard")
    static let garnier = ("10003456783", "demo-garnier")
    static let haddad = ("10003456785", "demo-haddad")

    init() async throws {
        directory = try TemporaryDirectory(prefix: "mes-sharing")
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: directory.url.appendingPathComponent("server"),
                                       arguments: ["--seed", "demo", "--enable-test-clock"])
        (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("phrase secrète de test".utf8)),
                                      keyDerivation: .fixed(.minimumForTests))
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let account = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene",
                                              oneTimeCode: { try String(contentsOf: otp, encoding: .utf8) })
        try account.save(in: vault)
        let report = await SyncEngine(vault: vault).sync()
        XCTAssertEqual(report.outcome, .complete)
        center = try XCTUnwrap(SharingCenter.open(vault))
    }

    func close() {
        vault.close()
        server.stop()
        directory.remove()
    }

    func sync() async {
        let report = await SyncEngine(vault: vault).sync()
        XCTAssertEqual(report.outcome, .complete)
    }

    /// Runs `mes-server pro --url … --rpps … --password-file … ARGS`: its exit status and output.
    @discardableResult
    func professional(_ who: (String, String), _ arguments: String...) throws -> (status: Int32, output: String) {
        let passwordFile = directory.url.appendingPathComponent("password-\(who.0)")
        try Data(who.1.utf8).write(to: passwordFile)
        return try runProgram(BuiltProducts.path("mes-server"),
                              ["pro", "--url", server.url.absoluteString, "--rpps", who.0, "--password-file", passwordFile.path,
                               "--otp-file", server.dataDirectory.appendingPathComponent("otp/\(who.0).txt").path] + arguments)
    }

    /// Moves the server's clock forward.
    func advanceClock(minutes: Int) async throws {
        let transport = URLSessionTransport(baseURL: server.url)
        let response = try await transport.send(BackendRequest(method: "POST", path: "/_test/clock", headers: ["Content-Type": "application/json"],
                                                               body: Data(#"{"advanceSeconds": \#(minutes * 60)}"#.utf8)))
        XCTAssertEqual(response.status, 200)
    }
}

/// Runs a program to its end: its exit status and standard output (standard error dropped).
func runProgram(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
