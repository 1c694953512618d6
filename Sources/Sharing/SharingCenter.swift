import Documents
import FHIR
import Foundation
import HealthRecord
import Sync
import Vault

/// Why a sharing operation did not happen.
public enum SharingError: Error, Equatable, Sendable {
    /// The operation needs the server and it cannot be reached: nothing changed.
    case offline
    /// No account is logged in on this vault (`mes login`).
    case notLoggedIn
    /// The server refused (its outcome detail code: `holder-only`, `invalid-parameter`, …).
    case refused(String)
    /// No session, code or block with this id (or RPPS) in the space.
    case notFound(String)
    /// The professional is already blocked.
    case alreadyBlocked
    /// Exporting needs every document's content; these could not be fetched (offline).
    case contentsMissing(Int)
    /// Writing the export failed (kiosk mode, the file exists, cannot write).
    case output(DocumentOutputError)

    init(_ error: SyncError) {
        switch error {
        case .offline, .serverTrouble: self = .offline
        case .notLoggedIn, .unauthorized: self = .notLoggedIn
        case .refused(let status, let detail): self = .refused(detail ?? "http-\(status)")
        default: self = .refused(error.code)
        }
    }
}

/// Partage et confidentialité of one space, as the holder works with it: who may see it now,
/// codes for professionals, blocked professionals, the emergency choices, masking and the
/// activity history. Lists read the vault (what the last sync brought); changes go to the
/// server at once (they need it) and a sync follows so the vault tells the truth.
/// Shared by the screens and the command line; safe to use from any task.
public struct SharingCenter: Sendable {
    public let vault: Vault
    public let profileID: String
    let transport: (@Sendable (URL) -> any Transport)?

    /// Settings key of the last policy read from the server (shown when offline).
    public static let policySetting = "sharing.policy"
    /// Settings key of the date up to which the user has seen the activity history.
    public static let historySeenSetting = "sharing.history-seen"

    public init(vault: Vault, profileID: String, transport: (@Sendable (URL) -> any Transport)? = nil) {
        self.vault = vault
        self.profileID = profileID
        self.transport = transport
    }

    /// The center of the vault's own space, or of `profileID`; nil before the first sync.
    public static func open(_ vault: Vault, profileID: String? = nil, transport: (@Sendable (URL) -> any Transport)? = nil) throws -> SharingCenter? {
        let profiles = try vault.read { try $0.profiles.all() }
        guard let profile = profileID.map({ id in profiles.first { $0.id == id } }) ?? profiles.first(where: { $0.relation == .own }) ?? profiles.first
        else { return nil }
        return SharingCenter(vault: vault, profileID: profile.id, transport: transport)
    }

    // MARK: What the vault knows

    /// Professionals connected now (a redeemed code or an emergency), soonest end first.
    public func sessions(at date: Date = Date()) throws -> [AccessGrant] {
        try grants().filter { $0.effectiveStatus(at: date) == .active }.sorted { $0.expires < $1.expires }
    }

    /// Codes created and not redeemed yet, still valid.
    public func pendingCodes(at date: Date = Date()) throws -> [AccessGrant] {
        try grants().filter { $0.effectiveStatus(at: date) == .pending && $0.via != .samu && $0.via != .emergency }
            .sorted { $0.expires < $1.expires }
    }

    /// Every grant of the space, newest first (sessions past and present, codes).
    public func grants() throws -> [AccessGrant] {
        try vault.read { try $0.records(AccessGrant.self).all(profile: profileID, orderedBy: "expires_at", descending: true) }
    }

    /// The professionals the holder blocked (oppositions are in `policy`).
    public func blockedProfessionals() throws -> [Block] {
        try vault.read { try $0.records(Block.self).all(profile: profileID) }
            .filter { if case .professional = $0.target { true } else { false } }
            .sorted { $0.created > $1.created }
    }

    /// The block of the professional with this RPPS or server id, if any.
    public func block(of professional: String) throws -> Block? {
        try blockedProfessionals().first { $0.blocks(rpps: professional) || $0.practitionerID == professional }
    }

    /// The documents masked from professionals (their author and the médecin traitant still see them).
    public func maskedDocuments() throws -> [Document] {
        try vault.read { try $0.documents.all(profile: profileID) }
            .filter { $0.isMaskedFromProfessionals && $0.isVisible(to: .patient) }
            .sorted { $0.creationDate > $1.creationDate }
    }

