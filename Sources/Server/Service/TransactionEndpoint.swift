import Crypto
import FHIR
import Foundation
import SQLite

/// `POST /` with a transaction Bundle (IHE MHD ITI-65: DocumentReference + Binary [+ List]):
/// every entry is created or updated in one database transaction, or none is.
/// `urn:uuid:` fullUrls are replaced by the ids given; a DocumentReference's attachment is
/// checked against the Binary of the same bundle (size and SHA-256: 422 when they differ).
struct TransactionEndpoint {
    let router: Router
    static let maximumEntries = 200

    func handle(_ request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        let resource = try router.resourceBody(request, type: "Bundle")
        let bundle: FHIRBundle
        do { bundle = try FHIRBundle(resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
        guard bundle.kind == .transaction else { throw APIError.badRequest("only transaction bundles are accepted", detail: "not-transaction") }
        guard !bundle.entries.isEmpty, bundle.entries.count <= Self.maximumEntries else {
            throw APIError.badRequest("a transaction holds 1 to \(Self.maximumEntries) entries", detail: "invalid-resource")
        }

        // Assign ids and map fullUrls to references.
        var planned: [(resource: Resource, isUpdate: Bool, ifMatch: Int?)] = []
        var replacements: [String: String] = [:]
        for entry in bundle.entries {
            guard var entryResource = entry.resource else { throw APIError.badRequest("every entry needs a resource", detail: "invalid-resource") }
            guard let method = entry.method, let url = entry.url else { throw APIError.badRequest("every entry needs request.method and request.url", detail: "invalid-resource") }
            let type = entryResource.resourceType
            switch method {
            case "POST":
                guard url == type else { throw APIError.badRequest("POST \(url) does not match \(type)", detail: "wrong-type") }
                entryResource.id = Audit.newID()
                planned.append((entryResource, false, nil))
            case "PUT":
                guard let reference = ResourceReference(url), reference.type == type else {
                    throw APIError.badRequest("PUT \(url) does not name a \(type)", detail: "wrong-type")
                }
                entryResource.id = reference.id
                planned.append((entryResource, true, try entry.ifMatch.map(ResourceEndpoints.parseETag)))
            default:
                throw APIError.badRequest("transactions accept POST and PUT entries", detail: "invalid-resource")
            }
            if let fullUrl = entry.fullUrl { replacements[fullUrl] = "\(type)/\(entryResource.id ?? "")" }
        }
        for index in planned.indices {
            planned[index].resource.json = Self.replacingReferences(planned[index].resource.json, replacements)
        }
        try checkDocumentsAgainstContent(&planned)

        // Documents first, so their Binaries find them; then everything else.
        let order = planned.indices.sorted { rank(planned[$0].resource) < rank(planned[$1].resource) }
        let pending = Set(planned.filter { $0.resource.resourceType == "Binary" }.map { "Binary/\($0.resource.id ?? "")" })
        let now = router.context.clock.now
        let results = try router.gate.write(caller) { transaction -> [Int: StoredResource] in
            transaction.pendingContent = pending
            var results: [Int: StoredResource] = [:]
            for index in order {
                var entryResource = planned[index].resource
                let existing = try transaction.existing(entryResource.resourceType, entryResource.id ?? "")
                if !planned[index].isUpdate, existing != nil { throw APIError.conflict("id collision", detail: "conflict") }
                results[index] = try transaction.save(&entryResource, ifMatch: planned[index].ifMatch).stored
            }
            return results
        }
        let response = FHIRBundle(kind: .transactionResponse, entries: planned.indices.map { index in
            let stored = results[index]!
            return FHIRBundle.Entry(status: "\(stored.version == 1 ? "201 Created" : "200 OK")",
                                location: "\(stored.type)/\(stored.id)/_history/\(stored.version)", etag: stored.etag)
        }, timestamp: FHIRDateTime.instant(now))
        return .fhir(200, response.resource.serialized())
    }

    private func rank(_ resource: Resource) -> Int {
        switch resource.resourceType {
        case "DocumentReference": 0
        case "Binary": 1
        default: 2
        }
    }

    /// Size and hash of each DocumentReference against the Binary of the bundle it points to;
    /// missing values are filled in, and the Binary gets the document as its securityContext.
    private func checkDocumentsAgainstContent(_ planned: inout [(resource: Resource, isUpdate: Bool, ifMatch: Int?)]) throws {
        var binaries: [String: Int] = [:]
        for (index, item) in planned.enumerated() where item.resource.resourceType == "Binary" {
            binaries["Binary/\(item.resource.id ?? "")"] = index
        }
        for index in planned.indices where planned[index].resource.resourceType == "DocumentReference" {
            var document: DocumentReference
            do { document = try DocumentReference(planned[index].resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
            let documentReference = "DocumentReference/\(document.id ?? "")"
            for contentIndex in document.contents.indices {
                guard let url = document.contents[contentIndex].attachment.url, let binaryIndex = binaries[url] else { continue }
                var binaryResource = planned[binaryIndex].resource
                let binary: Binary
                do { binary = try Binary(binaryResource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
                // The Binary belongs to this document: one naming another is refused.
                if let context = binary.securityContext, context != documentReference {
                    throw APIError.unprocessable("\(url) belongs to \(context), not to \(documentReference)", detail: "missing-content")
                }
                try WriteRules.check(binary.data, against: document.contents[contentIndex].attachment)
                document.contents[contentIndex].attachment.size = binary.data.count
                document.contents[contentIndex].attachment.sha1 = SHA1.hash(binary.data)
                document.contents[contentIndex].attachment.sha256 = SHA256.hash(binary.data)
                if binaryResource["securityContext"] == nil {
                    binaryResource["securityContext"] = ["reference": .string(documentReference)]
                    planned[binaryIndex].resource = binaryResource
                }
            }
            planned[index].resource = document.resource
        }
    }

    /// Replaces every `reference` (and attachment `url`) equal to a fullUrl of the bundle.
    static func replacingReferences(_ json: JSON, _ replacements: [String: String]) -> JSON {
        switch json {
        case .object(let object):
            return .object(JSONObject(object.members.map { member in
                if member.key == "reference" || member.key == "url", let text = member.value.stringValue, let replacement = replacements[text] {
                    return (member.key, JSON.string(replacement))
                }
                return (member.key, replacingReferences(member.value, replacements))
            }))
        case .array(let elements):
            return .array(elements.map { replacingReferences($0, replacements) })
        default:
            return json
        }
    }
}
