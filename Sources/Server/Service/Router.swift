import FHIR
import Foundation
import SQLite
import Synchronization

/// Dispatches requests to the endpoints and turns every failure into an OperationOutcome.
/// Nothing a client sends can crash it: errors become 4xx, unexpected ones 500.
final class Router: HTTPHandler {
    let context: ServerContext
    let scheme: String
    /// The server's own base URL (set once it listens): links, `fullUrl` and `Location` are
    /// built from it, never from the request's `Host` header.
    private let base = Mutex<String?>(nil)

    init(context: ServerContext, scheme: String) {
        self.context = context
        self.scheme = scheme
    }

    func setBaseURL(_ url: String) { base.withLock { $0 = url.hasSuffix("/") ? String(url.dropLast()) : url } }

    var store: Store { context.store }
    var gate: Gate { context.gate }
    var settings: ServerSettings { context.settings }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        var response = answer(request)
        // Nothing a client stored is ever sniffed into something active.
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        if request.method == "HEAD" { response.body = [] }
        return response
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        if context.settings.faultInjectionEnabled, !request.path.hasPrefix("/_test/"),
           let fault = context.faults.take(path: request.path) {
            if let response = injected(fault, for: request) { return response }
        }
        do {
            return try route(request)
        } catch let error as APIError {
            return error.response
        } catch let error as SQLiteError where error.isBusy {
            return APIError(503, .transient, "the server is busy, try again", detail: "busy", headers: [("Retry-After", "1")]).response
        } catch {
            ServerLog.write("internal error on \(request.method) \(request.path): \(error)")
            return APIError(500, .exception, "internal server error", detail: "internal").response
        }
    }

    private func route(_ request: HTTPRequest) throws -> HTTPResponse {
        let segments = request.segments
        if request.method == "OPTIONS" { return try options(segments) }
        try Self.requireJSON(request)
        // HEAD is GET without the body.
        let method = request.method == "HEAD" ? "GET" : request.method
        switch (method, segments.count) {
        case ("GET", 1) where segments[0] == "metadata":
            return .fhir(200, Capability.statement(baseURL: baseURL(request), now: context.clock.now).serialized())
        case (_, _) where segments.first == "auth":
            return try AuthEndpoints(router: self).handle(request, segments: segments)
        case (_, _) where segments.first == "_test":
            return try TestEndpoints(router: self).handle(request, segments: segments)
        case (_, _) where MessagingEndpoints.handles(segments):
            return try MessagingEndpoints(router: self).handle(request, segments: segments)
        case ("POST", 0):
            return try TransactionEndpoint(router: self).handle(request, caller: authenticate(request))
        case ("GET", 1) where segments[0] == "$invitations":
            return try AccessEndpoints(router: self).invitations(caller: authenticate(request))
        case ("POST", 1) where segments[0] == "$redeem-access-code":
            return try AccessEndpoints(router: self).redeem(request, caller: authenticate(request))
        case ("GET", 1) where segments[0] == "$services":
            return try ServiceEndpoints(router: self).catalogue(caller: authenticate(request))
        default:
            break
        }
        guard let type = segments.first, ResourceIndex.servedTypes.contains(type) else {
            throw APIError.notFound("unknown resource type or path \(request.path)")
        }
        let resources = ResourceEndpoints(router: self)
        switch segments.count {
        case 1:
            switch method {
            case "GET": return try resources.search(type: type, request: request, caller: authenticate(request))
            case "POST": return try resources.create(type: type, request: request, caller: authenticate(request))
            default: throw APIError.methodNotAllowed("\(method) is not allowed on /\(type)", allow: Self.typeMethods(type))
            }
        case 2 where segments[1] == "_search" && method == "POST":
            throw APIError.methodNotAllowed("search with GET")
        case 2:
            let id = segments[1]
            guard Resource.isValidID(id) else { throw APIError.badRequest("invalid id") }
            switch method {
            case "GET": return try resources.read(type: type, id: id, request: request, caller: authenticate(request))
            case "PUT": return try resources.update(type: type, id: id, request: request, caller: authenticate(request))
            case "DELETE": return try resources.delete(type: type, id: id, request: request, caller: authenticate(request))
            default: throw APIError.methodNotAllowed("\(method) is not allowed on /\(type)/{id}", allow: Self.instanceMethods(type))
            }
        case 3 where segments[2].hasPrefix("$"):
            let id = segments[1]
            guard Resource.isValidID(id) else { throw APIError.badRequest("invalid id") }
            let caller = try authenticate(request)
            let access = AccessEndpoints(router: self)
            switch (type, segments[2], method) {
            case ("Patient", "$changes", "GET"): return try ChangesEndpoint(router: self).handle(request, patient: id, caller: caller)
            case ("Patient", "$access-code", "POST"): return try access.createCode(request, patient: id, caller: caller)
            case ("Patient", "$emergency-access", "POST"): return try access.emergency(request, patient: id, caller: caller)
            case ("Patient", "$access-policy", "GET"), ("Patient", "$access-policy", "PUT"):
                return try access.policy(request, patient: id, caller: caller)
            case ("Patient", "$block", "POST"): return try access.block(request, patient: id, caller: caller)
            case ("Patient", "$delegate", "POST"): return try access.delegate(request, patient: id, caller: caller)
            case ("Consent", "$revoke", "POST"): return try access.revoke(request, consent: id, caller: caller)
            case ("Patient", "$services", "GET"): return try ServiceEndpoints(router: self).connections(patient: id, caller: caller)
            case ("Patient", "$connect-service", "POST"): return try ServiceEndpoints(router: self).connect(request, patient: id, caller: caller)
            case ("Consent", "$accept", "POST"): return try access.answer(consent: id, accept: true, caller: caller)
            case ("Consent", "$refuse", "POST"): return try access.answer(consent: id, accept: false, caller: caller)
            default: throw APIError.notFound("unknown operation \(segments[2]) on \(type)")
            }
        case 4 where segments[2] == "_history":
            throw APIError(405, .notSupported, "version history is not kept; use the changes feed", detail: "not-supported")
        default:
            throw APIError.notFound("unknown path \(request.path)")
        }
    }

    // MARK: - Helpers for endpoints

    func authenticate(_ request: HTTPRequest) throws -> Caller {
        let now = context.clock.now
        return try store.read { db in try Accounts.authenticate(db, authorization: request.header("authorization"), now: now) }
    }

    func baseURL(_ request: HTTPRequest) -> String {
        base.withLock { $0 } ?? "\(scheme)://localhost"
    }

    /// The methods of a type's path and of one of its resources (for `Allow`).
    static func typeMethods(_ type: String) -> [String] {
        let policy = ResourcePolicy.of(type)
        var methods = type == "Binary" ? [] : ["GET", "HEAD"]
        if let policy, policy.writers != .server, type != "Patient" { methods.append("POST") }
        return methods + ["OPTIONS"]
    }

    static func instanceMethods(_ type: String) -> [String] { ResourcePolicy.of(type)?.allowedMethods ?? ["OPTIONS"] }

    /// `OPTIONS`: 200 with `Allow` for the path.
    private func options(_ segments: [String]) throws -> HTTPResponse {
        let allow: [String]
        switch segments.count {
        case 0: allow = ["POST", "OPTIONS"]
        case 1 where segments[0] == "metadata": allow = ["GET", "HEAD", "OPTIONS"]
        case 1 where ResourceIndex.servedTypes.contains(segments[0]): allow = Self.typeMethods(segments[0])
        case 2 where ResourceIndex.servedTypes.contains(segments[0]): allow = Self.instanceMethods(segments[0])
        default: throw APIError.notFound("unknown path /\(segments.joined(separator: "/"))")
        }
        return HTTPResponse(status: 200, headers: [("Allow", allow.joined(separator: ", "))])
    }

    /// The server speaks FHIR JSON only: `_format` or `Accept` asking for anything else is 406.
    static func requireJSON(_ request: HTTPRequest) throws {
        if let format = request.queryValue("_format")?.lowercased(),
           !["json", "application/json", "application/fhir+json"].contains(where: { format.hasPrefix($0) }) {
            throw APIError(406, .notSupported, "only FHIR JSON is served (_format=\(format))", detail: "not-acceptable")
        }
        guard let accept = request.header("accept")?.lowercased(), !accept.isEmpty else { return }
        // Empty pieces kept: `Accept: ;` split to nothing and trapped the whole server (fuzzing).
        let kinds = accept.split(separator: ",").map {
            ($0.split(separator: ";", omittingEmptySubsequences: false).first ?? "").trimmingCharacters(in: .whitespaces)
        }
        guard !kinds.isEmpty else { return }  // `Accept: ,` names nothing: no preference
        let acceptable = kinds.contains { kind in
            kind.hasSuffix("json") || kind == "*/*" || kind == "application/*" || kind.hasPrefix("text/plain") || kind.hasPrefix("image/")
                || kind == "application/pdf" || kind == "application/octet-stream" || kind.isEmpty
        }
        if !acceptable { throw APIError(406, .notSupported, "only FHIR JSON is served (Accept: \(accept))", detail: "not-acceptable") }
    }

    /// The request body as a JSON object (400 when it is not one).
    func jsonBody(_ request: HTTPRequest) throws -> JSON {
        guard !request.body.isEmpty else { throw APIError.badRequest("a JSON body is required", detail: "missing-body") }
        do {
            let json = try JSON(parsing: request.body)
            guard json.objectValue != nil else { throw APIError.badRequest("the body must be a JSON object", detail: "malformed-json") }
            return json
        } catch let error as JSONParseError {
            throw APIError(400, .structure, "malformed JSON: \(error)", detail: "malformed-json")
        }
    }

    /// The request body as a resource of `type` (when given).
    func resourceBody(_ request: HTTPRequest, type: String?) throws -> Resource {
        let json = try jsonBody(request)
        let resource: Resource
        do { resource = try Resource(json) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
        if let type, resource.resourceType != type {
            throw APIError.badRequest("the body is a \(resource.resourceType), not a \(type)", detail: "wrong-type")
        }
        return resource
    }

    private func injected(_ plan: FaultInjector.Plan, for request: HTTPRequest) -> HTTPResponse? {
        switch plan.fault {
        case .error:
            return APIError(500, .exception, "injected fault", detail: "injected-fault").response
        case .stall:
            Thread.sleep(forTimeInterval: plan.stallSeconds)
            return nil
        case .close:
            var response = HTTPResponse(status: 500)
            response.delivery = .dropConnection
            return response
        case .truncate:
            var response = (try? route(request)) ?? APIError(500, .exception, "injected fault").response
            response.delivery = .truncate(bytes: response.body.count / 2)
            return response
        case .malformed:
            return .fhir(200, Array(#"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"#.utf8))
        }
    }
}
