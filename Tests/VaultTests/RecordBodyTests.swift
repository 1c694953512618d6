import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// The hand-written document body (issue 20) reads back as the same record and has the members
/// `JSONEncoder` writes; the sort keys' ASCII path is Foundation's folding.
final class RecordBodyTests: XCTestCase {
    /// Every member set, with text that needs escaping, dates with fractions and before 2001.
    private var fullDocument: Document {
        Document(id: "d\"1\\", profileID: "p1", title: "Compte rendu « IRM » du genou\n\tligne 2 \u{01} \u{1F}/é",
                 typeCode: CodedConcept(system: "http://loinc.org", code: "18748-4", display: "CR d'imagerie"),
                 classCode: .imaging, author: DocumentAuthor(name: "Dr Zoé Ñúñez", organization: "Clinique \"Sud\"", rpps: "10000000001"),
                 creationDate: Date(timeIntervalSinceReferenceDate: 786_542_400.123_456), serviceStart: Date(timeIntervalSince1970: -12.5),
                 serviceEnd: Date(timeIntervalSinceReferenceDate: 1e10 + 0.25), size: 123_456_789, sha256: String(repeating: "ab", count: 32),
                 format: "application/pdf", confidentiality: .restricted, visibility: [.maskedFromProfessionals, .invisibleToPatient],
                 note: "à relire 🙂", origin: .patient, isRead: true, category: .imaging)
    }

    func testDocumentBodyReadsBackAsTheSameDocument() throws {
        var minimal = fullDocument
        minimal.category = nil
        minimal.serviceStart = nil
        minimal.serviceEnd = nil
        minimal.note = nil
        minimal.visibility = []
        minimal.author = DocumentAuthor(name: "")
        minimal.typeCode = CodedConcept(system: "s", code: "c")
        minimal.title = ""
        for document in [fullDocument, minimal] {
            let body = try XCTUnwrap(RecordBody.encoded(document))
            XCTAssertEqual(try JSONDecoder().decode(Document.self, from: body), document)
            XCTAssertEqual(try VaultSession.encodedBody(document), body)
        }
    }

    func testDocumentBodyHasExactlyTheMembersOfTheEncodableForm() throws {
        // A member added to Document (or to its author or type code) must be written here too.
        let fast = try XCTUnwrap(RecordBody.encoded(fullDocument))
        let foundation = try JSONEncoder().encode(fullDocument)
        func members(_ data: Data) throws -> [String: Set<String>] {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            var result: [String: Set<String>] = ["": Set(object.keys)]
            for (key, value) in object {
                if let nested = value as? [String: Any] { result[key] = Set(nested.keys) }
            }
            return result
        }
        XCTAssertEqual(try members(fast), try members(foundation))
        // Every optional member of the sample is set, so none is missed for being nil.
        for child in Mirror(reflecting: fullDocument).children {
            let mirror = Mirror(reflecting: child.value)
            XCTAssertFalse(mirror.displayStyle == .optional && mirror.children.isEmpty, "\(child.label ?? "?") is nil in the sample")
        }
    }

    func testOtherKindsKeepTheEncoder() throws {
        let message = Message(id: "m1", profileID: "p1", threadID: "t1", sender: Participant(name: "Dr A", address: "a@mssante.fr", role: .professional),
                              sent: Date(timeIntervalSinceReferenceDate: 0), body: "Bonjour")
        XCTAssertNil(RecordBody.encoded(message))
        XCTAssertEqual(try JSONDecoder().decode(Message.self, from: VaultSession.encodedBody(message)), message)
    }

    func testASCIISortKeysAreFoundationsFolding() {
        let ascii = String(decoding: (0x20...0x7E).map { UInt8($0) }, as: UTF8.self)
        for text in [ascii, "Dr Paul DURAND", "already lower", "", "MiXeD 42 ^`~"] {
            XCTAssertEqual(listSortKey(text), text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                .precomposedStringWithCanonicalMapping, text)
        }
        XCTAssertEqual(listSortKey("Zoé ÉLODIE Ñúñez"), "zoe elodie nunez")
    }

    func testLatinSortKeysAreFoundationsFoldingScalarByScalarAndInText() {
        // Every scalar of the table, alone and between others; text beyond it (combining marks,
        // Greek, ligatures, emoji) takes Foundation's path.
        for value in 0..<LatinFolding.limit {
            let text = String(Character(Unicode.Scalar(value)!))
            XCTAssertEqual(listSortKey(text), foundationSortKey(text), "U+\(String(value, radix: 16))")
            let inText = "Éa\(text)Œz ß"
            XCTAssertEqual(listSortKey(inText), foundationSortKey(inText), "U+\(String(value, radix: 16)) in text")
        }
        for text in ["Compte rendu d'échographie cardiaque", "ÇA COÛTE CHER", "Straße", "e\u{301}cho", "ΣΊΣΥΦΟΣ", "ﬁche", "IRM 🙂 genou",
                     "Ǆemal", "Ŀlorenç", "İstanbul", "ĳssel"] {
            XCTAssertEqual(listSortKey(text), foundationSortKey(text), text)
        }
    }
}
