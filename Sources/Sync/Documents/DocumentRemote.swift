import Crypto
import FHIR
import Foundation
import HealthRecord

/// Why the server did not do what a document operation asked.
public enum DocumentRemoteError: Error, Equatable, Sendable {
    /// The server refused it for good (status and the OperationOutcome's detail code): keep
    /// the change and show it to the user.
    case rejected(status: Int, detail: String?)
    /// The token is missing, expired or refused: log in again (nothing is lost).
    case unauthorized
    /// The document is not on the server (or not visible to this account).
    case notFound
    /// The content received does not match the size and SHA-256 the document announces.
    case contentMismatch
    /// Another client kept changing the document while this one retried.
    case conflict
}

/// The document operations of the mes API (Docs/server-api.md, "Documents"): publish a new
/// document with its content in one transaction (IHE MHD ITI-65), change its metadata (masking:
/// a `PUT` with `If-Match`, the ITI-57 idea), delete it, and fetch its content verified against
/// its size and hash. Transport failures (`TransportFailure`) pass through: retry later.
public struct DocumentRemote: Sendable {
    public let transport: any Transport
    /// The bearer token of the account (asked for on each call, so a refreshed one is used).
    public let token: @Sendable () async throws -> String

    public init(transport: any Transport, token: @escaping @Sendable () async throws -> String) {
        self.transport = transport
        self.token = token
    }

    /// The id of the Binary holding a document's content, as mes publishes it.
    public static func binaryID(of documentID: String) -> String { "\(documentID).content" }

    // MARK: Publishing

    /// The transaction Bundle that publishes a document the holder deposits: the
    /// DocumentReference, its Binary and the submission set (`List`), with client ids and `PUT`,
    /// so sending it twice (a lost answer, a retry) creates nothing twice.
    public static func publication(of document: Document, content: [UInt8]) -> FHIRBundle {
        let binaryReference = "Binary/\(binaryID(of: document.id))"
        let reference = DocumentWire.reference(for: document, binaryURL: binaryReference)
        let binary = Binary(id: binaryID(of: document.id), contentType: document.format, data: content,
                            securityContext: "DocumentReference/\(document.id)")
        var submission = Resource(type: "List", id: "\(document.id).submission")
        submission["status"] = "current"
        submission["mode"] = "working"
        submission["subject"] = ["reference": .string("Patient/\(document.profileID)")]
        submission["date"] = .string(FHIRDateTime.instant(document.creationDate))
        submission["entry"] = [["item": ["reference": .string("DocumentReference/\(document.id)")]]]
        return FHIRBundle(kind: .transaction, entries: [
            .init(fullUrl: "DocumentReference/\(document.id)", resource: reference.resource, method: "PUT", url: "DocumentReference/\(document.id)"),
            .init(fullUrl: binaryReference, resource: binary.resource, method: "PUT", url: binaryReference),
            .init(fullUrl: "List/\(document.id).submission", resource: submission, method: "PUT", url: "List/\(document.id).submission"),
        ])
    }

    /// Publishes a new document with its content. Safe to repeat.
    public func publish(_ document: Document, content: [UInt8]) async throws {
        let response = try await send("POST", "/", body: Self.publication(of: document, content: content).resource.serialized())
        try Self.check(response)
    }

    // MARK: Metadata

    /// The server's current DocumentReference.
    public func fetchReference(_ id: String) async throws -> DocumentReference {
        let response = try await send("GET", "/DocumentReference/\(id)")
        try Self.check(response)
        do {
            return try DocumentReference(Resource(parsing: response.body))
        } catch {
            throw TransportFailure.malformedResponse("DocumentReference/\(id): \(error)")
        }
    }

    /// Changes a document's metadata on the server: reads the current version, applies `change`,
    /// writes it back with `If-Match`. A concurrent change (412) is read again and `change`
    /// applied on top, since it sets fields rather than computing them.
    public func updateReference(_ id: String, attempts: Int = 3, _ change: @Sendable (inout DocumentReference) -> Void) async throws {
        for _ in 0..<max(1, attempts) {
            var reference = try await fetchReference(id)
            let version = reference.versionId ?? "1"
            change(&reference)
            let response = try await send("PUT", "/DocumentReference/\(id)", body: reference.resource.serialized(),
                                          headers: ["If-Match": "W/\"\(version)\""])
            if response.status == 412 { continue }
            try Self.check(response)
            return
        }
        throw DocumentRemoteError.conflict
    }

    /// Sets the document's visibility labels and note as the vault has them.
    public func pushMetadata(of document: Document) async throws {
        let labels = Set(document.visibility.compactMap { VisibilityCode(rawValue: $0.rawValue) })
        let title = document.title, note = document.note
        try await updateReference(document.id) { reference in
            reference.visibility = labels
            reference.title = title
            DocumentWire.setNote(note, on: &reference)
        }
    }

    /// Deletes a document (already gone counts as done).
    public func delete(_ id: String) async throws {
        let response = try await send("DELETE", "/DocumentReference/\(id)")
        if response.status == 404 || response.status == 410 { return }
        try Self.check(response)
    }

    // MARK: Content

    /// Fetches a document's content and checks it against the size and SHA-256 the vault's copy
    /// of its metadata announces.
    public func fetchContent(of document: Document) async throws -> [UInt8] {
        let reference = try await fetchReference(document.id)
        guard let url = reference.attachment.url, let binary = ResourceReference(url), binary.type == "Binary" else {
            throw DocumentRemoteError.notFound
        }
        let response = try await send("GET", "/Binary/\(binary.id)", accept: "*/*")
        try Self.check(response)
        let bytes = Array(response.body)
        guard document.matches(contentSize: bytes.count, sha256: Hex.encode(SHA256.hash(bytes))) else {
            throw DocumentRemoteError.contentMismatch
        }
        return bytes
    }

    // MARK: HTTP

    private func send(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:],
                      accept: String = "application/fhir+json") async throws -> BackendResponse {
        var allHeaders = headers
        allHeaders["Authorization"] = "Bearer \(try await token())"
        allHeaders["Accept"] = accept
        if body != nil { allHeaders["Content-Type"] = "application/fhir+json; charset=utf-8" }
        return try await transport.send(BackendRequest(method: method, path: path, headers: allHeaders, body: body.map { Data($0) }))
    }

    private static func check(_ response: BackendResponse) throws {
        switch response.status {
        case 200..<300: return
        case 401: throw DocumentRemoteError.unauthorized
        case 404, 410: throw DocumentRemoteError.notFound
        default:
            let detail = (try? Resource(parsing: response.body)).flatMap(OperationOutcome.init)?.detailCode
            throw DocumentRemoteError.rejected(status: response.status, detail: detail)
        }
    }
}
