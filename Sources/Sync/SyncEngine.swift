import Documents
import FHIR
import Foundation
import HealthRecord
import Synchronization
import Vault

/// The sync engine between a vault and `mes-server` (DESIGN.md §8). For each space the account
/// may act for, it sends the outbox in order, then pulls the changes feed page by page, each page
/// applied with its cursor in one vault transaction. Offline is a normal outcome: nothing queued
/// is ever dropped, and the next sync picks up where this one stopped.
///
/// One sync runs at a time per engine; `sync` may be called from any task.
public final class SyncEngine: Sendable {
    public struct Options: Sendable {
        /// Changes asked for per page of the feed.
        public var pageSize = 1000
        /// Retries of transient failures, per request.
        public var backoff = Backoff()
        /// How long one request may take before it counts as failed.
        public var requestTimeout: TimeInterval = 30
        /// Passes over the outbox per sync (a merge queues the merged record again).
        public var pushPasses = 4
        /// Document contents fetched by each sync (newest documents first), so a document reads
        /// offline and its text is searchable without opening it first; the rest come with the
        /// next syncs, or on demand. Unlimited when the user keeps every document offline.
        public var contentBudget = ContentBudget()
        /// The text the search index keeps for a content (format, bytes), called as it arrives:
        /// by default what Documents' reader shows (lab reports' values, PDF text, RTF as text),
        /// so every engine indexes alike; nil indexes plain text only.
        public var extractText: (@Sendable (_ format: String, _ bytes: [UInt8]) -> String?)? = Options.documentsReader()

        public init() {}

        static func documentsReader() -> @Sendable (_ format: String, _ bytes: [UInt8]) -> String? {
            let reader = DocumentReader()
            return { format, bytes in reader.searchableText(format: format, bytes: bytes) }
        }
    }

    /// How much content one sync fetches.
    public struct ContentBudget: Sendable, Equatable {
        public var documents: Int
        public var bytes: Int

        /// 200 documents or 16 MiB per sync, whichever comes first.
        public init(documents: Int = 200, bytes: Int = 16 << 20) {
            self.documents = documents
            self.bytes = bytes
        }

        public static let unlimited = ContentBudget(documents: .max, bytes: .max)
        public static let none = ContentBudget(documents: 0, bytes: 0)
    }

    public let vault: Vault
    let options: Options
    let makeTransport: @Sendable (URL) -> any Transport
    private let running = Mutex(false)

    /// An engine for `vault`. `transport` builds the connection to the account's server (tests
    /// may pass their own); by default URLSession.
    public init(vault: Vault, options: Options = Options(), transport: (@Sendable (URL) -> any Transport)? = nil) {
        self.vault = vault
        self.options = options
        let timeout = options.requestTimeout
        self.makeTransport = transport ?? { URLSessionTransport(baseURL: $0, requestTimeout: timeout) }
        // Documents arrive filed under their category, so lists read one page (issue 20).
        if vault.documentCategorizer == nil { vault.useDocumentCategorizer(DocumentCatalog.standard.categorizer) }
    }

    /// Syncs every space of the account, publishing progress as it goes. Never throws: the
    /// report says how it ended (complete, incomplete, offline, unauthorized).
    public func sync(progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) async -> SyncReport {
        let clock = ContinuousClock()
        let start = clock.now
        guard running.withLock({ running in
            defer { running = true }
            return !running
        }) else {
            var report = SyncReport()
            report.outcome = .incomplete
            report.stopReason = .protocolViolation("a sync is already running")
            return report
        }
        defer { running.withLock { $0 = false } }

        var report: SyncReport
        do {
            guard let account = try Account.stored(in: vault) else {
                report = SyncReport()
                report.outcome = .unauthorized
                report.stopReason = .notLoggedIn
                return report
            }
            let run = SyncRun(vault: vault, account: account, transport: makeTransport(account.server), options: options, publish: progress)
            await run.run()
            report = run.report
        } catch VaultError.damaged {
            report = SyncReport()
            report.outcome = .incomplete
            report.stopReason = .vaultDamaged
        } catch {
            report = SyncReport()
            report.outcome = .incomplete
            report.stopReason = .protocolViolation("vault: \(error)")
        }
        report.duration = clock.now - start
        return report
    }

    /// Fetches a document's content from the server, checks it against the size and SHA-256
    /// its metadata announce, and stores it in the vault. Returns the stored content.
    public func fetchContent(of documentID: String) async throws -> DocumentContent {
        guard let account = try Account.stored(in: vault) else { throw SyncError.notLoggedIn }
        let run = SyncRun(vault: vault, account: account, transport: makeTransport(account.server), options: options, publish: { _ in })
        return try await run.fetchContent(of: documentID)
    }
}

/// Sync settings kept in the vault.
public enum SyncSettings {
    static let keepOfflineKey = "sync.keep-documents-offline"
    static let lastSyncKey = "sync.last"
    static let spacesKey = "sync.spaces"

    /// Keep every document's content in the vault (fetched during sync), or only the newest up to
    /// `Options.contentBudget` per sync and the others on demand.
    public static func keepsDocumentsOffline(_ session: VaultSession) throws -> Bool {
        try session.settings.value(keepOfflineKey, as: Bool.self) ?? false
    }

