import FHIR
import Foundation
import TestSupport
import XCTest

/// The access-code rubriques « entourage et volontés » and « histoire de santé », end to end:
/// `mes access code --rubriques …` against a real `mes-server`, and professionals reading
/// through the real `mes-server pro` command.
final class RubriqueAccessTests: XCTestCase {
    func testEntourageEtVolontesAndHistoireDeSanteOpenTheirRowsAndNothingElse() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        world.vault.close()
        let passphrase = world.directory.url.appendingPathComponent("passphrase")
        try Data("phrase secrète de test".utf8).write(to: passphrase)
        func mes(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
            let result = try ProcessRunner.run(BuiltProducts.path("mes"),
                                               ["--home", world.directory.url.appendingPathComponent("vault").path, "--passphrase-file", passphrase.path] + arguments,
                                               environment: ["LANG": "fr_FR.UTF-8", "HOME": world.directory.path])
            return (result.status, result.standardOutput, result.standardError)
        }
        func code(_ rubriques: String) throws -> String {
            let created = try mes("access", "code", "--duration", "2h", "--rubriques", rubriques, "--json")
            XCTAssertEqual(created.status, 0, created.errors)
            let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
            let answer = try XCTUnwrap(envelope["data"] as? [String: Any], "the versioned envelope of Docs/json.md")
            return try XCTUnwrap(answer["code"] as? String)
        }
        func read(_ who: (String, String), _ path: String) throws -> (status: Int32, json: JSON) {
            let answer = try world.professional(who, "get", path)
            return (answer.status, (try? JSON(parsing: Array(answer.output.utf8))) ?? .null)
        }

        // An unknown rubrique is refused with the names to choose from.
        let wrong = try mes("access", "code", "--rubriques", "famille")
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.errors.contains("histoire-de-sante") && wrong.errors.contains("entourage"), wrong.errors)

        // « Entourage et volontés »: the personne de confiance, the directives anticipées and
        // their content; no other document.
        let entourage = try code("entourage")
        XCTAssertEqual(try world.professional(SharingWorld.garnier, "redeem", entourage).status, 0)
        let patient = try read(SharingWorld.garnier, "Patient/helene")
        XCTAssertEqual(patient.status, 0)
        XCTAssertTrue(patient.json["contact"]?.serialized().contains(Array("QUAL".utf8)) ?? false, "the personne de confiance")
        XCTAssertEqual(try read(SharingWorld.garnier, "DocumentReference/doc-directives").status, 0)
        let content = try read(SharingWorld.garnier, "Binary/doc-directives-content")
        XCTAssertEqual(content.status, 0)
        XCTAssertNotNil(content.json["data"]?.stringValue)
        XCTAssertEqual(try read(SharingWorld.garnier, "DocumentReference/doc-echo").status, 8, "another document is not found")
        XCTAssertEqual(try read(SharingWorld.garnier, "Binary/doc-echo-content").status, 8)
        let documents = try read(SharingWorld.garnier, "DocumentReference?patient=helene")
        XCTAssertEqual(documents.status, 0)
        XCTAssertEqual(documents.json["entry"]?.elements.compactMap { $0["resource"]?["id"]?.stringValue }, ["doc-directives"])
        XCTAssertEqual(try read(SharingWorld.garnier, "ExplanationOfBenefit?patient=helene").status, 1, "403 rubrique")
        XCTAssertEqual(try read(SharingWorld.garnier, "Immunization?patient=helene").status, 1)

        // « Histoire de santé »: the reimbursement timeline, and nothing else (not the entourage).
        let history = try code("histoire-de-sante")
        XCTAssertEqual(try world.professional(SharingWorld.bernard, "redeem", history).status, 0)
        let timeline = try read(SharingWorld.bernard, "ExplanationOfBenefit?patient=helene")
        XCTAssertEqual(timeline.status, 0)
        XCTAssertGreaterThan(timeline.json["entry"]?.elements.count ?? 0, 0)
        let bare = try read(SharingWorld.bernard, "Patient/helene")
        XCTAssertEqual(bare.status, 0)
        XCTAssertNil(bare.json["contact"], "no entourage without the rubrique")
        for search in ["DocumentReference", "Immunization", "Appointment", "Consent", "Condition"] {
            XCTAssertEqual(try read(SharingWorld.bernard, "\(search)?patient=helene").status, 1, search)
        }
        XCTAssertEqual(try read(SharingWorld.bernard, "DocumentReference/doc-directives").status, 8)

        // The holder's list names both rubriques in words.
        XCTAssertEqual(try mes("sync").status, 0)
        let listed = try mes("access", "list").output
        XCTAssertTrue(listed.contains("Entourage et volontés") && listed.contains("Histoire de santé"), listed)
    }
}
