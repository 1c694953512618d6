import FHIR
import Foundation
import HealthRecord
@testable import Server
import SQLite
import XCTest

/// The gate, as a table: every route × every role × read / search / write / delete, with the
/// status each must answer, run in process against the demo world. A change to the access
/// rules shows here as a changed cell.
///
/// Roles: `holder` (Hélène in her space), `parent` (Hélène in Lucas's space: every route is
/// cloned there), `aidant` (Julien: documents, agenda, messages), `aidantEnded` (a delegation
/// past its end date), `pro` (Dr Garnier with a code for documents and vaccinations), `proEnded`
/// (a session past its end), `blocked` (a professional blocked after redeeming), `author`
/// (Dr Bernard, author of the masked document, code for documents), `gp` (Dr Lefèvre, the
/// médecin traitant, code for documents and profile), `emergency` (Dr Haddad, bris de glace),
/// `service` (a connected service reading documents and agenda, writing agenda), `anonymous`.
///
/// Cells: the HTTP status; for a search, `200` when the route's resource is in the result and
/// `200-` when the search answers but leaves it out. Masked documents are shown in an emergency
/// session unless the holder opposed it (`policyTable`).
final class GateTableTests: XCTestCase {
    static let roles = ["holder", "parent", "aidant", "aidantEnded", "pro", "proEnded", "blocked", "author", "gp", "emergency", "service", "anonymous"]

    static let table = """
        route             op      holder parent aidant aidantEnded pro  proEnded blocked author gp   emergency service anonymous
        Patient           read    200    200    200    404         200  404      404     200    200  200       200     401
        Patient           search  200    200    200    404         200  404      404     200    200  200       200     401
        Patient           write   200    200    403    404         403  404      404     403    403  403       403     401
        Patient           delete  405    405    405    404         405  404      404     405    405  405       405     401
        Document          read    200    200    200    404         200  404      404     200    200  200       200     401
        Document          search  200    200    200    404         200  404      404     200    200  200       200     401
        Document          write   200    200    200    404         403  404      404     403    403  403       403     401
        Document          delete  200    200    200    404         403  404      404     403    403  403       403     401
        MaskedDocument    read    200    200    200    404         404  404      404     200    200  200       200     401
        MaskedDocument    search  200    200    200    404         200- 404      404     200    200  200       200     401
        MaskedDocument    write   200    200    200    404         404  404      404     200    403  403       403     401
        MaskedDocument    delete  200    200    200    404         404  404      404     200    403  403       403     401
        InvisibleDocument read    404    404    404    404         200  404      404     200    200  200       404     401
        InvisibleDocument search  200-   200-   200-   404         200  404      404     200    200  200       200-    401
        InvisibleDocument write   404    404    404    404         403  404      404     403    403  403       404     401
        InvisibleDocument delete  404    404    404    404         403  404      404     403    403  403       404     401
        Binary            read    200    200    200    404         200  404      404     200    200  200       200     401
        Binary            search  405    405    405    405         405  405      405     405    405  405       405     401
        Binary            write   200    200    200    404         403  404      404     403    403  403       403     401
        Binary            delete  200    200    200    404         403  404      404     403    403  403       403     401
        Condition         read    200    200    404    404         404  404      404     404    404  200       404     401
        Condition         search  200    200    403    404         403  404      404     403    403  200       403     401
        Condition         write   200    200    404    404         404  404      404     404    404  403       404     401
        Condition         delete  200    200    404    404         404  404      404     404    404  403       404     401
        Immunization      read    200    200    404    404         200  404      404     404    404  200       404     401
        Immunization      search  200    200    403    404         200  404      404     403    403  200       403     401
        Immunization      write   403    403    404    404         403  404      404     404    404  403       404     401
        Immunization      delete  403    403    404    404         403  404      404     404    404  403       404     401
        Appointment       read    200    200    200    404         404  404      404     404    404  200       200     401
        Appointment       search  200    200    200    404         403  404      404     403    403  200       200     401
        Appointment       write   200    200    200    404         404  404      404     404    404  403       200     401
        Appointment       delete  200    200    200    404         404  404      404     404    404  403       200     401
        Message           read    200    200    200    404         404  404      404     404    404  200       404     401
        Message           search  200    200    200    404         403  404      404     403    403  200       403     401
        Message           write   403    403    403    404         404  404      404     404    404  403       404     401
        Message           delete  200    200    200    404         404  404      404     404    404  403       404     401
        Notification      read    200    200    404    404         404  404      404     404    404  404       404     401
        Notification      search  200    200    200-   404         403  404      404     403    403  200-      403     401
        Notification      write   403    403    404    404         404  404      404     404    404  404       404     401
        Notification      delete  200    200    404    404         404  404      404     404    404  404       404     401
        Reimbursement     read    200    200    404    404         404  404      404     404    404  200       404     401
        Reimbursement     search  200    200    403    404         403  404      404     403    403  200       403     401
        Reimbursement     write   403    403    404    404         404  404      404     404    404  403       404     401
        Reimbursement     delete  405    405    404    404         404  404      404     404    404  405       404     401
        Consent           read    200    200    404    404         404  404      404     404    404  404       404     401
        Consent           search  200    200    403    404         403  404      404     403    403  403       403     401
        Consent           write   403    403    404    404         404  404      404     404    404  404       404     401
        Consent           delete  403    403    404    404         404  404      404     404    404  404       404     401
        AuditEvent        read    200    200    404    404         404  404      404     404    404  404       404     401
        AuditEvent        search  200    200    403    404         403  404      404     403    403  403       403     401
        AuditEvent        write   403    403    404    404         404  404      404     404    404  404       404     401
        AuditEvent        delete  405    405    404    404         404  404      404     404    404  404       404     401
        Practitioner      read    200    200    200    200         200  200      200     200    200  200       200     401
        Practitioner      search  200    200    200    200         200  200      200     200    200  200       200     401
        Practitioner      write   403    403    403    403         403  403      403     403    403  403       403     401
        Practitioner      delete  405    405    405    405         405  405      405     405    405  405       405     401
        """

