import FHIR
import Foundation
import HealthRecord
import LocalServer
@testable import Sync
import TestSupport
import Vault
import XCTest

/// Session 24 of issue 16, against a real `mes-server` over HTTP: the match an invitation is
/// confirmed on (nothing sent before), the hand-over of an ended aidant's unsent changes to
/// the holder (one document, once, without reopening the space), and attestations written in
/// French whatever the server's language.
final class HandOverServerTests: XCTestCase {
    func testTheMatchIsShownBeforeAnythingIsSentAndTheLimitsAreSaidThen() async throws {
        let server = try TestServer(extra: ["--enable-test-clock"])
        try await account(server, "claire.dupont", family: "Dupont", given: "Claire", birthDate: "1981-05-06")
        let holder = try TestClient()
        try await holder.login(server)
        let operations = try DelegationOperations(vault: holder.vault)
        let until = Date().addingTimeInterval(30 * 86400)
        let claire = DelegationOperations.Invitee(identifier: "claire.dupont", family: "dupont", given: "CLAIRE", birthDate: "1981-05-06")
        let match = try await operations.check(claire, patient: "helene", until: until)
        XCTAssertEqual(match.name, "Claire Dupont")
        XCTAssertEqual(match.identifier, "claire.dupont")
        XCTAssertEqual(match.birthDate, "1981-05-06")
        // Nothing was sent: Claire has no invitation.
        let aidant = try await client(server, "claire.dupont")
        let none = try await DelegationOperations(vault: aidant.vault).invitations()
        XCTAssertEqual(none.count, 0)
        let wrong = await refusal { _ = try await operations.check(.init(identifier: "claire.dupont", family: "Dupont", given: "Claire",
                                                                         birthDate: "1981-05-07"), patient: "helene", until: until) }
        XCTAssertEqual(wrong?.1, "no-match")
        // Julien is Hélène's aidant already (the demo): checking him again says so before the form is sent.
        let julien = await refusal { _ = try await operations.check(.init(identifier: "julien.martineau", family: "Martineau", given: "Julien",
                                                                          birthDate: "1994-03-12"), patient: "helene", until: until) }
        XCTAssertEqual(julien?.0, 422)
        XCTAssertEqual(julien?.1, "already-delegated")
    }

