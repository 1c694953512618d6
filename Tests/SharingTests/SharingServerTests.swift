import Documents
import FHIR
import Foundation
import HealthRecord
import Sharing
import Sync
import XCTest

/// Partage et confidentialité against a real `mes-server`: every rule both ways, with the
/// professional acting through `mes-server pro`, and each access found in the history.
final class SharingServerTests: XCTestCase {
    func testACodeOpensTheChosenRubriquesUntilTheHolderEndsIt() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let code = try await world.center.createCode(duration: .twoHours, rubriques: [.documents])
        XCTAssertEqual(code.code.count, 8)
        XCTAssertEqual(API.AccessCodePayload.decode(API.AccessCodePayload.encode(code: code.code)), code.code)
        let pending = try world.center.pendingCodes()
        XCTAssertEqual(pending.map(\.id), [code.consentID], "the unused code is listed, with its deadline")

        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", code.code).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "redeem", code.code).status, 1, "a code works once")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", "DocumentReference/doc-echo").status, 0, "inside the rubriques")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", "Immunization?patient=helene").status, 1, "outside them")

        await world.sync()
        let sessions = try world.center.sessions()
        let session = try XCTUnwrap(sessions.first)
        XCTAssertEqual(sessions.count, 1)
        XCTAssertEqual(session.professional, Practitioner(name: "Dr Sophie Bernard", rpps: "10003456782", specialty: "Cardiologie"))
        XCTAssertEqual(session.via, .code)
        XCTAssertEqual(session.practitionerID, "bernard")
        XCTAssertEqual(session.sections, [.documents])
        XCTAssertEqual(session.expires.timeIntervalSince(session.created), 7200, accuracy: 2)
        XCTAssertTrue(try world.center.pendingCodes().isEmpty)

        let history = try world.center.history(HistoryFilter(actor: "bernard"))
        XCTAssertTrue(history.contains { $0.action == .accessGranted && $0.actorRole == .professional }, "\(history)")
        XCTAssertTrue(history.contains { $0.action == .read && $0.targetID == "doc-echo" }, "\(history)")
        XCTAssertTrue(try world.center.history(HistoryFilter(actor: "garnier")).isEmpty)

        try await world.center.end(session.id)
        XCTAssertTrue(try world.center.sessions().isEmpty, "ended at once, and the sync that follows says so")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", "DocumentReference/doc-echo").status, 8 /* not found: what one may not see is not found (issue 19) */, "refused after mettre fin")
    }

    func testCodesAndSessionsExpire() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let unused = try await world.center.createCode(duration: .thirtyMinutes, rubriques: [.documents])
        let used = try await world.center.createCode(duration: .thirtyMinutes, rubriques: [.documents, .vaccinations])
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "redeem", used.code).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "Immunization?patient=helene").status, 0)
        try await world.advanceClock(minutes: 61)
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", unused.code).status, 1, "not redeemed within the hour")
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "DocumentReference/doc-echo").status, 8 /* not found: what one may not see is not found (issue 19) */, "the 30 minutes are over")
        XCTAssertTrue(try world.center.sessions(at: Date().addingTimeInterval(61 * 60)).isEmpty)
    }

    func testABlockedProfessionalLosesAccessUntilUnblocked() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let code = try await world.center.createCode(duration: .oneDay, rubriques: [.documents])
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", code.code).status, 0)
        await world.sync()

        let found = try await world.center.searchDirectory("bernard")
        XCTAssertEqual(found.map(\.practitioner.rpps), ["10003456782"], "the directory finds them by name")
        let blocked = try await world.center.block("10003456782")
        XCTAssertEqual(blocked.id, "bernard")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", "DocumentReference/doc-echo").status, 8 /* not found: what one may not see is not found (issue 19) */, "the session ended")
        XCTAssertTrue(try world.center.sessions().isEmpty)
        let blocks = try world.center.blockedProfessionals()
        XCTAssertEqual(blocks.map(\.practitionerID), ["bernard"])
        guard case .professional(let who)? = blocks.first?.target else { return XCTFail("a professional's block") }
        XCTAssertEqual(who, Practitioner(name: "Dr Sophie Bernard", rpps: "10003456782", specialty: "Cardiologie"), "named, with RPPS and specialty")
        do {
            try await world.center.block("10003456782")
            XCTFail("blocked twice")
        } catch {
            XCTAssertEqual(error, .alreadyBlocked)
        }

        let again = try await world.center.createCode(duration: .oneDay, rubriques: [.documents])
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", again.code).status, 1, "a new code does not help")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "emergency", "helene", "--reason", "malaise").status, 1, "nor an emergency")

        try await world.center.unblock("10003456782")
        XCTAssertTrue(try world.center.blockedProfessionals().isEmpty)
        let third = try await world.center.createCode(duration: .oneDay, rubriques: [.documents])
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", third.code).status, 0, "unblocked: a code works again")
    }

    func testEmergencyChoicesAreEnforcedBothWays() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        var policy = try await world.center.policy()
        XCTAssertFalse(policy.opposeSamu)
        policy = try await world.center.setPolicy { $0.opposeSamu = true }
        XCTAssertTrue(policy.opposeSamu)
        XCTAssertFalse(policy.opposeEmergency, "the two choices are separate")
        XCTAssertTrue(try world.center.cachedPolicy().opposeSamu, "remembered for offline use")
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "emergency", "helene", "--reason", "arrêt cardiaque", "--samu").status, 1)
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "emergency", "helene", "--reason", "malaise").status, 0,
                       "bris de glace is still allowed")

        try await world.center.setPolicy { $0.opposeSamu = false; $0.opposeEmergency = true }
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "emergency", "helene", "--reason", "malaise").status, 1)
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "emergency", "helene", "--reason", "arrêt cardiaque", "--samu").status, 0)

        await world.sync()
        let emergencies = try world.center.history(HistoryFilter(actions: [.emergencyAccess]))
        XCTAssertEqual(Set(emergencies.compactMap(\.via)), [.samu, .emergency], "\(emergencies)")
        XCTAssertTrue(emergencies.allSatisfy { $0.actorName == "Dr Nadia Haddad" })
        let sessions = try world.center.sessions()
        XCTAssertEqual(Set(sessions.compactMap(\.via)), [.samu, .emergency])
    }

    /// "Mask all my documents, present and future" is the server's policy: a document added
    /// afterwards is hidden from a professional who arrives later, without any label; its author
    /// and an emergency session see it unless the holder opposed masked documents in an emergency.
    func testMaskAllIsAServerPolicyThatCoversDocumentsAddedLaterAndEmergencyFollowsItsOwnChoice() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let initial = try await world.center.policy()
        XCTAssertFalse(initial.maskAllDocuments)
        XCTAssertTrue(initial.maskedVisibleInEmergency, "masked documents are shown in an emergency unless the holder opposes it")
        let policy = try await world.center.setPolicy { $0.maskAllDocuments = true }
        XCTAssertTrue(policy.maskAllDocuments)
        let library = try XCTUnwrap(DocumentLibrary.open(world.vault))
        XCTAssertTrue(try library.masksAll(), "the vault mirrors the server's policy")

        // Added after the policy, from the app, with no label of its own.
        let added = try library.importFile(named: "bilan.txt", content: Array("Bilan après la règle.".utf8), title: "Bilan après la règle",
                                           category: .other)
        XCTAssertFalse(added.isMaskedFromProfessionals)
        await world.sync()
        let document = "DocumentReference/\(added.id)"

        let code = try await world.center.createCode(duration: .twoHours, rubriques: [.documents])
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "redeem", code.code).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", document).status, 8, "hidden from a new professional")
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "DocumentReference/doc-echo").status, 8, "and the present ones")
        let authorCode = try await world.center.createCode(duration: .twoHours, rubriques: [.documents])
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", authorCode.code).status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", "DocumentReference/doc-hospit").status, 0, "the author keeps their own")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "get", document).status, 8)

        XCTAssertEqual(try world.professional(SharingWorld.haddad, "emergency", "helene", "--reason", "malaise").status, 0)
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "get", document).status, 0, "shown in an emergency (bris de glace)")
        try await world.center.setPolicy { $0.maskedVisibleInEmergency = false }
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "get", document).status, 8, "not once the holder opposed it")
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "get", "DocumentReference/doc-cardio-psy").status, 8)
        try await world.center.setPolicy { $0.maskedVisibleInEmergency = true }
        XCTAssertEqual(try world.professional(SharingWorld.haddad, "get", "DocumentReference/doc-cardio-psy").status, 0, "and again once lifted")

        try await world.center.setPolicy { $0.maskAllDocuments = false }
        XCTAssertFalse(try library.masksAll())
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", document).status, 0, "off: what only the policy hid is shown again")
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "get", "DocumentReference/doc-cardio-psy").status, 8, "a masked label stays")

        await world.sync()
        let reads = try world.center.history(HistoryFilter(actor: "haddad", actions: [.read]))
        XCTAssertTrue(reads.contains { $0.targetID == added.id && $0.via == .emergency }, "who and how, in the history: \(reads)")
    }

    /// Services connectés: consent finalité by finalité; the service's token reaches what the
    /// consent allows, is refused (403) elsewhere, and the holder's history says both, by name.
    func testAConnectedServiceReachesOnlyWhatItsFinalitesAllowAndTheHistorySaysSo() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let catalogue = try await world.center.services()
        XCTAssertEqual(Set(catalogue.map(\.id)), ["tensio", "rdv-express", "carnet-vaccins"])
        XCTAssertTrue(catalogue.allSatisfy { $0.connection == nil })
        let connected = try await world.center.connect(service: "rdv-express", finalities: ["disponibilites"])
        XCTAssertEqual(connected.connection?.finalities, ["disponibilites"])
        XCTAssertTrue(world.center.cachedServices().first { $0.id == "rdv-express" }?.isConnected == true, "remembered for offline use")

        let transport = URLSessionTransport(baseURL: world.server.url)
        func call(_ method: String, _ path: String, _ body: String? = nil, token: String? = nil) async throws -> (Int, JSON) {
            var headers = ["Content-Type": "application/json"]
            if let token { headers["Authorization"] = "Bearer \(token)" }
            let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
            let query = parts.count > 1 ? parts[1].split(separator: "&").map { pair -> (String, String) in
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], kv.count > 1 ? kv[1] : "")
            } : []
            let response = try await transport.send(BackendRequest(method: method, path: parts[0], query: query, headers: headers,
                                                                   body: body.map { Data($0.utf8) }))
            return (response.status, (try? JSON(parsing: Array(response.body))) ?? .null)
        }
        let (status, login) = try await call("POST", "/auth/service-token", #"{"service": "rdv-express", "secret": "demo-rdv-express"}"#)
        XCTAssertEqual(status, 200)
        let token = try XCTUnwrap(login["access_token"]?.stringValue)
        let (readStatus, _) = try await call("GET", "/Appointment?patient=helene", token: token)
        XCTAssertEqual(readStatus, 200, "reads the agenda, as its finalité says")
        let (documentsStatus, _) = try await call("GET", "/DocumentReference?patient=helene", token: token)
        XCTAssertEqual(documentsStatus, 403, "nothing else")

        await world.sync()
        let history = try world.center.history(HistoryFilter(roles: [.service]))
        XCTAssertTrue(history.contains { $0.action == .read && $0.actorName == "RDV Express" }, "\(history)")
        XCTAssertTrue(history.contains { $0.action == .refused && $0.targetKind == .document && $0.actorName == "RDV Express" }, "\(history)")
        XCTAssertTrue(try world.center.history(HistoryFilter(roles: [.holder])).contains { $0.action == .accessGranted && $0.targetTitle == "RDV Express" },
                      "my own action, in the second tab")

        try await world.center.disconnect(service: "rdv-express")
        let (after, _) = try await call("GET", "/Appointment?patient=helene", token: token)
        XCTAssertEqual(after, 404, "disconnected at once: the space is not found")
        let afterwards = try await world.center.services()
        XCTAssertNil(afterwards.first { $0.id == "rdv-express" }?.connection)
    }

    func testOfflineSaysSoAndChangesNothing() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        world.server.stop()
        do {
            _ = try await world.center.createCode(duration: .twoHours, rubriques: [.documents])
            XCTFail("no server, no code")
        } catch {
            XCTAssertEqual(error, .offline)
        }
        XCTAssertTrue(try world.center.pendingCodes().isEmpty)
    }
}
