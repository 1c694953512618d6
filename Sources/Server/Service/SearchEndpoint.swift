import FHIR
import Foundation
import SQLite

/// `GET /{type}?…`: search within one patient's space, with paging links.
///
/// Parameters: `patient` (or `subject`; defaults to the caller's own space), `category`, `type`,
/// `code`, `status`, `identifier`, `security-label`, `thread` (tokens: `code` or `system|code`,
/// comma for OR), `date` and `_lastUpdated` (with prefixes eq, lt, le, gt, ge; repeat for a range),
/// `_text`/`_content`/`title` (words in titles and descriptions), `_id`, `_count`, `_offset`,
/// `_sort` (`date`, `-date`, `_lastUpdated`, `-_lastUpdated`), `_summary=count`.
struct SearchEndpoint {
    let router: Router

    static let tokenParameters: Set<String> = ["category", "type", "code", "status", "identifier", "security-label", "thread"]
    static let allowed: Set<String> = tokenParameters.union(["patient", "subject", "date", "_lastUpdated", "_text", "_content", "title",
                                                             "_id", "_count", "_offset", "_sort", "_summary", "_format", "name"])

    func handle(type: String, request: HTTPRequest, caller: Caller) throws -> HTTPResponse {
        // A Binary follows its DocumentReference's labels as they are now (masking hides it at
        // once), which the Binary's own index row does not: it is read by id only.
        guard type != "Binary" else {
            throw APIError.methodNotAllowed("Binary is not searchable; read it by the id in its DocumentReference's attachment.url")
        }
        for (name, _) in request.query where !Self.allowed.contains(name) {
            throw APIError.badRequest("unknown search parameter \(name)", detail: "unknown-parameter")
        }
        let settings = router.settings
        let count = try intParameter(request, "_count", default: settings.defaultPageSize, range: 0...settings.maximumPageSize)
        let offset = try intParameter(request, "_offset", default: 0, range: 0...10_000_000)
        var query = SearchQuery(type: type)
        query.count = count
        query.offset = offset
        query.countOnly = try summaryIsCount(request)
        let patient: String?
        if type == "Practitioner" {
            patient = nil
        } else {
            guard let found = try patientParameter(request, caller: caller) else {
                throw APIError.badRequest("the patient parameter is required", detail: "missing-patient")
            }
            patient = found
        }
        for name in Self.tokenParameters {
            for value in request.queryValues(name) {
                let alternatives = value.split(separator: ",").map { "\(name)=" + String($0).replacingOccurrences(of: " ", with: "_") }
                guard !alternatives.isEmpty else { throw APIError.badRequest("empty \(name) parameter", detail: "invalid-parameter") }
                query.tokenGroups.append(alternatives)
            }
        }
        for value in request.queryValues("date") { try addDateCondition(value, column: "date", &query) }
        for value in request.queryValues("_lastUpdated") { try addDateCondition(value, column: "updated", &query) }
        for name in ["_text", "_content", "title", "name"] {
            for value in request.queryValues(name) {
                for word in ResourceIndex.fold(value).split(separator: " ") {
                    query.conditions.append("search_text LIKE ? ESCAPE '\\'")
                    query.arguments.append("%" + Self.escapeLike(String(word)) + "%")
                }
            }
        }
        if let ids = request.queryValue("_id") {
            let list = ids.split(separator: ",").map(String.init)
            query.conditions.append("id IN (\(list.map { _ in "?" }.joined(separator: ",")))")
            query.arguments.append(contentsOf: list as [any SQLBindable])
        }
        switch request.queryValue("_sort") ?? "-date" {
        case "date": query.order = "date IS NULL, date ASC, id"
        case "-date": query.order = "date IS NULL, date DESC, id"
        case "_lastUpdated": query.order = "seq ASC"
        case "-_lastUpdated": query.order = "seq DESC"
        default: throw APIError.badRequest("_sort supports date, -date, _lastUpdated, -_lastUpdated", detail: "invalid-parameter")
        }
        // Read before the gate's transaction: its snapshot holds at least this generation.
        let generation = router.store.generation
        let result = try router.gate.read(caller) { transaction in
            if let patient { return try transaction.scope(patient).search(query) }
            return try transaction.searchShared(query)
        }
        // The same rows (the search key names space, visibility and parameters) asked the same
        // way (the links repeat the request's parameters) get the same bytes.
        let baseURL = router.baseURL(request)
        let bundleKey = result.key + "\u{2}" + request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "\u{1}") + "\u{2}" + baseURL
        let cache = router.store.searchCache
        if let bytes = cache.bundle(for: bundleKey, generation: generation) { return .fhir(200, bytes) }
        let countOnly = query.countOnly || count == 0
        let bytes = Self.bundle(total: result.total, rows: result.rows,
                                links: links(request, type: type, total: result.total, count: countOnly ? 0 : count, offset: offset), baseURL: baseURL)
        cache.storeBundle(bundleKey, generation: generation, bytes: bytes, rows: result.rows.count)
        return .fhir(200, bytes)
    }

    /// `_summary`: `count` gives the total only; `false` (the default) the resources; other
    /// values are not supported (400 rather than ignored).
    private func summaryIsCount(_ request: HTTPRequest) throws -> Bool {
        switch request.queryValue("_summary") {
        case nil, "false": return false
        case "count": return true
        default: throw APIError.badRequest("_summary supports count and false", detail: "invalid-parameter")
        }
    }

    private func patientParameter(_ request: HTTPRequest, caller: Caller) throws -> String? {
        if let value = request.queryValue("patient") ?? request.queryValue("subject") {
            let id = value.hasPrefix("Patient/") ? String(value.dropFirst(8)) : value
            guard Resource.isValidID(id) else { throw APIError.badRequest("invalid patient parameter", detail: "invalid-parameter") }
            return id
        }
        return caller.patientID
    }

    private func intParameter(_ request: HTTPRequest, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.queryValue(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name) must be an integer in \(range.lowerBound)…\(range.upperBound)", detail: "invalid-parameter")
        }
        return number
    }

    private func addDateCondition(_ value: String, column: String, _ query: inout SearchQuery) throws {
        var prefix = "eq"
        var text = value
        if let first = value.first, first.isLetter {
            prefix = String(value.prefix(2))
            text = String(value.dropFirst(2))
        }
        guard let range = FHIRDateTime.range(of: text) else { throw APIError.badRequest("invalid date \(value)", detail: "invalid-parameter") }
        let start = FHIRDateTime.instant(range.start), end = FHIRDateTime.instant(range.end)
        switch prefix {
        case "eq": query.conditions.append("(\(column) >= ? AND \(column) < ?)"); query.arguments.append(contentsOf: [start, end])
        case "lt": query.conditions.append("\(column) < ?"); query.arguments.append(start)
        case "le": query.conditions.append("\(column) < ?"); query.arguments.append(end)
        case "gt": query.conditions.append("\(column) >= ?"); query.arguments.append(end)
        case "ge": query.conditions.append("\(column) >= ?"); query.arguments.append(start)
        default: throw APIError.badRequest("date prefixes are eq, lt, le, gt, ge", detail: "invalid-parameter")
        }
    }

    private func links(_ request: HTTPRequest, type: String, total: Int, count: Int, offset: Int) -> [(String, String)] {
        let base = router.baseURL(request) + "/" + type
        let kept = request.query.filter { $0.name != "_offset" }
        func url(_ newOffset: Int) -> String {
            let items = kept + [("_offset", String(newOffset))]
            return base + "?" + items.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        var links = [("self", url(offset))]
        if count > 0, offset + count < total { links.append(("next", url(offset + count))) }
        if offset > 0 { links.append(("previous", url(max(0, offset - max(count, 1))))) }
        return links
    }

    /// A searchset Bundle, written from the stored JSON without parsing it again.
    static func bundle(total: Int, rows: [StoredResource], links: [(String, String)], baseURL: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(rows.reduce(256) { $0 + $1.json.count + 96 })
        output.append(contentsOf: Array(#"{"resourceType":"Bundle","type":"searchset","total":\#(total)"#.utf8))
        output.append(contentsOf: Array(#","link":["#.utf8))
        for (offset, link) in links.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: JSON.object(JSONObject([("relation", .string(link.0)), ("url", .string(link.1))])).serialized())
        }
        output.append(UInt8(ascii: "]"))
        // FHIR JSON has no empty arrays: an empty searchset has no `entry` at all.
        if !rows.isEmpty { output.append(contentsOf: Array(#","entry":["#.utf8)) }
        for (offset, row) in rows.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: Array(#"{"fullUrl":"#.utf8))
            output.append(contentsOf: JSON.string("\(baseURL)/\(row.type)/\(row.id)").serialized())
            output.append(contentsOf: Array(#","resource":"#.utf8))
            output.append(contentsOf: row.json)
            output.append(contentsOf: Array(#","search":{"mode":"match"}}"#.utf8))
        }
        output.append(contentsOf: Array((rows.isEmpty ? "}" : "]}").utf8))
        return output
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Built once: a CharacterSet built per call cost more than the rest of a cached search.
    private static let unreserved: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~|/:")
        return allowed
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
