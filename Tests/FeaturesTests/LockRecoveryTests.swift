import Crypto
@testable import Features
@testable import mes
import Foundation
import L10n
import TerminalUI
import TestSupport
import Vault
import XCTest

/// The lock screen offers the recovery key: F3, the key, a new passphrase twice; the vault opens
/// where the user was and the new passphrase opens it from then on (the old one no longer does).
@MainActor
final class LockRecoveryTests: XCTestCase {
    func testTheRecoveryKeyUnlocksAndSetsANewPassphrase() async throws {
        Localizer.shared.setLanguage(.french)
        let directory = try TemporaryDirectory(prefix: "mes-lock-recovery")
        defer { directory.remove() }
        let folder = VaultDirectory(directory.url.appendingPathComponent("vault"))
        let (vault, recoveryKey) = try Vault.create(in: folder, passphrase: SecureBytes(copying: Array("ancienne phrase oubliée".utf8)),
                                                    keyDerivation: .fixed(.minimumForTests))
        let terminal = VirtualTerminal(size: .minimum)
        let runtime = Runtime(app: AppShell(settings: AppSettings(lockAfter: .seconds(60)), header: HeaderInfo(lock: .unlocked),
                                            session: SessionControl.forVault(vault)), backend: terminal)
        runtime.send(.resized(.minimum))
        runtime.send(.key(.character("4")))
        runtime.send(.key(.control("x")))
        XCTAssertTrue(vault.isLocked)
        XCTAssertTrue(terminal.screen.text.contains("F3"), terminal.screen.text)
        runtime.send(.key(.function(3)))
        XCTAssertTrue(terminal.screen.contains("Clé de secours :"), terminal.screen.text)
        func type(_ text: String) { for character in text { runtime.send(.key(.character(character))) } }

        type("AAAA-BBBB")
        runtime.send(.key(.enter))
        type("nouvelle phrase secrète choisie")
        runtime.send(.key(.enter))
        type("nouvelle phrase secrète choisie")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertTrue(terminal.screen.text.contains("ne correspond pas à ce coffre"), terminal.screen.text)
        XCTAssertTrue(vault.isLocked)

        type(recoveryKey.grouped.lowercased())
        runtime.send(.key(.enter))
        type("court")
        runtime.send(.key(.enter))
        XCTAssertTrue(terminal.screen.text.contains("trop facile à deviner"), terminal.screen.text)
        runtime.send(.key(.control("u")))
        type("nouvelle phrase secrète choisie")
        runtime.send(.key(.enter))
        type("nouvelle phrase secrète choisie")
        runtime.send(.key(.enter))
        await runtime.settle()
        XCTAssertFalse(vault.isLocked)
        XCTAssertNil(runtime.app.lockScreen)
        XCTAssertEqual(runtime.app.section, .agenda, "back where the user was")
        vault.close()

        XCTAssertThrowsError(try Vault.open(in: folder, passphrase: SecureBytes(copying: Array("ancienne phrase oubliée".utf8))))
        let reopened = try Vault.open(in: folder, passphrase: SecureBytes(copying: Array("nouvelle phrase secrète choisie".utf8)))
        reopened.close()
    }
}
