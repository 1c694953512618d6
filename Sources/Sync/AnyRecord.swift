import FHIR
import Foundation
import HealthRecord
import Vault

/// Operations on a record whose type is known only by its kind at run time (the outbox, the
/// changes feed and conflicts name records by kind and id).
enum AnyRecord {
    static func storedType(of kind: RecordKind) -> any StoredRecord.Type {
        switch kind {
        case .profile: Profile.self
        case .emergencyContact: EmergencyContact.self
        case .delegation: Delegation.self
        case .document: Document.self
        case .condition: HealthRecord.Condition.self
        case .treatment: Treatment.self
        case .allergy: Allergy.self
        case .vaccination: Vaccination.self
        case .familyHistory: FamilyHistory.self
        case .measurement: HealthMeasurement.self
        case .wishes: Wishes.self
        case .careHistory: CareHistoryEntry.self
        case .agendaEvent: AgendaEvent.self
        case .thread: MessageThread.self
        case .message: Message.self
        case .accessGrant: AccessGrant.self
        case .serviceConsent: ServiceConsent.self
        case .block: Block.self
        case .auditEntry: AuditEntry.self
        case .hospitalization: Hospitalization.self
        case .disability: Disability.self
        case .bloodGroup: BloodGroup.self
        case .lifestyle: Lifestyle.self
        }
    }

    static func kind(of record: any ProfileRecord) -> RecordKind { Swift.type(of: record).kind }

    static func find(_ kind: RecordKind, id: String, in session: VaultSession) throws -> (any ProfileRecord)? {
        func open<Record: StoredRecord>(_ type: Record.Type) throws -> (any ProfileRecord)? { try session.records(type).find(id) }
        return try open(storedType(of: kind))
    }

    /// The ids of a profile's records of `kind`.
    static func ids(_ kind: RecordKind, profile: String, in session: VaultSession) throws -> [String] {
        func open<Record: StoredRecord>(_ type: Record.Type) throws -> [String] { try session.records(type).all(profile: profile).map(\.id) }
        return try open(storedType(of: kind))
    }

    /// Saves a record of any stored type (a local edit queues it for the server).
    static func save(_ record: any ProfileRecord, origin: ChangeOrigin, in session: VaultSession) throws {
        func open<Record: StoredRecord>(_ record: Record) throws { try session.records(Record.self).save(record, origin: origin) }
        guard let stored = record as? any StoredRecord else { return }
        try open(stored)
    }

    /// Saves a record pulled from the server, keeping what only this device knows of it.
    /// `encoded` is its body made ahead (`VaultSession.encodedBody`), used when it is new here.
    static func saveRemote(_ record: any ProfileRecord, encoded: Data? = nil, in session: VaultSession) throws {
        func open<Record: StoredRecord>(_ record: Record) throws {
            let store = session.records(Record.self)
            if let local = try store.find(record.id) {
                try store.save(RecordMapping.keepingLocalState(record, from: local), origin: .remote)
            } else {
                try store.save(record, origin: .remote, encoded: encoded)
            }
        }
        guard let stored = record as? any StoredRecord else { return }
        try open(stored)
    }

    @discardableResult
    static func delete(_ kind: RecordKind, id: String, origin: ChangeOrigin, in session: VaultSession) throws -> Bool {
        func open<Record: StoredRecord>(_ type: Record.Type) throws -> Bool { try session.records(type).delete(id, origin: origin) }
        return try open(storedType(of: kind))
    }

    // MARK: Records as fields (for the three-way merge and conflicts)

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// The record's Codable form, field by field.
    static func fields(_ record: any ProfileRecord) throws -> [String: JSON] {
        try JSON(parsing: Array(encoder.encode(record))).fieldDictionary
    }

    /// A record of `kind` from its fields.
    static func record(_ kind: RecordKind, fields: [String: JSON]) throws -> any ProfileRecord {
        try decode(kind, Data(JSON(fields: fields).serialized()))
    }

    /// A record of `kind` from its Codable JSON (an outbox payload, a conflict's side).
    static func decode(_ kind: RecordKind, _ data: Data) throws -> any ProfileRecord {
        func open<Record: StoredRecord>(_ type: Record.Type) throws -> any ProfileRecord { try JSONDecoder().decode(type, from: data) }
        return try open(storedType(of: kind))
    }

    static func encode(_ record: any ProfileRecord) throws -> Data {
        try encoder.encode(record)
    }
}
