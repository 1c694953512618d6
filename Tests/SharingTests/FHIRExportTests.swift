import Crypto
import FHIR
import Foundation
import Sharing
import XCTest

/// "Télécharger mes données": the exported Bundle is valid FHIR R4 JSON with every document's content.
final class FHIRExportTests: XCTestCase {
    /// R4's required (1..) elements of the types a space holds.
    static let required: [String: [String]] = [
        "Patient": [], "RelatedPerson": ["patient"], "Practitioner": [],
        "DocumentReference": ["status", "content"], "Binary": ["contentType"], "List": ["status", "mode"],
        "Condition": ["subject"], "MedicationStatement": ["status", "subject"], "AllergyIntolerance": ["patient"],
        "Immunization": ["status", "vaccineCode", "patient"], "FamilyMemberHistory": ["status", "patient", "relationship"],
        "Observation": ["status", "code"], "Consent": ["status", "scope", "category"],
        "ExplanationOfBenefit": ["status", "type", "use", "patient", "created", "insurer", "provider", "insurance"],
        "Appointment": ["status", "participant"], "Task": ["status", "intent"], "Communication": ["status"],
        "AuditEvent": ["type", "recorded", "agent", "source"], "Encounter": ["status", "class"],
    ]

    func testTheWholeSpaceExportsAsAValidCollectionWithEveryContent() async throws {
        let world = try await SharingWorld()
        defer { world.close() }
        let path = world.directory.url.appendingPathComponent("mes-donnees.json").path
        do {
            try await world.center.exportFHIR(to: path, kiosk: true)
            XCTFail("refused in kiosk mode")
        } catch {
            XCTAssertEqual(error, .output(.refusedInKiosk))
        }
        let count = try await world.center.exportFHIR(to: path, kiosk: false)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let bundle = try FHIRBundle(Resource(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        XCTAssertEqual(bundle.kind, .collection)
        XCTAssertEqual(bundle.entries.count, count)
        var types: [String: Int] = [:]
        var binaries: [String: Resource] = [:]
        for entry in bundle.entries {
            let resource = try XCTUnwrap(entry.resource)
            let type = resource.resourceType
            types[type, default: 0] += 1
            let required = try XCTUnwrap(Self.required[type], "unknown resource type \(type)")
            XCTAssertTrue(resource.id.map(Resource.isValidID) ?? false, "\(type) without a valid id")
            for element in required { XCTAssertNotNil(resource[element], "\(type)/\(resource.id ?? "") lacks \(element)") }
            if type == "Binary", let context = resource["securityContext"]?["reference"]?.stringValue { binaries[context] = resource }
        }
        XCTAssertEqual(types["Patient"], 1)
        XCTAssertGreaterThanOrEqual(types["DocumentReference"] ?? 0, 14)
        XCTAssertGreaterThan(types["Observation"] ?? 0, 10)
        XCTAssertGreaterThan(types["Communication"] ?? 0, 0)
        XCTAssertGreaterThan(types["ExplanationOfBenefit"] ?? 0, 0)
        for entry in bundle.entries where entry.resource?.resourceType == "DocumentReference" {
            let document = try DocumentReference(try XCTUnwrap(entry.resource))
            let binary = try XCTUnwrap(binaries["DocumentReference/\(document.id ?? "")"], "the content of \(document.id ?? "")")
            let data = try XCTUnwrap(binary["data"]?.stringValue.flatMap { Data(base64Encoded: $0) })
            XCTAssertEqual(data.count, document.attachment.size)
            XCTAssertEqual(SHA256.hash(Array(data)), document.attachment.sha256, "the content seen, byte for byte")
        }
        do {
            try await world.center.exportFHIR(to: path, kiosk: false)
            XCTFail("an existing file is not overwritten")
        } catch {
            XCTAssertEqual(error, .output(.destinationExists(path)))
        }
    }
}
