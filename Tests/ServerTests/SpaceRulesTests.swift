import FHIR
import Foundation
import HealthRecord
import XCTest

/// Who sees what in a space: the holder, a parent, an aidant, professionals and masking,
/// emergency access, the activity history and notifications, messaging.
final class SpaceRulesTests: XCTestCase {
    func start() throws -> ServerProcess { try ServerProcess(arguments: ["--seed", "demo", "--enable-test-clock"]) }

    func testTheHolderSeesTheirSpaceButNotAnotherOne() async throws {
        let server = try start()
        let holder = try await server.holder()
        let own = try await server.get("/Condition?patient=helene", token: holder)
        XCTAssertEqual(own.status, 200)
        XCTAssertEqual(ServerProcess.ids(own).count, 3)
        let defaulted = try await server.get("/Condition", token: holder)
        XCTAssertEqual(ServerProcess.ids(defaulted).count, 3, "the patient defaults to the caller's own space")
        let other = try await server.get("/Condition?patient=bruno", token: holder)
        XCTAssertEqual(other.status, 404)
        let bruno = try await server.otherHolder()
        let refused = try await server.get("/DocumentReference/doc-synthese", token: bruno)
        XCTAssertEqual(refused.status, 404, "another space's resource is not found, like a missing one")
    }

    func testInvisibleToPatientIsHiddenFromTheHolderButNotFromProfessionals() async throws {
        let server = try start()
        let holder = try await server.holder()
        let list = try await server.get("/DocumentReference?_count=100", token: holder)
        XCTAssertFalse(ServerProcess.ids(list).contains("doc-attente"))
        XCTAssertTrue(ServerProcess.ids(list).contains("doc-echo"))
        let read = try await server.get("/DocumentReference/doc-attente", token: holder)
        XCTAssertEqual(read.status, 404)
        let content = try await server.get("/Binary/doc-attente-content", token: holder)
        XCTAssertEqual(content.status, 404)
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let pro = try await server.professional("garnier")
        _ = try await server.redeem(code, token: pro)
        let proRead = try await server.get("/DocumentReference/doc-attente", token: pro)
        XCTAssertEqual(proRead.status, 200)
    }

    func testMaskedDocumentsAreVisibleOnlyToTheirAuthorAndTheGeneralPractitioner() async throws {
        let server = try start()
        let holder = try await server.holder()
        let holderRead = try await server.get("/DocumentReference/doc-cardio-psy", token: holder)
        XCTAssertEqual(holderRead.status, 200, "the holder sees what is masked from professionals")
        for (professional, visible) in [("renaud", false), ("bernard", true), ("lefevre", true)] {
            let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
            let pro = try await server.professional(professional)
            let redeemed = try await server.redeem(code, token: pro)
            XCTAssertEqual(redeemed.status, 200)
            let search = try await server.get("/DocumentReference?patient=helene&_count=200", token: pro)
            XCTAssertEqual(ServerProcess.ids(search).contains("doc-cardio-psy"), visible, professional)
            let read = try await server.get("/DocumentReference/doc-cardio-psy", token: pro)
            XCTAssertEqual(read.status, visible ? 200 : 404, professional)
            let content = try await server.get("/Binary/doc-cardio-psy-content", token: pro)
            XCTAssertEqual(content.status, visible ? 200 : 404, professional)
            let feed = try await server.get("/Patient/helene/$changes?_count=1000", token: pro)
            let entry = feed.json["changes"]?.elements.first { $0["id"]?.stringValue == "doc-cardio-psy" }
            XCTAssertEqual(entry?["deleted"]?.boolValue, visible ? false : nil, "\(professional): never seen, never named")
        }
        // Masking later hides a document at once from a professional in session.
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let renaud = try await server.professional("renaud")
        _ = try await server.redeem(code, token: renaud)
        try await server.expectGet("/DocumentReference/doc-synthese", token: renaud, status: 200)
        var synthese = try await server.get("/DocumentReference/doc-synthese", token: holder).json
        synthese["securityLabel"] = [["coding": [["system": .string(CodeSystem.confidentiality), "code": "N"]]],
                                     ["coding": [VisibilityCode.maskedFromProfessionals.coding]]]
        let masked = try await server.request("PUT", "/DocumentReference/doc-synthese", json: synthese, token: holder, headers: ["If-Match": "W/\"1\""])
        XCTAssertEqual(masked.status, 200)
        try await server.expectGet("/DocumentReference/doc-synthese", token: renaud, status: 404)
        try await server.expectGet("/Binary/doc-synthese-content", token: renaud, status: 404)
    }