    func testEveryRouteForEveryRoleAnswersAsTheTableSays() throws {
        let world = try GateWorld()
        try Self.check(Self.table, cells: 56 * 12) { route, operation, role in try world.run(route: route, operation: operation, role: role) }
    }

    /// Runs every cell of `table` (route, operation, then one expected cell per role) and
    /// reports each cell that differs.
    static func check(_ table: String, cells expectedCells: Int, file: StaticString = #filePath, line: UInt = #line,
                      _ run: (_ route: String, _ operation: String, _ role: String) throws -> GateWorld.Outcome) throws {
        var mismatches: [String] = []
        var cells = 0
        for row in table.split(separator: "\n").dropFirst() {
            let fields = row.split(separator: " ").map(String.init)
            let (route, operation) = (fields[0], fields[1])
            for (role, expected) in zip(roles, fields.dropFirst(2)) {
                let actual = try run(route, operation, role)
                cells += 1
                if actual.cell != expected { mismatches.append("\(route) \(operation) as \(role): \(actual.cell), expected \(expected) — \(actual.detail)") }
            }
        }
        XCTAssertEqual(cells, expectedCells, file: file, line: line)
        XCTAssertTrue(mismatches.isEmpty, "\n" + mismatches.joined(separator: "\n"), file: file, line: line)
    }

    /// The messagerie, behind the gate too (`MessagingChannel`): a professional writes to a
    /// patient's address without an access code and reaches only the threads they are in (the
    /// sample thread is Dr Garnier's, `pro`); the patient's side writes through `PUT
    /// /Communication` (the `Message` rows above) and looks for pharmacies in a space it opens.
    /// A block closes the dossier, not the messagerie.
    static let messagingTable = """
        route       op      holder parent aidant aidantEnded pro  proEnded blocked author gp   emergency service anonymous
        Messages    inbox   403    403    403    403         200  200      200     200    200  200       403     401
        Message     start   403    403    403    403         201  201      201     201    201  201       403     401
        Message     thread  403    403    403    403         200  404      404     404    404  404       403     401
        Message     reply   403    403    403    403         201  404      404     404    404  404       403     401
        Message     close   403    403    403    403         200  404      404     404    404  404       403     401
        Pharmacies  search  200    200    200    404         403  404      404     403    403  403       403     401
        """

