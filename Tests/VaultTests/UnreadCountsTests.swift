import Foundation
import HealthRecord
import SQLite
@testable import Vault
import XCTest

/// The unread count each thread keeps (schema version 6, issue 14): it follows every write of a
/// message or a thread in the same transaction, and always equals a count of the messages.
final class UnreadCountsTests: VaultFixtureTestCase {
    let doctor = Participant(name: "Dr Sophie Bernard", address: "Practitioner/bernard", role: .professional)

    override func setUpWithError() throws {
        try super.setUpWithError()
        try vault.write { try $0.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau"), origin: .remote) }
    }

    func thread(_ id: String, archived: Bool = false) -> MessageThread {
        var thread = MessageThread(id: id, profileID: "helene", subject: "Sujet \(id)", participants: [doctor], lastActivity: referenceDate)
        thread.isArchived = archived
        return thread
    }

    func message(_ id: String, in thread: String, read: Bool = false) -> Message {
        Message(id: id, profileID: "helene", threadID: thread, sender: doctor, sent: referenceDate, body: "Bonjour", isRead: read)
    }

    /// The kept counts by thread, after checking each against a count of the messages.
    func kept(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int] {
        try vault.read { session in
            let rows = try session.database.query("""
                SELECT id, unread_count, (SELECT count(*) FROM message m WHERE m.thread_id = thread.id AND m.is_read = 0) FROM thread
                """) { ($0.string(0), $0.int(1), $0.int(2)) }
            for (id, count, recount) in rows { XCTAssertEqual(count, recount, "thread \(id)", file: file, line: line) }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.1) })
        }
    }

    func total(archived: Bool = false) throws -> Int {
        try vault.read { try $0.threads.unreadCount(profile: "helene", archived: archived) }
    }

    func testTheCountFollowsInsertsReadsMovesAndDeletes() throws {
        // Messages may arrive before their thread (a sync page, a first message that is its thread).
        try vault.write { session in
            try session.messages.save(message("a1", in: "a"), origin: .remote)
            try session.messages.save(message("a2", in: "a", read: true), origin: .remote)
            try session.threads.save(thread("a"), origin: .remote)
            try session.threads.save(thread("b"), origin: .remote)
            try session.messages.save(message("b1", in: "b"), origin: .remote)
            try session.messages.save(message("b2", in: "b"), origin: .remote)
        }
        XCTAssertEqual(try kept(), ["a": 1, "b": 2])
        XCTAssertEqual(try total(), 3)

        // A thread saved again (a new subject, a sync) keeps its count.
        try vault.write { try $0.threads.save(thread("b"), origin: .remote) }
        XCTAssertEqual(try kept(), ["a": 1, "b": 2])

        // Read, then unread again (as a sync could bring it), then read in a local edit.
        try vault.write { _ = try $0.messages.markThreadRead("b") }
        XCTAssertEqual(try kept(), ["a": 1, "b": 0])
        try vault.write { try $0.messages.save(message("b2", in: "b"), origin: .remote) }
        XCTAssertEqual(try kept(), ["a": 1, "b": 1])
        try vault.write { try $0.messages.save(message("b2", in: "b", read: true)) }
        XCTAssertEqual(try kept(), ["a": 1, "b": 0])

        // A message that moves to another thread leaves its count behind.
        try vault.write { try $0.messages.save(message("a1", in: "b"), origin: .remote) }
        XCTAssertEqual(try kept(), ["a": 0, "b": 1])
        XCTAssertEqual(try vault.read { try $0.database.queryFirst("SELECT thread_id FROM search_entry WHERE record_id = 'a1'") { $0.string(0) } },
                       "b", "its search entry names its new thread")

        // Deleting an unread message, then a read one.
        try vault.write { session in
            try session.messages.save(message("a3", in: "a"), origin: .remote)
            try session.messages.save(message("a4", in: "a"), origin: .remote)
        }
        XCTAssertEqual(try kept(), ["a": 2, "b": 1])
        try vault.write { _ = try $0.messages.delete("a3") }
        XCTAssertEqual(try kept(), ["a": 1, "b": 1])
        try vault.write { _ = try $0.messages.delete("a2") }
        XCTAssertEqual(try kept(), ["a": 1, "b": 1])

        // The archives keep their own total; the unread filter follows the counts.
        try vault.write { try $0.threads.save(thread("a", archived: true), origin: .remote) }
        XCTAssertEqual(try total(), 1)
        XCTAssertEqual(try total(archived: true), 1)
        let unreadOnly = ThreadListQuery(profile: "helene", unreadOnly: true)
        try vault.write { _ = try $0.messages.markThreadRead("b") }
        XCTAssertEqual(try vault.read { try $0.threads.listCount(unreadOnly) }, 0)
        XCTAssertEqual(try total(), 0)

        // A write that fails leaves the counts as they were, with the messages.
        struct Abort: Error {}
        XCTAssertThrowsError(try vault.write { session in
            try session.messages.save(message("b3", in: "b"), origin: .remote)
            throw Abort()
        })
        XCTAssertEqual(try kept(), ["a": 1, "b": 0])
    }

    /// The inbox reads through its list index, in both orders, with no sort and no scan of the
    /// messages; the search starts from the full-text matches and reads each entry by rowid.
    func testTheInboxReadsThroughTheListIndexAndTheSearchFromItsMatches() throws {
        try vault.read { session in
            func plan(_ sql: String, _ values: [any SQLBindable]) throws -> String {
                try session.database.query("EXPLAIN QUERY PLAN " + sql, values) { $0.string(3) }.joined(separator: "\n")
            }
            typealias Threads = RecordStore<MessageThread>
            for query in [ThreadListQuery(profile: "helene"), ThreadListQuery(profile: "helene", unreadOnly: true, oldestFirst: true)] {
                let (conditions, values) = Threads.conditions(query)
                let page = try plan("SELECT \(Threads.summaryColumns) FROM thread WHERE \(conditions) ORDER BY \(Threads.order(query)) LIMIT 12",
                                    values)
                XCTAssertTrue(page.contains("USING INDEX thread_list") || page.contains("USING COVERING INDEX thread_list"), page)
                XCTAssertFalse(page.contains("TEMP B-TREE"), page)
                XCTAssertTrue(try plan("SELECT id FROM thread WHERE \(conditions) ORDER BY \(Threads.order(query))", values)
                    .contains("USING COVERING INDEX thread_list"))
            }
            let total = try plan("SELECT coalesce(sum(unread_count), 0) FROM thread WHERE profile_id = ? AND is_archived = ?", ["helene", 0])
            XCTAssertTrue(total.contains("USING COVERING INDEX thread_list"), total)
            XCTAssertFalse(total.contains("message"), total)
            let search = try plan(Threads.matchingThreads, ["\"o\"*", "helene", "thread", "message"])
            XCTAssertTrue(search.hasPrefix("SCAN s VIRTUAL TABLE"), search)
            XCTAssertTrue(search.contains("SEARCH e USING INTEGER PRIMARY KEY"), search)
            XCTAssertFalse(search.contains("message"), search)
        }
    }

    /// The documents' search starts from its matches as well (it walked every document's entry).
    func testTheDocumentsSearchStartsFromItsMatches() throws {
        try vault.read { session in
            let plan = try session.database.query("EXPLAIN QUERY PLAN " + RecordStore<Document>.matchingDocuments,
                                                  ["\"o\"*", "helene", "document"]) { $0.string(3) }.joined(separator: "\n")
            XCTAssertTrue(plan.hasPrefix("SCAN s VIRTUAL TABLE"), plan)
            XCTAssertTrue(plan.contains("SEARCH e USING INTEGER PRIMARY KEY"), plan)
        }
    }

    /// A vault written before schema version 6: the counts and the search entries' threads are
    /// filled once by the migration, and the inbox reads them.
    func testAVaultOfTheFifthVersionGetsItsCountsAndSearchThreads() throws {
        let database = try Database(path: url.appendingPathComponent("v5.sqlite").path)
        _ = try database.migrate(Array(VaultSchema.migrations.prefix(5)))
        let encoder = JSONEncoder()
        for id in ["a", "b"] {
            try database.run("""
                INSERT INTO thread (id, profile_id, last_activity_at, updated_at, body, subject) VALUES (?, 'helene', ?, 0, ?, ?)
                """, id, referenceDate.timeIntervalSince1970 + (id == "a" ? 1 : 0), Array(try encoder.encode(thread(id))), "Sujet \(id)")
            try database.run("INSERT INTO search_entry (kind, record_id, profile_id) VALUES ('thread', ?, 'helene')", id)
            try database.run("INSERT INTO search_index (rowid, title) VALUES (?, ?)", database.lastInsertRowID, "Sujet \(id)")
        }
        for (id, thread, read, body) in [("a1", "a", false, "ordonnance"), ("a2", "a", false, "tension"), ("b1", "b", true, "ordonnance")] {
            try database.run("""
                INSERT INTO message (id, profile_id, thread_id, sent_at, is_read, updated_at, body) VALUES (?, 'helene', ?, 0, ?, 0, ?)
                """, id, thread, read, Array(try encoder.encode(message(id, in: thread, read: read))))
            try database.run("INSERT INTO search_entry (kind, record_id, profile_id) VALUES ('message', ?, 'helene')", id)
            try database.run("INSERT INTO search_index (rowid, body) VALUES (?, ?)", database.lastInsertRowID, body)
        }
        XCTAssertEqual(try database.migrate(VaultSchema.migrations), Array(6...VaultSchema.migrations.count))

        let session = VaultSession(database: database, writable: false)
        XCTAssertEqual(try session.threads.summaries(profile: "helene").map(\.unread), [2, 0])
        XCTAssertEqual(try session.threads.unreadCount(profile: "helene", archived: false), 2)
        XCTAssertEqual(try database.query("SELECT record_id, thread_id FROM search_entry ORDER BY rowid") { "\($0.string(0))>\($0.string(1))" },
                       ["a>a", "b>b", "a1>a", "a2>a", "b1>b"])
        XCTAssertEqual(try session.threads.matchingIDs("ordonnance", profile: "helene"), ["a", "b"])
        XCTAssertEqual(try session.threads.matchingIDs("tension", profile: "helene"), ["a"])
        XCTAssertEqual(try session.threads.matchingIDs("sujet b", profile: "helene"), ["b"])
        let query = ThreadListQuery(profile: "helene", unreadOnly: true, search: "ordonnance")
        XCTAssertEqual(try session.threads.listPage(query, offset: 0, limit: 10).map(\.id), ["a"])
    }
}
