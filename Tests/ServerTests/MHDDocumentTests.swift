import Crypto
import FHIR
import Foundation
import HealthRecord
@testable import Server
import XCTest

/// Documents as IHE MHD comprehensive metadata: every element written comes back, what the DMP
/// needs is completed or checked, `attachment.hash` is the SHA-1 R4 defines, and every seeded
/// document carries the whole metadata.
final class MHDDocumentTests: XCTestCase {
    static let first = Array("Compte rendu de consultation — texte.".utf8)
    static let second = Array("%PDF-1.4 rendu imprimable".utf8)

    /// A document with every MHD element, two contents, as a transaction (ITI-65).
    static func publication(hash: [UInt8]? = nil) -> JSON {
        let document: JSON = [
            "resourceType": "DocumentReference",
            "masterIdentifier": ["system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.250.1.213.1.4.11.99.1"],
            "identifier": [["use": "official", "system": "urn:ietf:rfc:3986", "value": "urn:uuid:0c287d32-01e3-4d87-9953-9fcc9404eb21"]],
            "status": "current", "docStatus": "final",
            "type": ["coding": [["system": "http://loinc.org", "code": "11488-4", "display": "Note de consultation"]]],
            "category": [["coding": [["system": .string(CodeSystem.documentClass), "code": "10"]]]],
            "subject": ["reference": "Patient/helene"], "date": "2025-02-03T10:00:00+01:00",
            "author": [["reference": "Practitioner/bernard", "display": "Dr Sophie Bernard"]],
            "custodian": ["display": "Hôpital de démonstration"],
            "description": "Consultation de cardiologie",
            "securityLabel": [["coding": [["system": .string(CodeSystem.confidentiality), "code": "N"]]]],
            "content": [
                ["attachment": .compact(["contentType": "text/plain", "language": "fr-FR", "url": "urn:uuid:c1", "title": "Texte",
                                         "creation": "2025-02-03T10:00:00+01:00",
                                         "hash": hash.map { .string(Data($0).base64EncodedString()) } ?? .null]),
                 "format": ["system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode", "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient"]],
                ["attachment": ["contentType": "application/pdf", "language": "fr-FR", "url": "urn:uuid:c2", "title": "PDF"],
                 "format": ["system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode", "code": "urn:ihe:iti:xds-sd:pdf:2008"]],
            ],
            "context": [
                "event": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"]]]],
                "period": ["start": "2025-02-03T09:30:00+01:00", "end": "2025-02-03T10:00:00+01:00"],
                "facilityType": ["coding": [["system": .string(MHDMetadata.facilityTypeSystem), "code": "SA01"]]],
                "practiceSetting": ["coding": [["system": .string(MHDMetadata.practiceSettingSystem), "code": "ETABLISSEMENT"]]],
                "sourcePatientInfo": ["reference": "Patient/helene"],
            ],
        ]
        func binary(_ data: [UInt8], _ type: String) -> JSON { ["resourceType": "Binary", "contentType": .string(type), "data": .string(Data(data).base64EncodedString())] }
        return ["resourceType": "Bundle", "type": "transaction", "entry": [
            ["fullUrl": "urn:uuid:d1", "request": ["method": "POST", "url": "DocumentReference"], "resource": document],
            ["fullUrl": "urn:uuid:c1", "request": ["method": "POST", "url": "Binary"], "resource": binary(first, "text/plain")],
            ["fullUrl": "urn:uuid:c2", "request": ["method": "POST", "url": "Binary"], "resource": binary(second, "application/pdf")],
        ]]
    }

    func testEveryElementWrittenComesBack() throws {
        let server = try InProcessServer()
        let bernard = try server.token(login: "10003456782")
        let holder = try server.token(login: "helene.martineau")
        let code = server.call("POST", "/Patient/helene/$access-code", json: ["durationMinutes": 60, "rubriques": ["documents"]], token: holder)
        XCTAssertEqual(server.call("POST", "/$redeem-access-code", json: ["code": code.json["code"] ?? .null], token: bernard).status, 200)
        let published = server.call("POST", "/", json: Self.publication(hash: SHA1.hash(Self.first)), token: bernard)
        XCTAssertEqual(published.status, 200, published.text)
        let location = try XCTUnwrap(published.json["entry"]?[0]?["response"]?["location"]?.stringValue)
        let id = String(location.split(separator: "/")[1])
        let read = server.call("GET", "/DocumentReference/\(id)", token: holder).json
        let written = try XCTUnwrap(Self.publication()["entry"]?[0]?["resource"])
        for member in ["masterIdentifier", "identifier", "status", "docStatus", "type", "category", "subject", "date", "author", "custodian",
                       "description", "securityLabel", "context"] {
            XCTAssertEqual(read[member], written[member], member)
        }
        let contents = read["content"]?.elements ?? []
        XCTAssertEqual(contents.count, 2)
        for (index, content) in contents.enumerated() {
            let original = written["content"]?[index]
            XCTAssertEqual(content["format"], original?["format"], "content[\(index)].format")
            for member in ["contentType", "language", "title", "creation"] {
                XCTAssertEqual(content["attachment"]?[member], original?["attachment"]?[member], "content[\(index)].attachment.\(member)")
            }
            let data = index == 0 ? Self.first : Self.second
            XCTAssertEqual(content["attachment"]?["hash"]?.stringValue, Data(SHA1.hash(data)).base64EncodedString(), "SHA-1, as R4 defines hash")
            XCTAssertEqual(content["attachment"]?["size"]?.intValue, data.count)
            let binary = try XCTUnwrap(content["attachment"]?["url"]?.stringValue)
            XCTAssertEqual(server.call("GET", "/\(binary)", token: holder).body, data)
        }
    }

