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
        let text = document.format.hasPrefix("text/plain") ? String(validating: bytes, as: UTF8.self) : nil
        let content = DocumentContent(documentID: documentID, bytes: bytes, extractedText: text)
        try vault.write { session in try session.documents.saveContent(content) }
        return content
    }

    /// With documents kept offline: fetches every content of the space not yet in the vault.
    func fetchMissingContents(_ space: Space) async throws {
        announce(.fetchingContents, profile: space.patientID)
        let missing = try vault.read { session -> [String] in
            let stored = try session.documents.idsWithContent(profile: space.patientID)
            return try session.documents.all(profile: space.patientID).map(\.id).filter { !stored.contains($0) }
        }
        for id in missing {
            do {
                _ = try await fetchContent(of: id)
                progress.contentsFetched += 1
            } catch let error as SyncError where !error.isTransient && error != .unauthorized {
                report.failures.append(.init(profileID: space.patientID, kind: RecordKind.document.rawValue, recordID: id, code: error.code))
                progress.errors += 1
            }
            announce()
        }
    }
}
