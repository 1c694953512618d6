import Crypto
import FHIR
import Foundation
import HealthRecord
@testable import Sync
import TestSupport
import Vault
import XCTest

/// The client is the real `mes` binary (`mes sync --home … --passphrase-file …`), killed with
/// SIGKILL at random moments of a large pull and of a push. After a final sync the vault equals
/// the server, and the server holds no duplicate.
final class ClientCrashTests: XCTestCase {
    /// The `mes` binary on one home: the vault is created here (cheap key derivation), the
    /// passphrase is passed in a private file.
    final class BinaryClient {
        let home: TemporaryDirectory
        let passphraseFile: URL

        init() throws {
            home = try TemporaryDirectory(prefix: "mes-sync-home")
            passphraseFile = home.url.deletingLastPathComponent().appendingPathComponent("\(home.url.lastPathComponent).pass")
            _ = FileManager.default.createFile(atPath: passphraseFile.path, contents: Data((TestClient.passphrase + "\n").utf8),
                                           attributes: [.posixPermissions: 0o600])
            let vault = try Vault.create(in: VaultDirectory(home.url), passphrase: SecureBytes(copying: Array(TestClient.passphrase.utf8)),
                                         keyDerivation: .fixed(.minimumForTests)).vault
            vault.close()
        }

        deinit {
            try? FileManager.default.removeItem(at: passphraseFile)
            home.remove()
        }

        func withVault<T>(_ body: (Vault) throws -> T) throws -> T {
            let vault = try Vault.open(in: VaultDirectory(home.url), passphrase: SecureBytes(copying: Array(TestClient.passphrase.utf8)))
            defer { vault.close() }
            return try body(vault)
        }

        var arguments: [String] { ["--home", home.path, "--passphrase-file", passphraseFile.path, "--lang", "en"] }

        /// Starts `mes sync` and kills it with SIGKILL after `delay`; true when the kill landed
        /// while it was still running.
        func syncKilled(after delay: Double, pageSize: Int) throws -> Bool {
            let pid = try ChildProcess.spawn(BuiltProducts.path("mes"), ["sync", "--page-size", String(pageSize)] + arguments)
            usleep(useconds_t(delay * 1_000_000))
            kill(pid, SIGKILL)
            return ChildProcess.wait(pid) == SIGKILL
        }

        func sync() throws -> ProcessResult {
            try ProcessRunner.run(BuiltProducts.path("mes"), ["sync"] + arguments, timeout: 120)
        }
    }