    func testEveryMessagingOperationForEveryRoleAnswersAsTheTableSays() throws {
        let world = try GateWorld()
        try Self.check(Self.messagingTable, cells: 6 * 12) { route, operation, role in
            let space = role == "parent" ? "lucas" : "helene"
            let token = world.tokens[role]
            let answer: InProcessServer.Answer
            switch (route, operation) {
            case ("Messages", _): answer = world.server.call("GET", "/$messages", token: token)
            case (_, "start"):
                answer = world.server.call("POST", "/Patient/\(space)/$message", json: ["topic": "Résultats", "text": "Bonjour"], token: token)
            case (_, "thread"): answer = world.server.call("GET", "/Communication/msg-bio/$thread", token: token)
            case (_, "reply"): answer = world.server.call("POST", "/Communication/msg-bio/$reply", json: ["text": "Merci"], token: token)
            case (_, "close"): answer = world.server.call("POST", "/Communication/msg-bio/$close", token: token)
            default: answer = world.server.call("GET", "/Patient/\(space)/$pharmacies", token: token)
            }
            return GateWorld.Outcome(cell: String(answer.status), detail: answer.detail ?? "")
        }
    }

    /// The holder's space-wide policy (`PUT /Patient/helene/$access-policy`), as the gate applies
    /// it: "mask all my documents, present and future" is on for the whole table. Routes:
    /// `Document` (by the radiologist), `AuthoredDocument` (by Dr Bernard, the `author` role),
    /// `MaskedDocument` (labelled `MASQUE_PS`), `NewDocument` (added by the holder after the policy
    /// was set, with no label) and its `NewBinary`. `emergencyOpposed` is the emergency session
    /// once the holder opposed masked documents in an emergency; `emergency` is the default
    /// (masked documents shown). Professionals' search of documents leaves out what they may not see.
    static let policyRoles = ["holder", "pro", "author", "gp", "emergency", "emergencyOpposed", "service"]
    static let policyTable = """
        route             op      holder pro  author gp   emergency emergencyOpposed service
        Document          read    200    404  404    200  200       404              200
        Document          search  200    200- 200-   200  200       200-             200
        AuthoredDocument  read    200    404  200    200  200       404              200
        AuthoredDocument  search  200    200- 200    200  200       200-             200
        MaskedDocument    read    200    404  200    200  200       404              200
        NewDocument       read    200    404  404    200  200       404              200
        NewDocument       search  200    200- 200-   200  200       200-             200
        NewBinary         read    200    404  404    200  200       404              200
        Immunization      read    200    200  404    404  200       200              404
        """

