import Foundation
@testable import Vault
import XCTest

/// The page cache is part of the vault's configuration (issue 20, item 6): kept in the vault,
/// applied to its connections at once, and again at every open and unlock.
final class PageCacheTests: XCTestCase {
    func testPageCacheIsKeptInTheVaultAndAppliedAtEveryOpen() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url, passphrase: "cache passphrase")
        XCTAssertEqual(try vault.pageCacheKiB, VaultSettings.defaultPageCacheKiB)
        XCTAssertEqual(try vault.appliedPageCacheKiB(), VaultSettings.defaultPageCacheKiB)

        try vault.setPageCache(kib: 2048)
        XCTAssertEqual(try vault.pageCacheKiB, 2048)
        XCTAssertEqual(try vault.appliedPageCacheKiB(), 2048, "applied to the open connections at once")
        XCTAssertThrowsError(try vault.setPageCache(kib: 512)) { error in
            XCTAssertEqual(error as? VaultSettingError, .pageCacheOutOfRange(512))
        }
        XCTAssertEqual(try vault.pageCacheKiB, 2048, "a refused size changes nothing")
        vault.close()

        let reopened = try Vault.open(in: VaultDirectory(url), passphrase: secret("cache passphrase"))
        defer { reopened.close() }
        XCTAssertEqual(try reopened.pageCacheKiB, 2048)
        XCTAssertEqual(try reopened.appliedPageCacheKiB(), 2048, "the setting is applied when the vault is opened")
        try reopened.setPageCache(kib: 16_384)
        reopened.lock()
        try reopened.unlock(passphrase: secret("cache passphrase"))
        XCTAssertEqual(try reopened.appliedPageCacheKiB(), 16_384, "and when it is unlocked again")
    }
}
