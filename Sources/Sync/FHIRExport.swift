import FHIR
import Foundation
import HealthRecord
import Vault

/// "Télécharger mes données": the whole of one space as a FHIR R4 `Bundle` of type
/// `collection` — every resource the vault holds (as the server last sent it, with local edits
/// not yet sent written on top) and every document's content as a `Binary`.
public enum FHIRExport {
    public struct Result: Sendable {
        /// The Bundle's JSON.
        public var bytes: [UInt8]
        public var resourceCount: Int
        /// Documents whose content is not in the vault (fetch them first).
        public var missingContents: [String]
    }

    /// `extra`: resources the vault does not hold as records (the holder's policy choices, as Consents).
    public static func bundle(of vault: Vault, profileID: String, now: Date = Date(), extra: [Resource] = []) throws -> Result {
        try vault.read { session in
            var seen: Set<String> = []
            var entries: [FHIRBundle.Entry] = []
            var missing: [String] = []
            func add(_ resource: Resource) {
                guard let id = resource.id, seen.insert("\(resource.resourceType)/\(id)").inserted else { return }
                entries.append(FHIRBundle.Entry(fullUrl: "urn:mes:\(resource.resourceType)/\(id)", resource: resource))
            }
            for kind in RecordKind.allCases {
                for id in try AnyRecord.ids(kind, profile: profileID, in: session) {
                    let base = try session.syncState.base(kind: kind, recordID: id).flatMap { try? Resource(parsing: $0.payload) }
                    if RecordMapping.isSent(kind), kind != .profile, kind != .emergencyContact,
                       let record = try AnyRecord.find(kind, id: id, in: session),
                       let resource = try? RecordMapping.encode(record, onto: base) {
                        add(resource)
                    } else if let base {
                        add(base)
                    }
                    guard kind == .document, let document = try session.documents.find(id) else { continue }
                    guard let content = try session.documents.content(of: id) else {
                        missing.append(id)
                        continue
                    }
                    var binary = Resource(type: "Binary", id: base.flatMap(DocumentMapping.contentBinaryID) ?? "\(id)-content")
                    binary["contentType"] = .string(document.format)
                    binary["securityContext"] = ["reference": .string("DocumentReference/\(id)")]
                    binary["data"] = .string(Data(content.bytes).base64EncodedString())
                    add(binary)
                }
            }
            extra.forEach(add)
            let bundle = FHIRBundle(kind: .collection, id: UUID().uuidString.lowercased(), entries: entries,
                                    timestamp: FHIRDateTime.instant(now))
            return Result(bytes: Array(bundle.resource.serialized()), resourceCount: entries.count, missingContents: missing)
        }
    }
}
