import Crypto
import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// A private directory per test, removed afterwards.
func makeTemporaryDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("mes-vault-tests-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return url
}

func secret(_ text: String) throws -> SecureBytes {
    try SecureBytes(copying: Array(text.utf8))
}

/// Cheap key derivation: these tests are about the vault, not about Argon2id's cost.
let testKeyDerivation = KeyDerivation.fixed(.minimumForTests)

func makeVault(in url: URL, passphrase: String = "correct horse battery staple") throws -> (Vault, RecoveryKey) {
    try Vault.create(in: VaultDirectory(url), passphrase: secret(passphrase), keyDerivation: testKeyDerivation)
}

/// A test case with a fresh vault in a private directory, closed and removed afterwards.
class VaultFixtureTestCase: XCTestCase {
    var url: URL!
    var vault: Vault!

    override func setUpWithError() throws {
        url = try makeTemporaryDirectory()
        vault = try makeVault(in: url).0
    }

    override func tearDown() {
        vault.close()
        try? FileManager.default.removeItem(at: url)
    }
}

let referenceDate = Date(timeIntervalSince1970: 1_700_000_000)

func sampleProfile(_ id: String = "p1", given: String = "Jeanne", family: String = "Martin") -> Profile {
    Profile(id: id, relation: .own, givenName: given, familyName: family, birthDate: CalendarDate(year: 1966, month: 4, day: 2))
}

func sampleDocument(_ id: String, profile: String = "p1", title: String = "Compte rendu de consultation",
                    author: String = "Dr Paul Durand", note: String? = nil) -> Document {
    Document(id: id, profileID: profile, title: title, typeCode: DocumentType.laboratoryReport, classCode: .report,
             author: DocumentAuthor(name: author, organization: "Laboratoire du Parc", rpps: "10000000001"),
             creationDate: referenceDate, size: 3, sha256: String(repeating: "0", count: 64), format: "application/pdf",
             note: note, origin: .professional)
}
