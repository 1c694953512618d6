import Foundation
import HealthRecord
import SQLite

/// A HealthRecord type the vault stores: its table and what full-text search sees of it.
public protocol StoredRecord: ProfileRecord {
    static var table: RecordTable<Self> { get }
}

/// How one record kind is stored: its table, the columns queries filter and sort on (besides
/// `id` and `profile_id`), and its searchable text.
public struct RecordTable<Record: ProfileRecord>: Sendable {
    public let name: String
    let columns: [RecordColumn<Record>]
    let searchText: (@Sendable (Record) -> SearchText)?

    let upsertSQL: String
    let selectByIDSQL: String
    let deleteSQL: String

    init(_ name: String, columns: [RecordColumn<Record>] = [], searchText: (@Sendable (Record) -> SearchText)? = nil) {
        self.name = name
        self.columns = columns
        self.searchText = searchText
        let names = ["id", "profile_id"] + columns.map(\.name) + ["updated_at", "body"]
        let updates = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        upsertSQL = "INSERT INTO \(name) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", "))) "
            + "ON CONFLICT(id) DO UPDATE SET \(updates)"
        selectByIDSQL = "SELECT body FROM \(name) WHERE id = ?"
        deleteSQL = "DELETE FROM \(name) WHERE id = ? RETURNING profile_id"
    }

    /// Column names queries may sort or filter on.
    public var sortableColumns: [String] { ["id", "profile_id", "updated_at"] + columns.map(\.name) }
}

/// A column derived from the record, kept in step with its body.
struct RecordColumn<Record>: Sendable {
    let name: String
    let value: @Sendable (Record, ColumnContext) -> SQLValue

    init(_ name: String, _ value: @escaping @Sendable (Record) -> SQLValue) {
        self.name = name
        self.value = { record, _ in value(record) }
    }

    /// A column that needs more than the record (the catalogue that files documents).
    init(_ name: String, context value: @escaping @Sendable (Record, ColumnContext) -> SQLValue) {
        self.name = name
        self.value = value
    }
}

/// What derived columns may need besides the record.
struct ColumnContext {
    /// Files documents under the MES categories; nil when this process was not given the
    /// catalogue (the column stays NULL until a list fills it).
    var documentCategorizer: DocumentCategorizer?
}

