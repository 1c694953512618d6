import Crypto
import FHIR
import Foundation
import HealthRecord
import Vault

extension SyncRun {
    /// Fetches one document's content, verifies it against the metadata's size and SHA-256,
    /// and stores it. Content that does not match is never stored.
    func fetchContent(of documentID: String) async throws -> DocumentContent {
        let (document, binaryID) = try vault.read { session -> (Document?, String?) in
            let base = try session.syncState.base(kind: .document, recordID: documentID)
            let resource = try base.map { try Resource(parsing: $0.payload) }
            return (try session.documents.find(documentID), resource.flatMap(DocumentMapping.contentBinaryID))
        }
        guard let document else { throw SyncError.unknownRecord }
        guard let binaryID else { throw SyncError.refused(status: 404, detail: "no-content") }
        guard document.size <= DocumentContent.maximumSize else { throw SyncError.contentTooLarge(document.size) }
        let (response, bytes) = try await client.exchange(BackendRequest(path: "/Binary/\(binaryID)", headers: ["Accept": "*/*"])) {
            Array($0.body)
        }
        guard let bytes else { throw BackendClient.refusal(response) }
        guard document.matches(contentSize: bytes.count, sha256: Hex.encode(SHA256.hash(bytes))) else { throw SyncError.contentMismatch }
        let text = options.extractText.map { $0(document.format, bytes) }
            ?? (document.format.hasPrefix("text/plain") ? String(validating: bytes, as: UTF8.self) : nil)
        let content = DocumentContent(documentID: documentID, bytes: bytes, extractedText: text)
        try vault.write { session in try session.documents.saveContent(content) }
        return content
    }

    /// Fetches the contents of the space not yet in the vault, newest documents first, within
    /// `budget` (what is left of it is passed on to the next space). A content refused for good
    /// (missing on the server, not matching its hash) is a failure of the sync only when the user
    /// keeps every document offline; otherwise it is left for on-demand reading to explain.
    func fetchMissingContents(_ space: Space, budget: inout SyncEngine.ContentBudget, reportFailures: Bool) async throws {
        guard budget.documents > 0, budget.bytes > 0 else { return }
        let missing = try vault.read { session -> [Document] in
            let stored = try session.documents.idsWithContent(profile: space.patientID)
            return try session.documents.all(profile: space.patientID).filter { !stored.contains($0.id) && $0.size <= DocumentContent.maximumSize }
                .sorted { $0.creationDate > $1.creationDate }
        }
        guard !missing.isEmpty else { return }
        announce(.fetchingContents, profile: space.patientID)
        for document in missing {
            guard budget.documents > 0, document.size <= budget.bytes else { break }
            do {
                _ = try await fetchContent(of: document.id)
                progress.contentsFetched += 1
                budget.documents -= 1
                budget.bytes -= document.size
            } catch let error as SyncError where !error.isTransient && error != .unauthorized {
                guard reportFailures else { continue }
                report.failures.append(.init(profileID: space.patientID, kind: RecordKind.document.rawValue, recordID: document.id, code: error.code))
                progress.errors += 1
            }
            announce()
        }
    }
}
