import FHIR

/// A refusal: an HTTP status and the OperationOutcome that explains it.
/// Diagnostics are technical English for developers; clients show their own localised text,
/// chosen from the status and the outcome's detail code.
struct APIError: Error {
    var status: Int
    var outcome: OperationOutcome
    var headers: [(name: String, value: String)] = []

    init(_ status: Int, _ code: OperationOutcome.IssueType, _ diagnostics: String, detail: String? = nil,
         headers: [(name: String, value: String)] = []) {
        self.status = status
        self.outcome = OperationOutcome(code, diagnostics, detailCode: detail)
        self.headers = headers
    }

    /// 400 `invalid-resource`: the structure problems of a resource, one issue per path.
    static func invalid(_ issues: [StructureValidator.Issue]) -> APIError {
        var error = APIError(400, .structure, "the resource does not follow the FHIR R4 structure of its type", detail: "invalid-resource")
        error.outcome = OperationOutcome(issues: issues.map { issue in
            OperationOutcome.Issue(code: issue.message.contains("required") ? .required : .structure, diagnostics: issue.description,
                                   detailCode: "invalid-resource", expression: [issue.path])
        })
        return error
    }

    static func badRequest(_ message: String, detail: String? = nil) -> APIError { APIError(400, .invalid, message, detail: detail) }
    static func unprocessable(_ message: String, detail: String? = nil) -> APIError { APIError(422, .processing, message, detail: detail) }
    static func unauthorized(_ message: String, detail: String = "unauthenticated") -> APIError {
        APIError(401, .login, message, detail: detail, headers: [("WWW-Authenticate", "Bearer realm=\"mes\"")])
    }
    static func forbidden(_ message: String, detail: String = "forbidden") -> APIError { APIError(403, .forbidden, message, detail: detail) }
    static func notFound(_ message: String) -> APIError { APIError(404, .notFound, message, detail: "not-found") }
    static func gone(_ message: String) -> APIError { APIError(410, .deleted, message, detail: "deleted") }
    static func conflict(_ message: String, detail: String = "conflict") -> APIError { APIError(409, .conflict, message, detail: detail) }
    static func stale(_ message: String) -> APIError { APIError(412, .conflict, message, detail: "stale-version") }
    static func methodNotAllowed(_ message: String, allow: [String] = []) -> APIError {
        APIError(405, .notSupported, message, detail: "method-not-allowed", headers: allow.isEmpty ? [] : [("Allow", allow.joined(separator: ", "))])
    }
    static func tooManyRequests(_ message: String, retryAfter: Int, detail: String) -> APIError {
        APIError(429, .throttled, message, detail: detail, headers: [("Retry-After", String(retryAfter))])
    }

    var response: HTTPResponse {
        var response = HTTPResponse.fhir(status, outcome.resource.serialized())
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension HTTPResponse {
    static let fhirContentType = "application/fhir+json; charset=utf-8"

    /// A FHIR JSON answer from serialized bytes.
    static func fhir(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", fhirContentType)] + headers, body: body)
    }

    static func fhir(_ status: Int, _ json: JSON, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        fhir(status, json.serialized(), headers: headers)
    }

    /// A resource with its ETag and Last-Modified (an HTTP-date) headers.
    static func resource(_ status: Int, _ stored: StoredResource, location: Bool = false, baseURL: String = "") -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("ETag", stored.etag), ("Last-Modified", HTTPDate.format(stored.updated))]
        if location { headers.append(("Location", "\(baseURL)/\(stored.type)/\(stored.id)/_history/\(stored.version)")) }
        return fhir(status, stored.json, headers: headers)
    }
}
