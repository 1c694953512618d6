import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// Partage et confidentialité in the real `mes`, in tmux at 80x24, against a real `mes-server`:
/// a code shown as 8 digits and a QR code, used by a professional (`mes-server pro`), the
/// session ended, SAMU access refused, and the professional's read in the history.
final class SharingE2ETests: XCTestCase {
    func professional(_ home: SyncedHome, _ arguments: String...) throws -> Int32 {
        try home.professional(rpps: "10003456782", password: "demo-bernard", arguments)
    }

    func testACodeIsUsedEndedAndSeenInTheHistory() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        try mes.waitFor("Synchro : à jour", timeout: 20)
        try mes.send("6")
        try mes.waitFor("[Accès]", "n code")
        try mes.send("n")
        try mes.waitFor("Donner accès à un professionnel", "[x]")
        try mes.send("Enter")
        let shown = try mes.waitFor("Code d’accès pour un professionnel", "Expire dans", "▀", timeout: 15)
        let line = try XCTUnwrap(shown.split(separator: "\n").first { $0.hasPrefix("Code d’accès\u{a0}: ") })
        let code = line.filter(\.isNumber)
        XCTAssertEqual(code.count, 8, String(line))
        XCTAssertTrue(shown.contains(" _ "), "the code drawn large:\n\(shown)")

        XCTAssertEqual(try professional(home, "redeem", code), 0)
        XCTAssertEqual(try professional(home, "get", "DocumentReference/doc-echo"), 0)
        try mes.waitFor("Utilisé par Dr Sophie Bernard", timeout: 40)
        try mes.send("Escape")
        try mes.waitFor("▸ Dr Sophie Bernard — jusqu’au")

        try mes.send("BTab")
        try mes.waitFor("[Historique]", "Dr Sophie Bernard — a consulté", "[nouveau]")

        try mes.send("Tab")
        try mes.waitFor("[Accès]")
        try mes.send("f")
        try mes.waitFor("Mettre fin maintenant à l’accès de Dr Sophie Bernard", "[▸Non (n)]")
        try mes.send("o")
        try mes.waitFor("C’est terminé", timeout: 15)
        XCTAssertEqual(try professional(home, "get", "DocumentReference/doc-echo"), 8, "refused once ended: what one may not see is not found (404)")

        try mes.send("Tab", "Tab")
        try mes.waitFor("[Urgence]", "▸ Accès du SAMU en cas d’urgence\u{a0}: autorisé")
        try mes.send("Enter")
        try mes.waitFor("Refuser l’accès du SAMU")
        try mes.send("o")
        try mes.waitFor("Accès du SAMU en cas d’urgence\u{a0}: refusé", "enregistré sur le serveur", timeout: 15)
        XCTAssertEqual(try professional(home, "emergency", "helene", "--reason", "malaise", "--samu"), 1, "the SAMU is refused now")
    }

    /// Services connectés in the app: consent one finalité of Tensio Suivi; while the app runs,
    /// the service's token reaches the measures and nothing else; then disconnect.
    func testAServiceIsConnectedFinaliteByFinaliteAndDisconnected() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal()
        defer { mes.close() }
        try mes.waitFor("Synchro : à jour", timeout: 20)
        try mes.send("6")
        try mes.waitFor("[Accès]")
        try mes.send("BTab", "BTab")
        try mes.waitFor("[Services]", "Tensio Suivi — non connecté", timeout: 15)
        try mes.send("Down", "Down")
        try mes.waitFor("▸ Tensio Suivi", "lit : Profil médical et mesures")
        try mes.send("Enter")
        try mes.waitFor("Connecter Tensio Suivi", "[ ] désactivé")
        try mes.send("Space", "Enter")
        try mes.waitFor("Connecter Tensio Suivi pour : Suivre ma tension artérielle", "[▸Non (n)]")
        try mes.send("o")
        try mes.waitFor("Tensio Suivi est connecté.", "▸ Tensio Suivi — connecté", timeout: 15)

        let transport = URLSessionTransportForTests(baseURL: home.server.url)
        let token = try await transport.serviceToken("tensio", secret: "demo-tensio")
        let measures = try await transport.status("/Observation", query: [("patient", "helene")], token: token)
        XCTAssertEqual(measures, 200, "the consented finalité reads the measures")
        let documents = try await transport.status("/DocumentReference", query: [("patient", "helene")], token: token)
        XCTAssertEqual(documents, 403, "and nothing else")

        try mes.send("d")
        try mes.waitFor("Déconnecter Tensio Suivi ?", "[▸Non (n)]")
        try mes.send("o")
        try mes.waitFor("Tensio Suivi est déconnecté", timeout: 15)
        let after = try await transport.status("/Observation", query: [("patient", "helene")], token: token)
        XCTAssertEqual(after, 404, "disconnected at once: the space is not found")
    }

    func testInEnglishAndForAScreenReader() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let mes = try home.terminal(arguments: ["--lang", "en", "--screen-reader"])
        defer { mes.close() }
        try mes.waitFor("Sync: up to date", timeout: 20)
        try mes.send("6")
        try mes.waitFor("Access tab")
        try mes.send("n", "Enter")
        let shown = try mes.waitFor("Access code for a professional", "Code: ", timeout: 15)
        let spoken = try XCTUnwrap(shown.split(separator: "\n").first { $0.hasPrefix("Code: ") })
        XCTAssertEqual(spoken.split(separator: " ").dropFirst().count, 8, "the code said digit by digit: \(spoken)")
        XCTAssertFalse(shown.contains("┌"), "no frame in screen-reader mode")
        let cursor = try mes.cursor()
        XCTAssertEqual(cursor.y, shown.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("Code: ") },
                       "the cursor is on the code")
        // At 80x24 the words leave no room for the QR code: one key shows it alone, large.
        XCTAssertTrue(shown.contains("No room for the QR code here: v shows it alone, large."), shown)
        try mes.send("v")
        let alone = try mes.waitFor("alone on screen. v goes back to the digits")
        let blocks = alone.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.contains("█") || $0.contains("▀") || $0.contains("▄") }
        XCTAssertGreaterThanOrEqual(blocks.count, 11, "the whole code is drawn: \(alone)")
        XCTAssertFalse(alone.contains("Code: "), "alone")
        try mes.send("v")
        try mes.waitFor("Code: ", "Back to the code's digits.")
    }
}

/// Plain HTTP to the test server, as a connected service would call it.
struct URLSessionTransportForTests {
    let baseURL: URL

    func send(_ method: String, _ path: String, query: [(String, String)] = [], token: String? = nil, body: String? = nil) async throws -> (Int, Data) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func serviceToken(_ service: String, secret: String) async throws -> String {
        let (status, data) = try await send("POST", "/auth/service-token", body: #"{"service": "\#(service)", "secret": "\#(secret)"}"#)
        XCTAssertEqual(status, 200)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try XCTUnwrap(object?["access_token"] as? String)
    }

    func status(_ path: String, query: [(String, String)], token: String) async throws -> Int {
        try await send("GET", path, query: query, token: token).0
    }
}
