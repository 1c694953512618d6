import Crypto
import FHIR
import Foundation
import HealthRecord
import SQLite

/// Writes seed data straight into the store (no authorization: this is the server filling
/// itself). Idempotent: what was seeded before is not seeded again.
struct Seeder {
    let store: Store
    let settings: ServerSettings
    let now: Date
    let dataDirectory: URL

    func run(_ plan: SeedPlan) throws -> [DemoAccount] {
        let accounts = try seedDemo() + seedServices()
        if case .synthetic(let count) = plan { try seedSynthetic(count) }
        try writeAccountsFile(accounts)
        return accounts
    }

    private func seedDemo() throws -> [DemoAccount] {
        if let stored = try store.read({ db in try setting(db, "demo-accounts") }) {
            return (try? JSONDecoder().decode([DemoAccount].self, from: Data(stored.utf8))) ?? []
        }
        let world = DemoWorld(now: now)
        // Hash passwords before taking the write lock.
        let hashes = try world.accounts.map { try Accounts.hashPassword($0.password, settings: settings) }
        try store.write { db in
            var writer = SeedWriter(db: db, now: now)
            try world.write(into: &writer)
            for (account, hash) in zip(world.accounts, hashes) {
                let isProfessional = account.role == "professional"
                let accountID = try Accounts.create(db, kind: isProfessional ? .professional : .patient, login: account.identifier, passwordHash: hash,
                                                    displayName: account.displayName,
                                                    patientID: account.role == "holder" ? account.resource : nil,
                                                    practitionerID: isProfessional ? account.resource : nil)
                if account.role == "holder", account.resource == DemoWorld.holderID {
                    try db.run("INSERT OR IGNORE INTO guardianships (account_id, patient_id) VALUES (?, ?)", [accountID, DemoWorld.childID])
                }
                // Lucas's own account takes his space over at 18; who Julien is, to invite him by name.
                if account.role == "child", let space = account.resource {
                    try db.run("INSERT OR IGNORE INTO minor_accounts (account_id, patient_id) VALUES (?, ?)", [accountID, space])
                }
                if let identity = DemoWorld.identities[account.identifier] {
                    try db.run("INSERT OR IGNORE INTO account_identities (account_id, family, given, birth_date) VALUES (?, ?, ?, ?)",
                               [accountID, identity.family, identity.given, identity.birthDate])
                }
            }
            if let (aidant, _) = try Accounts.find(db, login: DemoWorld.aidantLogin) {
                try Delegations.create(db, consentID: "delegation-julien", aidant: aidant, patient: DemoWorld.holderID,
                                       rubriques: [.documents, .agenda, .messages], until: now.addingTimeInterval(365 * 86400), now: now)
            }
            let encoded = String(decoding: try JSONEncoder().encode(world.accounts), as: UTF8.self)
            try db.run("INSERT OR REPLACE INTO settings (name, value) VALUES ('demo-accounts', ?)", [encoded])
        }
        return world.accounts
    }

    /// The demo's catalogue de services (once; a store seeded before services existed gets them too).
    private func seedServices() throws -> [DemoAccount] {
        let accounts = DemoWorld.services.map {
            DemoAccount(role: "service", identifier: DemoWorld.serviceLogin($0.id), password: DemoWorld.servicePassword($0.id),
                        displayName: $0.name, resource: $0.id)
        }
        guard try store.read({ db in try db.queryFirst("SELECT 1 FROM services", [], map: { _ in true }) }) == nil else { return accounts }
        let hashes = try accounts.map { try Accounts.hashPassword($0.password, settings: settings) }
        try store.write { db in
            for (entry, (account, hash)) in zip(DemoWorld.services, zip(accounts, hashes)) {
                let accountID = try Accounts.create(db, kind: .service, login: account.identifier, passwordHash: hash, displayName: entry.name,
                                                    patientID: nil, practitionerID: nil)
                try ServiceCatalogue.publish(db, entry, accountID: accountID)
            }
        }
        return accounts
    }

    private func seedSynthetic(_ count: Int) throws {
        let existing = try store.read { db in Int(try setting(db, "synthetic-documents") ?? "0") ?? 0 }
        guard count > existing else { return }
        try store.write { db in
            var writer = SeedWriter(db: db, now: now)
            try SyntheticWorld(now: now).write(documents: existing..<count, into: &writer)
            try db.run("INSERT OR REPLACE INTO settings (name, value) VALUES ('synthetic-documents', ?)", [String(count)])
        }
    }

    private func setting(_ db: Database, _ name: String) throws -> String? {
        try db.queryFirst("SELECT value FROM settings WHERE name = ?", [name]) { $0.string(0) }
    }

    private func writeAccountsFile(_ accounts: [DemoAccount]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = dataDirectory.appendingPathComponent("demo-accounts.json")
        try encoder.encode(accounts).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}

/// Saves seed resources with their index, and documents with their content.
struct SeedWriter {
    let db: Database
    let now: Date

    mutating func save(_ resource: Resource, patient: String) throws {
        var resource = resource
        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: now)
    }

    /// A DocumentReference and its Binary, with size, SHA-1 and SHA-256 filled in, and the
    /// whole MHD comprehensive metadata (the period of care is the document's date; a hospital
    /// report is an inpatient stay in a hospital).
    mutating func saveDocument(_ document: DocumentReference, content: [UInt8]) throws {
        guard let id = document.id else { return }
        var document = document
        document.attachment.url = "Binary/\(id)-content"
        document.attachment.size = content.count
        document.attachment.sha256 = SHA256.hash(content)
        document.attachment.sha1 = SHA1.hash(content)
        let patient = ResourceReference(document.subject)?.id ?? ""
        var documentResource = document.resource
        let isStay = document.typeCode == "34112-3"
        if let date = document.date {
            var context: JSON = ["period": ["start": .string(date), "end": .string(date)]]
            context["event"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/v3-ActCode", isStay ? "IMP" : "AMB",
                                                 isStay ? "inpatient encounter" : "ambulatory")]
            documentResource["context"] = context
        }
        try MHDMetadata.complete(&documentResource, now: now, setting: isStay ? .hospital : .office)
        let documentIndex = ResourceIndex(resource: documentResource, patient: patient)
        try ResourceRepository.save(db, &documentResource, index: documentIndex, now: now)
        let binary = FHIR.Binary(id: "\(id)-content", contentType: document.attachment.contentType, data: content,
                                 securityContext: "DocumentReference/\(id)")
        try ResourceRepository.saveContent(db, id: "\(id)-content", contentType: binary.contentType, data: content)
        var binaryResource = binary.resource
        binaryResource["data"] = nil
        try ResourceRepository.save(db, &binaryResource, index: ResourceIndex(resource: binaryResource, patient: patient,
                                                                              documentFlags: (documentIndex.flags, documentIndex.authors)), now: now)
    }
}
