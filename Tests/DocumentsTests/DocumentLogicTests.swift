@testable import Documents
import FHIR
import Foundation
import HealthRecord
import XCTest

/// Category mapping, filters, sorting and file checks: the pure logic of the dossier médical.
final class DocumentLogicTests: XCTestCase {
    let categorizer = repositoryCatalog.categorizer

    func testCategoriesComeFromTheExplicitValueThenTypeThenClass() {
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "11502-2", classCode: "10"), .laboratory)
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "57833-6", classCode: "42"), .prescriptions)
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "18748-4", classCode: "31"), .imaging)
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "EXPPAT_3", classCode: "90"), .advanceDirectives)
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "DOCPAT03", classCode: "90"), .other)
        XCTAssertEqual(categorizer.category(explicit: .reports, typeCode: "DOCPAT03", classCode: "90"), .reports, "the document's own category wins")
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "99999-9", classCode: "31"), .imaging, "unknown type: the class decides")
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "99999-9", classCode: "52"), .certificates)
        XCTAssertEqual(categorizer.category(explicit: nil, typeCode: "?", classCode: "?"), .other)
    }

    func testEveryCategoryFilesPatientDocumentsUnderItself() {
        for category in Document.Category.allCases {
            let coded = category.patientDepositedType
            XCTAssertEqual(categorizer.category(explicit: category, typeCode: coded.type.code, classCode: coded.class.rawValue), category)
            XCTAssertFalse(DocumentWording.category(category).isEmpty)
        }
    }

    func summary(_ id: String, title: String = "T", category: Document.Category = .reports, author: String = "Dr Paul Lefèvre",
                 daysAgo: Double = 0, read: Bool = true, masked: Bool = false) -> DocumentSummary {
        DocumentSummary(id: id, title: title, typeCode: "x", classCode: "10", category: category, authorName: author,
                        date: Date(timeIntervalSince1970: 1_700_000_000 - daysAgo * 86_400), format: "text/plain", size: 1,
                        origin: .professional, isRead: read, isMasked: masked)
    }

    func testFiltersCombineAndCountsIgnoreTheCategoryCondition() {
        let all = [
            summary("a", category: .laboratory, author: "Dr Amélie Garnier", daysAgo: 1, read: false),
            summary("b", category: .laboratory, author: "Dr Paul Lefèvre", daysAgo: 40, masked: true),
            summary("c", category: .imaging, author: "Dr Renaud", daysAgo: 400),
            summary("d", category: .prescriptions, author: "Dr Paul Lefèvre", daysAgo: 10, read: false, masked: true),
        ]
        func ids(_ filter: DocumentFilter) -> [String] { DocumentListing(all, filter: filter, sort: DocumentSort()).rows.map(\.id) }
        XCTAssertEqual(ids(DocumentFilter()), ["a", "d", "b", "c"], "newest first by default")
        XCTAssertEqual(ids(DocumentFilter(category: .laboratory)), ["a", "b"])
        XCTAssertEqual(ids(DocumentFilter(maskedOnly: true)), ["d", "b"])
        XCTAssertEqual(ids(DocumentFilter(unreadOnly: true)), ["a", "d"])
        XCTAssertEqual(ids(DocumentFilter(author: "lefevre")), ["d", "b"], "case and accents ignored")
        XCTAssertEqual(ids(DocumentFilter(author: "paul LEFÈVRE")), ["d", "b"])
        let reference = Date(timeIntervalSince1970: 1_700_000_000)
        XCTAssertEqual(ids(DocumentFilter(from: reference.addingTimeInterval(-50 * 86_400), until: reference.addingTimeInterval(-5 * 86_400))),
                       ["d", "b"])
        XCTAssertEqual(ids(DocumentFilter(searchResults: ["c", "a"])), ["a", "c"])
        let listing = DocumentListing(all, filter: DocumentFilter(category: .laboratory, maskedOnly: true), sort: DocumentSort())
        XCTAssertEqual(listing.rows.map(\.id), ["b"])
        XCTAssertEqual(listing.counts, [.laboratory: 1, .prescriptions: 1], "counts tell what another category would show")
        XCTAssertEqual(listing.groups().map(\.category), [.prescriptions, .laboratory], "in MES order")
        XCTAssertEqual(listing.total, 4)
    }

    func testSortingIgnoresCaseAndAccentsAndIsStable() {
        let all = [summary("1", title: "échographie", daysAgo: 3), summary("2", title: "Bilan", daysAgo: 2),
                   summary("3", title: "Fond d'œil", daysAgo: 1), summary("4", title: "bilan", daysAgo: 5)]
        XCTAssertEqual(DocumentSort(key: .title).sorted(all).map(\.id), ["2", "4", "1", "3"], "É between B and F; ties newest first")
        XCTAssertEqual(DocumentSort(key: .title, ascending: false).sorted(all).map(\.id), ["3", "1", "2", "4"])
        XCTAssertEqual(DocumentSort(key: .date, ascending: true).sorted(all).map(\.id), ["4", "1", "2", "3"])
        let authors = [summary("x", author: "Dr Zoé"), summary("y", author: "Dr Émile"), summary("z", author: "dr alain")]
        XCTAssertEqual(DocumentSort(key: .author).sorted(authors).map(\.id), ["z", "y", "x"])
    }

    // MARK: File checks

    static let pdf = Array("%PDF-1.4\n%\u{E2}\u{E3}\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 120)

    func testContentTypesAreRecognisedByTheirBytes() {
        XCTAssertEqual(DocumentFileFormat.detect(Self.pdf), .pdf)
        XCTAssertEqual(DocumentFileFormat.detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), .jpeg)
        XCTAssertEqual(DocumentFileFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), .png)
        XCTAssertEqual(DocumentFileFormat.detect([0x49, 0x49, 0x2A, 0x00, 8, 0]), .tiff)
        XCTAssertEqual(DocumentFileFormat.detect([0x4D, 0x4D, 0x00, 0x2A, 0, 8]), .tiff)
        XCTAssertEqual(DocumentFileFormat.detect(Array("{\\rtf1\\ansi Bonjour}".utf8)), .rtf)
        XCTAssertEqual(DocumentFileFormat.detect(Array("Tension 13/8.\r\n\tGlycémie 1,1 g/L\n".utf8)), .text)
        XCTAssertNil(DocumentFileFormat.detect(Self.elf), "an executable is nothing we accept")
        XCTAssertNil(DocumentFileFormat.detect(Array("PK\u{03}\u{04}zip".utf8)))
        XCTAssertNil(DocumentFileFormat.detect([0x41, 0x1B, 0x5B, 0x32, 0x4A]), "text with an escape sequence is not plain text")
        XCTAssertNil(DocumentFileFormat.detect([0x41, 0xC3]), "invalid UTF-8")
        XCTAssertNil(DocumentFileFormat.detect([UInt8]()))
    }

    func testHostileFilesAreRefused() {
        XCTAssertThrowsError(try DocumentImport.check(fileName: "ordonnance.pdf", content: Self.elf)) { error in
            XCTAssertEqual(error as? DocumentImportRefusal, .contentMismatch(expected: .pdf, found: nil))
        }
        XCTAssertThrowsError(try DocumentImport.check(fileName: "photo.jpg", content: Self.pdf)) { error in
            XCTAssertEqual(error as? DocumentImportRefusal, .contentMismatch(expected: .jpeg, found: .pdf))
        }
        let limit = DocumentContent.maximumSize
        XCTAssertThrowsError(try DocumentImport.check(fileName: "gros.txt", content: [UInt8](repeating: 0x61, count: limit + 1))) { error in
            XCTAssertEqual(error as? DocumentImportRefusal, .tooLarge(limit + 1))
        }
        XCTAssertEqual(try DocumentImport.check(fileName: "juste.txt", content: [UInt8](repeating: 0x61, count: limit)), .text)
        XCTAssertThrowsError(try DocumentImport.check(fileName: "virus.exe", content: Self.elf)) { error in
            XCTAssertEqual(error as? DocumentImportRefusal, .unsupportedType("exe"))
        }
        XCTAssertThrowsError(try DocumentImport.check(fileName: "vide.txt", content: [UInt8]())) { error in
            XCTAssertEqual(error as? DocumentImportRefusal, .empty)
        }
    }

    func testFileNamesAreNeutralised() {
        XCTAssertEqual(DocumentImport.safeFileName("../../etc/passwd.pdf"), "passwd.pdf")
        XCTAssertEqual(DocumentImport.safeFileName("..\\..\\windows\\x.txt"), "x.txt")
        XCTAssertEqual(DocumentImport.safeFileName("../.."), "document")
        XCTAssertEqual(DocumentImport.safeFileName(".cache.txt"), "cache.txt")
        XCTAssertEqual(DocumentImport.safeFileName("a\u{1B}[2Jb\u{202E}fdp.txt"), "a[2Jbfdp.txt", "controls and bidi overrides go")
        XCTAssertEqual(DocumentImport.suggestedTitle(fileName: "../Bilan sanguin.pdf"), "Bilan sanguin")
        XCTAssertEqual(try DocumentImport.check(fileName: "../../../tmp/ok.txt", content: Array("ok".utf8)), .text)
    }

    // MARK: Reading

    func testRTFBecomesReadableText() {
        let rtf = #"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}\f0 R\'e9sultat : normal.\par Dur\'e9e\tab 3 mois\par {\*\generator Word;}Prix \u8364? 5\par}"#
        XCTAssertEqual(RTFText.plainText(Array(rtf.utf8)), "Résultat : normal.\nDurée\t3 mois\nPrix € 5")
    }

    /// Found by fuzzing (`make fuzz TARGET=rtf`, input kept in Tests/Fuzz/rtf/): a `\u` number
    /// outside 16 bits trapped ("Negative value is not representable"). It reads as U+FFFD.
    func testAnRTFUnicodeNumberOutOfRangeIsReplacedNotATrap() {
        XCTAssertEqual(RTFText.plainText(Array(#"{\rtf1\uc0 a\u-5157022194805273032 b\u99999999999 c\u-10179 d\u-9}"#.utf8)),
                       "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFF7}", "out of range, out of range, a lone surrogate, then a real -9 (U+FFF7)")
        let found: [UInt8] = [0x00, 0x7B, 0x5C, 0x72, 0x7B, 0x5C, 0x6E, 0x65, 0x31, 0x31, 0x31, 0x31, 0x7B, 0x34, 0x40, 0x6E, 0xF3, 0x69,
                              0x2F, 0x6E, 0x20, 0x5C, 0x75, 0x2D] + Array("0000515702219480527303".utf8) + [0x32, 0x6E, 0x62, 0x00, 0x80, 0x00]
            + Array("par ".utf8)
        _ = RTFText.plainText(found)  // the input the fuzzer found (Tests/Fuzz/rtf/crash-unicode-out-of-range.rtf): no trap
    }

    func testPlainTextAndLabReportsAreRead() throws {
        let reader = DocumentReader()
        XCTAssertEqual(reader.reading(format: "text/plain; charset=utf-8", bytes: Array("\u{FEFF}Bonjour".utf8)), .text("Bonjour"))
        XCTAssertEqual(reader.reading(format: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), .metadataOnly(.image))
        let report = LabReportSample.report
        guard case .labReport(let read) = reader.reading(format: "application/fhir+json", bytes: report.bundle.resource.serialized()) else {
            return XCTFail("a lab report reads as a table")
        }
        XCTAssertEqual(read.results.count, 3)
        let table = DocumentWording.labReportRows(read)
        XCTAssertEqual(table.rows[0].last, "▲ élevé", "out of range: a word and a symbol, not colour alone")
        XCTAssertEqual(table.rows[1].last, "▼ bas")
        XCTAssertEqual(table.rows[2].last, "")
        XCTAssertEqual(table.rows[0][1], "7,4", "decimal comma in French")
        XCTAssertEqual(table.rows[0][3], "4 – 6")
    }

    func testPDFTextComesThroughAPipe() throws {
        let reader = DocumentReader()
        XCTAssertTrue(reader.canReadPDF, "pdftotext is installed by `make setup` (poppler-utils)")
        guard case .text(let text) = reader.reading(format: "application/pdf", bytes: PDFSample.bytes(text: "Glycemie a jeun 1,32")) else {
            return XCTFail("the PDF's text is extracted")
        }
        XCTAssertTrue(text.contains("Glycemie a jeun 1,32"), text)
        XCTAssertEqual(reader.reading(format: "application/pdf", bytes: DocumentLogicTests.elf), .metadataOnly(.pdfWithoutText))
    }
}
