import Crypto
import FHIR
import Foundation
import HealthRecord

extension ExtensionURL {
    /// On `DocumentReference`: the free note the holder added to a document (`valueString`).
    public static let documentNote = "urn:mes:extension:document-note"
}

/// Documents on the wire: a FHIR `DocumentReference` and the vault's `Document`, both ways.
public enum DocumentWire {
    /// The vault's form of a DocumentReference of `profileID`'s space (nil without an id).
    /// `previous` keeps what the wire does not carry: the read mark.
    public static func document(from reference: DocumentReference, profileID: String, previous: Document? = nil) -> Document? {
        guard let id = reference.id else { return nil }
        let author = reference.authors.first
        let origin: Document.Origin = author?.reference.flatMap(ResourceReference.init)?.type == "Patient" ? .patient : .professional
        let date = (reference.date ?? reference.attachment.creation).flatMap(FHIRDateTime.parse)
            ?? reference.lastUpdated.flatMap(FHIRDateTime.parse) ?? Date()
        let typeSystem = reference.typeSystem == FHIR.CodeSystem.documentTypeFR ? HealthRecord.CodeSystem.treA05 : (reference.typeSystem ?? HealthRecord.CodeSystem.loinc)
        let note = reference.resource["extension"]?.elements.first { $0["url"]?.stringValue == ExtensionURL.documentNote }?["valueString"]?.stringValue
        return Document(
            id: id, profileID: profileID,
            title: reference.title ?? reference.attachment.title ?? reference.typeDisplay ?? "",
            typeCode: CodedConcept(system: typeSystem, code: reference.typeCode ?? "", display: reference.typeDisplay),
            classCode: reference.classCode.flatMap(DocumentClass.init(rawValue:)) ?? (origin == .patient ? .patientDeposited : .report),
            author: DocumentAuthor(name: author?.display ?? "", organization: nil, rpps: nil),
            creationDate: date, size: reference.attachment.size ?? 0,
            sha256: reference.attachment.sha256.map { Hex.encode($0) } ?? "", format: reference.attachment.contentType,
            confidentiality: Confidentiality(rawValue: reference.confidentiality) ?? .normal,
            visibility: Set(reference.visibility.compactMap { VisibilityLabel(rawValue: $0.rawValue) }),
            note: note, origin: origin, isRead: previous?.isRead ?? false,
            category: reference.category.flatMap { Document.Category(rawValue: $0.rawValue) })
    }

    /// The DocumentReference of a document the holder deposits (its content at `binaryURL`).
    public static func reference(for document: Document, binaryURL: String?) -> DocumentReference {
        let typeSystem = document.typeCode.system == HealthRecord.CodeSystem.treA05 ? FHIR.CodeSystem.documentTypeFR : document.typeCode.system
        let date = FHIRDateTime.instant(document.creationDate)
        let author = document.origin == .patient
            ? DocumentReference.Author(reference: "Patient/\(document.profileID)", display: document.author.name.isEmpty ? nil : document.author.name)
            : DocumentReference.Author(reference: nil, display: document.author.name)
        var reference = DocumentReference(
            id: document.id, typeSystem: typeSystem, typeCode: document.typeCode.code, typeDisplay: document.typeCode.display,
            classCode: document.classCode.rawValue, category: document.category.flatMap { DocumentCategory(rawValue: $0.rawValue) },
            subject: "Patient/\(document.profileID)", date: date, authors: [author], title: document.title,
            confidentiality: document.confidentiality.rawValue,
            visibility: Set(document.visibility.compactMap { VisibilityCode(rawValue: $0.rawValue) }),
            attachment: .init(contentType: document.format, url: binaryURL, size: document.size,
                              sha256: Hex.decode(document.sha256), title: document.title, creation: date))
        setNote(document.note, on: &reference)
        return reference
    }

    /// Writes or removes the holder's note on a DocumentReference.
    static func setNote(_ note: String?, on reference: inout DocumentReference) {
        var resource = reference.resource
        var extensions = resource["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.documentNote } ?? []
        if let note, !note.isEmpty {
            extensions.append(["url": .string(ExtensionURL.documentNote), "valueString": .string(note)])
        }
        resource["extension"] = extensions.isEmpty ? nil : .array(extensions)
        if let updated = try? DocumentReference(resource) { reference = updated }
    }
}