/// Lower case without accents, in NFC (byte order is then Swift's order): the sort keys of lists.
/// Text made only of Latin scalars below U+0180 (French titles and names) is folded scalar by
/// scalar from a table Foundation's own folding filled, without calling it per text (a few
/// percent of an initial sync, issue 20); the result is the same (`RecordBodyTests`).
func listSortKey(_ text: String) -> String {
    let utf8 = text.utf8
    if utf8.allSatisfy({ $0 < 0x80 }) {
        guard utf8.contains(where: { (0x41...0x5A).contains($0) }) else { return text }
        return String(decoding: utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
    var folded: [UInt8] = []
    folded.reserveCapacity(utf8.count)
    for scalar in text.unicodeScalars {
        guard scalar.value < LatinFolding.limit else { return foundationSortKey(text) }
        folded.append(contentsOf: LatinFolding.table[Int(scalar.value)])
    }
    return String(decoding: folded, as: UTF8.self)
}

func foundationSortKey(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).precomposedStringWithCanonicalMapping
}

/// Each scalar below `limit` folded alone (none is a combining mark, and case folding and
/// accent removal take one scalar at a time there, so a text folds as its scalars do).
enum LatinFolding {
    static let limit: UInt32 = 0x180
    static let table: [[UInt8]] = (0..<limit).map { value in
        Array(foundationSortKey(String(Character(Unicode.Scalar(value)!))).utf8)
    }
}

/// The text full-text search indexes for a record.
struct SearchText: Sendable {
    var title: String
    var authors: String = ""
    var types: String = ""
    var body: String = ""
    /// The thread a message's or a thread's entry stands for in the inbox (schema version 6).
    var thread: String?

    /// Adds a document content's text after the record's own.
    mutating func appendBody(_ extra: String?) {
        guard let extra, !extra.isEmpty else { return }
        body = body.isEmpty ? extra : body + "\n" + extra
    }
}

private func text(_ value: String) -> SQLValue { .text(value) }
private func optionalText(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
private func time(_ date: Date) -> SQLValue { .real(date.timeIntervalSince1970) }
private func joined(_ parts: String?...) -> String { parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ") }

extension Profile: StoredRecord {
    public static let table = RecordTable<Profile>("profile", columns: [RecordColumn("relation") { text($0.relation.rawValue) }])
}

extension EmergencyContact: StoredRecord {
    public static let table = RecordTable<EmergencyContact>("emergency_contact")
}

extension Delegation: StoredRecord {
    public static let table = RecordTable<Delegation>("delegation")
}

extension Document: StoredRecord {
    public static let table = RecordTable<Document>("document", columns: [
        RecordColumn("type_code") { text($0.typeCode.code) },
        RecordColumn("class_code") { text($0.classCode.rawValue) },
        RecordColumn("created_at") { time($0.creationDate) },
        RecordColumn("is_read") { .integer($0.isRead ? 1 : 0) },
        // What a list shows (schema version 2): see `RecordStore.summaries`.
        RecordColumn("title") { text($0.title) },
        RecordColumn("author") { text($0.author.name) },
        RecordColumn("organization") { optionalText($0.author.organization) },
        RecordColumn("author_rpps") { optionalText($0.author.rpps) },
        RecordColumn("category") { optionalText($0.category?.rawValue) },
        RecordColumn("format") { text($0.format) },
        RecordColumn("size") { .integer(Int64($0.size)) },
        RecordColumn("origin") { text($0.origin.rawValue) },
        RecordColumn("visibility") { text($0.visibility.map(\.rawValue).sorted().joined(separator: " ")) },
        // Paged lists (schema version 5): see `RecordStore.listPage`.
        RecordColumn("list_category", context: { document, context in
            optionalText(context.documentCategorizer?.category(of: document).rawValue)
        }),
        RecordColumn("title_key") { text(listSortKey($0.title)) },
        RecordColumn("author_key") { text(listSortKey($0.author.name)) },
    ], searchText: { document in
        SearchText(title: document.title,
                   authors: joined(document.author.name, document.author.organization),
                   types: joined(document.typeCode.display, document.typeCode.code),
                   body: document.note ?? "")
    })
}

extension Condition: StoredRecord {
    public static let table = RecordTable<Condition>("condition", searchText: { SearchText(title: $0.name, types: $0.code?.display ?? "", body: $0.note ?? "") })
}

extension Treatment: StoredRecord {
    public static let table = RecordTable<Treatment>("treatment", searchText: {
        SearchText(title: $0.medication, authors: $0.prescriber?.name ?? "", body: $0.dosage ?? "")
    })
}

extension Allergy: StoredRecord {
    public static let table = RecordTable<Allergy>("allergy", searchText: { SearchText(title: $0.substance, body: $0.reaction ?? "") })
}

extension Vaccination: StoredRecord {
    public static let table = RecordTable<Vaccination>("vaccination", columns: [RecordColumn("date") { text($0.date.iso) }],
                                                       searchText: { SearchText(title: $0.vaccine, authors: $0.performer?.name ?? "") })
}

extension FamilyHistory: StoredRecord {
    public static let table = RecordTable<FamilyHistory>("family_history")
}

extension HealthMeasurement: StoredRecord {
    public static let table = RecordTable<HealthMeasurement>("measurement", columns: [
        RecordColumn("type") { text($0.type.rawValue) },
        RecordColumn("effective_at") { time($0.effective) },
    ])
}

extension Hospitalization: StoredRecord {
    public static let table = RecordTable<Hospitalization>("hospitalization", searchText: { SearchText(title: $0.name, body: $0.note ?? "") })
}

extension Disability: StoredRecord {
    public static let table = RecordTable<Disability>("disability", searchText: { SearchText(title: $0.name, body: $0.note ?? "") })
}

extension BloodGroup: StoredRecord {
    public static let table = RecordTable<BloodGroup>("blood_group")
}

extension Lifestyle: StoredRecord {
    public static let table = RecordTable<Lifestyle>("lifestyle")
}

extension Wishes: StoredRecord {
    public static let table = RecordTable<Wishes>("wishes")
}

extension CareHistoryEntry: StoredRecord {
    public static let table = RecordTable<CareHistoryEntry>("care_history", columns: [RecordColumn("date") { text($0.date.iso) }])
}

extension AgendaEvent: StoredRecord {
    public static let table = RecordTable<AgendaEvent>("agenda_event", columns: [RecordColumn("start_at") { time($0.start) }],
                                                       searchText: {
        SearchText(title: $0.title, authors: $0.practitioner?.name ?? "", body: joined($0.location, $0.note))
    })
}

extension MessageThread: StoredRecord {
    public static let table = RecordTable<MessageThread>("thread", columns: [
        RecordColumn("last_activity_at") { time($0.lastActivity) },
        // What the inbox shows (schema version 3): see `RecordStore.summaries`.
        RecordColumn("subject") { text($0.subject) },
        RecordColumn("correspondent") { text($0.correspondent?.name ?? "") },
        RecordColumn("profession") { optionalText($0.correspondent?.profession) },
        RecordColumn("is_closed") { .integer($0.isClosed ? 1 : 0) },
        RecordColumn("is_archived") { .integer($0.isArchived ? 1 : 0) },
        RecordColumn("last_preview") { text($0.lastPreview) },
        RecordColumn("last_sender") { text($0.lastSender) },
        RecordColumn("last_from_patient") { .integer($0.lastFromPatientSide ? 1 : 0) },
    ], searchText: {
        SearchText(title: $0.subject, authors: $0.participants.map(\.name).joined(separator: " "), thread: $0.id)
    })
}

extension Message: StoredRecord {
    public static let table = RecordTable<Message>("message", columns: [
        RecordColumn("thread_id") { text($0.threadID) },
        RecordColumn("sent_at") { time($0.sent) },
        RecordColumn("is_read") { .integer($0.isRead ? 1 : 0) },
    ], searchText: { SearchText(title: "", authors: $0.sender.name, body: $0.body, thread: $0.threadID) })
}

extension AccessGrant: StoredRecord {
    public static let table = RecordTable<AccessGrant>("access_grant", columns: [RecordColumn("expires_at") { time($0.expires) }])
}

extension ServiceConsent: StoredRecord {
    public static let table = RecordTable<ServiceConsent>("service_consent")
}

extension Block: StoredRecord {
    public static let table = RecordTable<Block>("block")
}

extension AuditEntry: StoredRecord {
    public static let table = RecordTable<AuditEntry>("audit_entry", columns: [RecordColumn("at") { time($0.date) }])
}

/// Every stored type, by kind (for generic operations: deleting a profile, tests of the schema).
enum StoredRecords {
    static let tables: [RecordKind: String] = [
        .profile: Profile.table.name, .emergencyContact: EmergencyContact.table.name, .delegation: Delegation.table.name,
        .document: Document.table.name, .condition: Condition.table.name, .treatment: Treatment.table.name,
        .allergy: Allergy.table.name, .vaccination: Vaccination.table.name, .familyHistory: FamilyHistory.table.name,
        .measurement: HealthMeasurement.table.name, .wishes: Wishes.table.name, .careHistory: CareHistoryEntry.table.name,
        .agendaEvent: AgendaEvent.table.name, .thread: MessageThread.table.name, .message: Message.table.name,
        .accessGrant: AccessGrant.table.name, .serviceConsent: ServiceConsent.table.name, .block: Block.table.name,
        .auditEntry: AuditEntry.table.name,
        .hospitalization: Hospitalization.table.name, .disability: Disability.table.name, .bloodGroup: BloodGroup.table.name,
        .lifestyle: Lifestyle.table.name,
    ]
}
