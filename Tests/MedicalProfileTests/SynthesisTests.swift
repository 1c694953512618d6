import Documents
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TestSupport
import Vault
import XCTest

/// The synthèse PDF: made by cairo and pango, valid for `qpdf --check`, every entry of the chosen
/// sections in `pdftotext`'s reading with its accents, and saved among the documents as DOCPAT08.
final class SynthesisTests: XCTestCase {
    func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The PDF goes through a pipe: no clear copy on the disk.
        let writer = Thread { try? stdin.fileHandleForWriting.write(contentsOf: Data(input)); try? stdin.fileHandleForWriting.close() }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    func testThePDFHoldsEveryEntryOfTheChosenSectionsAndIsSavedAsDOCPAT08() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let book = ProfileBook(vault: vault, profileID: "helene", vaccines: repositoryVaccines)
        try book.add(.conditions, ["name": "Hypertension artérielle", "start": "2016"])
        try book.add(.conditions, ["name": "Diabète de type 2", "start": "11/2020", "comment": "suivi trimestriel — HbA1c"])
        for index in 0..<40 { try book.add(.treatments, ["name": "Médicament n°\(index) à prendre le matin", "dosage": "1 comprimé"]) }
        try book.add(.allergies, ["name": "Pénicilline", "comment": "œdème de Quincke"])
        try book.add(.vaccinations, ["vaccine": "J07BK03", "date": "12/11/2025", "dose": "BOOSTER"])
        try book.add(.familyHistory, ["relative": "MOTHER", "name": "Cancer du sein"])
        try MeasureBook(vault: vault, profileID: "helene").add(.weight, values: [72.5])
        let synthesis = ProfileSynthesis(book: book)
        let chosen: [ProfileSynthesis.Section] = [.rubrique(.conditions), .rubrique(.treatments), .rubrique(.allergies),
                                                  .rubrique(.vaccinations), .measures]
        let pdf = try synthesis.pdf(sections: chosen, at: Date(timeIntervalSince1970: 1_764_000_000))
        XCTAssertEqual(Array(pdf.prefix(5)), Array("%PDF-".utf8))

        // qpdf needs a file it can seek in (the test's own synthetic data).
        let file = directory.url.appendingPathComponent("synthese.pdf")
        try Data(pdf).write(to: file)
        let check = try run("/usr/bin/qpdf", ["--check", file.path], input: [])
        XCTAssertEqual(check.status, 0, check.output)
        let text = try run("/usr/bin/pdftotext", ["-layout", "-", "-"], input: pdf).output
        let flat = text.replacingOccurrences(of: "\n", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for expected in ["Synthèse du profil médical", "Hélène MARTINEAU", "Hypertension artérielle", "Diabète de type 2",
                         "Pénicilline", "œdème de Quincke", "Zona", "Rappel", "Médicament n°0", "Médicament n°39", "Poids", "72,5 kg",
                         "Maladies et sujets de santé", "Mesures de santé"] {
            XCTAssertTrue(flat.contains(expected), "pdftotext misses “\(expected)”")
        }
        XCTAssertFalse(flat.contains("Cancer du sein"), "a section not chosen stays out")
        XCTAssertTrue(text.contains("\u{0C}"), "forty treatments take a second page")

        XCTAssertEqual(try synthesis.fileName(at: Date(timeIntervalSince1970: 1_764_000_000)), "Profilmedical_Hélène_Martineau_202511241700.pdf", "Paris time")
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let saved = try synthesis.save(pdf, fileName: synthesis.fileName(), library: library)
        XCTAssertEqual(saved.typeCode.code, "DOCPAT08")
        XCTAssertEqual(saved.format, "application/pdf")
        XCTAssertEqual(try library.content(of: saved.id)?.bytes, pdf)
        XCTAssertEqual(try vault.read { try $0.outbox.pending().last?.kind }, .document, "it goes to the server with the next sync")
    }

    /// Directives anticipées: the form becomes an EXPPAT_3 PDF with every answer; new directives
    /// replace the previous document; a minor's space refuses them; an existing document can be kept.
    func testDirectivesAreAnEXPPAT3DocumentThatReplacesThePreviousAndAreRefusedToAMinor() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let book = ProfileBook(vault: vault, profileID: "helene", vaccines: repositoryVaccines)
        let library = DocumentLibrary(vault: vault, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        let directives = try AdvanceDirectives(values: ["variant": "serious-illness", "context": "Insuffisance cardiaque sévère",
                                                        "life-support": "no", "sedation": "yes", "resuscitation": "no", "machines": "undecided",
                                                        "wishes": "Mourir chez moi, entourée des miens"])
        let first = try book.writeAdvanceDirectives(directives, library: library)
        XCTAssertEqual(first.typeCode.code, "EXPPAT_3")
        XCTAssertEqual(first.category, .advanceDirectives)
        let pdf = try XCTUnwrap(try library.content(of: first.id)?.bytes)
        let text = try run("/usr/bin/pdftotext", ["-layout", "-", "-"], input: pdf).output
        let flat = text.replacingOccurrences(of: "\n", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for expected in ["Mes directives anticipées", "Hélène MARTINEAU", "En fin de vie ou en cas de maladie grave", "Insuffisance cardiaque sévère",
                         "Être réanimé(e) en cas d’arrêt cardiaque", "Mourir chez moi, entourée des miens", "Je ne sais pas"] {
            XCTAssertTrue(flat.contains(expected), "pdftotext misses “\(expected)” in \(flat)")
        }
        XCTAssertEqual(try book.advanceDirectives()?.documentID, first.id)

        let second = try book.writeAdvanceDirectives(AdvanceDirectives(variant: .goodHealth, resuscitation: .yes), library: library)
        XCTAssertEqual(try book.advanceDirectives()?.documentID, second.id)
        XCTAssertThrowsError(try library.document(first.id), "MES keeps one version: the previous one is gone")
        let kept = try book.attachAdvanceDirectives(fileName: "mes-directives.txt", content: Array("Mes volontés écrites à la main.".utf8), library: library)
        XCTAssertEqual(kept.typeCode.code, "EXPPAT_3")
        XCTAssertThrowsError(try library.document(second.id))
        XCTAssertThrowsError(try AdvanceDirectives(values: ["sedation": "peut-être"]))

        let (child, childDirectory) = try makeProfileVault(relation: .child, birthDate: CalendarDate(year: 2015, month: 6, day: 1))
        defer { child.close(); childDirectory.remove() }
        let childBook = ProfileBook(vault: child, profileID: "helene", vaccines: repositoryVaccines)
        let childLibrary = DocumentLibrary(vault: child, profileID: "helene", catalog: DocumentCatalog(shareDirectory: BuiltProducts.repository))
        XCTAssertThrowsError(try childBook.writeAdvanceDirectives(directives, library: childLibrary)) { error in
            XCTAssertEqual(error as? ProfileBookError, .minorSpace)
        }
        XCTAssertThrowsError(try childBook.attachAdvanceDirectives(fileName: "a.txt", content: Array("x".utf8), library: childLibrary))
        XCTAssertTrue(try childLibrary.summaries().isEmpty, "nothing was written")
    }
}
