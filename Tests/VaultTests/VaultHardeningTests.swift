import Crypto
import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// The vault's files and keys against what a probe found (issue 21): links, modes, a lost key
/// file, tampered key-derivation costs, passphrases in two Unicode spellings, NUL in text.
final class VaultHardeningTests: XCTestCase {
    var workspace: URL!

    override func setUpWithError() throws {
        workspace = try makeTemporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: workspace)
    }

    /// A vault reached through a symbolic link, and one under a `$HOME` that is a link (Fedora
    /// Silverblue's /home → /var/home): created, opened, written and read.
    func testAVaultReachedThroughALinkOpens() throws {
        let real = workspace.appendingPathComponent("var-home")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let linkedHome = workspace.appendingPathComponent("home")
        try FileManager.default.createSymbolicLink(at: linkedHome, withDestinationURL: real)
        let directory = VaultDirectory(linkedHome.appendingPathComponent(".local/share/mes"))
        let (vault, _) = try Vault.create(in: directory, passphrase: secret("lien"), keyDerivation: testKeyDerivation)
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.close()
        XCTAssertTrue(FileManager.default.fileExists(atPath: real.appendingPathComponent(".local/share/mes/vault.db").path))

        let linkToVault = workspace.appendingPathComponent("vault-link")
        try FileManager.default.createSymbolicLink(at: linkToVault, withDestinationURL: real.appendingPathComponent(".local/share/mes"))
        for path in [directory, VaultDirectory(linkToVault)] {
            let reopened = try Vault.open(in: path, passphrase: secret("lien"))
            XCTAssertEqual(try reopened.read { try $0.profiles.find("p1")?.givenName }, "Jeanne")
            XCTAssertTrue(try reopened.verify().isIntact)
            reopened.close()
        }
    }

    /// A failed `init` removes the directory it created (it left an empty one).
    func testAFailedInitLeavesNoDirectory() throws {
        let target = workspace.appendingPathComponent("new-home")
        let impossible = KeyDerivation.fixed(Argon2idParameters(iterations: 0, memoryBytes: 0))
        XCTAssertThrowsError(try Vault.create(in: VaultDirectory(target), passphrase: secret("x"), keyDerivation: impossible))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
    }

    /// `vault.keys` gone, `vault.db` still there: said as such, and `init` keeps the database.
    func testALostKeyFileIsSaidAndTheDatabaseIsNeverReplaced() throws {
        let directory = VaultDirectory(workspace.appendingPathComponent("vault"))
        let (vault, _) = try Vault.create(in: directory, passphrase: secret("p"), keyDerivation: testKeyDerivation)
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.close()
        try FileManager.default.removeItem(atPath: directory.keysPath)
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.databasePath))

        XCTAssertThrowsError(try Vault.open(in: directory, passphrase: secret("p"))) { XCTAssertEqual($0 as? VaultError, .keysMissing) }
        XCTAssertThrowsError(try Vault.create(in: directory, passphrase: secret("p"), keyDerivation: testKeyDerivation)) {
            XCTAssertEqual($0 as? VaultError, .keysMissing)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory.databasePath)), before)
        XCTAssertEqual(VaultError.keysMissing.message(directory: directory).contains("vault.keys"), true)
    }

    /// Key-derivation costs no version of mes writes are damage, refused at once (4e9 passes hung).
    func testTamperedKeyDerivationParametersAreDamageAndNeverHang() throws {
        let directory = VaultDirectory(workspace.appendingPathComponent("vault"))
        try makeVault(in: directory.url).0.close()
        let original = try String(contentsOfFile: directory.keysPath, encoding: .utf8)
        let tamperings: [(String, String)] = [
            ("\"iterations\" : 1,", "\"iterations\" : 4000000000,"),
            ("\"iterations\" : 1,", "\"iterations\" : 0,"),
            ("\"memoryBytes\" : 8192,", "\"memoryBytes\" : 1099511627776,"),
            ("\"memoryBytes\" : 8192,", "\"memoryBytes\" : 1,"),
            ("\"algorithm\" : \"argon2id13\"", "\"algorithm\" : \"scrypt\""),
        ]
        for (from, to) in tamperings {
            XCTAssertTrue(original.contains(from), "the key file's layout changed: \(original)")
            try original.replacingOccurrences(of: from, with: to).write(toFile: directory.keysPath, atomically: true, encoding: .utf8)
            chmod(directory.keysPath, 0o600)
            let started = ContinuousClock.now
            XCTAssertThrowsError(try Vault.open(in: directory, passphrase: secret("correct horse battery staple")), to) {
                XCTAssertEqual($0 as? VaultError, .damaged, to)
            }
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(5), to)
        }
        XCTAssertThrowsError(try KeyFile.decode(Array(repeating: 0x20, count: KeyFile.maximumSize + 1)))
    }

    /// `vault.keys` and `vault.db` readable or writable by others, or links, are refused.
    func testTheFilesModesAreCheckedNotOnlyTheDirectorys() throws {
        let directory = VaultDirectory(workspace.appendingPathComponent("vault"))
        try makeVault(in: directory.url).0.close()
        for (path, mode) in [(directory.keysPath, mode_t(0o666)), (directory.databasePath, mode_t(0o777)), (directory.databasePath, mode_t(0o640))] {
            chmod(path, mode)
            XCTAssertThrowsError(try Vault.open(in: directory, passphrase: secret("correct horse battery staple"))) {
                XCTAssertEqual($0 as? VaultError, .insecureFile(path: path))
            }
            chmod(path, 0o600)
        }
        let moved = workspace.appendingPathComponent("elsewhere.db").path
        XCTAssertEqual(rename(directory.databasePath, moved), 0)
        XCTAssertEqual(symlink(moved, directory.databasePath), 0)
        XCTAssertThrowsError(try Vault.open(in: directory, passphrase: secret("correct horse battery staple"))) {
            XCTAssertEqual($0 as? VaultError, .insecureFile(path: directory.databasePath))
        }
    }

    /// The passphrase in NFC and NFD opens the same vault.
    func testAPassphraseOpensInEitherUnicodeSpelling() throws {
        let nfc = "H\u{E9}l\u{E8}ne \u{E0} l\u{2019}\u{E9}cole", nfd = "He\u{301}le\u{300}ne a\u{300} l\u{2019}e\u{301}cole"
        XCTAssertNotEqual(Array(nfc.utf8), Array(nfd.utf8))
        let directory = VaultDirectory(workspace.appendingPathComponent("vault"))
        try Vault.create(in: directory, passphrase: secret(nfd), keyDerivation: testKeyDerivation).vault.close()
        try Vault.open(in: directory, passphrase: secret(nfc)).close()
        let vault = try Vault.open(in: directory, passphrase: secret(nfd))
        vault.lock()
        XCTAssertNoThrow(try vault.unlock(passphrase: secret(nfc)))
        try vault.changePassphrase(to: secret(nfc + "!"))
        vault.close()
        try Vault.open(in: directory, passphrase: secret(nfd + "!")).close()
    }

    /// A vault made before normalisation, with an NFD passphrase, still opens with it, and from
    /// then on with the NFC spelling too (its slot is rewrapped under NFC).
    func testAVaultMadeWithAnUnnormalisedPassphraseStillOpens() throws {
        let nfc = "Andr\u{E9}", nfd = "Andre\u{301}"
        let directory = VaultDirectory(workspace.appendingPathComponent("vault"))
        try Vault.create(in: directory, passphrase: secret(nfd), keyDerivation: testKeyDerivation, normalizingPassphrase: false).vault.close()
        let before = try KeyFile.load(from: directory.keysPath)
        try Vault.open(in: directory, passphrase: secret(nfd)).close()
        XCTAssertNotEqual(try KeyFile.load(from: directory.keysPath).slot(.passphrase), before.slot(.passphrase), "rewrapped under NFC")
        try Vault.open(in: directory, passphrase: secret(nfc)).close()
        try Vault.open(in: directory, passphrase: secret(nfd)).close()
        XCTAssertThrowsError(try Vault.open(in: directory, passphrase: secret("Andre"))) { XCTAssertEqual($0 as? VaultError, .wrongPassphrase) }
    }

    /// A NUL inside a title is kept whole (it cut the rest of the title).
    func testANulInsideTextIsKeptWhole() throws {
        let (vault, _) = try makeVault(in: workspace.appendingPathComponent("vault"))
        defer { vault.close() }
        let title = "Compte rendu\u{0}partie cachée"
        try vault.write { session in
            try session.profiles.save(sampleProfile())
            try session.documents.save(sampleDocument("d1", title: title))
        }
        XCTAssertEqual(try vault.read { try $0.documents.find("d1")?.title }, title)
    }

    /// An ephemeral vault whose process died is removed by the next one; a live one is not.
    func testAbandonedEphemeralVaultsAreRemoved() throws {
        let base = workspace!
        let dead = base.appendingPathComponent("\(Vault.ephemeralPrefix)2147483646-abc")
        let alive = base.appendingPathComponent("\(Vault.ephemeralPrefix)\(getpid())-def")
        for url in [dead, alive] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false) }
        Vault.removeAbandonedEphemeralDirectories(in: base)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: alive.path))
    }

    /// Memory after lock: health data read from the vault is in SQLite's memory while it is
    /// unlocked and nowhere in the process's memory once it locks — SQLite's allocator zeroes
    /// what it frees (`CSQLite/shim.h`). Run in a fresh process (`vault-crash-writer
    /// --heap-probe`), where the allocator is installed before SQLite starts as in `mes`.
    /// With the zeroing taken out of the allocator, this fails: about 200 copies of the
    /// marker stay in freed memory after the lock, and the released SQLite block keeps it.
    func testFreedSQLiteMemoryHoldsNoHealthDataAfterLock() throws {
        let home = workspace.appendingPathComponent("vault")
        let passphraseFile = workspace.appendingPathComponent("passphrase")
        try Data("mémoire effacée".utf8).write(to: passphraseFile)
        try makeVault(in: home, passphrase: "mémoire effacée").0.close()
        let process = Process()
        process.executableURL = CrashSafetyTests.writerURL
        process.arguments = ["--heap-probe", home.path, passphraseFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        var counts: [String: Int] = [:]
        for field in text.split(whereSeparator: \.isWhitespace) {
            let parts = field.split(separator: "=")
            if parts.count == 2 { counts[String(parts[0])] = Int(parts[1]) }
        }
        XCTAssertGreaterThan(counts["unlocked"] ?? 0, 0, "the scan finds the marker while the vault is open: \(text)")
        XCTAssertEqual(counts["locked"], 0, "health data left in memory after lock: \(text)")
        XCTAssertGreaterThan(counts["plain-freed-block"] ?? 0, 0, "the control: a block plain free() released keeps its bytes: \(text)")
        XCTAssertEqual(counts["sqlite-freed-block"], 0, "a block SQLite released is zeroed: \(text)")
    }
}
