import FHIR
import Foundation
import HealthRecord
import Vault

/// One change of the feed, decoded before the vault transaction that applies it.
struct DecodedChange: Sendable {
    var change: API.Change
    /// The records the resource becomes, the one it is about first (empty: not kept; nil: a
    /// version mes cannot read, which must not cost the local copy).
    var records: [any ProfileRecord]?
    /// The resource as the sync base keeps it: its bytes in the page (made here, off the vault's
    /// transaction).
    var payload: [UInt8]?
    /// The records' bodies as the vault stores them, encoded here too.
    var bodies: [Data?] = []
}

/// A page of the feed, fetched and decoded.
struct FetchedPage: Sendable {
    var page: API.ChangesPage
    var decoded: [DecodedChange]
}

extension SyncRun {
    /// Pulls the changes feed of a space page by page; each page and its cursor are applied in
    /// one vault transaction, so a kill at any moment resumes at the last applied page. Pages are
    /// fetched and decoded ahead (a few at most) while the vault writes: the wire and the decoding
    /// overlap the writing, and pages already waiting when the writer is free are applied
    /// together, in one transaction with the cursor of the last of them (issue 20).
    func pull(_ space: Space) async throws {
        announce(.pulling, profile: space.patientID)
        let cursor = try vault.read { try $0.syncState.cursor(profile: space.patientID) }
        let client = self.client, pageSize = options.pageSize
        let pages = PagesAhead<FetchedPage>(depth: Self.pagesAhead)
        let fetcher = pages.start(after: cursor) { cursor in
            let fetched = try await Self.fetchPage(space, after: cursor, pageSize: pageSize, client: client)
            return (fetched, fetched.page.more ? fetched.page.cursor : nil)
        }
        do {
            while true {
                let batch = try await pages.take()
                let last = batch[batch.count - 1].page
                try vault.write { session in
                    try PageApplier(session: session, space: space).apply(batch.flatMap(\.decoded))
                    try session.syncState.setCursor(last.cursor, profile: space.patientID)
                }
                let received = batch.reduce(0) { $0 + $1.page.changes.count }
                report.received += received
                progress.received += received
                announce()
                if !last.more { break }
            }
        } catch {
            fetcher.cancel()
            await pages.close()
            throw error
        }
    }

    /// Pages fetched and decoded ahead of the vault's writer, at most, besides those it is
    /// applying (each holds `pageSize` decoded changes in memory).
    static let pagesAhead = 4

    /// One page of a space's feed after `cursor`, decoded into records.
    static func fetchPage(_ space: Space, after cursor: String?, pageSize: Int, client: BackendClient) async throws -> FetchedPage {
        var query = [("_count", String(pageSize))]
        if let cursor, !cursor.isEmpty { query.insert(("since", cursor), at: 0) }
        // The page's text is parsed keeping each resource's bytes: they become its sync base as
        // they are (the server's exact JSON of the resource), with no second serialization.
        let (response, parsed) = try await client.exchange(BackendRequest(path: API.Path.changes(patient: space.patientID), query: query)) {
            try? JSON.parse($0.body, keepingBytesOf: API.ChangesPage.keptMember.inner, in: API.ChangesPage.keptMember.outer)
        }
        guard let parsed else { throw BackendClient.refusal(response) }
        var page: API.ChangesPage
        do { page = try API.ChangesPage(json: parsed.json, resourceBytes: parsed.kept) } catch {
            throw SyncError.serverTrouble("malformed changes page")
        }
        let decoded = page.changes.map(decode)
        // The pages' trees are freed here, on this thread, not by the thread that writes the
        // vault (7 % of a sync there, issue 20): the applier only reads a Patient's resource.
        page.changes = decoded.map(\.change)
        return FetchedPage(page: page, decoded: decoded)
    }

    /// A change decoded into its records, their bodies and its sync base. Only a Patient keeps
    /// its resource (the applier reads it); the others carry what was made of it.
    static func decode(_ change: API.Change) -> DecodedChange {
        var change = change
        let records = change.resource.map { try? RecordMapping.decode($0) } ?? []
        let payload = change.resourceBytes ?? change.resource?.serialized()
        let bodies = (records ?? []).map { try? VaultSession.encodedBody($0) }
        let isPatient = records?.first.map { AnyRecord.kind(of: $0) == .profile } ?? false
        if !isPatient { change.resource = nil }
        change.resourceBytes = nil
        return DecodedChange(change: change, records: records, payload: payload, bodies: bodies)
    }
}