    func testTheHoldersPolicyMasksEveryDocumentPresentAndFutureAndEmergencyFollowsItsOwnChoice() throws {
        let world = try GateWorld()
        let holder = try XCTUnwrap(world.tokens["holder"])
        let set = world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskAllDocuments": true], token: holder)
        XCTAssertEqual(set.status, 200, set.text)
        XCTAssertEqual(set.json["maskAllDocuments"], .bool(true))
        XCTAssertEqual(set.json["maskedVisibleInEmergency"], .bool(true), "shown in an emergency unless opposed")
        // A document the holder adds afterwards, with no label of its own.
        try world.clone("DocumentReference", "doc-mutuelle", as: "doc-after-policy", into: "helene")
        world.samples["NewDocument"] = ("DocumentReference", "doc-after-policy")
        world.samples["NewBinary"] = ("Binary", "doc-after-policy-content")
        world.samples["AuthoredDocument"] = ("DocumentReference", "doc-hospit")
        var mismatches: [String] = []
        for line in Self.policyTable.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ").map(String.init)
            for (role, expected) in zip(Self.policyRoles, fields.dropFirst(2)) {
                let actual: GateWorld.Outcome
                if role == "emergencyOpposed" {
                    XCTAssertEqual(world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskedVisibleInEmergency": false], token: holder).status, 200)
                    actual = try world.run(route: fields[0], operation: fields[1], role: "emergency")
                    XCTAssertEqual(world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskedVisibleInEmergency": true], token: holder).status, 200)
                } else {
                    actual = try world.run(route: fields[0], operation: fields[1], role: role)
                }
                if actual.cell != expected { mismatches.append("\(fields[0]) \(fields[1]) as \(role): \(actual.cell), expected \(expected) — \(actual.detail)") }
            }
        }
        XCTAssertTrue(mismatches.isEmpty, "\n" + mismatches.joined(separator: "\n"))

        // Turning the policy off gives back what only it hid; the label still hides its document.
        let off = world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskAllDocuments": false], token: holder)
        XCTAssertEqual(off.json["maskAllDocuments"], .bool(false))
        XCTAssertEqual(try world.run(route: "NewDocument", operation: "read", role: "pro").cell, "200")
        XCTAssertEqual(try world.run(route: "MaskedDocument", operation: "read", role: "pro").cell, "404")
        // Each choice is a Consent in the space, so it syncs to the holder's other devices.
        let consent = world.server.call("GET", "/Consent/mask-all-documents-helene", token: holder)
        XCTAssertEqual(consent.json["status"], "inactive", consent.text)
        // Only the holder's side sets it; a value that is not a boolean is refused.
        XCTAssertEqual(world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskAllDocuments": false], token: world.tokens["aidant"]).status, 403)
        XCTAssertEqual(world.server.call("PUT", "/Patient/helene/$access-policy", json: ["maskAllDocuments": "yes"], token: holder).status, 400)
    }

    /// The visibility rule in memory and in SQL agree for every role, every combination of
    /// flags, and rows by the caller or by someone else.
    func testTheVisibilityRuleIsTheSameInMemoryAndInSQL() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("visibility-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try Database(path: path)
        try db.execute("CREATE TABLE resources (id INTEGER PRIMARY KEY, type TEXT NOT NULL, flags INTEGER NOT NULL, authors TEXT NOT NULL)")
        let authorsCases = [" Practitioner/me ", " Practitioner/other Practitioner/me ", " Practitioner/other ", " "]
        var rows: [(Int, String, VisibilityFlags, String)] = []
        for type in ["DocumentReference", "Binary", "Condition"] {
            for flags in 0..<64 {
                for authors in authorsCases {
                    rows.append((rows.count, type, VisibilityFlags(rawValue: flags), authors))
                    try db.run("INSERT INTO resources (id, type, flags, authors) VALUES (?, ?, ?, ?)", [rows.count - 1, type, flags, authors])
                }
            }
        }
        let caller = Caller(accountID: "a", kind: .professional, login: "me", displayName: "Me", patientID: nil, practitionerID: "me")
        var accesses = Access.Role.allCases.map { Access(patient: "p", role: $0, caller: caller, rubriques: Set(Section.allCases)) }
        var generalPractitioner = Access(patient: "p", role: .professional, caller: caller, rubriques: Set(Section.allCases))
        generalPractitioner.isGeneralPractitioner = true
        accesses.append(generalPractitioner)
        // The holder's policy: every document masked; an emergency session with and without
        // the opposition to masked documents in an emergency.
        for (emergency, maskedVisible) in [(nil, true), ("bris-de-glace", true), ("samu", false)] as [(String?, Bool)] {
            var access = Access(patient: "p", role: .professional, caller: caller, rubriques: Set(Section.allCases), emergencyKind: emergency)
            access.policy = SpacePolicy(maskAllDocuments: true, maskedVisibleInEmergency: maskedVisible)
            accesses.append(access)
        }
        for access in accesses {
            let rule = access.visibility
            let sql = rule.sql
            let selected = Set(try db.query("SELECT id FROM resources WHERE \(sql.condition)", sql.arguments) { $0.int(0) })
            for (id, type, flags, authors) in rows {
                XCTAssertEqual(selected.contains(id), rule.admits(type: type, flags: flags, authors: authors),
                               "\(access.role) gp=\(access.isGeneralPractitioner) policy=\(access.policy) \(type) flags=\(flags.rawValue) authors=\(authors)")
            }
        }
    }

    /// Storage is reached through the gate only: no endpoint outside `Gate/` (and the store and
    /// the seeding under it) touches the resources table or its repository.
    func testOnlyTheGateReachesTheResources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Server").standardized
        let allowed = ["Gate/", "Storage/", "Seed/"]
        var offenders: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            guard !allowed.contains(where: relative.hasPrefix) else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for needle in ["ResourceRepository.", "FROM resources", "INTO resources", "UPDATE resources", "Authorization.access("]
            where text.contains(needle) {
                offenders.append("\(relative): \(needle)")
            }
        }
        XCTAssertEqual(offenders, [])
    }
}

