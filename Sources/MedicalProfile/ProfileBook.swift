import Foundation
import HealthRecord
import Vault

/// The *profil médical* of one space as the holder works with it: every rubrique listed, and
/// entries added, edited and deleted. Each change is one vault transaction that also queues it
/// for the server (the outbox), so the screen and the command line show it at once and the next
/// sync sends it. Safe to use from any task.
public struct ProfileBook: Sendable {
    public let vault: Vault
    public let profileID: String
    public let vaccines: VaccineCatalog

    public init(vault: Vault, profileID: String, vaccines: VaccineCatalog = VaccineCatalog()) {
        self.vault = vault
        self.profileID = profileID
        self.vaccines = vaccines
    }

    /// The book of the vault's own space, or of `profileID`; nil when the vault holds no such
    /// profile yet (not synced).
    public static func open(_ vault: Vault, profileID: String? = nil, vaccines: VaccineCatalog = VaccineCatalog()) throws -> ProfileBook? {
        let profiles = try vault.read { try $0.profiles.all() }
        guard let profile = profileID.map({ id in profiles.first { $0.id == id } }) ?? profiles.first(where: { $0.relation == .own }) ?? profiles.first
        else { return nil }
        return ProfileBook(vault: vault, profileID: profile.id, vaccines: vaccines)
    }

    public func profile() throws -> Profile {
        guard let profile = try vault.read({ try $0.profiles.find(profileID) }) else { throw ProfileBookError.notFound(profileID) }
        return profile
    }

    // MARK: Reading

    /// The entries of one rubrique, newest first where they carry a date.
    public func entries(_ rubrique: ProfileRubrique) throws -> [ProfileEntry] {
        let profileID = profileID
        let vaccines = vaccines
        return try vault.read { session in
            try ProfileEntries.read(rubrique, profileID: profileID, vaccines: vaccines, in: session)
        }
    }

    /// Every rubrique's entries, in MES's order.
    public func allEntries() throws -> [(rubrique: ProfileRubrique, entries: [ProfileEntry])] {
        let profileID = profileID
        let vaccines = vaccines
        return try vault.read { session in
            try ProfileRubrique.allCases.map { ($0, try ProfileEntries.read($0, profileID: profileID, vaccines: vaccines, in: session)) }
        }
    }

    public func entry(_ rubrique: ProfileRubrique, id: String) throws -> ProfileEntry {
        guard let entry = try entries(rubrique).first(where: { $0.id == id }) else { throw ProfileBookError.notFound(id) }
        return entry
    }

    /// True when the holder declared "non concerné" for allergies.
    public func isNotConcernedByAllergies() throws -> Bool {
        try vault.read { try $0.records(Allergy.self).all(profile: profileID) }.contains(where: \.isNotConcernedDeclaration)
    }

    // MARK: Changes

    /// Adds an entry from its field values. Returns it as the lists show it.
    @discardableResult
    public func add(_ rubrique: ProfileRubrique, _ values: [String: String]) throws -> ProfileEntry {
        let values = FieldValues(values, rubrique: rubrique)
        try values.checkKeys()
        for field in rubrique.fields where field.required {
            guard let text = values.text(field.key), !text.isEmpty else { throw ProfileBookError.missingField(field.key) }
        }
        let id = try ProfileEntries.write(rubrique, id: nil, values: values, book: self)
        return try entry(rubrique, id: id)
    }

    /// Changes the fields given; the others keep their values.
    @discardableResult
    public func edit(_ rubrique: ProfileRubrique, id: String, _ values: [String: String]) throws -> ProfileEntry {
        let existing = try entry(rubrique, id: id)
        guard !existing.isReadOnly else { throw ProfileBookError.readOnly }
        let values = FieldValues(values, rubrique: rubrique)
        try values.checkKeys()
        for field in rubrique.fields where field.required && values.text(field.key)?.isEmpty == true {
            throw ProfileBookError.missingField(field.key)
        }
        let saved = try ProfileEntries.write(rubrique, id: id, values: values, book: self)
        return try entry(rubrique, id: saved)
    }

    public func delete(_ rubrique: ProfileRubrique, id: String) throws {
        let existing = try entry(rubrique, id: id)
        guard !existing.isReadOnly else { throw ProfileBookError.readOnly }
        try ProfileEntries.delete(rubrique, id: id, book: self)
    }

    /// The "non concerné" declaration for allergies (refused while allergies are listed).
    public func declareNotConcernedByAllergies(on day: CalendarDate = CalendarDate(Date())) throws {
        let profileID = profileID
        try vault.write { session in
            let store = session.records(Allergy.self)
            let current = try store.all(profile: profileID)
            guard !current.contains(where: { !$0.isNotConcernedDeclaration }) else { throw ProfileBookError.hasAllergies }
            guard !current.contains(where: \.isNotConcernedDeclaration) else { return }
            try store.save(Allergy.notConcerned(id: "no-allergy-\(profileID)", profileID: profileID, on: day))
        }
    }

    /// New ids for entries (client-assigned, as sync expects).
    static func newID() -> String { UUID().uuidString.lowercased() }
}
