import Crypto
import FHIR
import Foundation
import HealthRecord
import Vault

/// The server resource an outbox entry changes: a profile and its contacts travel as their
/// Patient; every other record is its own resource.
struct SyncUnit: Hashable {
    var kind: RecordKind
    var id: String

    init(_ entry: OutboxEntry) {
        if entry.kind == .emergencyContact || entry.kind == .profile {
            self.init(kind: .profile, id: entry.profileID)
        } else {
            self.init(kind: entry.kind, id: entry.recordID)
        }
    }

    init(kind: RecordKind, id: String) {
        self.kind = kind
        self.id = id
    }

    var isPatient: Bool { kind == .profile }
}

/// What one outbox entry asks of the server, prepared from the vault.
enum PushPlan {
    /// Nothing to send (a derived record, an edit of local state only, a record never sent and
    /// since deleted): acknowledge at once.
    case acknowledge
    /// A kind the client does not write: kept and reported.
    case refuse(SyncError)
    case put(Resource, type: String, ifMatch: String?)
    case delete(type: String, ifMatch: String)
    /// A new document with its content: DocumentReference and Binary in one transaction.
    case transaction(document: Resource, binary: Resource)
}

extension SyncRun {
    /// Sends the outbox of a space in order. For each record only its latest entry is sent (it
    /// holds the whole record); earlier ones are acknowledged with it.
    func push(_ space: Space) async throws {
        var refused: Set<Int64> = []
        for _ in 0..<options.pushPasses {
            let entries = try vault.read { try $0.outbox.pending(profile: space.patientID, limit: Int.max) }
            let latest = Self.latestPerUnit(entries).filter { !refused.contains($0.sequence) }
            guard !latest.isEmpty else { break }
            progress.toSend += latest.count
            announce(.pushing, profile: space.patientID)
            for entry in latest {
                if try await send(entry) == false { refused.insert(entry.sequence) }
                progress.sent += 1
                announce()
            }
        }
    }

    static func latestPerUnit(_ entries: [OutboxEntry]) -> [OutboxEntry] {
        var last: [SyncUnit: OutboxEntry] = [:]
        for entry in entries { last[SyncUnit(entry)] = entry }
        return last.values.sorted { $0.sequence < $1.sequence }
    }

    /// Sends one entry; false when the server refused it for good (kept, reported).
    private func send(_ entry: OutboxEntry) async throws -> Bool {
        let unit = SyncUnit(entry)
        let plan = try await prepare(entry, unit: unit)
        switch plan {
        case .acknowledge:
            try vault.write { session in try acknowledge(unit, upTo: entry.sequence, in: session) }
            return true
        case .refuse(let error):
            try refuse(entry, error)
            return false
        case .delete(let type, let ifMatch):
            let (response, _) = try await client.send(BackendRequest(method: "DELETE", path: "/\(type)/\(unit.id)",
                                                                     headers: ["If-Match": "W/\"\(ifMatch)\""]))
            switch response.status {
            case 200..<300, 404, 410:
                try vault.write { session in
                    try session.syncState.removeBase(kind: unit.kind, recordID: unit.id)
                    try acknowledge(unit, upTo: entry.sequence, in: session)
                }
                report.sent += 1
                return true
            case 412:
                try await resolveStale(entry, unit: unit, type: type)
                return true
            default:
                try refuse(entry, BackendClient.refusal(response))
                return false
            }
        case .put(let resource, let type, let ifMatch):
            var headers = ["If-None-Match": "*"]
            if let ifMatch { headers = ["If-Match": "W/\"\(ifMatch)\""] }
            let (response, json) = try await client.send(BackendRequest(method: "PUT", path: "/\(type)/\(unit.id)", headers: headers,
                                                                        body: BackendClient.body(resource)))
            if let json, let stored = try? Resource(json), stored.versionId != nil {
                try vault.write { session in try accept(stored, unit: unit, entry: entry, in: session) }
                report.sent += 1
                return true
            }
            if response.status == 412 {
                try await resolveStale(entry, unit: unit, type: type)
                return true
            }
            try refuse(entry, (200..<300).contains(response.status) ? .protocolViolation("PUT answer without a version")
                                                                     : BackendClient.refusal(response))
            return false
        case .transaction(let document, let binary):
            let bundle = FHIRBundle(kind: .transaction, entries: [
                .init(resource: document, method: "PUT", url: "DocumentReference/\(document.id ?? "")"),
                .init(resource: binary, method: "PUT", url: "Binary/\(binary.id ?? "")"),
            ])
            let (response, json) = try await client.send(BackendRequest(method: "POST", path: "/", body: BackendClient.body(bundle.resource)))
            guard let json, let answer = try? FHIRBundle(Resource(json)),
                  let etag = answer.entries.first(where: { $0.location?.hasPrefix("DocumentReference/") == true })?.etag,
                  let version = Self.version(fromETag: etag) else {
                try refuse(entry, (200..<300).contains(response.status) ? .protocolViolation("transaction answer") : BackendClient.refusal(response))
                return false
            }
            var stored = document
            stored.versionId = version
            try vault.write { session in
                try session.syncState.setBase(SyncBase(kind: unit.kind, recordID: unit.id, versionID: version, payload: stored.serialized()))
                try acknowledge(unit, upTo: entry.sequence, in: session)
            }
            report.sent += 1
            return true
        }
    }

