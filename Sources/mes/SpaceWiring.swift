import Agenda
import Documents
import Features
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import Messaging
import Sharing
import Sync
import Vault

/// The spaces of a vault for the app and the commands: which ones there are, which one is
/// active, and every section's services in one.
enum SpaceWiring {
    /// The vault setting that remembers the space open last.
    static let activeKey = "app.active-space"
    /// The last visit of each space's Accueil (`home.last-visit.<id>`).
    static func visitKey(_ id: String) -> String { "home.last-visit.\(id)" }

    /// The spaces of the vault, the user's own first, then children, then the people helped.
    static func list(_ vault: Vault) throws -> [SpaceSummary] {
        try vault.read { session in
            let granted = Dictionary(try SyncSettings.spaces(session).map { ($0.patientID, $0) }, uniquingKeysWith: { first, _ in first })
            let order: [Profile.Relation] = [.own, .child, .delegated]
            return try session.profiles.all()
                .sorted { (order.firstIndex(of: $0.relation) ?? 3, $0.displayName) < (order.firstIndex(of: $1.relation) ?? 3, $1.displayName) }
                .map { profile in
                    let space = granted[profile.id]
                    let rubriques = profile.relation == .delegated ? space.map { Set($0.rubriques.compactMap(Section.init(rawValue:))) } : nil
                    return SpaceSummary(id: profile.id, name: profile.displayName, relation: profile.relation, rubriques: rubriques,
                                        until: space?.until)
                }
        }
    }

    /// The space to open at start: the one open last if it is still there, else the user's own.
    static func initial(_ vault: Vault) throws -> SpaceSummary? {
        let spaces = try list(vault)
        let last = try vault.read { try $0.settings.value(activeKey, as: String.self) }
        return spaces.first { $0.id == last } ?? spaces.first
    }

    /// Finds a space by `--space`: its id, `me` (the user's own), or a part of its name.
    static func resolve(_ text: String, in vault: Vault) throws -> SpaceSummary? {
        let spaces = try list(vault)
        if text == "me" { return spaces.first { $0.relation == .own } }
        if let exact = spaces.first(where: { $0.id == text }) { return exact }
        let wanted = fold(text)
        let matches = spaces.filter { fold($0.name).contains(wanted) }
        return matches.count == 1 ? matches[0] : nil
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Every section's services in `space` (a kiosk has its own wiring: one visitor, one
    /// space, `KioskMode`); remembers it as the active one and starts a visit
    /// of its Accueil (what arrived since the previous visit is new).
    static func open(_ space: SpaceSummary, vault: Vault) throws -> SpaceBundle {
        let id = space.id
        let since = try vault.write { session -> Date? in
            let previous = try session.settings.value(visitKey(id), as: Date.self)
            try session.settings.set(Date(), for: visitKey(id))
            try session.settings.set(id, for: activeKey)
            return previous
        }
        let documents = try InteractiveApp.documentsServices(kiosk: false, profileID: id)(vault)
        let sharing = space.relation == .delegated ? nil
            : try SharingCenter.open(vault, profileID: id).map { SharingServices(center: $0) }
        let profile = try ProfileBook.open(vault, profileID: id).map { ProfileServices(book: $0, library: documents?.library) }
        return SpaceBundle(space: space, home: homeServices(vault, profileID: id, since: since), documents: documents,
                           agenda: try InteractiveApp.agendaServices(kiosk: false, profileID: id)(vault),
                           messages: try InteractiveApp.messagesServices(kiosk: false, profileID: id)(vault),
                           sharing: sharing, profile: profile)
    }

    static func homeServices(_ vault: Vault, profileID: String, since: Date?) -> HomeServices {
        HomeServices {
            try vault.read { session in
                var digest = try session.homeDigest(profile: profileID, since: since, now: Date())
                digest.conflicts = try ConflictStore(session: session).all(profile: profileID).count
                return digest
            }
        }
    }

    /// How the shell lists and opens the vault's spaces, and section 7 manages delegations
    /// (the server's operations when an account is logged in).
    static func services(_ vault: Vault) -> SpacesServices {
        let operations = try? DelegationOperations(vault: vault)
        let open: @Sendable (String) throws -> SpaceBundle? = { id in
            guard let space = try list(vault).first(where: { $0.id == id }) else { return nil }
            return try Self.open(space, vault: vault)
        }
        let delegations: @Sendable (String) throws -> [Delegation] = { id in
            try vault.read { try $0.records(Delegation.self).all(profile: id) }.sorted { $0.start > $1.start }
        }
        var invitations: (@Sendable () async throws -> [InvitationSummary])?
        var revoke: (@Sendable (String) async throws -> Void)?
        var answer: (@Sendable (String, Bool) async throws -> Void)?
        if let operations {
            invitations = { try await failure { try await summaries(operations.invitations()) } }
            revoke = { id in try await failure { try await operations.revoke(consent: id) } }
            answer = { id, accept in try await failure { try await operations.answer(consent: id, accept: accept) } }
        }
        return SpacesServices(list: { try list(vault) }, open: open, delegations: delegations, invitations: invitations,
                              revoke: revoke, answer: answer)
    }

    static func summaries(_ invitations: [DelegationOperations.Invitation]) -> [InvitationSummary] {
        invitations.map {
            InvitationSummary(id: $0.consent, name: $0.name, status: $0.status, legalRepresentative: $0.legalRepresentation,
                              rubriques: Set($0.rubriques), until: $0.until)
        }
    }

    /// A server refusal in the user's words, for the screens.
    static func failure<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SyncError {
            switch error {
            case .refused(_, let detail): throw SpaceActionFailure(AidantCommands.refusal(detail))
            case .unauthorized, .notLoggedIn: throw SpaceActionFailure(tr("aidants.cli.not-logged-in"))
            default: throw SpaceActionFailure(tr("aidants.cli.offline"))
            }
        }
    }
}