    /// How many documents of the space the holder sees.
    public func documentCount() throws -> Int {
        try vault.read { try $0.documents.all(profile: profileID) }.filter { $0.isVisible(to: .patient) }.count
    }

    /// The policy last read from the server (defaults before that).
    public func cachedPolicy() throws -> API.AccessPolicy {
        try vault.read { try $0.settings.value(Self.policySetting, as: API.AccessPolicy.self) } ?? API.AccessPolicy()
    }

    // MARK: The activity history

    /// Entries of the activity history matching `filter`, newest first.
    public func history(_ filter: HistoryFilter = HistoryFilter()) throws -> [AuditEntry] {
        try vault.read { session in
            var titles: [String: String] = [:]
            return try session.auditEntries.all(profile: profileID, orderedBy: "at", descending: true).filter(filter.matches).map { entry in
                guard entry.targetTitle == nil, entry.targetKind == .document, let id = entry.targetID else { return entry }
                var named = entry
                if titles[id] == nil { titles[id] = try session.documents.find(id).flatMap { $0.isVisible(to: .patient) ? $0.title : nil } ?? "" }
                named.targetTitle = titles[id].flatMap { $0.isEmpty ? nil : $0 }
                return named
            }
        }
    }

    /// Until when the user has seen the history (entries after it are "new").
    public func historySeen() throws -> Date? {
        try vault.read { try $0.settings.value(Self.historySeenSetting, as: Date.self) }
    }

    public func markHistorySeen(_ date: Date = Date()) throws {
        try vault.write { try $0.settings.set(date, for: Self.historySeenSetting) }
    }

    /// Accesses by someone else since the history was last seen, by people who had never
    /// accessed the space before (what Accueil announces).
    public func newcomers() throws -> [AuditEntry] {
        let seen = try historySeen() ?? .distantPast
        let all = try history(HistoryFilter(someoneElse: true))
        let before = Set(all.filter { $0.date <= seen }.map(HistoryFilter.actorKey))
        var announced: Set<String> = []
        return all.reversed().filter { entry in
            let key = HistoryFilter.actorKey(entry)
            guard entry.date > seen, !before.contains(key), !announced.contains(key) else { return false }
            announced.insert(key)
            return true
        }
    }

    // MARK: Changes (need the server)

    /// Creates a code for a professional. Shown once; a sync brings its pending grant.
    public func createCode(duration: AccessDuration, rubriques: [HealthRecord.Section]) async throws(SharingError) -> API.AccessCode {
        let operations = try operations()
        let code: API.AccessCode
        do { code = try await operations.createCode(patient: profileID, durationMinutes: duration.minutes, rubriques: rubriques) }
        catch { throw SharingError(error) }
        note(.create, .accessGrant, SharingWording.sections(Set(rubriques)))
        await refresh()
        return code
    }

    /// "Mettre fin": ends a session, or withdraws an unused code, at once.
    public func end(_ grantID: String) async throws(SharingError) {
        guard let grant = try? grants().first(where: { $0.id == grantID }) else { throw .notFound(grantID) }
        try await revoke(grantID)
        note(.accessRevoked, .accessGrant, grant.professional?.name)
    }

