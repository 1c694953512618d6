import Documents
import FHIR
import Foundation
import HealthRecord
import Messaging
import Sync
import Vault
import XCTest

/// The messagerie against a real `mes-server` (demo world), synced by the sync engine.
final class MessagingServerTests: XCTestCase {
    func testTheDemoInboxArrivesWithItsRules() async throws {
        let server = try MessagingServer()
        let client = try await server.client()
        let messenger = try client.messenger()
        XCTAssertEqual(try messenger.ownAddress(), "266049900000011@patient.mssante.fr")
        let inbox = try messenger.inbox()
        XCTAssertEqual(inbox.map(\.id), ["msg-bio", "msg-cardio", "msg-radio", "msg-gp", "msg-urgences"], "newest first")
        XCTAssertEqual(Set(inbox.map(\.correspondent)).count, 5, "five professionals")
        let cardio = try XCTUnwrap(inbox.first { $0.id == "msg-cardio" })
        XCTAssertEqual(cardio.profession, "Cardiologie")
        XCTAssertEqual(cardio.unread, 1, "the patient's own reply is not unread")
        XCTAssertTrue(cardio.lastFromPatientSide)
        XCTAssertEqual(try messenger.inbox(sort: .oldestFirst).first?.id, "msg-urgences")

        // The rules shown by the screen come from the records.
        XCTAssertEqual(try messenger.conversation("msg-radio").replyRefusal, .closed)
        XCTAssertEqual(try messenger.conversation("msg-urgences").replyRefusal, .noReply)
        XCTAssertNil(try messenger.conversation("msg-bio").replyRefusal)
        XCTAssertThrowsError(try messenger.reply(to: "msg-radio", body: "Encore une question")) { error in
            XCTAssertEqual(error as? MessagingError, .replyRefused(.closed))
        }

        // Full-text search in the vault finds bodies, accents ignored; unread filter; read marks stay local.
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "jeun")).map(\.id), ["msg-bio"])
        XCTAssertEqual(try messenger.inbox(filter: InboxFilter(search: "hba1c")).map(\.id), ["msg-gp"])
        try messenger.markRead("msg-bio")
        XCTAssertFalse(try messenger.inbox(filter: InboxFilter(unreadOnly: true)).contains { $0.id == "msg-bio" })
        XCTAssertEqual(try client.vault.read { try $0.outbox.count() }, 0, "the read mark is not sent")

        // The attachment opens like a document and can be saved into the documents.
        let first = try XCTUnwrap(try messenger.conversation("msg-cardio").messages.first?.message)
        XCTAssertEqual(first.files.count, 1)
        guard case .text(let text) = try messenger.reading(of: 0, of: first.id) else { return XCTFail("a text attachment") }
        XCTAssertTrue(text.contains("automesure"))
        let library = try XCTUnwrap(try DocumentLibrary.open(client.vault))
        let saved = try messenger.saveToDocuments(0, of: first.id, title: "Fiche d'automesure", category: .prevention, library: library)
        XCTAssertEqual(try library.summary(saved.id).category, .prevention)
        let sync = await client.engine.sync()
        XCTAssertEqual(sync.outcome, .complete)
        let holder = try await patientToken(server)
        let stored = try await server.request("GET", "/DocumentReference/\(saved.id)", token: holder)
        XCTAssertEqual(stored.status, 200, "the saved attachment is a document on the server")
    }

    func testAProfessionalWritesThePatientRepliesWithADocumentAndTheProfessionalReadsBoth() async throws {
        let server = try MessagingServer()
        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let started = try await server.request("POST", "/Patient/helene/$message", json: [
            "topic": "Résultats du bilan", "text": "Votre bilan est normal. Pouvez-vous m'envoyer votre dernière ordonnance ?",
        ], token: garnier)
        XCTAssertEqual(started.status, 201)
        let threadID = try XCTUnwrap(started.json["id"]?.stringValue)

        let client = try await server.client()
        let messenger = try client.messenger()
        let row = try XCTUnwrap(try messenger.inbox().first { $0.id == threadID })
        XCTAssertEqual(row.subject, "Résultats du bilan")
        XCTAssertEqual(row.unread, 1)
        XCTAssertEqual(row.correspondent, "Dr Amélie Garnier")
        XCTAssertEqual(row.profession, "Biologie médicale")

        // A draft survives closing and reopening the vault.
        try messenger.saveDraft(MessageDraft(threadID: threadID, body: "Bonjour docteur,"))
        XCTAssertEqual(try client.messenger().draft(for: threadID)?.body, "Bonjour docteur,")

        let file = try Messenger.file(named: "tension.txt", content: Array("Tension : 13/8\n".utf8))
        let reply = try messenger.reply(to: threadID, body: "Bonjour docteur,\nla voici.", attachmentIDs: ["doc-ordonnance"], files: [file])
        XCTAssertNil(try messenger.draft(for: threadID), "sending drops the draft")
        XCTAssertEqual(try messenger.conversation(threadID).messages.last?.state, .pending)
        let sync = await client.engine.sync()
        XCTAssertEqual(sync.outcome, .complete, "\(sync)")
        XCTAssertEqual(try messenger.conversation(threadID).messages.last?.state, .sent)

        let read = try await server.request("GET", "/Communication/\(threadID)/$thread", token: garnier)
        XCTAssertEqual(read.status, 200)
        let (messages, others) = threadEntries(read.json)
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(messages.last?["id"]?.stringValue, reply.id)
        XCTAssertEqual(messages.last?["payload"]?[0]?["contentString"]?.stringValue, "Bonjour docteur,\nla voici.")
        XCTAssertEqual(others["DocumentReference"]?.first?["id"]?.stringValue, "doc-ordonnance", "the attached document comes with the thread")
        XCTAssertNotNil(others["Binary"]?.first?["data"]?.stringValue, "and its content")
        let attached = messages.last?["payload"]?.elements.compactMap { $0["contentAttachment"]?["title"]?.stringValue }
        XCTAssertEqual(attached, ["tension.txt"])

        // Another professional does not see this conversation.
        let bernard = try await server.professional(rpps: DemoPro.bernard.rpps, password: DemoPro.bernard.password)
        let foreign = try await server.request("GET", "/Communication/\(threadID)/$thread", token: bernard)
        XCTAssertEqual(foreign.status, 404)
        let inbox = try await server.request("GET", "/$messages", token: garnier)
        XCTAssertTrue(inbox.json["entry"]?.elements.contains { $0["resource"]?["id"]?.stringValue == threadID } == true)
    }

    /// Each thread keeps its unread count (schema version 6, issue 14): it follows what the sync
    /// brings (a first message is its thread's first record), what the patient reads, writes,
    /// archives and deletes, and always equals a count of the thread's messages.
    func testTheUnreadCountsFollowTheSyncReadsRepliesAndDeletions() async throws {
        let server = try MessagingServer()
        let client = try await server.client()
        let messenger = try client.messenger()
        func counts(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int] {
            var counts: [String: Int] = [:]
            for archived in [false, true] {
                let rows = try messenger.inbox(filter: InboxFilter(archived: archived))
                for row in rows {
                    let unread = try messenger.conversation(row.id).messages.filter { !$0.message.isRead }.count
                    XCTAssertEqual(row.unread, unread, "thread \(row.id)", file: file, line: line)
                    counts[row.id] = row.unread
                }
                let total = try messenger.readInbox(messenger.inboxQuery(filter: InboxFilter(archived: archived))) { try $0.unread() }
                XCTAssertEqual(total, rows.reduce(0) { $0 + $1.unread }, "archived \(archived)", file: file, line: line)
                let unreadOnly = try messenger.inbox(filter: InboxFilter(unreadOnly: true, archived: archived)).map(\.id)
                XCTAssertEqual(unreadOnly, rows.filter { $0.unread > 0 }.map(\.id), file: file, line: line)
            }
            return counts
        }
        let demo = try counts()
        XCTAssertEqual(demo["msg-cardio"], 1, "the patient's own reply is not unread")

        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let started = try await server.request("POST", "/Patient/helene/$message", json: ["topic": "Bilan", "text": "Votre bilan."], token: garnier)
        let id = try XCTUnwrap(started.json["id"]?.stringValue)
        for text in ["Un complément.", "Et un autre."] {
            let written = try await server.request("POST", "/Communication/\(id)/$reply", json: ["text": .string(text)], token: garnier)
            XCTAssertEqual(written.status, 201)
        }
        let arrived = await client.engine.sync()
        XCTAssertEqual(arrived.outcome, .complete, "\(arrived)")
        XCTAssertEqual(try counts()[id], 3)

        try messenger.markRead(id)
        XCTAssertEqual(try counts()[id], 0)
        let again = try await server.request("POST", "/Communication/\(id)/$reply", json: ["text": "Encore."], token: garnier)
        XCTAssertEqual(again.status, 201)
        let answered = await client.engine.sync()
        XCTAssertEqual(answered.outcome, .complete, "\(answered)")
        XCTAssertEqual(try counts()[id], 1, "the messages read stay read; the new one is unread")

        try messenger.reply(to: id, body: "Merci docteur.")
        let sent = await client.engine.sync()
        XCTAssertEqual(sent.outcome, .complete, "\(sent)")
        XCTAssertEqual(try counts()[id], 1, "the patient's own reply is not unread")

        try messenger.setArchived(id, true)
        XCTAssertEqual(try counts()[id], 1)
        XCTAssertEqual(try messenger.readInbox(messenger.inboxQuery(filter: InboxFilter(archived: true))) { try $0.unread() }, 1)
        try messenger.delete(id)
        XCTAssertNil(try counts()[id])
        let deleted = await client.engine.sync()
        XCTAssertEqual(deleted.outcome, .complete, "\(deleted)")
        XCTAssertEqual(try counts(), demo)
    }

    func testAClosedThreadRefusesTheReplyWithTheReasonShown() async throws {
        let server = try MessagingServer()
        let client = try await server.client()
        let messenger = try client.messenger()
        // The patient writes while the professional closes the conversation.
        let reply = try messenger.reply(to: "msg-bio", body: "Faut-il aussi venir à jeun pour la glycémie ?")
        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let closed = try await server.request("POST", "/Communication/msg-bio/$close", token: garnier)
        XCTAssertEqual(closed.status, 200)
        let sync = await client.engine.sync()
        XCTAssertNotEqual(sync.outcome, .complete)
        let conversation = try messenger.conversation("msg-bio")
        XCTAssertEqual(conversation.messages.first { $0.message.id == reply.id }?.state, .refused(reason: "thread-closed"))
        XCTAssertTrue(conversation.thread.isClosed, "the closing arrived")
        XCTAssertEqual(conversation.replyRefusal, .closed)
        XCTAssertEqual(MessagingWording.state(.refused(reason: "thread-closed")), "refusé : le professionnel a mis fin aux échanges")
        // The user withdraws it: nothing is left to send.
        try messenger.discard(messageID: reply.id)
        XCTAssertEqual(try client.vault.read { try $0.outbox.count() }, 0)
        let again = await client.engine.sync()
        XCTAssertEqual(again.outcome, .complete)
    }

    func testAReplyWrittenOfflineIsSentOnceWhenTheServerIsBack() async throws {
        let server = try MessagingServer(faults: true)
        let client = try await server.client()
        let messenger = try client.messenger()
        server.stop()
        let reply = try messenger.reply(to: "msg-bio", body: "Écrit hors ligne.")
        let offline = await client.engine.sync()
        XCTAssertEqual(offline.outcome, .offline)
        XCTAssertEqual(try messenger.conversation("msg-bio").messages.last?.state, .pending)
        try server.restart()
        try server.repoint(client)
        let back = await client.engine.sync()
        XCTAssertEqual(back.outcome, .complete, "\(back)")
        XCTAssertEqual(try messenger.conversation("msg-bio").messages.last?.state, .sent)

        // The server took a second reply but its answer was lost (as when the client is killed
        // mid-send): the retry does not make a copy.
        let second = try messenger.reply(to: "msg-bio", body: "Deuxième message.")
        try await server.injectFault("truncate", count: 1, path: "/Communication/\(second.id)")
        _ = await client.engine.sync()
        let settled = await client.engine.sync()
        XCTAssertEqual(settled.outcome, .complete, "\(settled)")
        XCTAssertEqual(try messenger.conversation("msg-bio").messages.last?.state, .sent)
        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let (messages, _) = threadEntries(try await server.request("GET", "/Communication/msg-bio/$thread", token: garnier).json)
        XCTAssertEqual(messages.filter { $0["id"]?.stringValue == reply.id }.count, 1)
        XCTAssertEqual(messages.filter { $0["id"]?.stringValue == second.id }.count, 1)
        XCTAssertEqual(messages.count, 3, "the first message and two replies, each once")
    }

    func testAnOrdonnanceReachesAPharmacyAndADoctorCannotBeWrittenToFirst() async throws {
        let server = try MessagingServer()
        let client = try await server.client()
        let messenger = try client.messenger()
        let pharmacies = try await client.engine.pharmacies(for: "helene")
        XCTAssertEqual(pharmacies.first?.id, "pharmacie-tilleuls", "the pharmacy of the reimbursements comes first")
        XCTAssertTrue(pharmacies.first?.frequented == true)
        XCTAssertEqual(pharmacies.filter(\.frequented).count, 1)
        let found = try await client.engine.pharmacies(for: "helene", search: "villeurbanne")
        XCTAssertEqual(found.map(\.id), ["pharmacie-gare"])

        let thread = try messenger.startWithPharmacy(try XCTUnwrap(pharmacies.first).participant, documentID: "doc-ordonnance",
                                                     note: "Je passe la chercher demain.", topic: "Ordonnance")
        XCTAssertNil(try messenger.conversation(thread.id).replyRefusal, "the patient may write again to the pharmacy")
        let sync = await client.engine.sync()
        XCTAssertEqual(sync.outcome, .complete, "\(sync)")
        XCTAssertEqual(try messenger.conversation(thread.id).messages.first?.state, .sent)
        XCTAssertTrue(try messenger.thread(thread.id).isWithPharmacy)

        let morel = try await server.professional(rpps: DemoPro.morel.rpps, password: DemoPro.morel.password)
        let inbox = try await server.request("GET", "/$messages", token: morel)
        XCTAssertEqual(inbox.json["entry"]?.elements.compactMap { $0["resource"]?["id"]?.stringValue }, [thread.id])
        let read = try await server.request("GET", "/Communication/\(thread.id)/$thread", token: morel)
        let (messages, others) = threadEntries(read.json)
        XCTAssertEqual(messages.first?["payload"]?[0]?["contentString"]?.stringValue, "Je passe la chercher demain.")
        XCTAssertEqual(others["DocumentReference"]?.first?["id"]?.stringValue, "doc-ordonnance")
        let answered = try await server.request("POST", "/Communication/\(thread.id)/$reply", json: ["text": "Elle sera prête à 10 h."], token: morel)
        XCTAssertEqual(answered.status, 201)

        // A patient cannot start a thread with a doctor.
        let holder = try await patientToken(server)
        let toDoctor: JSON = ["resourceType": "Communication", "id": "to-doctor", "status": "completed", "subject": ["reference": "Patient/helene"],
                              "recipient": [["reference": "Practitioner/bernard"]], "payload": [["contentString": "Bonjour"]]]
        let refused = try await server.request("PUT", "/Communication/to-doctor", json: toDoctor, token: holder)
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.json["issue"]?[0]?["details"]?["coding"]?[0]?["code"]?.stringValue, "patient-cannot-start-thread")
        // …nor with a pharmacy professional's own endpoint.
        let asPatient = try await server.request("POST", "/Patient/helene/$message", json: ["topic": "x", "text": "y"], token: holder)
        XCTAssertEqual(asPatient.status, 403)
    }

    func testAnAidantsMessageIsSignedOnBothSides() async throws {
        let server = try MessagingServer()
        let client = try await server.client("julien.martineau", password: "demo-julien")
        let messenger = try client.messenger("helene")
        let reply = try messenger.reply(to: "msg-bio", body: "Ma mère viendra à jeun.", author: "Julien Martineau")
        XCTAssertEqual(reply.writtenFor, "Hélène MARTINEAU")
        let sync = await client.engine.sync()
        XCTAssertEqual(sync.outcome, .complete, "\(sync)")
        let shown = try XCTUnwrap(try messenger.conversation("msg-bio").messages.last?.message)
        XCTAssertEqual(MessagingWording.sender(shown, ownProfileID: "helene"), "rédigé par Julien Martineau, aidant de Hélène MARTINEAU")
        let garnier = try await server.professional(rpps: DemoPro.garnier.rpps, password: DemoPro.garnier.password)
        let (messages, _) = threadEntries(try await server.request("GET", "/Communication/msg-bio/$thread", token: garnier).json)
        let signed = messages.last?["extension"]?.elements.first { $0["url"]?.stringValue == ExtensionURL.writtenFor }?["valueString"]?.stringValue
        XCTAssertEqual(signed, "Hélène MARTINEAU")
        XCTAssertEqual(messages.last?["sender"]?["display"]?.stringValue, "Julien Martineau")
    }

    private func patientToken(_ server: MessagingServer) async throws -> String {
        let (_, login) = try await server.request("POST", API.Path.login, json: ["identifier": "helene.martineau", "password": "demo-helene"])
        let challenge = try XCTUnwrap(login["challenge"]?.stringValue)
        let code = try String(contentsOf: server.directory.url.appendingPathComponent("otp/helene.martineau.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, answer) = try await server.request("POST", API.Path.verifyCode, json: ["challenge": .string(challenge), "code": .string(code)])
        return try XCTUnwrap(answer["access_token"]?.stringValue)
    }
}
