import FHIR
import Foundation
import HealthRecord
import XCTest

final class ResourceModelTests: XCTestCase {
    func testEnvelopeMetaGoesAfterTheID() throws {
        var resource = Resource(type: "Patient", id: "p1")
        resource["gender"] = "female"
        resource.versionId = "3"
        resource.lastUpdated = "2024-01-01T00:00:00.000Z"
        XCTAssertEqual(resource.json.text, #"{"resourceType":"Patient","id":"p1","meta":{"versionId":"3","lastUpdated":"2024-01-01T00:00:00.000Z"},"gender":"female"}"#)
        XCTAssertEqual(resource.reference, "Patient/p1")
        XCTAssertThrowsError(try Resource(["id": "x"]))
        XCTAssertThrowsError(try Resource(parsing: Array("[1]".utf8)))
        XCTAssertTrue(Resource.isValidID("abc-1.2"))
        XCTAssertFalse(Resource.isValidID("a/b"))
        XCTAssertFalse(Resource.isValidID(String(repeating: "a", count: 65)))
    }

    func testReferences() {
        XCTAssertEqual(ResourceReference("Patient/123")?.id, "123")
        XCTAssertEqual(ResourceReference("https://x.org/fhir/Binary/abc/_history/2")?.description, "Binary/abc")
        XCTAssertNil(ResourceReference("urn:uuid:1234"))
        XCTAssertNil(ResourceReference("patient/1"))
    }

    func testDocumentReferenceRoundTripAndValidation() throws {
        let hash = [UInt8](repeating: 7, count: 32)
        let document = DocumentReference(id: "d1", typeSystem: CodeSystem.loinc, typeCode: "11502-2", typeDisplay: "CR de biologie",
                                         classCode: "10", category: .laboratory, subject: "Patient/p1", date: "2024-05-01T10:00:00Z",
                                         authors: [.init(reference: "Practitioner/x", display: "Dr X")], title: "Bilan",
                                         visibility: [.maskedFromProfessionals],
                                         attachment: .init(contentType: "text/plain", url: "Binary/b1", size: 12, sha256: hash))
        let parsed = try DocumentReference(document.resource)
        XCTAssertEqual(parsed.typeCode, "11502-2")
        XCTAssertEqual(parsed.classCode, "10")
        XCTAssertEqual(parsed.category, .laboratory)
        XCTAssertEqual(parsed.visibility, [.maskedFromProfessionals])
        XCTAssertEqual(parsed.confidentiality, "N")
        XCTAssertEqual(parsed.attachment.sha256, hash)
        XCTAssertEqual(parsed.attachment.size, 12)
        XCTAssertTrue(parsed.isMaskedFromProfessionals)
        XCTAssertEqual(parsed.resource, document.resource)

        var broken = document.resource
        broken["content"] = [["attachment": ["contentType": "text/plain", "size": -1]]]
        XCTAssertThrowsError(try DocumentReference(broken))
        broken["content"] = [["attachment": ["contentType": "text/plain", "size": "12"]]]
        XCTAssertThrowsError(try DocumentReference(broken))
        broken["content"] = [["attachment": ["contentType": "text/plain", "extension": [["url": .string(ExtensionURL.attachmentSHA256), "valueBase64Binary": "AAAA"]]]]]
        XCTAssertThrowsError(try DocumentReference(broken), "a SHA-256 is 32 bytes")
        var noSubject = document.resource
        noSubject["subject"] = ["reference": "Practitioner/x"]
        XCTAssertThrowsError(try DocumentReference(noSubject))
        var badStatus = document.resource
        badStatus["status"] = 3
        XCTAssertThrowsError(try DocumentReference(badStatus))
    }

    func testVisibilityCodesAreReadFromTheOIDSystemToo() throws {
        var resource = DocumentReference(subject: "Patient/p", attachment: .init(contentType: "text/plain")).resource
        resource["securityLabel"] = [["coding": [["system": .string(CodeSystem.visibilityOID), "code": "INVISIBLE_PATIENT"]]],
                                     ["coding": [["system": .string(CodeSystem.confidentiality), "code": "R"]]]]
        let parsed = try DocumentReference(resource)
        XCTAssertEqual(parsed.visibility, [.invisibleToPatient])
        XCTAssertEqual(parsed.confidentiality, "R")
    }

    func testBinaryBase64() throws {
        let binary = Binary(id: "b", contentType: "application/pdf", data: [0, 1, 2, 255], securityContext: "DocumentReference/d")
        XCTAssertEqual(try Binary(binary.resource), binary)
        var bad = binary.resource
        bad["data"] = "***"
        XCTAssertThrowsError(try Binary(bad))
    }

    func testBundlesAndOutcomes() throws {
        let bundle = FHIRBundle(kind: .searchset, total: 1, links: [(relation: "next", url: "http://x/y?_offset=1")],
                                entries: [.init(fullUrl: "http://x/Patient/1", resource: Resource(type: "Patient", id: "1"), searchMode: "match")])
        let parsed = try FHIRBundle(bundle.resource)
        XCTAssertEqual(parsed.link("next"), "http://x/y?_offset=1")
        XCTAssertEqual(parsed.entries.first?.resource?.id, "1")
        XCTAssertEqual(parsed, bundle)
        XCTAssertThrowsError(try FHIRBundle(Resource(type: "Patient")))
        var wrongEntries = bundle.resource
        wrongEntries["entry"] = "no"
        XCTAssertThrowsError(try FHIRBundle(wrongEntries))

        let outcome = OperationOutcome(.conflict, "stale", detailCode: "stale-version")
        XCTAssertEqual(OperationOutcome(outcome.resource), outcome)
        XCTAssertEqual(OperationOutcome(outcome.resource)?.detailCode, "stale-version")
    }

    func testLabReportFlagsValuesOutOfRange() throws {
        let report = LabReport(title: "Bilan", issued: "2024-05-01T10:00:00Z", results: [
            .init(loinc: "4548-4", analyte: "HbA1c", value: 7.4, unit: "%", low: 4, high: 6),
            .init(loinc: "2823-3", analyte: "Potassium", value: 3.1, unit: "mmol/L", low: 3.5, high: 5),
            .init(loinc: "2160-0", analyte: "Créatinine", value: 72, unit: "umol/L", low: 45, high: 90),
        ])
        let parsed = try LabReport(parsing: report.bundle.resource.serialized())
        XCTAssertEqual(parsed, report)
        XCTAssertEqual(parsed.results.map(\.interpretation), ["H", "L", "N"])
        XCTAssertEqual(parsed.results.filter(\.isOutOfRange).count, 2)
    }

    func testChangesPageAndToken() throws {
        let json = try JSON(parsing: #"{"cursor":"1.z","more":true,"changes":[{"type":"Patient","id":"p","versionId":"2","deleted":false,"resource":{"resourceType":"Patient","id":"p"}},{"type":"Observation","id":"o","versionId":"3","deleted":true}]}"#)
        let page = try API.ChangesPage(json: json)
        XCTAssertEqual(page.cursor, "1.z")
        XCTAssertTrue(page.more)
        XCTAssertEqual(page.changes.map(\.reference), ["Patient/p", "Observation/o"])
        XCTAssertNil(page.changes[1].resource)
        XCTAssertThrowsError(try API.ChangesPage(json: ["cursor": "x"]))
        let token = API.Token(accessToken: "t", expiresIn: 60, accountID: "a")
        XCTAssertEqual(try API.Token(json: token.json), token)
    }

    func testReferencesReadInPlaceAsTheSplitReadThem() {
        /// The reading before issue 20's: split on every slash.
        func split(_ text: String) -> ResourceReference? {
            var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 4, parts[parts.count - 2] == "_history" { parts.removeLast(2) }
            guard parts.count >= 2 else { return nil }
            let type = parts[parts.count - 2], id = parts[parts.count - 1]
            guard let first = type.unicodeScalars.first, ("A"..."Z").contains(first), Resource.isValidID(id) else { return nil }
            return ResourceReference(type: type, id: id)
        }
        let texts = ["Patient/123", "Patient/", "/Patient/1", "Patient", "", "/", "//", "///", "a/Patient/1",
                     "https://x.org/fhir/Binary/abc/_history/2", "Binary/abc/_history/2", "abc/_history/2", "/_history/2",
                     "_history/2", "X/_history/_history/2", "https://x.org/fhir/Patient/p-1.2", "Patient/é", "Élise/1",
                     "Patient/\(String(repeating: "a", count: 64))", "Patient/\(String(repeating: "a", count: 65))",
                     "urn:uuid:1234", "patient/1", "Patient/1/extra", "Observation/o/_history/", "A/b/c/d/e/f"]
        for text in texts { XCTAssertEqual(ResourceReference(text), split(text), text) }
    }

    func testAChangesPageKeepsEachResourcesBytes() throws {
        let patient = #"{"resourceType": "Patient", "id": "p"}"#
        let text = #"{"cursor":"1.z","more":false,"changes":[{"type":"Patient","id":"p","versionId":"2","resource":"# + patient
            + #"},{"type":"Observation","id":"o","versionId":"3","deleted":true,"resource":{"resourceType":"Observation","id":"o"}},"#
            + #"{"type":"Observation","id":"q","versionId":"1","deleted":true}]}"#
        let (json, kept) = try JSON.parse(Array(text.utf8), keepingBytesOf: API.ChangesPage.keptMember.inner,
                                          in: API.ChangesPage.keptMember.outer)
        let page = try API.ChangesPage(json: json, resourceBytes: kept)
        XCTAssertEqual(page.changes.map(\.resourceBytes), [Array(patient.utf8), nil, nil])
        XCTAssertEqual(try Resource(parsing: page.changes[0].resourceBytes ?? []), page.changes[0].resource)
        XCTAssertNil(try API.ChangesPage(json: json).changes[0].resourceBytes)
        // Spans that do not match the changes are refused.
        XCTAssertThrowsError(try API.ChangesPage(json: json, resourceBytes: Array(kept.prefix(1))))
    }

    func testRubriquesOfResourceTypes() {
        XCTAssertEqual(Section.of(resourceType: "Binary"), .documents)
        XCTAssertEqual(Section.of(resourceType: "Observation"), .medicalProfile)
        XCTAssertEqual(Section.of(resourceType: "Immunization"), .vaccinations)
        XCTAssertEqual(Section.of(resourceType: "Task"), .agenda)
        XCTAssertNil(Section.of(resourceType: "AuditEvent"))
    }
}

final class FHIRDateTimeTests: XCTestCase {
    func testInstantsAreUTCWithMilliseconds() {
        XCTAssertEqual(FHIRDateTime.instant(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(FHIRDateTime.instant(Date(timeIntervalSince1970: 1_714_557_600.25)), "2024-05-01T10:00:00.250Z")
        XCTAssertEqual(FHIRDateTime.instant(Date(timeIntervalSince1970: -1)), "1969-12-31T23:59:59.000Z")
        XCTAssertEqual(FHIRDateTime.date(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29")
    }

    /// An instant read back is written back the same, to the millisecond: a document's date that
    /// came back one millisecond early was refused by the server as a changed date (403), for
    /// every document of a run whose seed time had an unlucky millisecond.
    func testEveryMillisecondSurvivesARoundTrip() throws {
        for base in ["2026-12-03T13:07:20", "1999-01-01T00:00:59", "2038-06-15T23:59:59"] {
            for millis in 0..<1000 {
                let text = "\(base).\(String(millis + 1000).dropFirst())Z"
                XCTAssertEqual(FHIRDateTime.instant(try XCTUnwrap(FHIRDateTime.parse(text))), text)
            }
        }
    }

    func testPartialDatesCoverTheirWholePeriod() throws {
        let year = try XCTUnwrap(FHIRDateTime.range(of: "2024"))
        XCTAssertEqual(FHIRDateTime.instant(year.start), "2024-01-01T00:00:00.000Z")
        XCTAssertEqual(FHIRDateTime.instant(year.end), "2025-01-01T00:00:00.000Z")
        let month = try XCTUnwrap(FHIRDateTime.range(of: "2024-12"))
        XCTAssertEqual(FHIRDateTime.instant(month.end), "2025-01-01T00:00:00.000Z")
        let day = try XCTUnwrap(FHIRDateTime.range(of: "2024-02-29"))
        XCTAssertEqual(day.end.timeIntervalSince(day.start), 86400)
        let offset = try XCTUnwrap(FHIRDateTime.parse("2024-05-01T12:00:00+02:00"))
        XCTAssertEqual(FHIRDateTime.instant(offset), "2024-05-01T10:00:00.000Z")
        for invalid in ["", "24", "2024-13", "2024-01-32", "2024-01-01T25:00:00Z", "2024-01-01T10:00:00+0200", "2024-01-01T10:00:00.Z"] {
            XCTAssertNil(FHIRDateTime.range(of: invalid), invalid)
        }
    }
}

final class DocumentTypeTableTests: XCTestCase {
    func testTheShippedTablesParseAndCoverEveryCategory() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/dmp")
        let table = DocumentTypeTable(documentTypes: try String(contentsOf: folder.appendingPathComponent("document-types.tsv"), encoding: .utf8),
                                      classCodes: try String(contentsOf: folder.appendingPathComponent("class-codes.tsv"), encoding: .utf8))
        XCTAssertEqual(table.type(system: CodeSystem.loinc, code: "11502-2")?.category, .laboratory)
        XCTAssertEqual(table.type(system: nil, code: "EXPPAT_3")?.labelFR, "Directives anticipées")
        XCTAssertEqual(table.classes["42"]?.fr, "Prescription")
        let covered = Set(table.types.map(\.category))
        XCTAssertEqual(covered, Set(DocumentCategory.allCases), "every MES category has at least one type")
    }
}