    /// Reads what the entry needs from the vault and decides what to send.
    private func prepare(_ entry: OutboxEntry, unit: SyncUnit) async throws -> PushPlan {
        if entry.kind == .thread { return .acknowledge }
        guard RecordMapping.isSent(entry.kind) else { return .refuse(.refused(status: 403, detail: "read-only")) }
        if unit.isPatient, try vault.read({ try $0.syncState.base(kind: .profile, recordID: unit.id) }) == nil {
            // The profile was edited before its Patient was ever received: start from the server's.
            try await adoptServerVersion(of: unit, type: "Patient")
        }
        return try vault.read { session -> PushPlan in
            let base = try session.syncState.base(kind: unit.kind, recordID: unit.id)
            let baseResource = try base.map { try Resource(parsing: $0.payload) }
            if unit.isPatient {
                guard let profile = try session.profiles.find(unit.id), let base, let baseResource else { return .acknowledge }
                let contacts = try session.records(EmergencyContact.self).all(profile: unit.id)
                let resource = RecordMapping.encodePatient(PatientRecord(profile: profile, contacts: contacts), onto: baseResource)
                return Self.unchanged(resource, baseResource) ? .acknowledge : .put(resource, type: "Patient", ifMatch: base.versionID)
            }
            if entry.operation == .delete {
                guard let base, let baseResource else { return .acknowledge }
                return .delete(type: baseResource.resourceType, ifMatch: base.versionID)
            }
            guard let record = try AnyRecord.find(entry.kind, id: entry.recordID, in: session) else { return .acknowledge }
            let resource = try RecordMapping.encode(record, onto: baseResource)
            if let baseResource, Self.unchanged(resource, baseResource) { return .acknowledge }
            if base == nil, entry.kind == .document, let content = try session.documents.content(of: entry.recordID) {
                let binaryID = DocumentMapping.binaryID(forDocument: entry.recordID)
                let binary = FHIR.Binary(id: binaryID, contentType: (record as? Document)?.format ?? "application/octet-stream",
                                         data: content.bytes, securityContext: "DocumentReference/\(entry.recordID)")
                return .transaction(document: resource, binary: binary.resource)
            }
            return .put(resource, type: resource.resourceType, ifMatch: base?.versionID)
        }
    }

    /// True when a resource says the same as the server's version (meta aside).
    static func unchanged(_ resource: Resource, _ base: Resource) -> Bool {
        var resource = resource, base = base
        resource["meta"] = nil
        base["meta"] = nil
        return resource == base
    }

    static func version(fromETag etag: String) -> String? {
        let digits = etag.filter(\.isNumber)
        return digits.isEmpty ? nil : digits
    }

    /// The server took the record: its version becomes the base, and (when no newer local edit
    /// waits) what the server stored becomes the local record (it may have filled members in).
    private func accept(_ stored: Resource, unit: SyncUnit, entry: OutboxEntry, in session: VaultSession) throws {
        let newer = try session.outbox.pending(profile: entry.profileID, limit: Int.max)
            .contains { SyncUnit($0) == unit && $0.sequence > entry.sequence }
        try session.syncState.setBase(SyncBase(kind: unit.kind, recordID: unit.id, versionID: stored.versionId ?? "",
                                               payload: stored.serialized()))
        if !newer {
            if unit.isPatient {
                try PatientWriter(session: session).apply(try RecordMapping.decodePatient(stored), relation: nil)
            } else {
                for record in try RecordMapping.decode(stored) { try AnyRecord.saveRemote(record, in: session) }
            }
        }
        try acknowledge(unit, upTo: entry.sequence, in: session)
    }

    /// Removes the entries of `unit` up to `sequence` (the server has them).
    func acknowledge(_ unit: SyncUnit, upTo sequence: Int64, in session: VaultSession) throws {
        for entry in try session.outbox.pending(limit: Int.max) where SyncUnit(entry) == unit && entry.sequence <= sequence {
            try session.outbox.remove(entry.sequence)
        }
    }

    private func refuse(_ entry: OutboxEntry, _ error: SyncError) throws {
        if error == .unauthorized { throw error }
        try vault.write { try $0.outbox.recordFailure(entry.sequence, message: error.code) }
        report.failures.append(.init(profileID: entry.profileID, kind: entry.kind.rawValue, recordID: entry.recordID, code: error.code))
        progress.errors += 1
    }

    /// Takes the server's current version of a resource as the base (nothing local changes).
    private func adoptServerVersion(of unit: SyncUnit, type: String) async throws {
        let (response, json) = try await client.send(BackendRequest(path: "/\(type)/\(unit.id)"))
        guard let json, let resource = try? Resource(json), let version = resource.versionId else {
            throw BackendClient.refusal(response)
        }
        try vault.write { session in
            try session.syncState.setBase(SyncBase(kind: unit.kind, recordID: unit.id, versionID: version, payload: resource.serialized()))
        }
    }
}