    public static func setKeepsDocumentsOffline(_ value: Bool, _ session: VaultSession) throws {
        try session.settings.set(value, for: keepOfflineKey)
    }

    /// When the last sync that reached the server ended, and how.
    public struct LastSync: Codable, Sendable, Equatable {
        public var date: Date
        public var outcome: String
        public var sent: Int
        public var received: Int
    }

    public static func lastSync(_ session: VaultSession) throws -> LastSync? {
        try session.settings.value(lastSyncKey, as: LastSync.self)
    }

    /// The spaces found at the last sync.
    public static func spaces(_ session: VaultSession) throws -> [Space] {
        try session.settings.value(spacesKey, as: [Space].self) ?? []
    }
}

/// The state of one sync while it runs (used by one task only).
final class SyncRun {
    let vault: Vault
    let meter: MeteredTransport
    let client: BackendClient
    let options: SyncEngine.Options
    let publish: @Sendable (SyncProgress) -> Void
    var progress = SyncProgress()
    var report = SyncReport()

    init(vault: Vault, account: Account, transport: any Transport, options: SyncEngine.Options,
         publish: @escaping @Sendable (SyncProgress) -> Void) {
        self.vault = vault
        self.meter = MeteredTransport(transport)
        self.options = options
        self.publish = publish
        var client = BackendClient(transport: meter, token: account.token, backoff: options.backoff)
        client.onRetry = { _, _ in
            var retrying = SyncProgress()
            retrying.phase = .retrying
            publish(retrying)
        }
        self.client = client
    }

    func announce(_ phase: SyncProgress.Phase? = nil, profile: String? = nil) {
        if let phase { progress.phase = phase }
        if let profile { progress.profileID = profile }
        let totals = meter.statistics
        progress.requests = totals.requests
        progress.bytesSent = totals.bytesSent
        progress.bytesReceived = totals.bytesReceived
        publish(progress)
    }

    func run() async {
        do {
            announce(.discovering)
            let spaces = try await discoverSpaces()
            // Into an empty document table (an initial sync), some indexes are built once, after
            // every space's pull (the table holds them all); a run that does not get there
            // leaves them to the next one.
            let deferred = try vault.write { try $0.deferredIndexes.deferIfEmpty() }
            for space in spaces {
                try await push(space)
                try await pull(space)
            }
            if deferred { try vault.write { try $0.deferredIndexes.build() } }
            let keepsAll = try vault.read { try SyncSettings.keepsDocumentsOffline($0) }
            var budget = keepsAll ? .unlimited : options.contentBudget
            for space in spaces { try await fetchMissingContents(space, budget: &budget, reportFailures: keepsAll) }
        } catch let error as SyncError {
            report.stopReason = error
        } catch VaultError.damaged {
            report.stopReason = .vaultDamaged
        } catch {
            report.stopReason = .protocolViolation("vault: \(error)")
        }
        finish()
    }

    private func finish() {
        report.pending = (try? vault.read { try $0.outbox.count() }) ?? report.pending
        report.outcome = switch report.stopReason {
        case .unauthorized?, .notLoggedIn?: .unauthorized
        case .offline?, .serverTrouble?: .offline
        case _? : .incomplete
        case nil: report.pending > 0 || report.conflicts > 0 || !report.failures.isEmpty ? .incomplete : .complete
        }
        let totals = meter.statistics
        report.requests = totals.requests
        report.bytesSent = totals.bytesSent
        report.bytesReceived = totals.bytesReceived
        if report.outcome != .offline && report.outcome != .unauthorized {
            let last = SyncSettings.LastSync(date: Date(), outcome: report.outcome.rawValue, sent: report.sent, received: report.received)
            try? vault.write { try $0.settings.set(last, for: SyncSettings.lastSyncKey) }
        }
        announce(.finished)
    }

    /// Asks the server for the spaces the account may act for; forgets the local copy of a
    /// space the account lost (a delegation ended).
    private func discoverSpaces() async throws -> [Space] {
        let me = try await client.json(BackendRequest(path: API.Path.me))
        guard let spaces = Space.list(from: me) else { throw SyncError.protocolViolation("account answer without its spaces") }
        try vault.write { session in
            let known = Set(spaces.map(\.patientID))
            for profile in try session.profiles.all() where !known.contains(profile.id) {
                // What the user changed there and the server never got is kept, and said.
                let kept = try session.lostChanges.keep(outboxOf: profile, now: Date())
                report.lostChanges.append(.init(profileID: profile.id, spaceName: profile.displayName, count: kept))
                // Forget the space entirely, so that if access comes back it is pulled afresh.
                for kind in RecordKind.allCases {
                    for id in try AnyRecord.ids(kind, profile: profile.id, in: session) {
                        try session.syncState.removeBase(kind: kind, recordID: id)
                    }
                }
                try session.deleteProfileAndRecords(profile.id)
                try session.syncState.setCursor("", profile: profile.id)
            }
            try session.settings.set(spaces, for: SyncSettings.spacesKey)
        }
        return spaces
    }
}
