import Crypto
import FHIR
import Foundation
import SQLite

/// Read, create, update and delete of single resources, with optimistic concurrency
/// (`If-Match` → 412 when stale) and idempotent creates (PUT with a client id, `If-None-Exist`).
struct ResourceEndpoints {
    let router: Router
    var store: Store { router.store }
    var now: Date { router.context.clock.now }

    func read(type: String, id: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        let now = self.now
        let (stored, access) = try store.read { db -> (StoredResource, Access?) in
            guard let stored = try ResourceRepository.fetch(db, type: type, id: id) else { throw APIError.notFound("\(type)/\(id) does not exist") }
            if stored.deleted { throw APIError.gone("\(type)/\(id) was deleted") }
            if type == "Practitioner" { return (stored, nil) }
            let access = try Authorization.access(db, caller: caller, patient: stored.patient, now: now)
            guard access.canRead(type: type) else { throw APIError.forbidden("this access does not cover \(type)", detail: "rubrique") }
            guard try isVisible(db, stored, to: access) else { throw APIError.notFound("\(type)/\(id) does not exist") }
            return (stored, access)
        }
        if let access, access.isAudited {
            try store.write { db in try Audit.trace(db, access: access, action: .read, interaction: "read", entities: [stored.reference], now: now) }
        }
        if type == "Binary" { return try binaryResponse(stored, request: request) }
        if let tag = request.header("if-none-match"), tag == stored.etag {
            return HTTPResponse(status: 304, headers: [("ETag", stored.etag)])
        }
        return .resource(200, stored)
    }

    /// A caller who may not see a resource learns nothing more of it from a write (neither its
    /// version through `If-Match` nor its existence through `If-None-Match: *`) than from a read.
    func requireVisible(_ db: Database, _ existing: StoredResource, caller: Caller, now: Date) throws {
        guard !existing.deleted, !existing.patient.isEmpty else { return }
        let access = try Authorization.access(db, caller: caller, patient: existing.patient, now: now)
        guard access.canRead(type: existing.type), try isVisible(db, existing, to: access) else {
            throw APIError.notFound("\(existing.type)/\(existing.id) does not exist")
        }
    }

    /// A Binary's visibility follows its DocumentReference's labels as they are now; the content
    /// of a deleted (or missing) document is served to nobody.
    func isVisible(_ db: Database, _ stored: StoredResource, to access: Access) throws -> Bool {
        guard stored.type == "Binary" else { return access.canSee(stored) }
        guard let context = try stored.resource()["securityContext"]?["reference"]?.stringValue,
              let reference = ResourceReference(context), reference.type == "DocumentReference",
              let document = try ResourceRepository.fetch(db, type: reference.type, id: reference.id), !document.deleted,
              document.patient == stored.patient else { return false }
        return access.canRead(type: stored.type) && access.canSee(document)
    }

