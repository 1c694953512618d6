import Agenda
import Foundation
import HealthRecord
import TestSupport
import XCTest

/// `mes agenda …` and `mes prevention …` run as a user would, on a vault synced with a real
/// `mes-server` (the demo world).
final class AgendaCommandTests: AgendaServerCase, @unchecked Sendable {
    func mes(_ arguments: [String], language: String = "fr_FR.UTF-8") throws -> ProcessResult {
        let passphrase = home.url.appendingPathComponent("passphrase")
        if !FileManager.default.fileExists(atPath: passphrase.path) { try Data("phrase de test\n".utf8).write(to: passphrase) }
        return try ProcessRunner.run(BuiltProducts.path("mes"), arguments + ["--home", home.url.appendingPathComponent("vault").path,
                                                                             "--passphrase-file", passphrase.path],
                                     environment: ProcessRunner.environment(["LANG": language, "MES_SHARE_DIR": BuiltProducts.repository.path]))
    }

    func testTheCommandLine() async throws {
        let (book, _) = try await syncedBook()
        book.vault.close()
        let add = try mes(["agenda", "add", "--type", "rappel", "--title", "Prendre rendez-vous, dentiste; urgent", "--date", "2026-10-25",
                           "--time", "09:30", "--remind", "60"])
        XCTAssertEqual(add.status, 0, add.standardError)
        XCTAssertTrue(add.standardOutput.contains("Ajouté à l’agenda"), add.standardOutput)

        let list = try mes(["agenda", "list", "--from", "2026-10-01", "--to", "2026-10-31", "--json"])
        XCTAssertEqual(list.status, 0, list.standardError)
        let items = try XCTUnwrap(try MesJSON.data(list.standardOutput) as? [[String: Any]])
        let reminder = try XCTUnwrap(items.first { $0["title"] as? String == "Prendre rendez-vous, dentiste; urgent" })
        XCTAssertEqual(reminder["category"] as? String, "reminder")
        XCTAssertEqual(reminder["start"] as? String, "2026-10-25T08:30:00Z", "09:30 in Paris after the change to winter time")

        let readOnly = try mes(["agenda", "edit", "appt-ophtalmo-booked", "--title", "X"])
        XCTAssertEqual(readOnly.status, 1)
        XCTAssertTrue(readOnly.standardError.contains("connectez-vous à votre compte Agenda Santé Connect"), readOnly.standardError)
        let text = try mes(["agenda", "list", "--from", "2000-01-01", "--to", "2030-01-01"], language: "en_GB.UTF-8")
        XCTAssertTrue(text.standardOutput.contains("synced from Agenda Santé Connect (read-only)"), text.standardOutput)

        let exported = home.url.appendingPathComponent("agenda.ics")
        let export = try mes(["agenda", "export", exported.path, "--with-prevention"])
        XCTAssertEqual(export.status, 0, export.standardError)
        XCTAssertTrue(export.standardError.contains("pas chiffré"))
        let ics = try String(contentsOf: exported, encoding: .utf8)
        XCTAssertTrue(ics.contains("BEGIN:VTIMEZONE"))
        XCTAssertTrue(ics.contains("X-MES-PREVENTION:"), "the prevention due dates are in")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: exported.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try mes(["agenda", "export", exported.path]).status, 1, "an existing file is never overwritten")

        let dryRun = try mes(["agenda", "import", exported.path, "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.standardError)
        XCTAssertTrue(dryRun.standardOutput.contains("Essai : rien n’a été ajouté."), dryRun.standardOutput)
        XCTAssertTrue(dryRun.standardOutput.contains("(déjà présent)"), dryRun.standardOutput)

        let prevention = try mes(["prevention", "list", "--json"])
        XCTAssertEqual(prevention.status, 0, prevention.standardError)
        let steps = try XCTUnwrap(try MesJSON.data(prevention.standardOutput) as? [[String: Any]])
        XCTAssertTrue(steps.contains { $0["step"] as? String == "depistage-sein" })
        XCTAssertTrue(steps.allSatisfy { ($0["reason"] as? String)?.contains(" — ") ?? false })
        let done = try mes(["prevention", "done", "zona"])
        XCTAssertEqual(done.status, 0, done.standardError)
        let unknown = try mes(["prevention", "done", "nope"])
        XCTAssertEqual(unknown.status, 1)
    }
}
