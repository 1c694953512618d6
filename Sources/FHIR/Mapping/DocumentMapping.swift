import Foundation
import HealthRecord

/// A document's metadata as an IHE MHD `DocumentReference` with the DMP metadata: type (LOINC or
/// TRE_A05), class (TRE_A03), author, dates, size and SHA-256 of the content, and the
/// `securityLabel` that drives masking (HL7 v3 confidentiality plus TRE_A07 visibility codes).
/// The content itself is a `Binary`, fetched on demand.
public enum DocumentMapping {
    /// The id of the `Binary` holding a document's content when mes uploads it.
    public static func binaryID(forDocument id: String) -> String { "\(id)-content" }

    /// The `Binary` a DocumentReference's content lives in, when it names one.
    public static func contentBinaryID(of resource: Resource) -> String? {
        guard let url = resource["content"]?[0]?["attachment"]?["url"]?.stringValue,
              let reference = ResourceReference(url), reference.type == "Binary" else { return nil }
        return reference.id
    }

    static let codec = ResourceCodec<Document>(
        resourceType: "DocumentReference",
        members: ["status", "type", "category", "subject", "date", "author", "description", "securityLabel", "content", "context",
                  "extension"],
        decode: decode, encodeFresh: encode,
        withoutLocalState: { document in
            var document = document
            document.isRead = false
            return document
        })

    static func decode(_ resource: Resource) throws(FHIRError) -> Document {
        let reference = try DocumentReference(resource)
        let profileID = try FHIRValue.require(ResourceReference(reference.subject)?.id, "DocumentReference.subject")
        let authors = resource["author"]?.elements ?? []
        let person = authors.first { $0["type"]?.stringValue != "Organization" }
        let organization = authors.first { $0["type"]?.stringValue == "Organization" }?["display"]?.stringValue
        let personReference = person?["reference"]?.stringValue.flatMap(ResourceReference.init)
        let origin: Document.Origin = person == nil || personReference?.type == "Patient" ? .patient : .professional
        let rpps = person?["identifier"]?["system"]?.stringValue == IdentifierSystem.rpps ? person?["identifier"]?["value"]?.stringValue : nil
        let created = reference.date ?? reference.attachment.creation ?? reference.lastUpdated
        return Document(
            id: try FHIRValue.require(reference.id, "DocumentReference.id"), profileID: profileID,
            title: reference.title ?? reference.attachment.title ?? reference.typeDisplay ?? "",
            typeCode: CodedConcept(system: SystemNames.record(reference.typeSystem ?? ""), code: reference.typeCode ?? "",
                                   display: reference.typeDisplay),
            classCode: reference.classCode.flatMap(DocumentClass.init(rawValue:)) ?? (origin == .patient ? .patientDeposited : .report),
            author: DocumentAuthor(name: person?["display"]?.stringValue ?? "", organization: organization, rpps: rpps),
            creationDate: created.flatMap(FHIRDateTime.parse) ?? Date(timeIntervalSince1970: 0),
            serviceStart: FHIRValue.instant(resource["context"]?["period"]?["start"]),
            serviceEnd: FHIRValue.instant(resource["context"]?["period"]?["end"]),
            size: reference.attachment.size ?? 0, sha256: reference.attachment.sha256.map(hexString) ?? "",
            format: reference.attachment.contentType,
            confidentiality: Confidentiality(rawValue: reference.confidentiality) ?? .normal,
            visibility: Set(reference.visibility.compactMap { VisibilityLabel(rawValue: $0.rawValue) }),
            note: FHIRValue.extensionValue(resource.json, ExtensionURL.holderNote, "valueString")?.stringValue,
            origin: origin, category: reference.category.flatMap { Document.Category(rawValue: $0.rawValue) })
    }

    static func encode(_ document: Document) -> Resource {
        let hash = bytes(hex: document.sha256)
        let reference = DocumentReference(
            id: document.id, typeSystem: document.typeCode.system.isEmpty ? nil : SystemNames.wire(document.typeCode.system),
            typeCode: document.typeCode.code.isEmpty ? nil : document.typeCode.code, typeDisplay: document.typeCode.display,
            classCode: document.classCode.rawValue, category: document.category.flatMap { DocumentCategory(rawValue: $0.rawValue) },
            subject: "Patient/\(document.profileID)",
            date: FHIRDateTime.instant(document.creationDate), title: document.title,
            confidentiality: document.confidentiality.rawValue,
            visibility: Set(document.visibility.compactMap { VisibilityCode(rawValue: $0.rawValue) }),
            attachment: .init(contentType: document.format, url: "Binary/\(binaryID(forDocument: document.id))", size: document.size,
                              sha256: hash, title: document.title))
        var resource = reference.resource
        var authors: [JSON] = []
        switch document.origin {
        case .patient:
            authors.append(.compact(["reference": .string("Patient/\(document.profileID)"),
                                     "display": document.author.name.isEmpty ? .null : .string(document.author.name)]))
        case .professional:
            authors.append(.compact([
                "identifier": document.author.rpps.map { ["system": .string(IdentifierSystem.rpps), "value": .string($0)] } ?? .null,
                "display": .string(document.author.name),
            ]))
        }
        if let organization = document.author.organization {
            authors.append(["type": "Organization", "display": .string(organization)])
        }
        resource["author"] = .array(authors)
        if document.serviceStart != nil || document.serviceEnd != nil {
            resource["context"] = ["period": .compact(["start": FHIRValue.instant(document.serviceStart) ?? .null,
                                                       "end": FHIRValue.instant(document.serviceEnd) ?? .null])]
        }
        resource["extension"] = FHIRValue.extensions([(ExtensionURL.holderNote, "valueString", FHIRValue.string(document.note))])
        return resource
    }

    /// Lower-case hexadecimal, as `Document.sha256` holds hashes.
    static func hexString(_ bytes: [UInt8]) -> String {
        // By hand: String(format:) per byte was a tenth of an initial sync (issue 20's profile).
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The 32 bytes of a SHA-256 written in hexadecimal, or nil.
    static func bytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
