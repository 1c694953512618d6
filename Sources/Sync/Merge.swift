import FHIR
import Foundation
import HealthRecord
import Vault

extension SyncRun {
    /// The server has a newer version than the one a local edit started from (412). Fetch it,
    /// merge field by field against the common ancestor: the server wins where both changed a
    /// field, and the local value becomes a conflict the user resolves. Nothing is dropped.
    func resolveStale(_ entry: OutboxEntry, unit: SyncUnit, type: String) async throws {
        let (response, json) = try await client.send(BackendRequest(path: "/\(type)/\(unit.id)"))
        let remote: Resource?
        switch response.status {
        case 200..<300:
            guard let json, let resource = try? Resource(json), resource.versionId != nil else {
                throw SyncError.serverTrouble("malformed resource")
            }
            remote = resource
        case 404, 410:
            remote = nil
        default:
            throw BackendClient.refusal(response)
        }
        let newConflicts = try vault.write { session -> Int in
            // A newer local edit arrived meanwhile: the next pass merges it instead.
            let newer = try session.outbox.pending(profile: entry.profileID, limit: Int.max)
                .contains { SyncUnit($0) == unit && $0.sequence > entry.sequence }
            if newer { return 0 }
            let merger = Merger(session: session, entry: entry, unit: unit)
            let conflicts = try merger.merge(remote: remote)
            try session.conflicts.add(conflicts)
            try acknowledge(unit, upTo: entry.sequence, in: session)
            try merger.queueMergedIfNeeded()
            return conflicts.count
        }
        report.conflicts += newConflicts
        progress.conflicts += newConflicts
    }
}

/// The three-way merge of one record inside a vault transaction.
final class Merger {
    let session: VaultSession
    let entry: OutboxEntry
    let unit: SyncUnit
    /// A record whose merged form still carries local changes: queued again after the merge.
    private var requeue: (any ProfileRecord)?

    init(session: VaultSession, entry: OutboxEntry, unit: SyncUnit) {
        self.session = session
        self.entry = entry
        self.unit = unit
    }

    /// Applies the merge; returns the conflicts to record.
    func merge(remote: Resource?) throws -> [SyncConflict] {
        let base = try session.syncState.base(kind: unit.kind, recordID: unit.id).flatMap { try? Resource(parsing: $0.payload) }
        guard let remote else { return try remoteDeleted(base: base) }
        try session.syncState.setBase(SyncBase(kind: unit.kind, recordID: unit.id, versionID: remote.versionId ?? "",
                                               payload: remote.serialized()))
        if unit.isPatient { return try mergePatient(base: base, remote: remote) }
        guard let remoteRecord = try RecordMapping.decode(remote).first else { return [] }
        let local = entry.operation == .delete ? nil : try AnyRecord.find(unit.kind, id: unit.id, in: session)
        guard let local else {
            // Deleted here, changed there: the server's record comes back; the deletion waits as a conflict.
            try saveRemote(remote)
            return [try conflict(kind: unit.kind, id: unit.id, field: SyncConflict.wholeRecord, base: nil, local: nil,
                                 remote: JSON(fields: try AnyRecord.fields(remoteRecord)))]
        }
        // The ancestor: the last server version, else (a create whose answer was lost) what was sent.
        let ancestor = try base.flatMap { try RecordMapping.decode($0).first }
            ?? entry.payload.flatMap { try? AnyRecord.decode(entry.kind, Data($0)) }
        let normalizedLocal = try normalized(local, onto: remote)
        let result = ThreeWayMerge.merge(base: try ancestor.map(AnyRecord.fields) ?? [:], local: try AnyRecord.fields(normalizedLocal),
                                         remote: try AnyRecord.fields(remoteRecord))
        let merged = try AnyRecord.record(unit.kind, fields: result.merged)
        try saveRemote(remote)
        try AnyRecord.save(merged, origin: .remote, in: session)
        if Self.stillDiffers(merged, from: remote) { requeue = merged }
        return try result.conflicts.map { item in
            try conflict(kind: unit.kind, id: unit.id, field: item.field, base: item.base, local: item.local, remote: item.remote)
        }
    }

    /// Queues the merged record when it differs from the server's (the local changes that
    /// survived the merge still have to be sent).
    func queueMergedIfNeeded() throws {
        guard let requeue else { return }
        if let profile = requeue as? Profile {
            try session.profiles.save(profile, origin: .local)
        } else {
            try AnyRecord.save(requeue, origin: .local, in: session)
        }
    }

    // MARK: Cases

