import Crypto
import Foundation
import HealthRecord
import LocalServer
import Sync
import TestSupport
import Vault
import XCTest

/// A real `mes-server` seeded with the demo world, and a home whose vault is logged in to the
/// holder's account and synced (cheap key derivation: these tests are about the screen). `mes`
/// runs on it in tmux; `serverCopy` reads what the server holds through a second, fresh client.
final class SyncedHome {
    static let passphraseText = "phrase de test"
    let directory: TemporaryDirectory
    let server: LocalServer
    let home: URL
    let passphrase: URL

    /// `identifier`/`password`: the demo account the home logs in to (Hélène by default).
    init(identifier: String = "helene.martineau", password: String = "demo-helene") async throws {
        directory = try TemporaryDirectory(prefix: "mes-e2e-synced")
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"),
                                       dataDirectory: directory.url.appendingPathComponent("server"), arguments: ["--seed", "demo"])
        home = directory.url.appendingPathComponent("home")
        passphrase = directory.url.appendingPathComponent("passphrase")
        try Data((Self.passphraseText + "\n").utf8).write(to: passphrase)
        let vault = try await Self.syncedVault(server: server, in: home, identifier: identifier, password: password)
        vault.close()
    }

    deinit { close() }

    func close() {
        server.stop()
        directory.remove()
    }

    /// `mes` on this home, in a tmux terminal.
    func terminal(width: Int = 80, height: Int = 24, term: String = "screen-256color",
                  environment: [String: String] = ["LANG": "C.UTF-8"], arguments: [String] = []) throws -> TerminalSession {
        try TerminalSession(arguments: ["--home", home.path, "--passphrase-file", passphrase.path] + arguments,
                            width: width, height: height, term: term, environment: environment)
    }

    /// `mes-server pro …` as a demo professional (RPPS and password), with the one-time code the
    /// server wrote for them; returns its exit status.
    func professional(rpps: String, password: String, _ arguments: [String]) throws -> Int32 {
        let file = directory.url.appendingPathComponent("pro-password-\(rpps)")
        try Data(password.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("mes-server"))
        process.arguments = ["pro", "--url", server.url.absoluteString, "--rpps", rpps, "--password-file", file.path,
                             "--otp-file", server.dataDirectory.appendingPathComponent("otp/\(rpps).txt").path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the server holds now, as a fresh client syncing the same account sees it.
    func serverCopy() async throws -> [Document] {
        try await serverCopy { session in try session.documents.all() }
    }

    /// Any part of what the server holds now, read from a fresh client's synced vault.
    func serverCopy<Value: Sendable>(_ read: (VaultSession) throws -> Value) async throws -> Value {
        let copy = directory.url.appendingPathComponent("copy-\(UUID().uuidString.prefix(6))")
        let vault = try await Self.syncedVault(server: server, in: copy)
        defer { vault.close() }
        return try vault.read(read)
    }

    static func syncedVault(server: LocalServer, in home: URL, identifier: String = "helene.martineau",
                            password: String = "demo-helene") async throws -> Vault {
        let (vault, _) = try Vault.create(in: VaultDirectory(home), passphrase: SecureBytes(copying: Array(passphraseText.utf8)),
                                          keyDerivation: .fixed(.minimumForTests))
        let otp = server.dataDirectory.appendingPathComponent("otp/\(identifier).txt")
        let account = try await Account.login(server: server.url, identifier: identifier, password: password,
                                              oneTimeCode: { try String(contentsOf: otp, encoding: .utf8) })
        try account.save(in: vault)
        let report = await SyncEngine(vault: vault).sync()
        guard report.outcome == .complete else { throw TerminalSession.Failure(description: "the sync ended \(report.outcome)") }
        return vault
    }
}