/// Applies a page of changes inside one vault transaction.
struct PageApplier {
    let session: VaultSession
    let space: Space

    func apply(_ changes: [DecodedChange]) throws {
        let pending = try PendingRecords(session: session, profile: space.patientID)
        var touchedThreads: Set<String> = []
        for item in changes {
            let change = item.change
            // Unreadable (a newer or broken form): the local copy stays as it is, untouched.
            guard let records = item.records else { continue }
            guard let primary = records.first, !change.deleted else {
                try remove(change, pending: pending)
                continue
            }
            let kind = AnyRecord.kind(of: primary)
            if try session.syncState.baseVersion(kind: kind, recordID: change.id) == change.versionId { continue }
            // A local edit waits to be sent: the push meets the new version (412) and merges.
            if pending.contains(kind, change.id) || (kind == .profile && pending.touchesPatient) { continue }
            if kind == .profile, let resource = change.resource {
                try applyPatient(resource)
            } else {
                for (index, record) in records.enumerated() {
                    try AnyRecord.saveRemote(record, encoded: index < item.bodies.count ? item.bodies[index] : nil, in: session)
                }
            }
            if let message = primary as? Message { touchedThreads.insert(message.threadID) }
            if let payload = item.payload {
                try session.syncState.setBase(SyncBase(kind: kind, recordID: change.id, versionID: change.versionId, payload: payload))
            }
        }
        for thread in touchedThreads { try ThreadSummary.refresh(thread, in: session) }
    }

    /// A tombstone (or a resource mes no longer keeps): the record goes, unless a local edit of
    /// it waits to be sent (the push then meets the deletion and keeps the edit as a conflict).
    private func remove(_ change: API.Change, pending: PendingRecords) throws {
        for kind in RecordMapping.kinds(forResourceType: change.resourceType) where !pending.contains(kind, change.id) {
            if try session.syncState.base(kind: kind, recordID: change.id) != nil {
                try session.syncState.removeBase(kind: kind, recordID: change.id)
            }
            try AnyRecord.delete(kind, id: change.id, origin: .remote, in: session)
        }
    }

    /// A Patient: the profile (with the relation this account has to it) and its contacts.
    private func applyPatient(_ resource: Resource) throws {
        let patient = try RecordMapping.decodePatient(resource)
        try PatientWriter(session: session).apply(patient, relation: space.relation)
    }
}

/// Saves a space's Patient as its profile and contacts (contacts gone from it are removed).
struct PatientWriter {
    let session: VaultSession

    func apply(_ patient: PatientRecord, relation: Profile.Relation?) throws {
        var profile = patient.profile
        profile.relation = try relation ?? session.profiles.find(profile.id)?.relation ?? .own
        try session.profiles.save(profile, origin: .remote)
        let keep = Set(patient.contacts.map(\.id))
        for contact in try session.records(EmergencyContact.self).all(profile: profile.id) where !keep.contains(contact.id) {
            try session.records(EmergencyContact.self).delete(contact.id, origin: .remote)
        }
        for contact in patient.contacts { try session.records(EmergencyContact.self).save(contact, origin: .remote) }
    }
}

/// The records of a space with a change waiting in the outbox.
struct PendingRecords {
    private var keys: Set<String> = []
    /// A profile or contact edit waits: the Patient is not overwritten.
    private(set) var touchesPatient = false

    init(session: VaultSession, profile: String) throws {
        for entry in try session.outbox.pending(profile: profile, limit: Int.max) {
            keys.insert("\(entry.kind.rawValue)/\(entry.recordID)")
            if entry.kind == .profile || entry.kind == .emergencyContact { touchesPatient = true }
        }
    }

    func contains(_ kind: RecordKind, _ id: String) -> Bool { keys.contains("\(kind.rawValue)/\(id)") }
}

/// A thread's participants and last activity follow from its messages.
enum ThreadSummary {
    static func refresh(_ threadID: String, in session: VaultSession) throws {
        guard var thread = try session.threads.find(threadID) else { return }
        guard thread.summarize(messages: try session.messages.inThread(threadID)) else { return }
        try session.threads.save(thread, origin: .remote)
    }
}