    func testAnEndedAidantHandsTheUnsentChangesToTheHolderOnceWithoutGettingTheSpaceBack() async throws {
        // The server speaks English: the attestations are French all the same.
        let server = try TestServer(extra: ["--enable-test-clock", "--lang", "en"])
        try await account(server, "claire.dupont", family: "Dupont", given: "Claire")
        let holder = try TestClient()
        try await holder.login(server)
        _ = await holder.sync()
        let holderOps = try DelegationOperations(vault: holder.vault)
        let consent = try await holderOps.invite(.init(identifier: "claire.dupont", family: "Dupont", given: "Claire", birthDate: "1980-01-02"),
                                                 patient: "helene", rubriques: [.documents, .agenda], until: Date().addingTimeInterval(30 * 86400))
        let aidant = try await client(server, "claire.dupont")
        let aidantOps = try DelegationOperations(vault: aidant.vault)
        let early = await refusal { _ = try await aidantOps.handOver([], patient: "helene") }
        XCTAssertEqual(early?.1, "no-ended-delegation", "a pending invitation hands nothing over")
        try await aidantOps.answer(consent: consent, accept: true)
        _ = await aidant.sync()
        var appointment = AgendaEvent(id: "appt-by-claire", profileID: "helene", category: .appointment, title: "Kiné (pris par Claire)",
                                      start: Date().addingTimeInterval(3 * 86400))
        try aidant.changes.save(appointment)
        let sent = await aidant.sync()
        XCTAssertEqual(sent.sent, 1, "\(sent)")
        let active = await refusal { _ = try await aidantOps.handOver([], patient: "helene") }
        XCTAssertEqual(active?.1, "still-delegated")

        // Revoked while a change waits: the sync keeps and reports it.
        appointment.title = "Kiné (déplacé par Claire au jeudi)"
        try aidant.changes.save(appointment)
        try await holderOps.revoke(consent: consent)
        let report = await aidant.sync()
        XCTAssertEqual(report.lostChanges.map(\.count), [1], "\(report)")
        let kept = try aidant.vault.read { try $0.lostChanges.bySpace() }
        XCTAssertEqual(kept.map(\.id), ["helene"])

        // Handed over: one document in the holder's space, the change in it.
        let document = try await aidantOps.handOver(kept[0].changes, patient: "helene")
        let again = await refusal { _ = try await aidantOps.handOver(kept[0].changes, patient: "helene") }
        XCTAssertEqual(again?.0, 409)
        XCTAssertEqual(again?.1, "already-handed-over", "once per delegation")
        // The space stays closed to the aidant, the deposit included.
        let value1 = try await status(server, "/DocumentReference/\(document)", token: token(aidant))
        XCTAssertEqual(value1, 404)
        let value2 = try await status(server, "/DocumentReference", query: [("patient", "helene")], token: token(aidant))
        XCTAssertTrue([403, 404].contains(value2), "\(value2)")
        // Someone who never helped Hélène cannot deposit anything.
        try await account(server, "stranger", family: "Inconnu", given: "Paul")
        let stranger = try await client(server, "stranger")
        let refused = await refusal { _ = try await DelegationOperations(vault: stranger.vault).handOver(kept[0].changes, patient: "helene") }
        XCTAssertEqual(refused?.1, "no-ended-delegation")

        _ = await holder.sync()
        let deposit = try XCTUnwrap(try holder.find(Document.self, document))
        XCTAssertEqual(deposit.title, "Modifications non envoyées, remises par Claire Dupont")
        let content = try await SyncEngine(vault: holder.vault).fetchContent(of: document)
        let text = String(decoding: content.bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("Kiné (déplacé par Claire au jeudi)"), text)
        XCTAssertTrue(text.contains("appt-by-claire"), text)
        XCTAssertTrue(text.contains("Elles n’ont pas été appliquées"), text)
        XCTAssertTrue(text.range(of: #""start": "20\d\d-\d\d-\d\dT"#, options: .regularExpression) != nil, "dates written out:\n\(text)")
        XCTAssertTrue(deposit.isMaskedFromProfessionals, "a note between the aidant and the holder")
        XCTAssertEqual(try holder.find(AgendaEvent.self, "appt-by-claire")?.title, "Kiné (pris par Claire)",
                       "nothing is applied to the space: the holder has the version sent before the end")
        let history = try holder.vault.read { try $0.auditEntries.all(profile: "helene") }
        XCTAssertTrue(history.contains { $0.actorName == "Claire Dupont" && $0.targetID == document }, "\(history.map { ($0.actorName, $0.targetID ?? "") })")
        // The holder discards it as any document of theirs: deleted, and gone from the server.
        XCTAssertEqual(deposit.origin, .patient, "on the holder's side: deletable")
        try holder.changes.delete(Document.self, id: document)
        let discarded = await holder.sync()
        XCTAssertEqual(discarded.sent, 1, "\(discarded)")
        let value3 = try await status(server, "/DocumentReference/\(document)", token: token(holder))
        XCTAssertTrue([404, 410].contains(value3), "\(value3)")

        // The attestations (start and end), in French although the server speaks English.
        for prefix in ["Attestation de délégation d’accès : Claire Dupont", "Attestation de fin de délégation : Claire Dupont"] {
            let attestation = try XCTUnwrap(try holder.vault.read { try $0.documents.all(profile: "helene") }.first { $0.title.hasPrefix(prefix) },
                                            prefix)
            let pdf = try await SyncEngine(vault: holder.vault).fetchContent(of: attestation.id)
            let words = try pdfText(pdf.bytes)
            XCTAssertTrue(words.contains("Rubriques couvertes") && words.contains("Période : du"), words)
            XCTAssertTrue(words.contains("Hélène MARTINEAU"), words)
            XCTAssertFalse(words.contains("Period") || words.contains("delegation"), words)
        }
    }

    func testAnExpiredDelegationHandsOverWithinThirtyDaysOfItsEndAndNotAfter() async throws {
        let server = try TestServer(extra: ["--enable-test-clock"])
        try await account(server, "claire.dupont", family: "Dupont", given: "Claire")
        try await account(server, "paul.martin", family: "Martin", given: "Paul")
        let holder = try TestClient()
        try await holder.login(server)
        let holderOps = try DelegationOperations(vault: holder.vault)
        // Two delegations of a week; Claire's and Paul's changes wait unsent when they expire.
        var clients: [TestClient] = []
        for (login, family, given) in [("claire.dupont", "Dupont", "Claire"), ("paul.martin", "Martin", "Paul")] {
            let consent = try await holderOps.invite(.init(identifier: login, family: family, given: given, birthDate: "1980-01-02"),
                                                     patient: "helene", rubriques: [.agenda], until: Date().addingTimeInterval(7 * 86400))
            let aidant = try await client(server, login)
            try await DelegationOperations(vault: aidant.vault).answer(consent: consent, accept: true)
            _ = await aidant.sync()
            try aidant.changes.save(AgendaEvent(id: "appt-\(given)", profileID: "helene", category: .reminder, title: "Rappel de \(given)",
                                                start: Date().addingTimeInterval(2 * 86400)))
            clients.append(aidant)
        }
        func advance(days: Double) async throws {
            let body: JSON = ["advanceSeconds": .double(days * 86400)]
            let moved = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(method: "POST", path: "/_test/clock",
                                                                                             body: Data(body.serialized())))
            XCTAssertEqual(moved.status, 200)
        }
        // Ten days on: both expired three days ago; Claire hands hers over.
        try await advance(days: 10)
        for aidant in clients {
            try await aidant.login(server, identifier: aidant === clients[0] ? "claire.dupont" : "paul.martin",
                                   password: aidant === clients[0] ? "secret-claire.dupont" : "secret-paul.martin")
            let report = await aidant.sync()
            XCTAssertEqual(report.lostChanges.map(\.count), [1], "\(report)")
        }
        let claireChanges = try clients[0].vault.read { try $0.lostChanges.all() }
        _ = try await DelegationOperations(vault: clients[0].vault).handOver(claireChanges, patient: "helene")
        // Forty days on (33 after the end): Paul is too late, and told to export instead.
        try await advance(days: 30)
        try await clients[1].login(server, identifier: "paul.martin", password: "secret-paul.martin")
        let paulChanges = try clients[1].vault.read { try $0.lostChanges.all() }
        let late = await refusal { _ = try await DelegationOperations(vault: clients[1].vault).handOver(paulChanges, patient: "helene") }
        XCTAssertEqual(late?.0, 403)
        XCTAssertEqual(late?.1, "hand-over-closed")
    }

    /// The text of a PDF, by `pdftotext` (poppler-utils, in the Makefile's packages).
    func pdfText(_ bytes: [UInt8]) throws -> String {
        let directory = try TemporaryDirectory(prefix: "mes-handover-pdf")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("a.pdf")
        try Data(bytes).write(to: file)
        return try ProcessRunner.run("/usr/bin/pdftotext", ["-enc", "UTF-8", file.path, "-"]).standardOutput
    }
}
