import Foundation
import HealthRecord
import Vault

/// Sends the document entries of the outbox, in order: a new document is published with its
/// content (one transaction), a changed one has its metadata written (masking, title, note), a
/// deleted one is deleted. Each entry leaves the outbox only once the server has it. The sync
/// engine's push hands document entries here; other kinds are left for it.
public struct DocumentPush: Sendable {
    public let vault: Vault
    public let remote: DocumentRemote

    public init(vault: Vault, remote: DocumentRemote) {
        self.vault = vault
        self.remote = remote
    }

    /// What one run did.
    public struct Report: Sendable, Equatable {
        public var sent = 0
        /// Entries the server refused for good, kept in the outbox with their error.
        public var refused = 0
        public init(sent: Int = 0, refused: Int = 0) {
            self.sent = sent
            self.refused = refused
        }
    }

    /// Pushes the document entries of the outbox (optionally one profile's). Stops at the first
    /// transport failure or expired token, which it rethrows: the rest stays queued.
    public func run(profile: String? = nil) async throws -> Report {
        var report = Report()
        let entries = try vault.read { try $0.outbox.pending(profile: profile, limit: 10_000) }.filter { $0.kind == .document }
        for entry in entries {
            do {
                try await send(entry)
                try vault.write { try $0.outbox.remove(entry.sequence) }
                report.sent += 1
            } catch let error as DocumentRemoteError where error != .unauthorized {
                try vault.write { try $0.outbox.recordFailure(entry.sequence, message: String(describing: error)) }
                report.refused += 1
            }
        }
        return report
    }

    private func send(_ entry: OutboxEntry) async throws {
        switch entry.operation {
        case .delete:
            try await remote.delete(entry.recordID)
        case .upsert:
            guard let payload = entry.payload else { return }
            let document = try JSONDecoder().decode(Document.self, from: Data(payload))
            do {
                try await remote.pushMetadata(of: document)
            } catch DocumentRemoteError.notFound {
                // Not on the server yet: publish it with its content (only the holder's own
                // documents are created from this side).
                guard document.origin == .patient,
                      let content = try vault.read({ try $0.documents.content(of: document.id) }) else {
                    throw DocumentRemoteError.notFound
                }
                try await remote.publish(document, content: content.bytes)
            }
        }
    }
}
