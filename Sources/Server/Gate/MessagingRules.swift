import FHIR
import Foundation
import HealthRecord
import SQLite

/// The rules of the messagerie the writes of the patient's side go through, and what the
/// endpoints share.
enum MessagingRules {
    static func threadID(of resource: Resource) -> String? {
        resource["extension"]?.elements.first { $0["url"]?.stringValue == ExtensionURL.thread }?["valueString"]?.stringValue
    }

    /// True when the patient's side may open a thread with this message: it writes to a pharmacy.
    static func isPharmacyStart(_ db: Database, _ resource: Resource) throws -> Bool {
        guard let reference = resource["recipient"]?[0]?["reference"]?.stringValue.flatMap(ResourceReference.init),
              reference.type == "Organization" else { return false }
        return try isPharmacy(db, id: reference.id)
    }

    static func isPharmacy(_ db: Database, id: String) throws -> Bool {
        guard let stored = try ResourceRepository.fetch(db, type: "Organization", id: id), !stored.deleted else { return false }
        return Concept.tokens(of: try stored.resource()["type"]).contains { $0.code == pharmacyTypeCode }
    }

    /// Refuses a reply of the patient's side to a message that takes no answer.
    static func checkReplyAllowed(_ parent: Resource) throws {
        if parent["extension"]?.elements.contains(where: { $0["url"]?.stringValue == ExtensionURL.noReply && $0["valueBoolean"]?.boolValue == true }) == true {
            throw APIError.conflict("this message takes no answer", detail: "no-reply")
        }
    }

    /// The first message was written by a professional, or by the patient to a pharmacy.
    static func threadStartedByProfessionalSide(_ db: Database, _ root: Resource) throws -> Bool {
        if ResourceReference(root["sender"]?["reference"]?.stringValue ?? "")?.type == "Practitioner" { return true }
        return try isPharmacyStart(db, root)
    }

    /// What an aidant writes is signed with the name of the person helped, on both sides.
    static func signForAidant(_ db: Database, _ resource: inout Resource, patient: String) throws {
        var name = ""
        if let stored = try ResourceRepository.fetch(db, type: "Patient", id: patient), let json = try? stored.resource()["name"]?[0] {
            name = ([json["given"]?[0]?.stringValue] + [json["family"]?.stringValue?.uppercased()]).compactMap { $0 }.joined(separator: " ")
        }
        var extensions = resource["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.writtenFor } ?? []
        extensions.append(["url": .string(ExtensionURL.writtenFor), "valueString": .string(name)])
        resource["extension"] = .array(extensions)
    }

    /// A professional's sender reference: name, specialty and organisation.
    static func sender(_ db: Database, practitioner: String, caller: Caller) throws -> JSON {
        var extensions: [JSON] = []
        if let stored = try ResourceRepository.fetch(db, type: "Practitioner", id: practitioner), let resource = try? stored.resource() {
            if let specialty = resource["qualification"]?[0]?["code"]?["text"]?.stringValue {
                extensions.append(["url": .string(ExtensionURL.practitionerSpecialty), "valueString": .string(specialty)])
            }
            if let organization = FHIRValueAccess.extensionString(resource.json, ExtensionURL.practitionerOrganization) {
                extensions.append(["url": .string(ExtensionURL.practitionerOrganization), "valueString": .string(organization)])
            }
        }
        return .compact(["extension": extensions.isEmpty ? .null : .array(extensions),
                         "reference": .string("Practitioner/\(practitioner)"), "display": .string(caller.displayName)])
    }

    /// The establishment a professional answers for (a pharmacist's pharmacy).
    static func organization(_ db: Database, practitioner: String) throws -> String? {
        guard let stored = try ResourceRepository.fetch(db, type: "Practitioner", id: practitioner), let resource = try? stored.resource() else { return nil }
        return FHIRValueAccess.extensionString(resource.json, ExtensionURL.worksFor)
    }

    static func isParticipant(_ root: Resource, practitioner: String, organization: String?) -> Bool {
        if root["sender"]?["reference"]?.stringValue == "Practitioner/\(practitioner)" { return true }
        guard let organization else { return false }
        return root["recipient"]?.elements.contains { $0["reference"]?.stringValue == organization } ?? false
    }

    /// Every first message of a thread (not notifications, not deleted).
    static func roots(_ db: Database) throws -> [StoredResource] {
        try db.query("SELECT \(ResourceRepository.columns) FROM resources WHERE type = 'Communication' AND deleted = 0",
                     [], map: ResourceRepository.row)
            .filter { stored in
                guard let resource = try? stored.resource(), !CommunicationKinds.isNotification(resource) else { return false }
                return (threadID(of: resource) ?? stored.id) == stored.id
            }
    }

    /// A thread's messages, oldest first.
    static func messages(_ db: Database, thread: String) throws -> [StoredResource] {
        try db.query("""
            SELECT \(ResourceRepository.columns) FROM resources
            WHERE type = 'Communication' AND deleted = 0 AND instr(tokens, ?) > 0
            """, [" thread=\(thread) "], map: ResourceRepository.row)
            .map { row in ((try? row.resource())?["sent"]?.stringValue ?? "", row) }
            .sorted { ($0.0, $0.1.seq) < ($1.0, $1.1.seq) }
            .map(\.1)
    }

    static func pharmacies(_ db: Database) throws -> [StoredResource] {
        try db.query("SELECT \(ResourceRepository.columns) FROM resources WHERE type = 'Organization' AND deleted = 0", [],
                     map: ResourceRepository.row)
            .filter { (try? isPharmacy(db, id: $0.id)) == true }
    }

    /// The (folded) names of the pharmacies in the patient's reimbursements since `since`.
    static func frequentedPharmacyNames(_ db: Database, patient: String, since: Date) throws -> Set<String> {
        let rows = try db.query("""
            SELECT \(ResourceRepository.columns) FROM resources WHERE type = 'ExplanationOfBenefit' AND patient = ? AND deleted = 0
            """, [patient], map: ResourceRepository.row)
        var names: Set<String> = []
        for row in rows {
            guard let resource = try? row.resource(), Concept.tokens(of: resource["type"]).contains(where: { $0.code == "pharmacy" }),
                  let created = resource["created"]?.stringValue.flatMap(FHIRDateTime.parse), created >= since,
                  let name = resource["provider"]?["display"]?.stringValue else { continue }
            names.insert(fold(name))
        }
        return names
    }

    /// Lower case without accents, for matching names.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
    }

    /// An attachment a professional sends: title, content type and base64 data (at most 5 MB).
    static func file(_ json: JSON) throws -> JSON {
        guard let data = json["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
              let contentType = json["contentType"]?.stringValue, !contentType.isEmpty else {
            throw APIError.badRequest("an attachment needs contentType and base64 data", detail: "invalid-attachment")
        }
        guard data.count <= 5 * 1024 * 1024 else {
            throw APIError.unprocessable("an attachment is at most 5 MB", detail: "attachment-too-large")
        }
        return ["contentType": .string(contentType), "title": .string(json["title"]?.stringValue ?? ""), "size": .int(data.count),
                "data": .string(data.base64EncodedString())]
    }

    static let pharmacyTypeCode = "pharmacie"
}

enum CommunicationKinds {
    static func isNotification(_ resource: Resource) -> Bool {
        Concept.tokens(of: resource["category"]).contains { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }
    }
}

enum FHIRValueAccess {
    static func extensionString(_ json: JSON, _ url: String) -> String? {
        json["extension"]?.elements.first { $0["url"]?.stringValue == url }?["valueString"]?.stringValue
    }
}
