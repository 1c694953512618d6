import FHIR
import Foundation
import HealthRecord
@testable import Server
import SQLite
import XCTest

/// The catalogue de services (issue 15 item 7): the holder connects a service finalité by
/// finalité; its token reaches exactly what those finalités read and write, everything else is
/// 403 and in the holder's history; when the service asks for more it stops until approved again.
final class ServiceCatalogueTests: XCTestCase {
    func testAServiceReachesWhatItsConsentAllowsAndIsRefusedAndAuditedElsewhere() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let catalogue = server.call("GET", "/$services", token: holder)
        XCTAssertEqual(catalogue.status, 200)
        let services = catalogue.json["services"]?.elements.compactMap(API.ServiceEntry.init(json:)) ?? []
        XCTAssertEqual(Set(services.map(\.id)), ["tensio", "rdv-express", "carnet-vaccins"])
        let tensio = try XCTUnwrap(services.first { $0.id == "tensio" })
        XCTAssertEqual(tensio.finalities.map(\.id), ["mesures", "rappels"])
        XCTAssertTrue(tensio.finalities[1].exchanges.allSatisfy(\.write), "each finalité says what it reads and writes")

        // The service's own token (client credentials); a wrong secret is refused.
        XCTAssertEqual(server.call("POST", "/auth/service-token", json: ["service": "tensio", "secret": "wrong"]).status, 401)
        let login = server.call("POST", "/auth/service-token", json: ["service": "tensio", "secret": "demo-tensio"])
        XCTAssertEqual(login.status, 200, login.text)
        let service = try XCTUnwrap(login.json["access_token"]?.stringValue ?? login.json["accessToken"]?.stringValue, login.text)
        XCTAssertEqual(server.call("GET", "/Observation?patient=helene", token: service).status, 404, "nothing before the holder consents: not even the space")