    func testAParentHoldsTheChildsSpaceExceptWhatIsSecretFromParents() async throws {
        let server = try start()
        let parent = try await server.holder()
        let vaccines = try await server.get("/Immunization?patient=lucas", token: parent)
        XCTAssertEqual(vaccines.status, 200)
        XCTAssertEqual(ServerProcess.ids(vaccines).count, 4)
        let documents = try await server.get("/DocumentReference?patient=lucas", token: parent)
        XCTAssertEqual(ServerProcess.ids(documents), ["doc-lucas-bilan"])
        try await server.expectGet("/DocumentReference/doc-lucas-secret", token: parent, status: 404)
        let me = try await server.get("/auth/me", token: parent)
        let roles = me.json["spaces"]?.elements.map { "\($0["patient"]?.stringValue ?? ""):\($0["role"]?.stringValue ?? "")" }
        XCTAssertEqual(roles, ["helene:holder", "lucas:parent"])
        // Someone who is not a parent has no access to the child's space.
        let bruno = try await server.otherHolder()
        try await server.expectGet("/Immunization?patient=lucas", token: bruno, status: 404)
    }

    func testAnAidantActsWithinTheDelegationUntilItsEnd() async throws {
        let server = try start()
        let aidant = try await server.aidant()
        let me = try await server.get("/auth/me", token: aidant)
        XCTAssertEqual(me.json["spaces"]?[0]?["role"]?.stringValue, "aidant")
        try await server.expectGet("/DocumentReference?patient=helene", token: aidant, status: 200)
        try await server.expectGet("/Appointment?patient=helene", token: aidant, status: 200)
        try await server.expectGet("/Condition?patient=helene", token: aidant, status: 403, "profile is outside the delegation")
        try await server.expectGet("/AuditEvent?patient=helene", token: aidant, status: 403)
        try await server.expectGet("/DocumentReference/doc-attente", token: aidant, status: 404)
        // The aidant's reads are in the holder's activity history.
        let holder = try await server.holder()
        let audit = try await server.get("/AuditEvent?patient=helene&_count=100", token: holder)
        XCTAssertTrue(audit.json["entry"]?.elements.contains { $0["resource"]?["agent"]?[0]?["who"]?["display"]?.stringValue == "Julien Martineau" } ?? false)
        // After the delegation's end date, nothing.
        try await server.advanceClock(seconds: 366 * 86400)
        let later = try await server.aidant()
        try await server.expectGet("/DocumentReference?patient=helene", token: later, status: 404)
    }

    func testEmergencyAccessIsAllowedUnlessOpposedAndAlwaysAuditedAndNotified() async throws {
        let server = try start()
        let holder = try await server.holder()
        let pro = try await server.professional("haddad")
        let noReason = try await server.request("POST", "/Patient/helene/$emergency-access", json: ["kind": "bris-de-glace", "reason": ""], token: pro)
        XCTAssertEqual(noReason.status, 400)
        let opened = try await server.request("POST", "/Patient/helene/$emergency-access",
                                              json: ["kind": "bris-de-glace", "reason": "Malaise aux urgences"], token: pro)
        XCTAssertEqual(opened.status, 200)
        try await server.expectGet("/Condition?patient=helene", token: pro, status: 200)
        let audit = try await server.get("/AuditEvent?patient=helene&_count=200", token: holder)
        XCTAssertTrue(audit.json["entry"]?.elements.contains { $0["resource"]?["purposeOfEvent"]?[0]?["coding"]?[0]?["code"]?.stringValue == "BTG" } ?? false)
        let notifications = try await server.get("/Communication?patient=helene&category=notification&_count=100", token: holder)
        let texts = notifications.json["entry"]?.elements.compactMap { $0["resource"]?["payload"]?[0]?["contentString"]?.stringValue } ?? []
        XCTAssertTrue(texts.contains { $0.contains("Dr Nadia Haddad") && $0.contains("Malaise aux urgences") }, "\(texts)")
        // The holder opposes SAMU access in advance: refused; break-the-glass stays possible.
        let policy = try await server.request("PUT", "/Patient/helene/$access-policy", json: ["opposeSamu": true], token: holder)
        XCTAssertEqual(policy.status, 200)
        let samu = try await server.request("POST", "/Patient/helene/$emergency-access", json: ["kind": "samu", "reason": "Appel au 15"],
                                            token: server.professional("lefevre"))
        XCTAssertEqual(samu.status, 403)
        XCTAssertEqual(samu.detail, "opposed")
        _ = try await server.request("PUT", "/Patient/helene/$access-policy", json: ["opposeEmergency": true], token: holder)
        let glass = try await server.request("POST", "/Patient/helene/$emergency-access", json: ["kind": "bris-de-glace", "reason": "Urgence"],
                                             token: server.professional("renaud"))
        XCTAssertEqual(glass.status, 403)
        let allowed = try await server.request("POST", "/Patient/bruno/$emergency-access", json: ["kind": "samu", "reason": "Appel au 15"],
                                               token: server.professional("lefevre"))
        XCTAssertEqual(allowed.status, 200, "another holder did not oppose")
    }

