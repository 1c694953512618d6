import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// The hand-written bodies (issue 20: documents, messages, threads, agenda events, measures)
/// read back as the same records and have the members `JSONEncoder` writes; the sort keys'
/// ASCII path is Foundation's folding.
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

    /// Every member set, nested participants and files included.
    private var fullMessage: Message {
        Message(id: "m\"1", profileID: "p1", threadID: "t\\1",
                sender: Participant(name: "Dr Zoé \"A\"", address: "a@mssante.fr", role: .professional, profession: "Cardiologie",
                                    organization: "CHU\nSud"),
                sent: Date(timeIntervalSinceReferenceDate: -1.5), body: "Bonjour,\n\tvoici 🙂 \u{01}",
                attachmentIDs: ["d1", "d\"2"], files: [MessageFile(title: "CR.pdf", contentType: "application/pdf", data: Data([0, 1, 2, 255])),
                                                      MessageFile(title: "", contentType: "text/plain", data: Data())],
                inResponseTo: "m0", isRead: true, allowsReply: false, writtenFor: "Lucas",
                recipient: Participant(name: "Pharmacie", address: "Organization/o", role: .establishment, profession: "Pharmacie",
                                       organization: "Pharmacie du port"),
                topic: "Résultats")
    }

    private var fullThread: MessageThread {
        MessageThread(id: "t\"1", profileID: "p1", subject: "Résultats « bilan »\n", participants: [fullMessage.sender, fullMessage.recipient!],
                      isClosed: true, lastActivity: Date(timeIntervalSinceReferenceDate: 1e9 + 0.5), isArchived: true,
                      lastPreview: "Bonjour,\n\tvoici", lastSender: "Dr Zoé \"A\"", lastFromPatientSide: true)
    }

    private var fullEvent: AgendaEvent {
        AgendaEvent(id: "a\"1", profileID: "p1", category: .appointment, title: "Cardiologue « contrôle »\n",
                    start: Date(timeIntervalSinceReferenceDate: 786_542_400.25), end: Date(timeIntervalSince1970: -3600.5),
                    location: "12 rue \"Haute\"", practitioner: Practitioner(name: "Dr Zoé", rpps: "10000000001", specialty: "Cardiologie",
                                                                         organization: "CHU"),
                    reminderOffsets: [86400, 3600.5, 0], recurrenceRule: "FREQ=YEARLY", status: .done, note: "à jeun 🙂",
                    source: .init(kind: .bookingService, name: "Doctolib"), allDay: true, preventionStep: "bilan-25",
                    externalUID: "uid@x")
    }

    private var fullMeasurement: HealthMeasurement {
        .bloodPressure(id: "obs-1", profileID: "p1", effective: Date(timeIntervalSinceReferenceDate: 786_542_400.123_456),
                       systolic: 128.5, diastolic: 1e-7, note: "après \"effort\"")
    }

    func testMessageThreadEventAndMeasurementBodiesReadBackAsTheSameRecords() throws {
        let minimal = Message(id: "m1", profileID: "p1", threadID: "t1", sender: Participant(name: "", address: "", role: .patient),
                              sent: Date(timeIntervalSinceReferenceDate: 0), body: "")
        for message in [fullMessage, minimal] {
            let body = try XCTUnwrap(RecordBody.encoded(message))
            XCTAssertEqual(try JSONDecoder().decode(Message.self, from: body), message)
            XCTAssertEqual(try VaultSession.encodedBody(message), body)
        }
        let bare = MessageThread(id: "t", profileID: "p1", subject: "", participants: [], lastActivity: Date(timeIntervalSince1970: 0))
        for thread in [fullThread, bare] {
            let body = try XCTUnwrap(RecordBody.encoded(thread))
            XCTAssertEqual(try JSONDecoder().decode(MessageThread.self, from: body), thread)
            XCTAssertEqual(try VaultSession.encodedBody(thread), body)
        }
        let bareEvent = AgendaEvent(id: "e", profileID: "p1", category: .task, title: "", start: Date(timeIntervalSince1970: 0))
        for event in [fullEvent, bareEvent] {
            let body = try XCTUnwrap(RecordBody.encoded(event))
            XCTAssertEqual(try JSONDecoder().decode(AgendaEvent.self, from: body), event)
            XCTAssertEqual(try VaultSession.encodedBody(event), body)
        }
        var oddEvent = bareEvent
        oddEvent.reminderOffsets = [.nan]
        XCTAssertNil(RecordBody.encoded(oddEvent))
        XCTAssertThrowsError(try VaultSession.encodedBody(oddEvent))
        let weight = HealthMeasurement(id: "w", profileID: "p1", type: .weight, effective: Date(timeIntervalSince1970: 0), value: 70.1)
        let empty = HealthMeasurement(id: "e", profileID: "p1", type: .steps, effective: Date(timeIntervalSince1970: 1e9), components: [])
        for measurement in [fullMeasurement, weight, empty] {
            let body = try XCTUnwrap(RecordBody.encoded(measurement))
            XCTAssertEqual(try JSONDecoder().decode(HealthMeasurement.self, from: body), measurement)
            XCTAssertEqual(try VaultSession.encodedBody(measurement), body)
        }
        // A value the encoder refuses is left to it, which says why.
        let infinite = HealthMeasurement(id: "i", profileID: "p1", type: .weight, effective: Date(), value: .infinity)
        XCTAssertNil(RecordBody.encoded(infinite))
        XCTAssertThrowsError(try VaultSession.encodedBody(infinite))
    }

    func testMessageThreadEventAndMeasurementBodiesHaveExactlyTheMembersOfTheEncodableForm() throws {
        /// The member names at every level (objects in arrays by their array's name).
        func members(_ data: Data) throws -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            func walk(_ value: Any, _ path: String) {
                if let object = value as? [String: Any] {
                    result[path, default: []].formUnion(object.keys)
                    for (key, member) in object { walk(member, path + "." + key) }
                } else if let array = value as? [Any] {
                    for element in array { walk(element, path + "[]") }
                }
            }
            walk(try JSONSerialization.jsonObject(with: data), "")
            return result
        }
        for record in [fullMessage, fullThread, fullEvent, fullMeasurement] as [any Encodable] {
            let fast = try XCTUnwrap(RecordBody.encoded(record))
            let foundation = try JSONEncoder().encode(record)
            XCTAssertEqual(try members(fast), try members(foundation), "\(type(of: record))")
            XCTAssertGreaterThanOrEqual(try members(fast).count, 2, "nested members are compared too")
        }
        // Every optional member of the samples (and of their participants) is set.
        for value in [fullMessage, fullMessage.sender, fullMessage.recipient!, fullThread, fullEvent, fullEvent.practitioner!,
                      fullMeasurement] as [Any] {
            for child in Mirror(reflecting: value).children {
                let mirror = Mirror(reflecting: child.value)
                XCTAssertFalse(mirror.displayStyle == .optional && mirror.children.isEmpty, "\(child.label ?? "?") is nil in the sample")
                if let list = child.value as? [Any] { XCTAssertFalse(list.isEmpty, "\(child.label ?? "?") is empty in the sample") }
            }
        }
    }

    func testOtherKindsKeepTheEncoder() throws {
        let allergy = Allergy(id: "a1", profileID: "p1", substance: "Pénicilline")
        XCTAssertNil(RecordBody.encoded(allergy))
        XCTAssertEqual(try JSONDecoder().decode(Allergy.self, from: VaultSession.encodedBody(allergy)), allergy)
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
