import Crypto
import Foundation
import HealthRecord

/// The transactions the crash tests write and check (shared by `vault-crash-writer` and the
/// tests, so both agree on what transaction n contains).
public enum CrashWorkload {
    public static let profileID = "crash"

    /// Transaction n saves 1 to 4 documents, with contents from 1 to 31 KB (several pages each).
    public static func documentCount(_ number: Int) -> Int { 1 + number % 4 }

    public static func documentIDs(of number: Int) -> [String] {
        (0..<documentCount(number)).map { "tx\(number)-\($0)" }
    }

    public static func documents(of number: Int) -> [(metadata: Document, content: DocumentContent)] {
        documentIDs(of: number).enumerated().map { index, id in
            let size = 1000 + (number * 7919 + index * 104_729) % 30_000
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ number &+ index) }
            let metadata = Document(
                id: id, profileID: profileID, title: "Transaction \(number) document \(index)",
                typeCode: DocumentType.medicalSynthesis, classCode: .synthesis,
                author: DocumentAuthor(name: "Crash test"), creationDate: Date(timeIntervalSince1970: Double(number)),
                size: size, sha256: Hex.encode(SHA256.hash(bytes)), format: "application/octet-stream", origin: .patient)
            return (metadata, DocumentContent(documentID: id, bytes: bytes))
        }
    }
}
