import FHIR
import Foundation
import HealthRecord
import XCTest

/// The changes feed: every change exactly once per version, in pages, under concurrent writes;
/// a no-change poll is one small request.
final class ChangesFeedTests: XCTestCase {
    struct Seen: Hashable { var reference: String; var version: String }

    /// Reads the whole feed from `since`, returning the last cursor and every entry.
    func drain(_ server: ServerProcess, token: String, since: String?, count: Int) async throws -> (String, [API.Change]) {
        var cursor = since
        var all: [API.Change] = []
        while true {
            let answer = try await server.get("/Patient/helene/$changes?_count=\(count)" + (cursor.map { "&since=\($0)" } ?? ""), token: token)
            XCTAssertEqual(answer.status, 200)
            let page = try API.ChangesPage(json: answer.json)
            all += page.changes
            cursor = page.cursor
            if !page.more { return (page.cursor, all) }
        }
    }

    func testTheWholeSpacePagesOutAndANoChangePollIsEmpty() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let (cursor, changes) = try await drain(server, token: token, since: nil, count: 40)
        let references = changes.map(\.reference)
        XCTAssertEqual(references.count, Set(references).count, "no resource twice")
        XCTAssertTrue(references.contains("DocumentReference/doc-bio-recent"))
        XCTAssertTrue(references.contains("Patient/helene"))
        XCTAssertFalse(references.contains { $0.hasPrefix("Binary/") }, "contents are fetched on demand")
        XCTAssertFalse(references.contains { $0.hasPrefix("Immunization/vac-lucas") }, "another space's data")
        XCTAssertNil(changes.first { $0.id == "doc-attente" }, "invisible to the holder from the start: not even named")
        let poll = try await server.get("/Patient/helene/$changes?since=\(cursor)", token: token)
        XCTAssertEqual(String(decoding: poll.body, as: UTF8.self), #"{"cursor":"\#(cursor)","more":false,"changes":[]}"#)
        let bruno = try await server.otherHolder()
        try await server.expectGet("/Patient/helene/$changes", token: bruno, status: 404)
    }

    func testNoChangeIsSkippedOrRepeatedUnderConcurrentWrites() async throws {
        let server = try ServerProcess()
        let token = try await server.holder()
        let (start, _) = try await drain(server, token: token, since: nil, count: 500)
        let writers = 4, perWriter = 30
        // Writers create and update observations while a reader pages the feed with small pages.
        async let written: [Seen] = withThrowingTaskGroup(of: [Seen].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var seen: [Seen] = []
                    for number in 0..<perWriter {
                        let id = "concurrent-\(writer)-\(number)"
                        let body: JSON = ["resourceType": "Observation", "status": "final", "subject": ["reference": "Patient/helene"],
                                          "code": ["text": "Poids"], "valueQuantity": ["value": .int(number), "unit": "kg"]]
                        var answer = try await server.request("PUT", "/Observation/\(id)", json: body, token: token)
                        if number % 3 == 0 {
                            answer = try await server.request("PUT", "/Observation/\(id)", json: body, token: token, headers: ["If-Match": "W/\"1\""])
                        }
                        seen.append(Seen(reference: "Observation/\(id)", version: answer.json["meta"]?["versionId"]?.stringValue ?? "?"))
                    }
                    return seen
                }
            }
            var all: [Seen] = []
            for try await part in group { all += part }
            return all
        }
        var cursor = start
        var pages: [[Seen]] = []
        for _ in 0..<200 {
            let answer = try await server.get("/Patient/helene/$changes?since=\(cursor)&_count=7", token: token)
            let page = try API.ChangesPage(json: answer.json)
            pages.append(page.changes.map { Seen(reference: $0.reference, version: $0.versionId) })
            cursor = page.cursor
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        let finalVersions = try await written
        let (_, rest) = try await drain(server, token: token, since: cursor, count: 7)
        pages.append(rest.map { Seen(reference: $0.reference, version: $0.versionId) })
        let everything = pages.flatMap { $0 }
        XCTAssertEqual(everything.count, Set(everything).count, "a version seen twice across pages")
        let latest = Dictionary(everything.map { ($0.reference, $0.version) }, uniquingKeysWith: { a, b in max(a, b) })
        for expected in finalVersions where expected.reference.hasPrefix("Observation/concurrent-") {
            XCTAssertEqual(latest[expected.reference], expected.version, "\(expected.reference) missed at its last version")
        }
        XCTAssertEqual(finalVersions.count, writers * perWriter)
    }
}