    func testAWrongSHA1IsRefused() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        var bundle = Self.publication(hash: SHA1.hash(Array("autre chose".utf8)))
        var document = try XCTUnwrap(bundle["entry"]?[0]?["resource"])
        document["author"] = [["reference": "Patient/helene"]]
        var entries = bundle["entry"]?.elements ?? []
        entries[0]["resource"] = document
        bundle["entry"] = .array(entries)
        let before = server.call("GET", "/DocumentReference?patient=helene&_summary=count", token: holder).json["total"]?.intValue
        let answer = server.call("POST", "/", json: bundle, token: holder)
        XCTAssertEqual(answer.status, 422, answer.text)
        XCTAssertEqual(answer.detail, "hash-mismatch")
        XCTAssertEqual(server.call("GET", "/DocumentReference?patient=helene&_summary=count", token: holder).json["total"]?.intValue, before,
                       "nothing of the transaction is stored")
    }

    func testWhatTheDMPNeedsIsCompletedOrChecked() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        // A bare deposit gets the metadata it lacks.
        let bare = DocumentReference(typeSystem: CodeSystem.documentTypeFR, typeCode: "DOCPAT03", subject: "Patient/helene", title: "Photo",
                                     attachment: .init(contentType: "image/png"))
        let answer = server.publish(bare, content: [1, 2, 3], token: holder)
        XCTAssertEqual(answer.status, 200, answer.text)
        let id = String((answer.json["entry"]?[0]?["response"]?["location"]?.stringValue ?? "").split(separator: "/")[1])
        let stored = server.call("GET", "/DocumentReference/\(id)", token: holder).json
        XCTAssertEqual(Self.missingMetadata(stored), [])
        XCTAssertEqual(stored["author"]?[0]?["reference"]?.stringValue, "Patient/helene", "the holder deposited it")
        XCTAssertTrue(Concept.tokens(of: stored["category"]).contains { $0.code == "90" }, "documents deposited by the patient")
        // A unique id does not change, and malformed metadata is refused with its path.
        var changed = stored
        changed["masterIdentifier"] = ["system": "urn:ietf:rfc:3986", "value": "urn:uuid:11111111-2222-5333-8444-555555555555"]
        XCTAssertEqual(server.call("PUT", "/DocumentReference/\(id)", json: changed, token: holder).detail, "invalid-metadata")
        var foreign = stored
        foreign["context"]?["sourcePatientInfo"] = ["reference": "Patient/bruno"]
        let refused = server.call("PUT", "/DocumentReference/\(id)", json: foreign, token: holder)
        XCTAssertEqual(refused.status, 422)
        XCTAssertEqual(refused.json["issue"]?[0]?["expression"]?[0]?.stringValue, "DocumentReference.context.sourcePatientInfo")
    }

    func testEverySeededDocumentCarriesTheWholeMetadata() throws {
        let server = try InProcessServer()
        try server.app.seed(.synthetic(20))
        let ids = try server.database { db in try db.query("SELECT id FROM resources WHERE type = 'DocumentReference' AND deleted = 0", []) { $0.string(0) } }
        XCTAssertGreaterThan(ids.count, 30)
        for id in ids {
            let resource = try server.database { db in try XCTUnwrap(ResourceRepository.fetch(db, type: "DocumentReference", id: id)).resource() }
            XCTAssertEqual(Self.missingMetadata(resource.json), [], id)
        }
    }

    /// The MHD comprehensive elements a document lacks.
    static func missingMetadata(_ json: JSON) -> [String] {
        var missing: [String] = []
        for member in ["masterIdentifier", "identifier", "status", "docStatus", "type", "category", "subject", "date", "author", "custodian", "securityLabel"]
        where json[member] == nil { missing.append(member) }
        for (index, content) in (json["content"]?.elements ?? []).enumerated() {
            for member in ["format"] where content[member] == nil { missing.append("content[\(index)].\(member)") }
            for member in ["contentType", "language", "url", "size", "hash"] where content["attachment"]?[member] == nil {
                missing.append("content[\(index)].attachment.\(member)")
            }
        }
        for member in ["facilityType", "practiceSetting", "sourcePatientInfo"] where json["context"]?[member] == nil { missing.append("context.\(member)") }
        return missing
    }
}
