import Crypto
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TestSupport
import Vault

/// A fresh vault with Hélène's profile (cheap key derivation: these tests are not about it).
func makeProfileVault(relation: Profile.Relation = .own, birthDate: CalendarDate? = CalendarDate(year: 1966, month: 4, day: 12)) throws -> (Vault, TemporaryDirectory) {
    let directory = try TemporaryDirectory(prefix: "mes-profile")
    let (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("phrase secrète de test".utf8)),
                                      keyDerivation: .fixed(.minimumForTests))
    try vault.write {
        try $0.profiles.save(Profile(id: "helene", relation: relation, givenName: "Hélène", familyName: "Martineau", birthDate: birthDate,
                                     gender: .female), origin: .remote)
    }
    return (vault, directory)
}

/// The vaccines of the repository's `Resources/`.
let repositoryVaccines = VaccineCatalog(shareDirectory: BuiltProducts.repository)
