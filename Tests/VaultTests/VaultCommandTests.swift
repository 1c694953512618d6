import Foundation
@testable import Vault
import XCTest

/// `mes vault …` run as the real binary: secrets from files and descriptors, exit codes.
final class VaultCommandTests: XCTestCase {
    static var mesURL: URL {
        CrashSafetyTests.writerURL.deletingLastPathComponent().appendingPathComponent("mes")
    }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    func mes(_ arguments: [String], input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = Self.mesURL
        process.arguments = arguments + ["--lang", "en"]
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }

    func testInitCheckPasswdRecoverAndDamage() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.mesURL.path), "missing \(Self.mesURL.path)")
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let home = workspace.appendingPathComponent("home").path
        let first = workspace.appendingPathComponent("first")
        try Data("première phrase\n".utf8).write(to: first)

        let created = try mes(["vault", "init", "--home", home, "--passphrase-file", first.path])
        XCTAssertEqual(created.status, 0, created.errors)
        let pattern = try NSRegularExpression(pattern: "[0-9A-Z]{4}(-[0-9A-Z]{4}){6}")
        let match = pattern.firstMatch(in: created.output, range: NSRange(created.output.startIndex..., in: created.output))
        let recoveryKey = try XCTUnwrap(match.map { String(created.output[Range($0.range, in: created.output)!]) })

        XCTAssertEqual(try mes(["vault", "check", "--home", home, "--passphrase-file", first.path]).status, 0)
        let wrong = try mes(["vault", "check", "--home", home, "--passphrase-fd", "0"], input: "nope\n")
        XCTAssertEqual(wrong.status, 3)
        XCTAssertTrue(wrong.errors.contains("Wrong passphrase"), wrong.errors)

        // Old and new passphrase on one descriptor, line after line.
        let changed = try mes(["vault", "passwd", "--home", home, "--passphrase-fd", "0", "--new-passphrase-fd", "0"],
                              input: "première phrase\nseconde phrase\n")
        XCTAssertEqual(changed.status, 0, changed.errors)
        XCTAssertEqual(try mes(["vault", "check", "--home", home, "--passphrase-file", first.path]).status, 3)

        let recovered = try mes(["vault", "recover", "--home", home, "--recovery-key-fd", "0", "--new-passphrase-fd", "0"],
                                input: recoveryKey.lowercased() + "\ntroisième phrase\n")
        XCTAssertEqual(recovered.status, 0, recovered.errors)
        XCTAssertEqual(try mes(["vault", "check", "--home", home, "--passphrase-fd", "0"], input: "troisième phrase\n").status, 0)

        // A flipped byte in a page: check reports damage with exit code 4.
        let database = URL(fileURLWithPath: home).appendingPathComponent("vault.db")
        var bytes = [UInt8](try Data(contentsOf: database))
        bytes[PageFormat.pageSize * 3 + 100] ^= 0x40
        try Data(bytes).write(to: database)
        let damaged = try mes(["vault", "check", "--home", home, "--passphrase-fd", "0"], input: "troisième phrase\n")
        XCTAssertEqual(damaged.status, 4, damaged.output + damaged.errors)
        XCTAssertTrue(damaged.errors.contains("damaged or was tampered with"), damaged.errors)
        XCTAssertEqual(try mes(["vault", "init", "--home", home, "--passphrase-file", first.path]).status, 1)
    }

    /// Runs `mes <command>` on a vault whose `table` (with its indexes) is damaged after `fill`
    /// wrote to it, and expects the vault's damage message with exit code 4.
    func assertDamageReported(by command: String, table: String, fill: (VaultSession) throws -> Void,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let home = workspace.appendingPathComponent("home")
        let passphraseFile = workspace.appendingPathComponent("passphrase")
        try Data("correct horse battery staple".utf8).write(to: passphraseFile)
        let (vault, _) = try makeVault(in: home)
        try vault.write { session in try fill(session) }
        let roots = try vault.read { session in
            try session.database.query("SELECT rootpage FROM sqlite_schema WHERE tbl_name = ? AND rootpage > 0", [table]) { $0.int(0) }
        }
        vault.close()
        XCTAssertFalse(roots.isEmpty, file: file, line: line)
        let database = home.appendingPathComponent("vault.db")
        var bytes = [UInt8](try Data(contentsOf: database))
        for root in roots { bytes[PageFormat.pageSize * (root - 1) + 200] ^= 0x40 }
        try Data(bytes).write(to: database)

        let result = try mes([command, "--home", home.path, "--passphrase-file", passphraseFile.path])
        XCTAssertEqual(result.status, 4, result.output + result.errors, file: file, line: line)
        XCTAssertTrue(result.errors.contains("damaged or was tampered with"), result.errors, file: file, line: line)
    }

    /// Damage met after the vault opened (a page read by the command itself) is still the vault
    /// commands' message and exit code 4, for every command, not a raw error.
    func testDamageMetAfterOpeningIsReportedAsDamage() throws {
        try assertDamageReported(by: "status", table: "outbox") { session in
            try session.profiles.save(sampleProfile(), origin: .local)
            try session.documents.save(sampleDocument("d1"), origin: .local)
        }
    }

    /// `mes sync` on a vault whose account page is damaged says the vault is damaged (exit 4),
    /// not "protocol error".
    func testSyncOnADamagedVaultSaysSo() throws {
        try assertDamageReported(by: "sync", table: "setting") { session in
            try session.settings.set("une valeur", for: "review.marker")
        }
    }

    /// The command line's side of issue 21: a vault through a linked home, a lost key file, an
    /// empty `--home`, descriptors that are closed, passphrases from a pipe as `/dev/stdin`.
    func testVaultCommandsOnLinksLostKeysAndOddSources() throws {
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let real = workspace.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let link = workspace.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let home = link.appendingPathComponent("mes").path

        let created = try mes(["vault", "init", "--home", home, "--passphrase-file", "/dev/stdin"], input: "par le tuyau\n")
        XCTAssertEqual(created.status, 0, created.errors)
        XCTAssertEqual(try mes(["vault", "check", "--home", home, "--passphrase-fd", "0"], input: "par le tuyau\n").status, 0)

        let closed = try mes(["vault", "check", "--home", home, "--passphrase-fd", "9"])
        XCTAssertEqual(closed.status, 2, closed.errors)
        XCTAssertTrue(closed.errors.contains("Descriptor 9 is not open"), closed.errors)

        let empty = try mes(["vault", "check", "--home", "", "--passphrase-fd", "0"], input: "x\n")
        XCTAssertEqual(empty.status, 2, empty.errors)

        try FileManager.default.removeItem(atPath: home + "/vault.keys")
        let lost = try mes(["vault", "check", "--home", home, "--passphrase-fd", "0"], input: "par le tuyau\n")
        XCTAssertEqual(lost.status, 4, lost.errors)
        XCTAssertTrue(lost.errors.contains("lost its key file (vault.keys)"), lost.errors)
        let again = try mes(["vault", "init", "--home", home, "--passphrase-fd", "0"], input: "nouvelle\n")
        XCTAssertEqual(again.status, 4, again.errors)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/vault.db"), "init must never delete vault.db")
    }

    /// One unlock per session (issue 20): after `mes unlock` the next commands of this session
    /// open the vault with no passphrase at all (none on stdin, no file); `mes lock` ends it;
    /// a key that no longer opens the vault is ignored.
    func testUnlockOncePerSessionAndLock() throws {
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let home = workspace.appendingPathComponent("home").path
        let secret = workspace.appendingPathComponent("secret")
        try Data("phrase de session\n".utf8).write(to: secret)
        XCTAssertEqual(try mes(["vault", "init", "--home", home, "--passphrase-file", secret.path]).status, 0)
        defer { _ = try? mes(["lock", "--home", home]) }

        let before = try mes(["status", "--home", home])
        XCTAssertNotEqual(before.status, 0, "no passphrase given: \(before.output) \(before.errors)")
        let unlocked = try mes(["unlock", "--home", home, "--minutes", "5", "--passphrase-file", secret.path])
        XCTAssertEqual(unlocked.status, 0, unlocked.errors)
        XCTAssertTrue(unlocked.output.contains("5 minutes"), unlocked.output)
        for _ in 0..<3 {
            let status = try mes(["status", "--home", home])
            XCTAssertEqual(status.status, 0, "opened with the session's key: \(status.errors)")
        }
        let locked = try mes(["lock", "--home", home])
        XCTAssertEqual(locked.status, 0)
        XCTAssertTrue(locked.output.contains("Vault locked"), locked.output)
        XCTAssertNotEqual(try mes(["status", "--home", home]).status, 0, "locked again: the passphrase is needed")
        XCTAssertTrue(try mes(["lock", "--home", home]).output.contains("No key"))
        XCTAssertEqual(try mes(["unlock", "--home", home, "--minutes", "0", "--passphrase-file", secret.path]).status, 2)
    }

    func testVaultCachePrintsSetsAndKeepsThePageCache() throws {
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let home = workspace.appendingPathComponent("home").path
        let secret = workspace.appendingPathComponent("secret")
        try Data("phrase du cache\n".utf8).write(to: secret)
        XCTAssertEqual(try mes(["vault", "init", "--home", home, "--passphrase-file", secret.path]).status, 0)
        let shown = try mes(["vault", "cache", "--home", home, "--passphrase-file", secret.path, "--lang", "en"])
        XCTAssertEqual(shown.status, 0, shown.errors)
        XCTAssertTrue(shown.output.contains("8 MiB"), shown.output)
        let set = try mes(["vault", "cache", "16", "--home", home, "--passphrase-file", secret.path, "--lang", "en"])
        XCTAssertEqual(set.status, 0, set.errors)
        XCTAssertTrue(set.output.contains("16 MiB"), set.output)
        XCTAssertTrue(try mes(["vault", "cache", "--home", home, "--passphrase-file", secret.path, "--lang", "en"]).output.contains("16 MiB"),
                      "kept in the vault")
        XCTAssertEqual(try mes(["vault", "cache", "0", "--home", home, "--passphrase-file", secret.path]).status, 2)
        XCTAssertEqual(try mes(["vault", "cache", "huge", "--home", home, "--passphrase-file", secret.path]).status, 2)
    }
}