/// The demo world with every role of the table set up, and the routes' sample resources.
final class GateWorld {
    let server: InProcessServer
    var tokens: [String: String] = [:]
    /// route → (type, id in Hélène's space).
    var samples: [String: (type: String, id: String)] = [
        "Patient": ("Patient", "helene"), "Document": ("DocumentReference", "doc-echo"),
        "MaskedDocument": ("DocumentReference", "doc-cardio-psy"), "InvisibleDocument": ("DocumentReference", "doc-attente"),
        "Binary": ("Binary", "doc-echo-content"), "Condition": ("Condition", "cond-hta"), "Immunization": ("Immunization", "vac-dtp"),
        "Appointment": ("Appointment", "appt-kine-own"), "Message": ("Communication", "msg-bio"),
        "Reimbursement": ("ExplanationOfBenefit", "eob-0"), "Consent": ("Consent", "delegation-julien"), "Practitioner": ("Practitioner", "garnier"),
    ]
    private var counter = 0

    init() throws {
        server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        tokens["holder"] = holder
        tokens["parent"] = holder
        tokens["aidant"] = try server.token(login: "julien.martineau")
        try server.addProfessional(id: "ended", rpps: "10009999991", name: "Dr Ended")
        try server.addProfessional(id: "blocked", rpps: "10009999992", name: "Dr Blocked")
        func session(_ login: String, _ rubriques: [String]) throws -> String {
            let token = try server.token(login: login)
            let code = server.call("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": .array(rubriques.map { .string($0) })],
                                   token: holder)
            let redeemed = server.call("POST", "/$redeem-access-code", json: ["code": code.json["code"] ?? .null], token: token)
            XCTAssertEqual(redeemed.status, 200, redeemed.text)
            return token
        }
        tokens["pro"] = try session("10003456783", ["documents", "vaccinations"])
        tokens["author"] = try session("10003456782", ["documents"])
        tokens["gp"] = try session("10003456781", ["documents", "profile"])
        tokens["proEnded"] = try session("10009999991", ["documents", "vaccinations"])
        tokens["blocked"] = try session("10009999992", ["documents", "vaccinations"])
        XCTAssertEqual(server.call("POST", "/Patient/helene/$block", json: ["practitioner": "Practitioner/blocked"], token: holder).status, 201)
        let emergency = try server.token(login: "10003456785")
        XCTAssertEqual(server.call("POST", "/Patient/helene/$emergency-access", json: ["kind": "bris-de-glace", "reason": "Malaise"], token: emergency).status, 200)
        tokens["emergency"] = emergency
        let now = server.app.clock.now
        try server.database { db in
            try db.run("UPDATE access_grants SET session_ends = ? WHERE practitioner_id = 'ended'", [now.timeIntervalSince1970 - 1])
            let aidantID = try Accounts.create(db, kind: .patient, login: "ended.aidant", passwordHash: "-", displayName: "Ended Aidant",
                                               patientID: nil, practitionerID: nil)
            let aidant = try XCTUnwrap(Accounts.find(db, accountID: aidantID))
            try Delegations.create(db, consentID: "delegation-ended", aidant: aidant, patient: "helene", rubriques: [.documents, .agenda, .messages],
                                   until: now.addingTimeInterval(-60), now: now.addingTimeInterval(-86400))
            let serviceID = try Accounts.create(db, kind: .service, login: "service.demo", passwordHash: "-", displayName: "Service de démonstration",
                                                patientID: nil, practitionerID: nil)
            try db.run("""
                INSERT INTO service_grants (consent_id, account_id, patient_id, read_rubriques, write_rubriques, ends) VALUES ('service-demo', ?, 'helene', 'agenda,documents', 'agenda', ?)
                """, [serviceID, now.timeIntervalSince1970 + 86400])
            let audit = try db.queryFirst("SELECT id FROM resources WHERE type = 'AuditEvent' AND patient = 'helene' AND deleted = 0", [], map: { $0.string(0) })
            let notification = try db.queryFirst("SELECT id FROM resources WHERE type = 'Communication' AND patient = 'helene' AND (flags & 8) != 0", [],
                                                 map: { $0.string(0) })
            samples["AuditEvent"] = ("AuditEvent", try XCTUnwrap(audit))
            samples["Notification"] = ("Communication", try XCTUnwrap(notification))
        }
        tokens["aidantEnded"] = try server.token(login: "ended.aidant")
        tokens["service"] = try server.token(login: "service.demo")
        // Lucas's space gets a copy of every route, for the parent.
        for (route, sample) in samples where route != "Patient" && route != "Practitioner" && route != "Binary" {
            try clone(sample.type, sample.id, as: "lucas-\(sample.id)", into: "lucas")
        }
        samples["LucasBinary"] = ("Binary", "lucas-doc-echo-content")
    }

    /// Copies a resource (a document with its content) under a new id, in `patient`'s space.
    func clone(_ type: String, _ id: String, as newID: String, into patient: String) throws {
        try server.database { db in
            let stored = try XCTUnwrap(ResourceRepository.fetch(db, type: type, id: id))
            var text = String(decoding: stored.json, as: UTF8.self).replacingOccurrences(of: "\"Patient/helene\"", with: "\"Patient/\(patient)\"")
            if type == "DocumentReference" {
                text = text.replacingOccurrences(of: "\"Binary/\(id)-content\"", with: "\"Binary/\(newID)-content\"")
            }
            var resource = try Resource(parsing: Array(text.utf8))
            resource.id = newID
            var writer = SeedWriter(db: db, now: server.app.clock.now)
            if type == "Binary" {
                let document = try XCTUnwrap(WriteRules.document(of: stored, db: db))
                let content = try XCTUnwrap(ResourceRepository.content(db, id: id))
                try ResourceRepository.saveContent(db, id: newID, contentType: content.contentType, data: content.data)
                try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient,
                                                                                  documentFlags: (document.flags, document.authors.split(separator: " ").map(String.init))),
                                            now: server.app.clock.now)
                return
            }
            try writer.save(resource, patient: patient)
            if type == "DocumentReference", let content = try ResourceRepository.content(db, id: "\(id)-content") {
                let binary = Binary(id: "\(newID)-content", contentType: content.contentType, data: [], securityContext: "DocumentReference/\(newID)")
                var binaryResource = binary.resource
                binaryResource["data"] = nil
                try ResourceRepository.saveContent(db, id: "\(newID)-content", contentType: content.contentType, data: content.data)
                let document = try XCTUnwrap(ResourceRepository.fetch(db, type: "DocumentReference", id: newID))
                try ResourceRepository.save(db, &binaryResource, index: ResourceIndex(resource: binaryResource, patient: patient,
                                                                                        documentFlags: (document.flags, document.authors.split(separator: " ").map(String.init))),
                                            now: server.app.clock.now)
            }
        }
    }

    struct Outcome {
        var cell: String
        var detail: String
    }

    func run(route: String, operation: String, role: String) throws -> Outcome {
        let space = role == "parent" ? "lucas" : "helene"
        var (type, id) = try XCTUnwrap(samples[route])
        if role == "parent", route == "Binary" {
            id = "lucas-doc-echo-content"
        } else if role == "parent", route == "Patient" {
            id = "lucas"
        } else if role == "parent", route != "Practitioner" {
            id = "lucas-\(id)"
        }
        let token = tokens[role]
        let answer: InProcessServer.Answer
        switch operation {
        case "read":
            answer = server.call("GET", "/\(type)/\(id)", token: token)
        case "search":
            let patient = type == "Practitioner" ? "" : "patient=\(space)&"
            answer = server.call("GET", "/\(type)?\(patient)_id=\(id)", token: token)
            if answer.status == 200 {
                return Outcome(cell: answer.json["total"]?.intValue == 1 ? "200" : "200-", detail: "")
            }
        default:
            // Writes and deletes act on a fresh copy, so that one cell does not change another's.
            var target = id
            if type != "Patient" {
                counter += 1
                target = "cell\(counter)-\(id)"
                if type == "Binary" {
                    try clone(type, id, as: target, into: space)
                } else {
                    try clone(type, id, as: target, into: type == "Practitioner" ? "" : space)
                }
            }
            if operation == "write" {
                let body = try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: type, id: target)).resource() }
                answer = server.call("PUT", "/\(type)/\(target)", json: body.json, token: token)
            } else {
                answer = server.call("DELETE", "/\(type)/\(target)", token: token)
            }
        }
        return Outcome(cell: String(answer.status), detail: answer.detail ?? "")
    }
}
