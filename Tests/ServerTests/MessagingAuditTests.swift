import FHIR
import Foundation
@testable import Server
import XCTest

/// DESIGN §7: every read and write by anyone other than the holder is an AuditEvent the holder
/// sees — a professional's messaging included (it used to leave no trace).
final class MessagingAuditTests: XCTestCase {
    func testAProfessionalsMessagesAndReadsAreInTheHoldersHistoryWithoutAVisitNotice() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let professional = try server.token(login: "10003456783")
        func history() -> [JSON] {
            let answer = server.call("GET", "/AuditEvent?patient=helene&_count=200", token: holder)
            XCTAssertEqual(answer.status, 200, answer.text)
            return (answer.json["entry"]?.elements ?? []).compactMap { $0["resource"] }
                .filter { $0["subtype"]?[0]?["code"]?.stringValue?.hasPrefix("message") == true }
        }
        func visitNotices() throws -> Int {
            try server.database { db in
                try db.queryFirst("SELECT count(*) FROM resources WHERE type = 'Communication' AND patient = 'helene' AND (flags & 8) != 0",
                                  [], map: { $0.int(0) }) ?? 0
            }
        }
        XCTAssertEqual(history().count, 0)
        let noticesBefore = try visitNotices()

        let started = server.call("POST", "/Patient/helene/$message", json: ["topic": "Résultats", "text": "Bonjour"], token: professional)
        XCTAssertEqual(started.status, 201, started.text)
        let thread = try XCTUnwrap(started.json["id"]?.stringValue)
        XCTAssertEqual(server.call("POST", "/Communication/\(thread)/$reply", json: ["text": "Autre chose"], token: professional).status, 201)
        XCTAssertEqual(server.call("POST", "/Communication/\(thread)/$close", token: professional).status, 200)
        XCTAssertEqual(server.call("GET", "/Communication/\(thread)/$thread", token: professional).status, 200)

        let events = history()
        XCTAssertTrue(events.contains { $0["entity"]?.elements.contains { $0["what"]?["reference"]?.stringValue == "Communication/\(thread)" } == true })
        XCTAssertEqual(events.map { $0["action"]?.stringValue ?? "" }.sorted(), ["C", "C", "R", "U"], "start, reply, close, read")
        for event in events {
            XCTAssertEqual(event["agent"]?[0]?["type"]?["coding"]?[0]?["code"]?.stringValue, "professional")
            XCTAssertTrue(event["agent"]?[0]?["who"]?["reference"]?.stringValue?.hasPrefix("Practitioner/") == true)
            XCTAssertTrue(event["entity"]?.elements.contains { $0["what"]?["reference"]?.stringValue?.hasPrefix("Communication/") == true } == true)
        }
        XCTAssertEqual(try visitNotices(), noticesBefore, "no notice: the holder is told of a message by the message itself, and a read of it is no visit to the dossier")

        // The holder's own messages stay out of the history.
        let reply = server.call("GET", "/Communication?patient=helene&_count=1", token: holder)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(history().count, 4)
    }
}
