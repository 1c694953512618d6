import FHIR
import Foundation
import HealthRecord
import Vault

/// Applies the document changes of the server's changes feed to the vault: a DocumentReference
/// becomes (or updates) a `Document`, a tombstone removes it with its content. Changes pulled
/// from the server are not queued back (`origin: .remote`); the read mark, which the wire does
/// not carry, is kept. The sync engine's pull calls `apply` for each DocumentReference change
/// of a page, inside the transaction that stores the page's cursor.
public enum DocumentFeed {
    /// Applies one change if it is a DocumentReference; returns false for other types.
    @discardableResult
    public static func apply(_ change: API.Change, profileID: String, in session: VaultSession) throws -> Bool {
        guard change.resourceType == "DocumentReference" else { return false }
        if change.deleted {
            try session.documents.delete(change.id, origin: .remote)
            return true
        }
        guard let resource = change.resource, let reference = try? DocumentReference(resource) else { return true }
        let previous = try session.documents.find(change.id)
        guard var document = DocumentWire.document(from: reference, profileID: profileID, previous: previous) else { return true }
        if let previous, previous.sha256 != document.sha256 {
            // New content on the server: the stored copy is stale.
            try session.documents.delete(previous.id, origin: .remote)
        }
        if document.title.isEmpty { document.title = reference.typeDisplay ?? "" }
        try session.documents.save(document, origin: .remote)
        return true
    }

    /// Pulls the documents of one space from the changes feed, page by page, each page and its
    /// cursor in one transaction (for a client without the full sync engine: tests,
    /// benchmarks). Returns how many document changes were applied.
    public static func pull(patient: String, profileID: String, vault: Vault, transport: any Transport,
                            token: String, pageSize: Int = 500) async throws -> Int {
        var applied = 0
        var cursor = try vault.read { try $0.syncState.cursor(profile: profileID) }
        while true {
            var query = [("_count", String(pageSize))]
            if let cursor { query.append(("since", cursor)) }
            let response = try await transport.send(BackendRequest(path: API.Path.changes(patient: patient), query: query,
                                                                   headers: ["Authorization": "Bearer \(token)", "Accept": "application/fhir+json"]))
            guard response.status == 200 else {
                if response.status == 401 { throw DocumentRemoteError.unauthorized }
                throw DocumentRemoteError.rejected(status: response.status, detail: nil)
            }
            let page: API.ChangesPage
            do {
                page = try API.ChangesPage(json: JSON(parsing: response.body))
            } catch {
                throw TransportFailure.malformedResponse("changes page: \(error)")
            }
            applied += try vault.write { session in
                var count = 0
                for change in page.changes where try apply(change, profileID: profileID, in: session) { count += 1 }
                try session.syncState.setCursor(page.cursor, profile: profileID)
                return count
            }
            cursor = page.cursor
            if !page.more { return applied }
        }
    }
}
