import Crypto
import FHIR
import Foundation
import HealthRecord
@testable import Messaging
import TestSupport
import Vault
import XCTest

/// The messagerie's logic on a local vault: mapping, states, drafts, inbox queries.
final class MessengerTests: XCTestCase {
    let doctor = Participant(name: "Dr Sophie Bernard", address: "Practitioner/bernard", role: .professional, profession: "Cardiologie")
    let patient = Participant(name: "Hélène Martineau", address: "Patient/helene", role: .patient)

    func testAMessageTravelsAsACommunicationWithItsFilesAndMarks() throws {
        let file = MessageFile(title: "fiche.txt", contentType: "text/plain", data: Data("bonjour".utf8))
        let message = Message(id: "m1", profileID: "helene", threadID: "m1", sender: doctor, sent: Date(timeIntervalSince1970: 1_700_000_000),
                              body: "Texte", attachmentIDs: ["doc-1"], files: [file], allowsReply: false, writtenFor: "Hélène MARTINEAU",
                              recipient: Participant(name: "Pharmacie", address: "Organization/p", role: .establishment), topic: "Sujet")
        let resource = try RecordMapping.encode(message, onto: nil)
        XCTAssertEqual(resource["payload"]?[2]?["contentAttachment"]?["data"]?.stringValue, Data("bonjour".utf8).base64EncodedString())
        let records = try RecordMapping.decode(resource)
        XCTAssertEqual(records.first as? Message, message)
        let thread = try XCTUnwrap(records.last as? MessageThread)
        XCTAssertEqual(thread.subject, "Sujet")
        XCTAssertEqual(thread.participants.map(\.address), ["Practitioner/bernard", "Organization/p"])
    }

    func testStatesFollowTheOutbox() {
        XCTAssertEqual(Messenger.state(lastError: nil), .pending)
        XCTAssertEqual(Messenger.state(lastError: "offline"), .pending)
        XCTAssertEqual(Messenger.state(lastError: "http-409:thread-closed"), .refused(reason: "thread-closed"))
        XCTAssertEqual(Messenger.state(lastError: "protocol"), .refused(reason: "protocol"))
    }

    func testTheReplyRulesOfAThread() {
        let now = Date()
        var thread = MessageThread(id: "t", profileID: "helene", subject: "S", participants: [doctor, patient], lastActivity: now)
        let fromDoctor = Message(id: "a", profileID: "helene", threadID: "t", sender: doctor, sent: now, body: "x")
        XCTAssertNil(thread.replyRefusal(messages: [fromDoctor]))
        XCTAssertEqual(thread.replyRefusal(messages: []), .notStartedByProfessional)
        var noReply = fromDoctor
        noReply.allowsReply = false
        XCTAssertEqual(thread.replyRefusal(messages: [noReply]), .noReply)
        thread.isClosed = true
        XCTAssertEqual(thread.replyRefusal(messages: [fromDoctor]), .closed)
        let pharmacy = MessageThread(id: "p", profileID: "helene", subject: "Ordonnance",
                                     participants: [patient, Participant(name: "Pharmacie", address: "Organization/x", role: .establishment,
                                                                         profession: Participant.pharmacyProfession)], lastActivity: now)
        XCTAssertNil(pharmacy.replyRefusal(messages: []), "the patient may write to a pharmacy first")
    }