    /// Changed here, deleted there: the deletion stands and the local record waits as a
    /// conflict (keeping mine puts it back).
    private func remoteDeleted(base: Resource?) throws -> [SyncConflict] {
        try session.syncState.removeBase(kind: unit.kind, recordID: unit.id)
        guard entry.operation == .upsert, let local = try AnyRecord.find(entry.kind, id: entry.recordID, in: session) else { return [] }
        let fields = try AnyRecord.fields(local)
        try AnyRecord.delete(entry.kind, id: entry.recordID, origin: .remote, in: session)
        return [try conflict(kind: entry.kind, id: entry.recordID, field: SyncConflict.wholeRecord, base: nil,
                             local: JSON(fields: fields), remote: nil)]
    }

    /// A Patient: the profile's fields merge one by one; each contact merges as a whole.
    private func mergePatient(base: Resource?, remote: Resource) throws -> [SyncConflict] {
        let remotePatient = try RecordMapping.decodePatient(remote)
        guard let profile = try session.profiles.find(unit.id) else {
            try PatientWriter(session: session).apply(remotePatient, relation: nil)
            return []
        }
        let contacts = try session.records(EmergencyContact.self).all(profile: unit.id)
        let local = try RecordMapping.decodePatient(RecordMapping.encodePatient(PatientRecord(profile: profile, contacts: contacts), onto: remote))
        let ancestor = try base.map(RecordMapping.decodePatient)
        let result = ThreeWayMerge.merge(base: try ancestor.map(Self.fields) ?? [:], local: try Self.fields(local),
                                         remote: try Self.fields(remotePatient))
        var merged = try Self.patient(from: result.merged, fallback: remotePatient)
        merged.profile.relation = profile.relation
        try PatientWriter(session: session).apply(merged, relation: profile.relation)
        if !result.locallyChangedFields.isEmpty { requeue = merged.profile }
        return try result.conflicts.map { item in
            if item.field.hasPrefix("contact:") {
                return try conflict(kind: .emergencyContact, id: String(item.field.dropFirst("contact:".count)), field: SyncConflict.wholeRecord,
                                    base: item.base, local: item.local, remote: item.remote)
            }
            return try conflict(kind: .profile, id: unit.id, field: String(item.field.dropFirst("profile.".count)),
                                base: item.base, local: item.local, remote: item.remote)
        }
    }

    // MARK: Helpers

    private func saveRemote(_ remote: Resource) throws {
        for record in try RecordMapping.decode(remote) { try AnyRecord.saveRemote(record, in: session) }
    }

    /// The local record as the server would store it (dates to the millisecond, codes as sent),
    /// with what only this device knows kept.
    private func normalized(_ local: any ProfileRecord, onto remote: Resource) throws -> any ProfileRecord {
        guard let wire = try RecordMapping.decode(RecordMapping.encode(local, onto: remote)).first else { return local }
        func keep<Record: ProfileRecord>(_ record: Record) -> any ProfileRecord {
            RecordMapping.keepingLocalState(record, from: local as? Record)
        }
        return keep(wire)
    }

    static func stillDiffers(_ merged: any ProfileRecord, from remote: Resource) -> Bool {
        guard let resource = try? RecordMapping.encode(merged, onto: remote) else { return false }
        return !SyncRun.unchanged(resource, remote)
    }

    private func conflict(kind: RecordKind, id: String, field: String, base: JSON?, local: JSON?, remote: JSON?) throws -> SyncConflict {
        SyncConflict(profileID: entry.profileID, kind: kind, recordID: id, field: field, base: base, local: local, remote: remote)
    }

    static func fields(_ patient: PatientRecord) throws -> [String: JSON] {
        var fields: [String: JSON] = [:]
        for (key, value) in try AnyRecord.fields(patient.profile) where key != "relation" { fields["profile.\(key)"] = value }
        for contact in patient.contacts {
            fields["contact:\(contact.id)"] = JSON(fields: try AnyRecord.fields(contact))
        }
        return fields
    }

    static func patient(from fields: [String: JSON], fallback: PatientRecord) throws -> PatientRecord {
        var profileFields: [String: JSON] = ["relation": .string(fallback.profile.relation.rawValue)]
        var contacts: [EmergencyContact] = []
        for (key, value) in fields {
            if key.hasPrefix("profile.") {
                profileFields[String(key.dropFirst("profile.".count))] = value
            } else if key.hasPrefix("contact:"), let contact = try AnyRecord.record(.emergencyContact, fields: value.fieldDictionary) as? EmergencyContact {
                contacts.append(contact)
            }
        }
        guard let profile = try AnyRecord.record(.profile, fields: profileFields) as? Profile else { return fallback }
        return PatientRecord(profile: profile, contacts: contacts)
    }
}