    /// Blocks a professional by RPPS number (looked up in the directory) or server id.
    @discardableResult
    public func block(_ professional: String) async throws(SharingError) -> DirectoryEntry {
        let entry = try await resolve(professional)
        if (try? block(of: entry.id)) != nil { throw .alreadyBlocked }
        do { try await operations().block(patient: profileID, practitionerID: entry.id) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        note(.create, .block, entry.practitioner.name)
        await refresh()
        return entry
    }

    /// Lifts a block (by the block's id, the professional's RPPS or server id).
    public func unblock(_ professional: String) async throws(SharingError) {
        var block = try? blockedProfessionals().first { $0.id == professional || $0.blocks(rpps: professional) || $0.practitionerID == professional }
        if block == nil, let entry = try? await resolve(professional) { block = try? self.block(of: entry.id) }
        guard let block else { throw .notFound(professional) }
        try await revoke(block.id)
        if case .professional(let who) = block.target { note(.delete, .block, who.name) }
    }

    /// The professional an RPPS number (through the directory) or a server id names.
    private func resolve(_ professional: String) async throws(SharingError) -> DirectoryEntry {
        let found = try await searchDirectory(professional)
        if let entry = found.first(where: { $0.practitioner.rpps == professional || $0.id == professional }) { return entry }
        guard Resource.isValidID(professional), !professional.allSatisfy(\.isNumber) else { throw .notFound(professional) }
        return DirectoryEntry(id: professional, practitioner: Practitioner(name: professional))
    }

    /// The directory of professionals (by name, or an RPPS number).
    public func searchDirectory(_ text: String) async throws(SharingError) -> [DirectoryEntry] {
        do { return try await operations().searchProfessionals(text) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
    }

    /// The policy as the server keeps it now (and remembered for offline use).
    public func policy() async throws(SharingError) -> API.AccessPolicy {
        let policy: API.AccessPolicy
        do { policy = try await operations().policy(patient: profileID) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        remember(policy)
        return policy
    }

    /// Changes the emergency choices or "mask all my documents, present and future".
    @discardableResult
    public func setPolicy(_ change: (inout API.AccessPolicy) -> Void) async throws(SharingError) -> API.AccessPolicy {
        var policy = try await self.policy()
        change(&policy)
        let saved: API.AccessPolicy
        do { saved = try await operations().setPolicy(policy, patient: profileID) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        remember(saved)
        // A server that does not know a choice leaves it as it was: say so, not "saved".
        guard saved == policy else { throw .refused("not-supported") }
        note(.update, .serviceConsent, nil)
        await refresh()
        return saved
    }

    // MARK: Services connectés

    /// Settings key of the catalogue as last read from the server (shown when offline).
    public static let servicesSetting = "sharing.services"

    /// The catalogue de services with what the holder consented to (and remembered for offline use).
    public func services() async throws(SharingError) -> [API.ServiceEntry] {
        let services: [API.ServiceEntry]
        do { services = try await operations().services(patient: profileID) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        try? vault.write { try $0.settings.set(JSON.array(services.map(\.json)).text, for: Self.servicesSetting) }
        return services
    }

    /// The catalogue as last read from the server (empty before the first read).
    public func cachedServices() -> [API.ServiceEntry] {
        guard let text = try? vault.read({ try $0.settings.value(Self.servicesSetting, as: String.self) }) ?? nil,
              let json = try? JSON(parsing: text) else { return [] }
        return json.elements.compactMap(API.ServiceEntry.init(json:))
    }

    /// Connects a service for the chosen finalités (all of them when `finalities` is nil), or
    /// approves it again after it asked for more.
    @discardableResult
    public func connect(service: String, finalities: [String]? = nil) async throws(SharingError) -> API.ServiceEntry {
        guard let entry = try await services().first(where: { $0.id == service }) else { throw .notFound(service) }
        let chosen = finalities ?? entry.finalities.map(\.id)
        let connected: API.ServiceEntry
        do { connected = try await operations().connectService(patient: profileID, service: service, finalities: chosen) }
        catch let error as SyncError { throw SharingError(error) } catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        note(.accessGranted, .serviceConsent, entry.name)
        _ = try? await services()
        await refresh()
        return connected
    }

    /// Disconnects a service at once (revokes its consent).
    public func disconnect(service: String) async throws(SharingError) {
        guard let entry = try await services().first(where: { $0.id == service }), let consent = entry.connection?.consent else {
            throw .notFound(service)
        }
        try await revoke(consent)
        note(.accessRevoked, .serviceConsent, entry.name)
        _ = try? await services()
    }

    // MARK: Télécharger mes données

    /// Writes the whole space as a FHIR R4 Bundle (`collection`) to `path`, which must not exist:
    /// a copy that is **not encrypted** (the caller warned the user). Refused in kiosk mode.
    /// Contents not in the vault yet are fetched first. Returns the number of resources.
    @discardableResult
    public func exportFHIR(to path: String, kiosk: Bool) async throws(SharingError) -> Int {
        guard !kiosk else { throw .output(.refusedInKiosk) }
        do {
            var result = try FHIRExport.bundle(of: vault, profileID: profileID)
            if !result.missingContents.isEmpty {
                let engine = SyncEngine(vault: vault, transport: transport)
                for id in result.missingContents { _ = try? await engine.fetchContent(of: id) }
                result = try FHIRExport.bundle(of: vault, profileID: profileID)
            }
            guard result.missingContents.isEmpty else { throw SharingError.contentsMissing(result.missingContents.count) }
            try DocumentOutput.export(result.bytes, to: path, kiosk: kiosk)
            return result.resourceCount
        } catch let error as SharingError {
            throw error
        } catch let error as DocumentOutputError {
            throw .output(error)
        } catch {
            throw .refused("\(error)")
        }
    }

    // MARK: My own actions

    /// Keeps a line of the holder's own actions in the vault (the server records only what
    /// others do): the "Mes actions" side of the history. Never sent.
    private func note(_ action: AuditEntry.Action, _ kind: RecordKind, _ title: String?) {
        let entry = AuditEntry(id: "own-\(UUID().uuidString.lowercased())", profileID: profileID, date: Date(), actorName: "",
                               actorRole: .holder, action: action, targetKind: kind, targetTitle: title)
        try? vault.write { try $0.auditEntries.save(entry, origin: .remote) }
    }

    // MARK: Helpers

    private func operations() throws(SharingError) -> AccessOperations {
        do { return try AccessOperations(vault: vault, transport: transport) } catch let error as SyncError { throw SharingError(error) }
        catch { throw .notLoggedIn }
    }

    private func revoke(_ consent: String) async throws(SharingError) {
        do { try await operations().revoke(consent: consent) } catch let error as SyncError { throw SharingError(error) }
        catch let error as SharingError { throw error } catch { throw .refused("\(error)") }
        await refresh()
    }

    private func remember(_ policy: API.AccessPolicy) {
        try? vault.write { session in
            try session.settings.set(policy, for: Self.policySetting)
            // The documents' own "mask all" follows the server's policy (new imports are masked at once).
            try session.settings.set(policy.maskAllDocuments, for: DocumentLibrary.maskAllSetting)
        }
    }

    /// Brings the server's view of the change into the vault (a failed sync is not the
    /// operation's failure: it happened; the next sync catches up).
    private func refresh() async {
        _ = await SyncEngine(vault: vault, transport: transport).sync()
    }
}

/// The durations MES offers for a professional's access.
public enum AccessDuration: String, CaseIterable, Sendable {
    case thirtyMinutes = "30m"
    case twoHours = "2h"
    case oneDay = "24h"
    case sevenDays = "7d"

    public var minutes: Int {
        switch self {
        case .thirtyMinutes: 30
        case .twoHours: 120
        case .oneDay: 24 * 60
        case .sevenDays: 7 * 24 * 60
        }
    }
}

/// Which entries of the activity history to show.
public struct HistoryFilter: Sendable, Equatable {
    /// Words of the actor's name (or their RPPS), case and accents ignored.
    public var actor: String?
    public var roles: Set<AuditEntry.ActorRole>?
    public var actions: Set<AuditEntry.Action>?
    public var from: Date?
    public var to: Date?
    /// Only what others did (professionals, aidants, services); false: everything.
    public var someoneElse: Bool

    public init(actor: String? = nil, roles: Set<AuditEntry.ActorRole>? = nil, actions: Set<AuditEntry.Action>? = nil,
                from: Date? = nil, to: Date? = nil, someoneElse: Bool = false) {
        self.actor = actor
        self.roles = roles
        self.actions = actions
        self.from = from
        self.to = to
        self.someoneElse = someoneElse
    }

    public func matches(_ entry: AuditEntry) -> Bool {
        if someoneElse && !entry.concernsSomeoneElse { return false }
        if let roles, !roles.contains(entry.actorRole) { return false }
        if let actions, !actions.contains(entry.action) { return false }
        if let from, entry.date < from { return false }
        if let to, entry.date >= to { return false }
        if let actor = actor.map(Self.folded), !actor.isEmpty {
            let haystack = Self.folded(entry.actorName + " " + (entry.actorRPPS ?? ""))
            return actor.split(separator: " ").allSatisfy { haystack.contains($0) }
        }
        return true
    }

    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// Who an entry's actor is, for "someone new".
    static func actorKey(_ entry: AuditEntry) -> String { entry.actorRPPS ?? "\(entry.actorRole.rawValue):\(entry.actorName)" }
}