    func testInboxDraftsSearchAndDeletion() throws {
        let (vault, directory) = try makeVault()
        defer { vault.close(); directory.remove() }
        let now = Date()
        try vault.write { session in
            try session.profiles.save(Profile(id: "helene", relation: .own, givenName: "Hélène", familyName: "Martineau",
                                              ins: PatientIdentifier(system: "urn:oid:1.2.250.1.213.1.4.10", value: "266049900000011")), origin: .remote)
            for index in 0..<3 {
                let id = "t\(index)"
                try session.threads.save(MessageThread(id: id, profileID: "helene", subject: "Sujet \(index)", participants: [doctor],
                                                       lastActivity: now.addingTimeInterval(Double(index))), origin: .remote)
                try session.messages.save(Message(id: id, profileID: "helene", threadID: id, sender: doctor, sent: now.addingTimeInterval(Double(index)),
                                                  body: index == 1 ? "Prenez la métformine le soir" : "Bonjour \u{1B}[31m"), origin: .remote)
            }
        }
        let messenger = Messenger(vault: vault, profileID: "helene")
        XCTAssertEqual(try messenger.ownAddress(), "266049900000011@patient.mssante.fr")
        XCTAssertEqual(try messenger.inbox().map(\.id), ["t2", "t1", "t0"])
        XCTAssertEqual(try messenger.inbox().first?.unread, 1)
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "METFORMINE")).map(\.id), ["t1"])
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "sujet 2")).map(\.id), ["t2"])
        // One pass finds threads by their own entry and by their messages' (issue 20), each once.
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "bonjour")).map(\.id), ["t2", "t0"])
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "sujet")).map(\.id), ["t2", "t1", "t0"])
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "sujet prenez")).map(\.id), [], "every word in one entry")

        try messenger.saveDraft(MessageDraft(threadID: "t1", body: "Brouillon"))
        XCTAssertEqual(try messenger.drafts().keys.sorted(), ["t1"])
        try messenger.saveDraft(MessageDraft(threadID: "t1", body: "  "))
        XCTAssertTrue(try messenger.drafts().isEmpty, "an empty draft is dropped")

        try messenger.setArchived("t0", true)
        XCTAssertEqual(try messenger.inbox().map(\.id), ["t2", "t1"])
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(archived: true)).map(\.id), ["t0"])

        try messenger.delete("t2")
        XCTAssertThrowsError(try messenger.thread("t2"))
        let pending = try vault.read { try $0.outbox.pending(limit: 100) }
        XCTAssertEqual(pending.map(\.recordID), ["t2"], "the deletion of the message is sent")
        XCTAssertEqual(pending.first?.operation, .delete)
    }

    /// The paged inbox (count, pages, a thread's rank) is exactly the whole inbox `inbox()` builds
    /// from every row, for every filter, order and search: a search found once and kept in the
    /// list's order (issue 14), the unread counts the threads keep, ties on the date broken by id,
    /// another space's messages never found.
    func testThePagedInboxIsTheWholeInboxForEveryFilterOrderAndSearch() throws {
        let (vault, directory) = try makeVault()
        defer { vault.close(); directory.remove() }
        let words = ["ordonnance", "tension", "bilan", "vaccin", "radio"]
        try vault.write { session in
            for profile in ["helene", "leo"] {
                try session.profiles.save(Profile(id: profile, relation: profile == "leo" ? .child : .own, givenName: profile,
                                                  familyName: "Martineau"), origin: .remote)
            }
            for number in 0..<240 {
                let profile = number % 8 == 7 ? "leo" : "helene"
                let id = String(format: "t%03d", (number * 97) % 241)
                // Every three threads share a date: the order falls back on the id.
                var thread = MessageThread(id: id, profileID: profile, subject: "Suivi \(words[number % 5]) \(number)", participants: [doctor],
                                           lastActivity: Date(timeIntervalSince1970: 1_700_000_000 + Double(number / 3) * 60))
                thread.isArchived = number % 11 == 0
                try session.threads.save(thread, origin: .remote)
                for index in 0..<(number % 4) {
                    try session.messages.save(Message(id: "\(id)-\(index)", profileID: profile, threadID: id, sender: doctor,
                                                      sent: thread.lastActivity, body: "Votre \(words[(number + index + 1) % 5]) n° \(number)",
                                                      isRead: (number + index) % 3 != 0), origin: .remote)
                }
            }
        }
        let messenger = Messenger(vault: vault, profileID: "helene")
        var searched = 0
        for search in ["", "o", "ordonnance", "TENSION", "bilan 12", "dr sophie", "suivi vaccin", "zzz", "!!"] {
            for (unreadOnly, archived) in [(false, false), (true, false), (false, true), (true, true)] {
                for sort in InboxSort.allCases {
                    let filter = InboxFilter(unreadOnly: unreadOnly, archived: archived, search: search)
                    let whole = try messenger.inbox(filter: filter, sort: sort)
                    let context = "search \(search), unread \(unreadOnly), archived \(archived), \(sort)"
                    let (count, pages, ranks, unread) = try messenger.readInbox(messenger.inboxQuery(filter: filter, sort: sort)) { reader in
                        var rows: [ThreadSummaryRow] = []
                        while true {
                            let page = try reader.page(offset: rows.count, limit: 7)
                            rows += page
                            if page.count < 7 { break }
                        }
                        let ranks = try whole.map { try reader.position(of: $0.id) }
                        return (try reader.count(), rows, ranks, try reader.unread())
                    }
                    XCTAssertEqual(pages, whole, context)
                    XCTAssertEqual(count, whole.count, context)
                    XCTAssertEqual(ranks, Array(whole.indices), context)
                    let all = try messenger.inbox(filter: InboxFilter(archived: archived))
                    XCTAssertEqual(unread, all.reduce(0) { $0 + $1.unread }, context)
                    if !search.isEmpty && !whole.isEmpty { searched += 1 }
                }
            }
        }
        XCTAssertGreaterThan(searched, 40)
        XCTAssertEqual(try messenger.inbox().filter { $0.unread > 0 }.count, try messenger.inbox(filter: InboxFilter(unreadOnly: true)).count)
        XCTAssertNil(try messenger.readInbox(messenger.inboxQuery(filter: InboxFilter(search: "ordonnance"))) { try $0.position(of: "absent") })
        let leo = Messenger(vault: vault, profileID: "leo")
        XCTAssertEqual(try leo.readInbox(leo.inboxQuery(filter: InboxFilter(search: "suivi"))) { try $0.page(offset: 0, limit: 100) }.count,
                       27, "another space's 30 threads, 3 of them archived")
    }

    func testAFileIsCheckedLikeADocument() {
        XCTAssertThrowsError(try Messenger.file(named: "virus.exe", content: Array("MZ".utf8)))
        XCTAssertThrowsError(try Messenger.file(named: "gros.txt", content: [UInt8](repeating: 0x41, count: 5 * 1024 * 1024 + 1)))
        XCTAssertEqual(try Messenger.file(named: "../../a.txt", content: Array("ok".utf8)).title, "a.txt")
    }

    private func makeVault() throws -> (Vault, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "mes-messenger")
        let vault = try Vault.create(in: VaultDirectory(directory.url), passphrase: .init(copying: Array("phrase de test".utf8)),
                                     keyDerivation: .fixed(.minimumForTests)).vault
        return (vault, directory)
    }
}

