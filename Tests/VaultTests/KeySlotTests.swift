import Crypto
import Foundation
import HealthRecord
@testable import Vault
import XCTest

final class KeySlotTests: XCTestCase {
    var url: URL!

    override func setUpWithError() throws {
        url = try makeTemporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: url)
    }

    func testWrongPassphraseIsRefusedClearly() throws {
        try makeVault(in: url).0.close()
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), passphrase: secret("wrong"))) { error in
            XCTAssertEqual(error as? VaultError, .wrongPassphrase)
        }
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url.appendingPathComponent("none")), passphrase: secret("x"))) { error in
            XCTAssertEqual(error as? VaultError, .notFound)
        }
        XCTAssertThrowsError(try makeVault(in: url)) { error in
            XCTAssertEqual(error as? VaultError, .alreadyExists)
        }
    }

    func testChangingThePassphraseRewrapsWithoutTouchingTheDatabase() throws {
        let (vault, _) = try makeVault(in: url, passphrase: "ancienne")
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.close()
        let database = url.appendingPathComponent("vault.db")
        let before = try Data(contentsOf: database)

        let reopened = try Vault.open(in: VaultDirectory(url), passphrase: secret("ancienne"))
        try reopened.changePassphrase(to: secret("nouvelle phrase"))
        reopened.close()
        XCTAssertEqual(try Data(contentsOf: database), before, "the database must not be rewritten")

        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), passphrase: secret("ancienne"))) { error in
            XCTAssertEqual(error as? VaultError, .wrongPassphrase)
        }
        let vaultWithNew = try Vault.open(in: VaultDirectory(url), passphrase: secret("nouvelle phrase"))
        XCTAssertEqual(try vaultWithNew.read { try $0.profiles.find("p1") }, sampleProfile())
    }

    func testTheRecoveryKeyOpensTheVaultAndSetsANewPassphrase() throws {
        let (vault, recoveryKey) = try makeVault(in: url, passphrase: "oubliée")
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.close()
        let grouped = recoveryKey.grouped
        XCTAssertEqual(grouped.count, 34)
        XCTAssertEqual(grouped.split(separator: "-").map(\.count), [4, 4, 4, 4, 4, 4, 4])

        // Typed in lower case, with spaces instead of dashes.
        let typed = grouped.lowercased().replacingOccurrences(of: "-", with: " ")
        let recovered = try Vault.open(in: VaultDirectory(url), recoveryKey: RecoveryKey.parse(secret(typed)))
        XCTAssertEqual(try recovered.read { try $0.profiles.count() }, 1)
        try recovered.changePassphrase(to: secret("retrouvée"))
        recovered.close()
        XCTAssertNoThrow(try Vault.open(in: VaultDirectory(url), passphrase: secret("retrouvée")).close())

        // A typo is caught by the check characters; another vault's key is simply wrong.
        var characters = Array(grouped)
        characters[0] = characters[0] == "A" ? "B" : "A"
        XCTAssertThrowsError(try RecoveryKey.parse(secret(String(characters)))) { error in
            XCTAssertEqual(error as? VaultError, .malformedRecoveryKey)
        }
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), recoveryKey: RecoveryKey.generate())) { error in
            XCTAssertEqual(error as? VaultError, .wrongRecoveryKey)
        }
    }

    func testRecoveryKeyParsingIsForgivingButStrict() throws {
        let key = try RecoveryKey.generate()
        let grouped = key.grouped
        XCTAssertEqual(try RecoveryKey.parse(secret(grouped)).grouped, grouped)
        // O for 0 and I or L for 1 read as the digits.
        let lookalikes = grouped.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        XCTAssertEqual(try RecoveryKey.parse(secret(lookalikes)).grouped, grouped)
        XCTAssertThrowsError(try RecoveryKey.parse(secret(String(grouped.dropLast()))))
        XCTAssertThrowsError(try RecoveryKey.parse(secret(grouped + "A")))
        XCTAssertThrowsError(try RecoveryKey.parse(secret(grouped.replacingOccurrences(of: "-", with: "_"))))
    }

    func testAnEphemeralVaultLeavesNoFile() throws {
        let vault = try Vault.ephemeral()
        let directory = vault.directory.url
        try vault.write { session in
            try session.profiles.save(sampleProfile())
            try session.documents.save(sampleDocument("d1"))
        }
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: vault.directory.keysPath), "no key slot")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.path))
        vault.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path))
        XCTAssertThrowsError(try vault.read { try $0.documents.count() }) { error in
            XCTAssertEqual(error as? VaultError, .locked)
        }
        XCTAssertThrowsError(try vault.unlock(passphrase: secret("anything")))
    }

    func testLockingWipesTheKeyAndAutoLockFollowsIdleness() throws {
        let (vault, _) = try makeVault(in: url)
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.setAutoLock(after: .seconds(60))
        XCTAssertFalse(vault.lockIfIdle(now: .now + .seconds(30)))
        XCTAssertTrue(vault.lockIfIdle(now: .now + .seconds(61)))
        XCTAssertTrue(vault.isLocked)
        XCTAssertThrowsError(try vault.read { try $0.profiles.count() }) { error in
            XCTAssertEqual(error as? VaultError, .locked)
        }
        XCTAssertThrowsError(try vault.unlock(passphrase: secret("wrong")))
        try vault.unlock(passphrase: secret("correct horse battery staple"))
        XCTAssertEqual(try vault.read { try $0.profiles.count() }, 1)

        // The timer locks on its own.
        vault.setAutoLock(after: .milliseconds(150))
        let deadline = Date().addingTimeInterval(5)
        while !vault.isLocked && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(vault.isLocked)
    }

    func testCalibrationMeetsTheFloor() {
        let parameters = KeyDerivation.calibrate(target: .milliseconds(50))
        XCTAssertGreaterThanOrEqual(parameters.memoryBytes, 64 * 1024 * 1024)
        XCTAssertGreaterThanOrEqual(parameters.iterations, 3)
    }

    /// The choice from a measure (issue 20): the floor holds on a slow machine, memory grows
    /// on a fast one, and measures a little apart (a busy moment) give the same parameters.
    func testParametersFromAMeasureAreStableWithAFloor() {
        let target = Duration.milliseconds(750)
        let slow = KeyDerivation.parameters(perPass: .seconds(2), target: target)
        XCTAssertEqual(slow, Argon2idParameters(iterations: 3, memoryBytes: 64 * 1024 * 1024))
        let fast = KeyDerivation.parameters(perPass: .milliseconds(20), target: target)
        XCTAssertEqual(fast.memoryBytes, 256 * 1024 * 1024)
        XCTAssertLessThanOrEqual(fast.iterations, 16)
        for perPass in stride(from: 20, through: 400, by: 20) {
            let base = KeyDerivation.parameters(perPass: .milliseconds(perPass), target: target)
            let work = Int(base.iterations) * base.memoryBytes / (64 * 1024 * 1024)
            XCTAssertTrue(KeyDerivation.workLadder.contains(work), "\(perPass) ms: \(base)")
            // 5 % slower (another program ran meanwhile): the same rung, or the next one down at a boundary.
            let busier = KeyDerivation.parameters(perPass: .milliseconds(perPass) * 1.05, target: target)
            XCTAssertGreaterThanOrEqual(busier.iterations * UInt64(busier.memoryBytes) * 2, base.iterations * UInt64(base.memoryBytes),
                                        "\(perPass) ms")
        }
    }
}