        // One finalité: measures, read and write.
        let connected = server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": ["mesures"]], token: holder)
        XCTAssertEqual(connected.status, 201, connected.text)
        XCTAssertEqual(server.call("GET", "/Observation?patient=helene", token: service).status, 200)
        var weight = DemoWorld.observation(id: "tensio-1", patient: "helene", loinc: "29463-7", display: "Poids", value: 71.5, unit: "kg",
                                           at: FHIRDateTime.instant(server.app.clock.now))
        weight.id = "tensio-1"
        XCTAssertEqual(server.call("PUT", "/Observation/tensio-1", json: weight.json, token: service).status, 201)
        let refusedSearch = server.call("GET", "/DocumentReference?patient=helene", token: service)
        XCTAssertEqual(refusedSearch.status, 403)
        XCTAssertEqual(refusedSearch.detail, "rubrique")
        XCTAssertEqual(server.call("GET", "/Appointment?patient=helene", token: service).status, 403)
        var appointment = try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: "Appointment", id: "appt-kine-own")).resource() }
        appointment.id = "tensio-rappel"
        XCTAssertEqual(server.call("PUT", "/Appointment/tensio-rappel", json: appointment.json, token: service).status, 403, "not the agenda yet")
        XCTAssertEqual(server.call("GET", "/Observation?patient=lucas", token: service).status, 404, "nor another space")

        // The refusals are in the holder's history, with who and what.
        let audit = server.call("GET", "/AuditEvent?patient=helene&_count=100", token: holder)
        let events = audit.json["entry"]?.elements.compactMap { $0["resource"] } ?? []
        let refused = events.filter { $0["outcome"]?.stringValue == "4" }
        XCTAssertEqual(refused.count, 3, audit.text)
        XCTAssertTrue(refused.allSatisfy { $0["agent"]?[0]?["who"]?["display"]?.stringValue == "Tensio Suivi" })
        XCTAssertTrue(refused.contains { $0["entity"]?.elements.contains { $0["name"]?.stringValue == "DocumentReference" } == true })
        XCTAssertTrue(events.contains { $0["outcome"]?.stringValue == "0" && $0["action"]?.stringValue == "C" }, "its write too")

        // The second finalité writes the agenda without reading it.
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": ["mesures", "rappels"]],
                                   token: holder).status, 201)
        XCTAssertEqual(server.call("PUT", "/Appointment/tensio-rappel", json: appointment.json, token: service).status, 201)
        XCTAssertEqual(server.call("GET", "/Appointment?patient=helene", token: service).status, 403, "writing is not reading")

        // The service asks for more: it stops until the holder approves again.
        var more = tensio
        more.version = 2
        more.finalities[0].exchanges.append(API.ServiceExchange(.documents))
        try server.database { db in
            let account = try XCTUnwrap(try Accounts.find(db, login: "service.tensio")?.0.accountID)
            try ServiceCatalogue.publish(db, more, accountID: account)
        }
        let outdated = server.call("GET", "/Observation?patient=helene", token: service)
        XCTAssertEqual(outdated.status, 403)
        XCTAssertEqual(outdated.detail, "consent-outdated")
        let listed = server.call("GET", "/Patient/helene/$services", token: holder).json["services"]?.elements.compactMap(API.ServiceEntry.init(json:)) ?? []
        XCTAssertEqual(listed.first { $0.id == "tensio" }?.connection?.needsApproval, true)
        XCTAssertNil(listed.first { $0.id == "rdv-express" }?.connection)
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": ["mesures"]], token: holder).status, 201)
        XCTAssertEqual(server.call("GET", "/DocumentReference?patient=helene", token: service).status, 200, "approved again, with what it asked")

        // Disconnecting is revoking the Consent: at once, nothing.
        let consent = ServiceCatalogue.consentID(service: "tensio", patient: "helene")
        XCTAssertEqual(server.call("POST", "/Consent/\(consent)/$revoke", token: holder).status, 200)
        XCTAssertEqual(server.call("GET", "/Observation?patient=helene", token: service).status, 404)
        XCTAssertNil(server.call("GET", "/Patient/helene/$services", token: holder).json["services"]?.elements
            .compactMap(API.ServiceEntry.init(json:)).first { $0.id == "tensio" }?.connection)

        // Only the holder's side connects; choices are checked.
        let aidant = try server.token(login: "julien.martineau")
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": ["mesures"]], token: aidant).status, 403, "holder-only")
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": []], token: holder).status, 400)
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "tensio", "finalities": ["tout"]], token: holder).status, 400)
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "nope", "finalities": ["x"]], token: holder).status, 404)
    }

    /// MES asks the young adult to authorise again, at 18, the services a parent connected for
    /// the child (`shouldUpdateAutorisationAfterMajorite`): until then the service reaches
    /// nothing, and the space's own holder is told why.
    func testAServiceAParentApprovedForAChildStopsAtEighteenUntilTheYoungAdultApprovesIt() throws {
        let server = try InProcessServer()
        let parent = try server.token(login: "helene.martineau")
        let connected = server.call("POST", "/Patient/lucas/$connect-service", json: ["service": "carnet-vaccins", "finalities": ["carnet"]],
                                    token: parent)
        XCTAssertEqual(connected.status, 201, connected.text)
        XCTAssertNil(API.ServiceEntry(json: connected.json)?.connection?.approval)
        let service = try XCTUnwrap(server.call("POST", "/auth/service-token", json: ["service": "carnet-vaccins", "secret": "demo-carnet-vaccins"])
            .json["access_token"]?.stringValue)
        XCTAssertEqual(server.call("GET", "/Immunization?patient=lucas", token: service).status, 200, "the parent's consent works while Lucas is a child")
        // An adult's own consent is not affected by anyone's birthday.
        XCTAssertEqual(server.call("POST", "/Patient/helene/$connect-service", json: ["service": "carnet-vaccins", "finalities": ["carnet"]],
                                   token: parent).status, 201)

        // Lucas (born 2015-09-03) turns 18.
        let majority = try XCTUnwrap(FHIRDateTime.parse("2033-09-04T12:00:00Z"))
        server.app.clock.advance(by: majority.timeIntervalSince(server.app.clock.now))
        let service18 = try XCTUnwrap(server.call("POST", "/auth/service-token", json: ["service": "carnet-vaccins", "secret": "demo-carnet-vaccins"])
            .json["access_token"]?.stringValue)
        let refused = server.call("GET", "/Immunization?patient=lucas", token: service18)
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertEqual(refused.detail, "consent-outdated")
        XCTAssertEqual(server.call("GET", "/Immunization?patient=helene", token: service18).status, 200)

        let lucas = try server.token(login: "lucas.martineau")
        let listed = server.call("GET", "/Patient/lucas/$services", token: lucas)
        XCTAssertEqual(listed.status, 200, listed.text)
        let entry = listed.json["services"]?.elements.compactMap(API.ServiceEntry.init(json:)).first { $0.id == "carnet-vaccins" }
        XCTAssertEqual(entry?.connection?.approval, .cameOfAge, listed.text)

        let approved = server.call("POST", "/Patient/lucas/$connect-service", json: ["service": "carnet-vaccins", "finalities": ["carnet"]],
                                   token: lucas)
        XCTAssertEqual(approved.status, 201, approved.text)
        XCTAssertEqual(server.call("GET", "/Immunization?patient=lucas", token: service18).status, 200, "approved by the young adult")
        let again = server.call("GET", "/Patient/lucas/$services", token: lucas).json["services"]?.elements
            .compactMap(API.ServiceEntry.init(json:)).first { $0.id == "carnet-vaccins" }
        XCTAssertEqual(again?.connection?.needsApproval, false)
    }

    /// A server that stored grants before the reason existed: a child's are marked at migration,
    /// an adult's are not.
    func testTheMigrationMarksTheGrantsOfChildrensSpaces() throws {
        let server = try InProcessServer()
        let parent = try server.token(login: "helene.martineau")
        for space in ["lucas", "helene"] {
            XCTAssertEqual(server.call("POST", "/Patient/\(space)/$connect-service", json: ["service": "tensio", "finalities": ["mesures"]],
                                       token: parent).status, 201)
        }
        try server.database { db in
            try db.run("ALTER TABLE service_grants DROP COLUMN approved_for_minor", [])
            try Schema.markGrantsApprovedForMinors(db, now: server.app.clock.now)
            let marked = try db.query("SELECT patient_id FROM service_grants WHERE approved_for_minor = 1", []) { $0.string(0) }
            XCTAssertEqual(marked, ["lucas"])
        }
    }
}
