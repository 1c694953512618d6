import FHIR
import Foundation
import HealthRecord
@testable import Sync
import TestSupport
import XCTest

/// Aidants et profils and the Accueil in the real `mes`, in tmux at 80x24, against a real
/// `mes-server` seeded with the demo world: the header says whose space in words; `@` switches
/// to the child's space from anywhere; the Accueil shows what a professional sent while the app
/// ran (a new document, an unread message), in French, English and screen-reader mode.
final class SpacesE2ETests: XCTestCase {
    /// `mes-server pro …` as Dr Garnier (the biologist), who writes to Hélène.
    func professional(_ home: SyncedHome, _ arguments: String...) throws -> Int32 {
        try home.professional(rpps: "10003456783", password: "demo-garnier", arguments)
    }

    /// Dr Garnier publishes a result in Hélène's space, through an access code Hélène gave.
    func professionalPublishes(_ home: SyncedHome, title: String) async throws {
        let server = home.server
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let holder = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene",
                                             oneTimeCode: { try String(contentsOf: otp, encoding: .utf8) })
        let transport = URLSessionTransport(baseURL: server.url)
        func post(_ path: String, _ body: JSON, token: String) async throws -> JSON {
            let answer = try await transport.send(BackendRequest(method: "POST", path: path, headers: ["Authorization": "Bearer \(token)"],
                                                                 body: Data(body.serialized())))
            XCTAssertTrue((200..<300).contains(answer.status), String(decoding: answer.body, as: UTF8.self))
            return try JSON(parsing: answer.body)
        }
        let code = try await post("/Patient/helene/$access-code", ["durationMinutes": 60, "rubriques": ["documents"]], token: holder.token)
        let proOTP = server.dataDirectory.appendingPathComponent("otp/10003456783.txt")
        let started = try await transport.send(BackendRequest(method: "POST", path: "/auth/login",
                                                              body: Data(#"{"rpps":"10003456783","password":"demo-garnier"}"#.utf8)))
        let login = try JSON(parsing: started.body)
        let oneTime = try String(contentsOf: proOTP, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let verified: JSON = ["challenge": login["challenge"] ?? .null, "code": .string(oneTime)]
        let answer = try await transport.send(BackendRequest(method: "POST", path: "/auth/otp", body: Data(verified.serialized())))
        let token = try XCTUnwrap(try JSON(parsing: answer.body)["access_token"]?.stringValue)
        _ = try await post("/$redeem-access-code", ["code": code["code"] ?? .null], token: token)
        var document = DocumentReference(typeSystem: CodeSystem.loinc, typeCode: "11502-2", classCode: "10", subject: "Patient/helene",
                                         title: title, attachment: .init(contentType: "text/plain"))
        document.attachment.url = "urn:uuid:content"
        let bundle = FHIRBundle(kind: .transaction, entries: [
            .init(fullUrl: "urn:uuid:document", resource: document.resource, method: "POST", url: "DocumentReference"),
            .init(fullUrl: "urn:uuid:content", resource: Binary(contentType: "text/plain", data: Array("Ferritine : 45 µg/L.".utf8)).resource,
                  method: "POST", url: "Binary"),
        ])
        _ = try await post("/", bundle.resource.json, token: token)
    }

    func testSwitchingToTheChildChangesTheHeaderAndTheAccueilShowsWhatAProfessionalSent() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        var screen = try mes.waitFor("Profil : Hélène MARTINEAU", "Synchro : à jour", "messages non lus.", timeout: 20)
        XCTAssertTrue(screen.contains("[1 Accueil]"), screen)
        XCTAssertTrue(screen.contains("Prochain rendez-vous"), screen)

        // A professional publishes a result and writes, while the app runs; `$` syncs.
        try await professionalPublishes(home, title: "Résultat ferritine")
        let body = home.directory.url.appendingPathComponent("body.txt")
        try Data("Bonjour, votre dosage de ferritine est normal.".utf8).write(to: body)
        XCTAssertEqual(try professional(home, "message", "start", "helene", "--topic", "Ferritine", "--body-file", body.path), 0)
        try mes.send("$")
        // First visit: what is unread counts (later visits count what arrived since).
        screen = try mes.waitFor("Ferritine, Dr Amélie Garnier", "16 documents non lus.", "8 messages non lus.", "Synchro : à jour", timeout: 30)
        XCTAssertTrue(screen.contains("Résultat ferritine"), "the attached result is a new document:\n\(screen)")

        // The line opens its item: the thread, in the Messagerie.
        // Down, one line at a time (each move waits for the pointer to move), to the thread.
        for _ in 0..<12 where !(try mes.screen()).contains("▸ Ferritine, Dr Amélie Garnier") {
            let before = try mes.screen().split(separator: "\n").first { $0.hasPrefix("▸") }
            try mes.send("Down")
            let deadline = Date().addingTimeInterval(3)
            while Date() < deadline, try mes.screen().split(separator: "\n").first(where: { $0.hasPrefix("▸") }) == before {}
        }
        try mes.waitFor("▸ Ferritine, Dr Amélie Garnier")
        try mes.send("Enter")
        try mes.waitFor("votre dosage de ferritine est normal", timeout: 10)

        // From anywhere, `@` chooses the space; the header says it in words.
        try mes.send("Escape")
        try mes.send("4")
        try mes.send("@")
        try mes.waitFor("Changer d’espace", "Lucas MARTINEAU, enfant")
        try mes.send("Down")
        try mes.send("Enter")
        screen = try mes.waitFor("Profil : Lucas MARTINEAU, enfant", "[4 Agenda]", "M'T dents", timeout: 10)
        try mes.send("1")
        try mes.waitFor("Bilan de santé de l'enfant")
        try mes.send("7")
        try mes.waitFor("Hélène MARTINEAU, vous", "▸ Lucas MARTINEAU, enfant (actif)")

        try mes.send("q")
        try mes.waitFor("Quitter")
        try mes.send("o")
        XCTAssertEqual(try mes.waitForExit(timeout: 10), 0)
    }

    func testTheAccueilInEnglishWithAScreenReader() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal(arguments: ["--lang", "en", "--screen-reader"])
        defer { mes.close() }
        var screen = try mes.waitFor("Profile: Hélène MARTINEAU", "unread messages.", "Next appointment:", "Sync: up to date", timeout: 20)
        screen = try mes.screen()
        XCTAssertTrue(screen.contains("Home, section 1 of 8."), screen)
        let cursor = try mes.cursor()
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[cursor.y].hasPrefix("▸") || lines[cursor.y].contains(","), "the cursor on the focused line: \(lines[cursor.y])")
        try mes.send("@")
        try mes.waitFor("Switch space", "Lucas MARTINEAU, child")
        try mes.send("Down", "Enter")
        try mes.waitFor("Profile: Lucas MARTINEAU, child", "Space opened: Lucas MARTINEAU, child.", timeout: 10)
    }

    func testAsAidantTheHeaderSaysForWhomAndAnOutOfScopeSectionSaysWhy() async throws {
        let home = try await SyncedHome(identifier: "julien.martineau", password: "demo-julien")
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        var screen = try mes.waitFor("Profil : aidant pour Hélène MARTINEAU", "Synchro : à jour", "messages non lus.", timeout: 20)
        XCTAssertTrue(screen.contains("documents non lus."), screen)
        try mes.send("3")
        screen = try mes.waitFor("Hors de votre délégation", "ne couvre pas cette rubrique")
        XCTAssertTrue(screen.contains("Documents, Agenda, Messagerie. Touche @ pour changer d’espace."), screen)
        try mes.send("6")
        try mes.waitFor("Un aidant ne gère pas le partage de l’espace de Hélène MARTINEAU")
        try mes.send("2")
        try mes.waitFor("Échographie abdominale", timeout: 10)
        try mes.send("7")
        try mes.waitFor("▸ Hélène MARTINEAU, vous êtes son aidant. Rubriques : Documents")
    }
}
