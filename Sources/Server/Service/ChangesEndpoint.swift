import FHIR
import Foundation
import SQLite

/// `GET /Patient/{id}/$changes?since=CURSOR&_count=N`: the changes feed of one space.
///
/// Every write takes the next value of one server-wide sequence inside the single writer's
/// transaction, so sequence order is commit order: a reader that has seen sequence N has seen
/// every change below N. A resource's row holds only its latest version (deletions stay as
/// tombstones), so a page lists each changed resource once, at its latest version; a resource
/// changed again later appears again in a later page, with its new version — never the same
/// version twice, never a change skipped. Binary content is not in the feed (fetch it on demand).
/// Rows the caller may no longer see (masked, invisible since) are sent as tombstones, so a
/// client drops a copy it should no longer show; rows it never could see are not named at all.
struct ChangesEndpoint {
    let router: Router

    static func cursor(_ sequence: Int64) -> String { "1." + String(sequence, radix: 36) }

    static func sequence(fromCursor text: String) -> Int64? {
        guard text.hasPrefix("1."), let value = Int64(text.dropFirst(2), radix: 36), value >= 0 else { return nil }
        return value
    }

    func handle(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        for (name, _) in request.query where !["since", "_count"].contains(name) {
            throw APIError.badRequest("unknown parameter \(name)", detail: "unknown-parameter")
        }
        var since: Int64 = 0
        if let text = request.queryValue("since"), !text.isEmpty {
            guard let value = Self.sequence(fromCursor: text) else { throw APIError.badRequest("invalid cursor", detail: "invalid-cursor") }
            since = value
        }
        let settings = router.settings
        var count = settings.defaultChangesPageSize
        if let text = request.queryValue("_count") {
            guard let value = Int(text), (1...settings.maximumPageSize).contains(value) else {
                throw APIError.badRequest("_count must be 1…\(settings.maximumPageSize)", detail: "invalid-parameter")
            }
            count = value
        }
        let (rows, more, last) = try router.gate.read(caller) { transaction in
            try transaction.scope(patient).changes(since: since, count: count)
        }
        return .fhir(200, Self.page(cursor: Self.cursor(last), more: more, rows: rows))
    }

    static func page(cursor: String, more: Bool, rows: [(StoredResource, visible: Bool)]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(rows.reduce(128) { $0 + $1.0.json.count + 96 })
        output.append(contentsOf: Array(#"{"cursor":"\#(cursor)","more":\#(more),"changes":["#.utf8))
        for (offset, (row, visible)) in rows.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            let deleted = !visible
            output.append(contentsOf: Array(#"{"type":"\#(row.type)","id":"\#(row.id)","versionId":"\#(row.version)","deleted":\#(deleted)"#.utf8))
            if !deleted {
                output.append(contentsOf: Array(#","resource":"#.utf8))
                output.append(contentsOf: row.json)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: Array("]}".utf8))
        return output
    }
}
