import FHIR
import Foundation
import HealthRecord
import Vault

/// One change of the feed, decoded before the vault transaction that applies it.
struct DecodedChange {
    var change: API.Change
    /// The records the resource becomes, the one it is about first (empty: not kept; nil: a
    /// version mes cannot read, which must not cost the local copy).
    var records: [any ProfileRecord]?
}

extension SyncRun {
    /// Pulls the changes feed of a space page by page; each page and its cursor are applied in
    /// one vault transaction, so a kill at any moment resumes at the last applied page.
    func pull(_ space: Space) async throws {
        announce(.pulling, profile: space.patientID)
        while true {
            let cursor = try vault.read { try $0.syncState.cursor(profile: space.patientID) }
            var query = [("_count", String(options.pageSize))]
            if let cursor, !cursor.isEmpty { query.insert(("since", cursor), at: 0) }
            let json = try await client.json(BackendRequest(path: API.Path.changes(patient: space.patientID), query: query))
            let page: API.ChangesPage
            do { page = try API.ChangesPage(json: json) } catch { throw SyncError.serverTrouble("malformed changes page") }
            let decoded = page.changes.map { change in
                DecodedChange(change: change, records: change.resource.map { try? RecordMapping.decode($0) } ?? [])
            }
            try vault.write { session in
                try PageApplier(session: session, space: space).apply(decoded)
                try session.syncState.setCursor(page.cursor, profile: space.patientID)
            }
            report.received += page.changes.count
            progress.received += page.changes.count
            announce()
            if !page.more { break }
        }
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
            if try session.syncState.base(kind: kind, recordID: change.id)?.versionID == change.versionId { continue }
            // A local edit waits to be sent: the push meets the new version (412) and merges.
            if pending.contains(kind, change.id) || (kind == .profile && pending.touchesPatient) { continue }
            if kind == .profile, let resource = change.resource {
                try applyPatient(resource)
            } else {
                for record in records { try AnyRecord.saveRemote(record, in: session) }
            }
            if let message = primary as? Message { touchedThreads.insert(message.threadID) }
            if let resource = change.resource {
                try session.syncState.setBase(SyncBase(kind: kind, recordID: change.id, versionID: change.versionId,
                                                       payload: resource.serialized()))
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
