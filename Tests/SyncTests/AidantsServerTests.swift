import FHIR
import Foundation
import HealthRecord
import LocalServer
@testable import Sync
import TestSupport
import Vault
import XCTest

/// Aidants and legal representatives against a real `mes-server` over HTTP (issue 16): an
/// invitation matched by identifier, name and birth date; accepted, the aidant reads and writes
/// inside the delegation's rubriques and gets 403 outside; what the aidant does is in the
/// holder's history as theirs; the attestation PDF lands in the holder's documents; revoked
/// while the aidant has unsent changes, the next sync removes the space and reports (keeps)
/// those changes; the limits 3 and 5 are refused with their reason; a child turning 18 (the
/// server's test clock) leaves the parent's vault, and a second legal representative never
/// receives what is invisible to legal representatives.
final class AidantsServerTests: XCTestCase {
    /// A patient account of the test's own, through the test-only endpoint.
    @discardableResult
    func account(_ server: TestServer, _ login: String, family: String, given: String, birthDate: String = "1980-01-02",
                 holder: Bool = false) async throws -> String? {
        let body: JSON = ["login": .string(login), "password": .string("secret-\(login)"), "family": .string(family), "given": .string(given),
                          "birthDate": .string(birthDate), "holder": .bool(holder)]
        let answer = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(method: "POST", path: "/_test/accounts",
                                                                                          body: Data(body.serialized())))
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        return try JSON(parsing: answer.body)["patient"]?.stringValue
    }

    func client(_ server: TestServer, _ login: String, password: String? = nil) async throws -> TestClient {
        let client = try TestClient()
        try await client.login(server, identifier: login, password: password ?? "secret-\(login)")
        return client
    }

    func token(_ client: TestClient) throws -> String { try XCTUnwrap(Account.stored(in: client.vault)).token }

    func status(_ server: TestServer, _ path: String, query: [(String, String)] = [], token: String) async throws -> Int {
        try await URLSessionTransport(baseURL: server.url).send(BackendRequest(path: path, query: query,
                                                                              headers: ["Authorization": "Bearer \(token)"])).status
    }

    func refusal(_ body: () async throws -> Void) async -> (Int, String?)? {
        do { try await body() } catch SyncError.refused(let status, let detail) { return (status, detail) } catch { XCTFail("\(error)") }
        return nil
    }

    func testInviteAcceptActInScopeThenRevokeKeepsTheUnsentChanges() async throws {
        let server = try TestServer(extra: ["--enable-test-clock"])
        try await account(server, "claire.dupont", family: "Dupont", given: "Claire")
        let holder = try TestClient()
        try await holder.login(server)
        let value1 = await holder.sync().outcome
        XCTAssertEqual(value1, .complete)
        let holderOps = try DelegationOperations(vault: holder.vault)
        let until = Date().addingTimeInterval(30 * 86400)

        // Matched on all three: a wrong birth date is "nobody", as an unknown identifier is.
        let wrong = DelegationOperations.Invitee(identifier: "claire.dupont", family: "Dupont", given: "Claire", birthDate: "1980-01-03")
        let mismatch = await refusal { _ = try await holderOps.invite(wrong, patient: "helene", rubriques: [.documents], until: until) }
        XCTAssertEqual(mismatch?.0, 404)
        XCTAssertEqual(mismatch?.1, "no-match")
        let claire = DelegationOperations.Invitee(identifier: "claire.dupont", family: "DUPONT", given: "claire", birthDate: "1980-01-02")
        let consent = try await holderOps.invite(claire, patient: "helene", rubriques: [.documents, .agenda], until: until)

        // Pending: the aidant sees the invitation, not the space yet.
        let aidant = try await client(server, "claire.dupont")
        let aidantOps = try DelegationOperations(vault: aidant.vault)
        var invitations = try await aidantOps.invitations()
        XCTAssertEqual(invitations.map(\.status), ["pending"])
        XCTAssertEqual(invitations.first?.name, "Hélène MARTINEAU")
        let value2 = try await status(server, "/DocumentReference/doc-echo", token: token(aidant))
        XCTAssertEqual(value2, 404, "nothing before accepting")
        _ = await holder.sync()
        XCTAssertEqual(try holder.find(Delegation.self, consent)?.status, .proposed)

        try await aidantOps.answer(consent: consent, accept: true)
        invitations = try await aidantOps.invitations()
        XCTAssertEqual(invitations.map(\.status), ["active"])
        let first = await aidant.sync()
        XCTAssertEqual(first.outcome, .complete, "\(first)")
        XCTAssertEqual(try aidant.find(Profile.self, "helene")?.relation, .delegated)
        XCTAssertNotNil(try aidant.find(Document.self, "doc-echo"), "documents are in the scope")
        XCTAssertNil(try aidant.find(HealthRecord.Condition.self, "cond-hta"), "the medical profile is not")
        let value3 = try await status(server, "/DocumentReference/doc-echo", token: token(aidant))
        XCTAssertEqual(value3, 200)
        let value4 = try await status(server, "/Condition", query: [("patient", "helene")], token: token(aidant))
        XCTAssertEqual(value4, 403, "outside the scope")
        let value5 = try await status(server, "/Condition/cond-hta", token: token(aidant))
        XCTAssertEqual(value5, 404)

        // The aidant writes inside the scope: it reaches the server, and the holder's history
        // says it was the aidant.
        let appointment = AgendaEvent(id: "appt-by-claire", profileID: "helene", category: .appointment, title: "Dentiste (pris par Claire)",
                                      start: Date().addingTimeInterval(5 * 86400))
        try aidant.changes.save(appointment)
        let sent = await aidant.sync()
        XCTAssertEqual(sent.sent, 1, "\(sent)")
        _ = await holder.sync()
        XCTAssertNotNil(try holder.find(AgendaEvent.self, "appt-by-claire"))
        let history = try holder.vault.read { try $0.auditEntries.all(profile: "helene") }
        let created = history.first { $0.action == .create && $0.targetID == "appt-by-claire" }
        XCTAssertEqual(created?.actorName, "Claire Dupont", "\(history.map { ($0.actorName, $0.action, $0.targetID ?? "") })")
        XCTAssertEqual(created?.actorRole, .caregiver)
        // The holder's delegation, and its attestation in the documents, as a PDF.
        XCTAssertEqual(try holder.find(Delegation.self, consent)?.status, .active)
        let attestation = try XCTUnwrap(try holder.vault.read { try $0.documents.all(profile: "helene") }
            .first { $0.title.hasPrefix("Attestation de délégation d’accès : Claire Dupont") })
        XCTAssertEqual(attestation.format, "application/pdf")
        let pdf = try await SyncEngine(vault: holder.vault).fetchContent(of: attestation.id)
        XCTAssertEqual(Array(pdf.bytes.prefix(5)), Array("%PDF-".utf8))

        // An unsent change, then the holder revokes: the space goes, the change is kept and said.
        var moved = appointment
        moved.title = "Dentiste (déplacé par Claire)"
        try aidant.changes.save(moved)
        try await holderOps.revoke(consent: consent)
        let after = await aidant.sync()
        XCTAssertNil(try aidant.find(Profile.self, "helene"))
        XCTAssertEqual(after.lostChanges.map(\.count), [1], "\(after)")
        XCTAssertEqual(after.lostChanges.first?.spaceName, "Hélène MARTINEAU")
        let kept = try aidant.vault.read { try $0.lostChanges.all() }
        XCTAssertEqual(kept.map(\.recordID), ["appt-by-claire"])
        XCTAssertTrue(kept.first?.payload?.contains("déplacé par Claire") == true)
        XCTAssertEqual(try aidant.vault.read { try $0.outbox.count() }, 0, "out of the outbox: the server would refuse it now")
        let value6 = try await status(server, "/DocumentReference/doc-echo", token: token(aidant))
        XCTAssertEqual(value6, 404)
        _ = await holder.sync()
        XCTAssertEqual(try holder.find(Delegation.self, consent)?.status, .revoked)
        XCTAssertTrue(try holder.vault.read { try $0.documents.all(profile: "helene") }
            .contains { $0.title.hasPrefix("Attestation de fin de délégation : Claire Dupont") })
    }

    func testTheLimitsAreThreeAidantsPerPersonAndFivePeoplePerAidant() async throws {
        let server = try TestServer(extra: ["--enable-test-clock"])
        let until = Date().addingTimeInterval(30 * 86400)
        let holder = try TestClient()
        try await holder.login(server)
        let holderOps = try DelegationOperations(vault: holder.vault)
        // Hélène has Julien already: two more, then the fourth is refused.
        for name in ["Anne", "Bruno"] {
            try await account(server, "aidant.\(name.lowercased())", family: "Test", given: name)
            _ = try await holderOps.invite(.init(identifier: "aidant.\(name.lowercased())", family: "Test", given: name, birthDate: "1980-01-02"),
                                           patient: "helene", rubriques: [.documents], until: until)
        }
        try await account(server, "aidant.carla", family: "Test", given: "Carla")
        let fourth = await refusal {
            _ = try await holderOps.invite(.init(identifier: "aidant.carla", family: "Test", given: "Carla", birthDate: "1980-01-02"),
                                           patient: "helene", rubriques: [.documents], until: until)
        }
        XCTAssertEqual(fourth?.0, 422)
        XCTAssertEqual(fourth?.1, "aidant-limit")

        // One aidant for five people; a sixth is refused.
        try await account(server, "busy.aidant", family: "Occupé", given: "Paul")
        let busy = DelegationOperations.Invitee(identifier: "busy.aidant", family: "Occupé", given: "Paul", birthDate: "1980-01-02")
        for index in 1...6 {
            let login = "person.\(index)"
            let space = try await account(server, login, family: "Personne", given: "N\(index)", holder: true)
            let person = try await client(server, login)
            let operations = try DelegationOperations(vault: person.vault)
            let answer = await refusal { _ = try await operations.invite(busy, patient: try XCTUnwrap(space), rubriques: [.agenda], until: until) }
            if index <= 5 {
                XCTAssertNil(answer, "person \(index)")
            } else {
                XCTAssertEqual(answer?.0, 422)
                XCTAssertEqual(answer?.1, "aidant-busy")
            }
        }
    }

    func testASecondRepresentativeAndAChildTurningEighteen() async throws {
        let server = try TestServer(extra: ["--enable-test-clock"])
        let parent = try TestClient()
        try await parent.login(server)
        let value7 = await parent.sync().outcome
        XCTAssertEqual(value7, .complete)
        XCTAssertEqual(try parent.find(Profile.self, "lucas")?.relation, .child)
        let operations = try DelegationOperations(vault: parent.vault)
        // Julien, invited as Lucas's second legal representative, gets the space as a parent,
        // without what is invisible to legal representatives.
        let julien = DelegationOperations.Invitee(identifier: "julien.martineau", family: "Martineau", given: "Julien", birthDate: "1994-03-12")
        let consent = try await operations.invite(julien, patient: "lucas", rubriques: [], until: Date().addingTimeInterval(365 * 86400),
                                                  legalRepresentative: true)
        let second = try await client(server, "julien.martineau", password: "demo-julien")
        try await DelegationOperations(vault: second.vault).answer(consent: consent, accept: true)
        let value8 = await second.sync().outcome
        XCTAssertEqual(value8, .complete)
        XCTAssertEqual(try second.find(Profile.self, "lucas")?.relation, .child)
        XCTAssertNotNil(try second.find(Document.self, "doc-lucas-bilan"))
        XCTAssertNil(try second.find(Document.self, "doc-lucas-secret"), "INVISIBLE_REPRESENTANTS_LEGAUX never reaches a representative")
        XCTAssertNil(try parent.find(Document.self, "doc-lucas-secret"), "nor the parent")
        // Bruno (Hélène is not a minor) cannot be invited as her representative.
        let notMinor = await refusal { _ = try await operations.invite(julien, patient: "helene", rubriques: [], until: Date().addingTimeInterval(86400),
                                                                       legalRepresentative: true) }
        XCTAssertEqual(notMinor?.1, "not-a-minor")

        // Lucas (born 2015-09-03) turns 18: the server's clock moves past it.
        let majority = try XCTUnwrap(FHIRDateTime.parse("2033-09-04T12:00:00Z"))
        let advance: JSON = ["advanceSeconds": .double(majority.timeIntervalSinceNow)]
        let moved = try await URLSessionTransport(baseURL: server.url).send(BackendRequest(method: "POST", path: "/_test/clock",
                                                                                         body: Data(advance.serialized())))
        XCTAssertEqual(moved.status, 200)
        // Tokens expired with the years: log in again, then sync.
        try await parent.login(server)
        let after = await parent.sync()
        XCTAssertEqual(after.outcome, .complete, "\(after)")
        XCTAssertEqual(after.lostChanges.map(\.count), [0], "the space is said lost, with nothing unsent")
        XCTAssertNil(try parent.find(Profile.self, "lucas"), "the young adult's space leaves the parent's vault")
        XCTAssertEqual(try parent.vault.read { try $0.documents.all(profile: "lucas") }.count, 0)
        XCTAssertNotNil(try parent.find(Profile.self, "helene"))
        // The young adult's own account now holds the space, the secret document included.
        let lucas = try await client(server, "lucas.martineau", password: "(espace géré par Hélène Martineau)")
        let value9 = await lucas.sync().outcome
        XCTAssertEqual(value9, .complete)
        XCTAssertEqual(try lucas.find(Profile.self, "lucas")?.relation, .own)
        XCTAssertNotNil(try lucas.find(Document.self, "doc-lucas-secret"))
    }
}
