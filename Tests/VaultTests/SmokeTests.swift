import Foundation
import HealthRecord
@testable import Vault
import XCTest

final class SmokeTests: XCTestCase {
    func testCreateWriteReopenRead() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            let (vault, _) = try makeVault(in: url)
            try vault.write { session in
                try session.profiles.save(sampleProfile())
                for index in 0..<200 { try session.documents.save(sampleDocument("d\(index)")) }
            }
            XCTAssertEqual(try vault.read { try $0.documents.count() }, 200)
            vault.close()
        }
        let vault = try Vault.open(in: VaultDirectory(url), passphrase: secret("correct horse battery staple"))
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 200)
        XCTAssertEqual(try vault.read { try $0.documents.find("d7")?.title }, "Compte rendu de consultation")
        let report = try vault.verify()
        XCTAssertTrue(report.isIntact, "\(report)")
        print(try FileManager.default.contentsOfDirectory(atPath: url.path), report)
    }
}