    private func binaryResponse(_ stored: StoredResource, request: HTTPRequest) throws -> HTTPResponse {
        guard let content = try store.read({ db in try ResourceRepository.content(db, id: stored.id) }) else {
            throw APIError.notFound("the content of Binary/\(stored.id) is missing")
        }
        let accept = (request.header("accept") ?? "").lowercased()
        let wantsJSON = accept.contains("fhir+json") || accept.contains("application/json") || request.queryValue("_format") == "json"
        if wantsJSON {
            var resource = try stored.resource()
            resource["data"] = .string(Data(content.data).base64EncodedString())
            return .fhir(200, resource.serialized(), headers: [("ETag", stored.etag)])
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", content.contentType), ("ETag", stored.etag),
                                                   ("X-Content-SHA256", Hex.encode(SHA256.hash(content.data)))], body: content.data)
    }

    func search(type: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        try SearchEndpoint(router: router).handle(type: type, request: request, caller: caller)
    }

    func create(type: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        var resource = try router.resourceBody(request, type: type)
        resource.id = Audit.newID()
        let now = self.now
        let conditional = request.header("if-none-exist")
        let result = try store.write { db -> (StoredResource, Bool) in
            if let conditional {
                let patient = ResourceIndex.patientID(of: resource) ?? ""
                if let existing = try existingMatch(db, type: type, patient: patient, criteria: conditional, caller: caller, now: now) {
                    return (existing, false)
                }
            }
            let stored = try save(db, &resource, existing: nil, caller: caller, now: now)
            return (stored, true)
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
        let now = self.now
        let (stored, created) = try store.write { db -> (StoredResource, Bool) in
            let existing = try ResourceRepository.fetch(db, type: type, id: id)
            if let existing { try requireVisible(db, existing, caller: caller, now: now) }
            if createOnly, let existing, !existing.deleted { throw APIError.stale("\(type)/\(id) already exists (If-None-Match *)") }
            if let ifMatch {
                guard let existing, !existing.deleted else { throw APIError.stale("\(type)/\(id) does not exist (If-Match \(ifMatch))") }
                guard existing.version == ifMatch else {
                    throw APIError.stale("\(type)/\(id) is at version \(existing.version), not \(ifMatch)")
                }
            }
            let stored = try save(db, &resource, existing: existing, caller: caller, now: now)
            return (stored, existing == nil || existing?.deleted == true)
        }
        return .resource(created ? 201 : 200, stored, location: created, baseURL: router.baseURL(request))
    }

    func delete(type: String, id: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        let ifMatch = try request.header("if-match").map(Self.parseETag)
        let now = self.now
        try store.write { db in
            guard let existing = try ResourceRepository.fetch(db, type: type, id: id) else { throw APIError.notFound("\(type)/\(id) does not exist") }
            if existing.deleted { return }
            let access = try Authorization.access(db, caller: caller, patient: existing.patient, now: now)
            guard access.canWrite(type: type), try isVisible(db, existing, to: access) else {
                throw APIError.forbidden("this access may not delete \(type)", detail: "rubrique")
            }
            try requireAuthorship(existing, access: access)
            try AgendaRules.checkChange(existing, access: access)
            if let ifMatch, ifMatch != existing.version { throw APIError.stale("\(type)/\(id) is at version \(existing.version), not \(ifMatch)") }
            _ = try ResourceRepository.markDeleted(db, existing, now: now)
            try Audit.trace(db, access: access, action: .delete, interaction: "delete", entities: [existing.reference], now: now)
        }
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

    /// Conditional create: the resource of `type` in the same space matching `identifier=system|value`.
    private func existingMatch(_ db: Database, type: String, patient: String, criteria: String, caller: Caller, now: Date) throws -> StoredResource? {
        let parts = criteria.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "identifier", !parts[1].isEmpty else {
            throw APIError.badRequest("If-None-Exist supports identifier=system|value only", detail: "invalid-condition")
        }
        let value = parts[1].removingPercentEncoding ?? parts[1]
        let matches = try db.query("SELECT \(ResourceRepository.columns) FROM resources WHERE type = ? AND patient = ? AND deleted = 0 AND instr(tokens, ?) > 0 LIMIT 2",
                                   [type, patient, " identifier=\(value) "], map: ResourceRepository.row)
        if matches.count > 1 { throw APIError(412, .duplicate, "several resources match \(criteria)", detail: "ambiguous-condition") }
        guard let match = matches.first else { return nil }
        let access = try Authorization.access(db, caller: caller, patient: patient, now: now)
        guard access.canRead(type: type), try isVisible(db, match, to: access) else { throw APIError.forbidden("no access", detail: "rubrique") }
        return match
    }

    /// Checks a resource against the caller's rights and the type's rules, then saves it (in the
    /// caller's write transaction) and audits the change.
    @discardableResult
    func save(_ db: Database, _ resource: inout Resource, existing: StoredResource?, caller: Caller, now: Date) throws -> StoredResource {
        let writer = ResourceWriter(db: db, caller: caller, now: now)
        let (index, access) = try writer.prepare(&resource, existing: existing)
        var stored: StoredResource
        if resource.resourceType == "Binary" {
            let binary = try Binary(resource)
            try ResourceRepository.saveContent(db, id: resource.id ?? "", contentType: binary.contentType, data: binary.data)
            resource["data"] = nil
        }
        stored = try ResourceRepository.save(db, &resource, index: index, now: now)
        let isNew = existing == nil || existing?.deleted == true
        try Audit.trace(db, access: access, action: isNew ? .create : .update, interaction: isNew ? "create" : "update",
                        entities: [stored.reference], now: now)
        return stored
    }

    func requireAuthorship(_ existing: StoredResource, access: Access) throws {
        try Self.requireAuthorship(existing, access: access)
    }

    static func requireAuthorship(_ existing: StoredResource, access: Access) throws {
        try ProfileRules.requireChangeable(existing, access: access)
        guard access.role == .professional else { return }
        guard existing.authors.contains(" \(access.caller.practitionerReference ?? "-") ") else {
            throw APIError.forbidden("a professional may change only what they wrote", detail: "not-author")
        }
    }
}