    func testKilledDuringALargePullAndDuringAPushTheClientEndsEqualToTheServerWithoutDuplicates() async throws {
        var generator = SeededGenerator(seed: 0x5EED_0006)
        print("ClientCrashTests seed: 0x5EED0006")
        let server = try TestServer(seed: "synthetic:3000")
        let client = try BinaryClient()
        let account = try await Account.login(server: server.url, identifier: Demo.holder.identifier, password: Demo.holder.password,
                                              oneTimeCode: { try server.oneTimeCode(for: Demo.holder.identifier) })
        try client.withVault { try account.save(in: $0) }

        // A large pull in small pages, killed at random moments until 12 kills landed mid-sync.
        var kills = 0
        for _ in 0..<40 where kills < 12 {
            if try client.syncKilled(after: Double.random(in: 0.02...0.25, using: &generator), pageSize: 25) { kills += 1 }
        }
        print("ClientCrashTests: \(kills) kills during the pull")
        let pulled = try client.sync()
        XCTAssertEqual(pulled.status, 0, pulled.standardError)
        try await assertEqualToServer(client, server)
        // The document indexes the killed initial sync deferred (issue 20) were built by the one
        // that ended, as the schema defines them.
        XCTAssertEqual(try client.withVault { try Self.documentIndexes($0) }, try Self.freshDocumentIndexes())
        XCTAssertFalse(try client.withVault { try $0.read { try $0.deferredIndexes.arePending } })

        // A push of many edits, killed at random moments.
        let created = (0..<400).map { index in
            HealthMeasurement(id: "crash-obs-\(index)", profileID: Demo.holderSpace, type: .weight,
                              effective: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 3600), value: 60 + Double(index % 40))
        }
        try client.withVault { vault in
            let changes = LocalChanges(vault: vault)
            for measurement in created { try changes.save(measurement) }
            for index in 0..<30 {
                guard var document = try vault.read({ try $0.documents.find("syn-\(index)") }) else { continue }
                document.note = "annotation \(index)"
                try changes.save(document)
            }
            for index in 30..<40 { try changes.delete(Document.self, id: "syn-\(index)") }
        }
        for _ in 0..<30 where kills < 22 {
            if try client.syncKilled(after: Double.random(in: 0.02...0.2, using: &generator), pageSize: 100) { kills += 1 }
        }
        let pushed = try client.sync()
        XCTAssertEqual(pushed.status, 0, pushed.standardError)
        XCTAssertEqual(try client.withVault { try $0.read { try $0.outbox.count() } }, 0)
        try await assertEqualToServer(client, server)
        let onServer = try await Snapshot.server(server, space: Demo.holderSpace)
        XCTAssertEqual(onServer.keys.filter { $0.hasPrefix("measurement/crash-obs-") }.count, created.count)
        XCTAssertEqual((onServer["document/syn-3"]?.record as? Document)?.note, "annotation 3")
        XCTAssertNil(onServer["document/syn-33"])
        print("ClientCrashTests: \(kills) kills landed while mes sync was running")
        XCTAssertGreaterThanOrEqual(kills, 20)
    }

    static func documentIndexes(_ vault: Vault) throws -> [String] {
        try vault.read { session in
            try session.schemaEntries().filter { $0.type == "index" && $0.table == "document" }.map { "\($0.name): \($0.sql)" }.sorted()
        }
    }

    static func freshDocumentIndexes() throws -> [String] {
        let home = try TemporaryDirectory(prefix: "mes-fresh-vault")
        defer { home.remove() }
        let vault = try Vault.create(in: VaultDirectory(home.url), passphrase: SecureBytes(copying: Array(TestClient.passphrase.utf8)),
                                     keyDerivation: .fixed(.minimumForTests)).vault
        defer { vault.close() }
        return try documentIndexes(vault)
    }

    func testLoginThroughTheBinaryReadsTheCodeOnlyAfterThePassword() async throws {
        let server = try TestServer()
        let client = try BinaryClient()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("mes"))
        process.arguments = ["login", "--server", server.url.absoluteString, "--identifier", Demo.holder.identifier,
                             "--password-fd", "0", "--otp-fd", "0"] + client.arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("\(Demo.holder.password)\n".utf8))
        // The code exists only once the password was accepted.
        let codeFile = server.directory.url.appendingPathComponent("otp/\(Demo.holder.identifier).txt")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: codeFile.path) && Date() < deadline { usleep(10_000) }
        input.fileHandleForWriting.write(Data("\(try server.oneTimeCode(for: Demo.holder.identifier))\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(said.contains("Hélène Martineau"), said)

        let synced = try client.sync()
        XCTAssertEqual(synced.status, 0, synced.standardError)
        XCTAssertTrue(synced.standardOutput.contains("Errors: 0"), synced.standardOutput)
        let status = try ProcessRunner.run(BuiltProducts.path("mes"), ["status"] + client.arguments)
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.standardOutput.contains("0 changes waiting"), status.standardOutput)
        XCTAssertFalse(status.standardOutput.contains(try client.withVault { try Account.stored(in: $0)?.token } ?? "-"),
                       "the token never shows")

        // Offline is a normal state: exit 5, nothing lost.
        server.server.stop()
        let offline = try client.sync()
        XCTAssertEqual(offline.status, 5, offline.standardError)
    }

    private func assertEqualToServer(_ client: BinaryClient, _ server: TestServer, file: StaticString = #filePath, line: UInt = #line) async throws {
        let expected = try await Snapshot.server(server, space: Demo.holderSpace)
        let local = try client.withVault { try Snapshot.local($0, space: Demo.holderSpace) }
        XCTAssertEqual(Set(local.keys), Set(expected.keys), file: file, line: line)
        let differing = expected.filter { local[$0.key] != $0.value }.map(\.key).sorted()
        XCTAssertTrue(differing.isEmpty, "records differ: \(differing.prefix(10))", file: file, line: line)
    }
}

/// A child process started with posix_spawn (output discarded) and reaped with waitpid, so a
/// test knows whether SIGKILL ended it.
enum ChildProcess {
    struct SpawnFailure: Error { var code: Int32 }

    static func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw SpawnFailure(code: result) }
        return pid
    }

    /// Waits for the child; returns the signal that ended it, or 0 when it exited.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        var result: pid_t = -1
        repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
        let signal = status & 0x7f
        return signal != 0 && signal != 0x7f ? signal : 0
    }
}