    func testEveryAccessByOthersIsAuditedAndNotifiedButNotTheHoldersOwn() async throws {
        let server = try start()
        let holder = try await server.holder()
        func auditCount() async throws -> Int {
            try await server.get("/AuditEvent?patient=helene&_summary=count", token: holder).json["total"]?.intValue ?? -1
        }
        let before = try await auditCount()
        _ = try await server.get("/DocumentReference?patient=helene", token: holder)
        _ = try await server.get("/Condition/cond-hta", token: holder)
        let unchanged = try await auditCount()
        XCTAssertEqual(unchanged, before, "the holder's own reads are not audited")
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["documents"])
        let pro = try await server.professional("garnier")
        _ = try await server.redeem(code, token: pro)
        _ = try await server.get("/DocumentReference/doc-echo", token: pro)
        _ = try await server.get("/DocumentReference?patient=helene", token: pro)
        let afterAccess = try await auditCount()
        XCTAssertEqual(afterAccess, before + 3, "redeem, read, search")
        let events = try await server.get("/AuditEvent?patient=helene&_count=3", token: holder)
        let read = events.json["entry"]?.elements.first { $0["resource"]?["subtype"]?[0]?["code"]?.stringValue == "read" }?["resource"]
        XCTAssertEqual(read?["agent"]?[0]?["who"]?["reference"]?.stringValue, "Practitioner/garnier")
        XCTAssertEqual(read?["entity"]?[1]?["what"]?["reference"]?.stringValue, "DocumentReference/doc-echo")
        let notifications = try await server.get("/Communication?patient=helene&category=notification", token: holder)
        let texts = notifications.json["entry"]?.elements.compactMap { $0["resource"]?["payload"]?[0]?["contentString"]?.stringValue } ?? []
        XCTAssertTrue(texts.contains("Dr Amélie Garnier a consulté votre espace"), "\(texts)")
        XCTAssertTrue(texts.contains("Dr Amélie Garnier est connecté(e) à votre espace"), "\(texts)")
        // Notifications are the holder's: a professional does not see them.
        let messages = try await server.get("/Communication?patient=helene&category=notification", token: pro)
        XCTAssertEqual(messages.status, 403, "messages rubrique not granted")
        // Nobody writes the history.
        let forged = try await server.request("POST", "/AuditEvent", json: ["resourceType": "AuditEvent"], token: holder)
        XCTAssertEqual(forged.status, 403)
    }

    func testOnlyAProfessionalStartsAThreadAndThePatientSideReplies() async throws {
        let server = try start()
        let holder = try await server.holder()
        let start: JSON = ["resourceType": "Communication", "status": "completed", "subject": ["reference": "Patient/helene"],
                           "payload": [["contentString": "Bonjour docteur"]]]
        let refused = try await server.request("POST", "/Communication", json: start, token: holder)
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.detail, "patient-cannot-start-thread")
        var reply = start
        reply["inResponseTo"] = [["reference": "Communication/msg-bio"]]
        let replied = try await server.request("POST", "/Communication", json: reply, token: holder)
        XCTAssertEqual(replied.status, 201)
        XCTAssertEqual(replied.json["sender"]?["reference"]?.stringValue, "Patient/helene")
        let thread = replied.json["extension"]?.elements.first { $0["url"]?.stringValue == ExtensionURL.thread }?["valueString"]?.stringValue
        XCTAssertEqual(thread, "msg-bio")
        let aidant = try await server.aidant()
        var aidantReply = reply
        aidantReply["inResponseTo"] = [["reference": .string("Communication/\(replied.json["id"]?.stringValue ?? "")")]]
        let byAidant = try await server.request("POST", "/Communication", json: aidantReply, token: aidant)
        XCTAssertEqual(byAidant.status, 201)
        // A professional with the messages rubrique starts a thread.
        let (code, _) = try await server.accessCode(holderToken: holder, rubriques: ["messages"])
        let pro = try await server.professional("renaud")
        _ = try await server.redeem(code, token: pro)
        let started = try await server.request("POST", "/Communication", json: start, token: pro)
        XCTAssertEqual(started.status, 201)
        XCTAssertEqual(started.json["sender"]?["reference"]?.stringValue, "Practitioner/renaud")
        let threadSearch = try await server.get("/Communication?patient=helene&thread=msg-bio", token: holder)
        XCTAssertEqual(ServerProcess.ids(threadSearch).count, 3)
    }
}
