import Crypto
import FHIR
import Foundation
import HealthRecord
import Vault

/// The write path every local change takes (DESIGN.md §8): one vault transaction that changes
/// the record and appends its outbox entry. The change shows at once, marked as not yet sent
/// (`isPending`), and the next sync sends it.
public struct LocalChanges: Sendable {
    public let vault: Vault

    public init(vault: Vault) { self.vault = vault }

    /// Creates or edits a record.
    public func save<Record: StoredRecord>(_ record: Record) throws {
        try vault.write { session in try session.records(Record.self).save(record, origin: .local) }
    }

    /// Deletes a record (queued for the server).
    public func delete<Record: StoredRecord>(_ type: Record.Type, id: String) throws {
        try vault.write { session in _ = try session.records(type).delete(id, origin: .local) }
    }

    /// Adds a document the holder deposits, with its content, in one transaction. Its size and
    /// SHA-256 are computed from the content; both travel together to the server.
    @discardableResult
    public func addDocument(_ document: Document, content: [UInt8], extractedText: String? = nil) throws -> Document {
        guard content.count <= DocumentContent.maximumSize else { throw SyncError.contentTooLarge(content.count) }
        var document = document
        document.size = content.count
        document.sha256 = Hex.encode(SHA256.hash(content))
        let saved = document
        try vault.write { session in
            try session.documents.save(saved, origin: .local)
            try session.documents.saveContent(DocumentContent(documentID: saved.id, bytes: content, extractedText: extractedText))
        }
        return saved
    }

    /// True when the record has a change not yet acknowledged by the server.
    public func isPending(_ kind: RecordKind, id: String) throws -> Bool {
        try vault.read { session in try session.outbox.pending(limit: Int.max).contains { $0.kind == kind && $0.recordID == id } }
    }
}
