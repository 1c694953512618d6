import Crypto
import FHIR
import Foundation
import SQLite

/// Read, create, update and delete of single resources, with optimistic concurrency
/// (`If-Match` → 412 when stale) and idempotent creates (PUT with a client id, `If-None-Exist`).
/// Every access goes through the gate (`router.gate`).
struct ResourceEndpoints {
    let router: Router
    var gate: Gate { router.gate }

    func read(type: String, id: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        let (stored, content) = try gate.read(caller) { transaction -> (StoredResource, (contentType: String, data: [UInt8])?) in
            let (scope, stored) = try transaction.resource(type, id)
            scope?.noteRead("read", [stored.reference])
            guard type == "Binary" else { return (stored, nil) }
            guard let content = try scope?.content(of: stored) else { throw APIError.notFound("the content of Binary/\(id) is missing") }
            return (stored, content)
        }
        if let content { return try binaryResponse(stored, content: content, request: request) }
        if let tag = request.header("if-none-match") {
            if tag == stored.etag { return HTTPResponse(status: 304, headers: [("ETag", stored.etag)]) }
        } else if let since = request.header("if-modified-since").flatMap(HTTPDate.parse),
                  let updated = FHIRDateTime.parse(stored.updated), updated.timeIntervalSince(since) < 1 {
            // HTTP-dates have whole seconds: modified within the second named is not modified since.
            return HTTPResponse(status: 304, headers: [("ETag", stored.etag), ("Last-Modified", HTTPDate.format(stored.updated))])
        }
        return .resource(200, stored)
    }

    private func binaryResponse(_ stored: StoredResource, content: (contentType: String, data: [UInt8]), request: HTTPRequest) throws -> HTTPResponse {
        let accept = (request.header("accept") ?? "").lowercased()
        let wantsJSON = accept.contains("fhir+json") || accept.contains("application/json") || request.queryValue("_format") == "json"
        if wantsJSON {
            var resource = try stored.resource()
            resource["data"] = .string(Data(content.data).base64EncodedString())
            return .fhir(200, resource.serialized(), headers: [("ETag", stored.etag)])
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", Self.servedContentType(content.contentType)), ("ETag", stored.etag),
                                                   ("Content-Disposition", "attachment"),
                                                   ("X-Content-SHA256", Hex.encode(SHA256.hash(content.data)))], body: content.data)
    }

    /// The types a document's content is served as; anything else (HTML, scripts, a type with
    /// line breaks in it) is served as bytes, never as something a browser would run.
    static let servedTypes: Set<String> = ["application/pdf", "image/jpeg", "image/png", "image/tiff", "image/gif", "text/plain", "text/rtf",
                                            "application/rtf", "application/fhir+json", "application/json", "text/csv", "application/xml",
                                            "text/xml", "application/dicom", "application/octet-stream"]

    static func servedContentType(_ stored: String) -> String {
        let parts = stored.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let type = parts.first, servedTypes.contains(type), !stored.contains(where: { $0.isNewline || $0 == "\0" }) else {
            return "application/octet-stream"
        }
        if parts.count == 2, parts[1] == "charset=utf-8" || parts[1] == "charset=\"utf-8\"" { return "\(type); charset=utf-8" }
        return type
    }

    func search(type: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        try SearchEndpoint(router: router).handle(type: type, request: request, caller: caller)
    }

    func create(type: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        var resource = try router.resourceBody(request, type: type)
        resource.id = Audit.newID()
        let conditional = request.header("if-none-exist")
        let result = try gate.write(caller) { transaction -> (StoredResource, Bool) in
            if let conditional, let existing = try existingMatch(transaction, resource: resource, criteria: conditional) {
                return (existing, false)
            }
            return (try transaction.save(&resource).stored, true)
        }
        return .resource(result.1 ? 201 : 200, result.0, location: true, baseURL: router.baseURL(request))
    }

    func update(type: String, id: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        var resource = try router.resourceBody(request, type: type)
        if let bodyID = resource.id, bodyID != id { throw APIError.badRequest("the body's id \(bodyID) differs from the URL's \(id)", detail: "id-mismatch") }
        resource.id = id
        let ifMatch = try request.header("if-match").map(Self.parseETag)
        // `If-None-Match: *`: create only (a client resending a create whose answer it lost).
        let createOnly = request.header("if-none-match")?.trimmingCharacters(in: .whitespaces) == "*"
        let (stored, created) = try gate.write(caller) { transaction in
            try transaction.save(&resource, ifMatch: ifMatch, createOnly: createOnly)
        }
        return .resource(created ? 201 : 200, stored, location: created, baseURL: router.baseURL(request))
    }

    func delete(type: String, id: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        let ifMatch = try request.header("if-match").map(Self.parseETag)
        try gate.write(caller) { transaction in try transaction.delete(type, id, ifMatch: ifMatch) }
        return .fhir(200, OperationOutcome(.informational, "\(type)/\(id) deleted", severity: .information).resource.serialized())
    }

    /// `W/"3"`, `"3"` or `3` → 3.
    static func parseETag(_ text: String) throws -> Int {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("W/") { value.removeFirst(2) }
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(value), version > 0 else { throw APIError.badRequest("If-Match must be a version ETag such as W/\"3\"", detail: "invalid-etag") }
        return version
    }

    /// Conditional create: the resource of the same type in the same space matching
    /// `identifier=system|value`, among those the caller sees.
    private func existingMatch(_ transaction: GateTransaction, resource: Resource, criteria: String) throws -> StoredResource? {
        let parts = criteria.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "identifier", !parts[1].isEmpty else {
            throw APIError.badRequest("If-None-Exist supports identifier=system|value only", detail: "invalid-condition")
        }
        let value = parts[1].removingPercentEncoding ?? parts[1]
        let patient = try transaction.space(of: resource)
        var query = SearchQuery(type: resource.resourceType)
        query.tokenGroups = [["identifier=\(value)"]]
        query.count = 2
        let matches = try transaction.scope(patient).search(query).rows
        if matches.count > 1 { throw APIError(412, .duplicate, "several resources match \(criteria)", detail: "ambiguous-condition") }
        return matches.first
    }
}
