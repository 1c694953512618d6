import Foundation
import HealthRecord

/// A document's metadata as mes uses it (IHE MHD `DocumentReference` with the DMP metadata of
/// DESIGN.md section 13). Reading checks the fields' types; members mes does not model are kept.
public struct DocumentReference: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var contentType: String
        /// Where the content is: `Binary/<id>` (or a `urn:uuid:` inside a transaction).
        public var url: String?
        public var size: Int?
        /// SHA-256 of the content (32 bytes), carried base64 in an extension.
        public var sha256: [UInt8]?
        /// SHA-1 of the content (20 bytes): R4's `Attachment.hash`.
        public var sha1: [UInt8]?
        public var language: String?
        public var title: String?
        public var creation: String?
        /// The attachment's other members, kept as they were.
        var base: JSON = .object(JSONObject())

        public init(contentType: String, url: String? = nil, size: Int? = nil, sha256: [UInt8]? = nil,
                    title: String? = nil, creation: String? = nil, sha1: [UInt8]? = nil, language: String? = nil) {
            self.contentType = contentType
            self.url = url
            self.size = size
            self.sha256 = sha256
            self.sha1 = sha1
            self.language = language
            self.title = title
            self.creation = creation
        }

        init(_ json: JSON) throws(FHIRError) {
            guard json.objectValue != nil else { throw .invalid("DocumentReference.content.attachment is required") }
            guard let contentType = json["contentType"]?.stringValue, !contentType.isEmpty else {
                throw .invalid("DocumentReference.content.attachment.contentType is required")
            }
            var size: Int?
            if let value = json["size"] {
                guard let number = value.intValue, number >= 0 else { throw .invalid("attachment.size must be a non-negative integer") }
                size = number
            }
            var sha256: [UInt8]?
            if let value = json["extension"]?.elements.first(where: { $0["url"]?.stringValue == ExtensionURL.attachmentSHA256 }) {
                guard let text = value["valueBase64Binary"]?.stringValue, let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                    throw .invalid("the attachment's SHA-256 must be 32 bytes of base64")
                }
                sha256 = Array(bytes)
            }
            var sha1: [UInt8]?
            if let value = json["hash"] {
                guard let text = value.stringValue, let bytes = Data(base64Encoded: text), bytes.count == 20 else {
                    throw .invalid("attachment.hash must be the SHA-1 of the content (20 bytes of base64)")
                }
                sha1 = Array(bytes)
            }
            if let url = json["url"], url.stringValue == nil { throw .invalid("attachment.url must be a string") }
            self.init(contentType: contentType, url: json["url"]?.stringValue, size: size, sha256: sha256,
                      title: json["title"]?.stringValue, creation: json["creation"]?.stringValue, sha1: sha1,
                      language: json["language"]?.stringValue)
            base = json
        }

        /// The attachment's JSON: the kept members with the modelled ones over them.
        public var json: JSON {
            var json = base
            json["contentType"] = .string(contentType)
            json["language"] = language.map { .string($0) }
            json["url"] = url.map { .string($0) }
            json["size"] = size.map { .int($0) }
            json["hash"] = sha1.map { .string(Data($0).base64EncodedString()) }
            json["title"] = title.map { .string($0) }
            json["creation"] = creation.map { .string($0) }
            var extensions = json["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.attachmentSHA256 } ?? []
            if let sha256 {
                extensions.append(["url": .string(ExtensionURL.attachmentSHA256), "valueBase64Binary": .string(Data(sha256).base64EncodedString())])
            }
            json["extension"] = extensions.isEmpty ? nil : .array(extensions)
            return json
        }
    }

    /// One `content` element: an attachment and its format (IHE format code, kept as given).
    public struct Content: Sendable, Equatable {
        public var attachment: Attachment
        /// `content.format`, a Coding (e.g. `urn:ihe:iti:xds:2017:mimeTypeSufficient`).
        public var format: JSON?

        public init(attachment: Attachment, format: JSON? = nil) {
            self.attachment = attachment
            self.format = format
        }
    }

    public struct Author: Sendable, Equatable {
        /// `Practitioner/<id>` (or `Patient/<id>` for a document the patient deposited).
        public var reference: String?
        public var display: String?
        public init(reference: String?, display: String?) {
            self.reference = reference
            self.display = display
        }
    }

    public var id: String?
    public var versionId: String?
    public var lastUpdated: String?
    public var status: String
    /// The type code (LOINC or TRE_A05) with its system.
    public var typeSystem: String?
    public var typeCode: String?
    public var typeDisplay: String?
    /// The class code (TRE_A03).
    public var classCode: String?
    /// The MES category users see.
    public var category: DocumentCategory?
    /// `Patient/<id>`.
    public var subject: String
    public var date: String?
    public var authors: [Author]
    public var title: String?
    /// HL7 v3 confidentiality (`N` by default).
    public var confidentiality: String
    /// DMP visibility codes (TRE_A07).
    public var visibility: Set<VisibilityCode>
    /// Every `content` (MHD allows several renditions of one document); at least one.
    public var contents: [Content]

    /// The first content's attachment (the one mes shows and fetches).
    public var attachment: Attachment {
        get { contents[0].attachment }
        set { contents[0].attachment = newValue }
    }

    /// Members of the original JSON kept as they were.
    private var base: Resource

    public init(id: String? = nil, status: String = "current", typeSystem: String? = nil, typeCode: String? = nil,
                typeDisplay: String? = nil, classCode: String? = nil, category: DocumentCategory? = nil,
                subject: String, date: String? = nil, authors: [Author] = [], title: String? = nil,
                confidentiality: String = "N", visibility: Set<VisibilityCode> = [], attachment: Attachment) {
        self.id = id
        self.status = status
        self.typeSystem = typeSystem
        self.typeCode = typeCode
        self.typeDisplay = typeDisplay
        self.classCode = classCode
        self.category = category
        self.subject = subject
        self.date = date
        self.authors = authors
        self.title = title
        self.confidentiality = confidentiality
        self.visibility = visibility
        self.contents = [Content(attachment: attachment)]
        self.base = Resource(type: "DocumentReference")
    }

    /// Reads and checks a DocumentReference: `status`, `subject`, and at least one
    /// `content.attachment` with a `contentType` are required; sizes must be non-negative
    /// integers; `attachment.hash` (SHA-1) 20 bytes of base64, a SHA-256 32.
    public init(_ resource: Resource) throws(FHIRError) {
        guard resource.resourceType == "DocumentReference" else {
            throw .invalid("expected a DocumentReference, got \(resource.resourceType)")
        }
        base = resource
        id = resource.id
        versionId = resource.versionId
        lastUpdated = resource.lastUpdated
        guard let status = resource["status"]?.stringValue, ["current", "superseded", "entered-in-error"].contains(status) else {
            throw .invalid("DocumentReference.status must be current, superseded or entered-in-error")
        }
        self.status = status
        let type = Concept.tokens(of: resource["type"]).first
        typeSystem = type?.system
        typeCode = type?.code
        typeDisplay = resource["type"]?["coding"]?[0]?["display"]?.stringValue ?? resource["type"]?["text"]?.stringValue
        let categories = Concept.tokens(of: resource["category"])
        classCode = categories.first { $0.system == CodeSystem.documentClass }?.code
        category = categories.first { $0.system == CodeSystem.mesDocumentCategory }.flatMap { DocumentCategory(rawValue: $0.code) }
        guard let subject = resource["subject"]?["reference"]?.stringValue, ResourceReference(subject)?.type == "Patient" else {
            throw .invalid("DocumentReference.subject must reference a Patient")
        }
        self.subject = subject
        if let date = resource["date"], !date.isNull {
            guard let text = date.stringValue, FHIRDateTime.parse(text) != nil else { throw .invalid("DocumentReference.date is not a FHIR instant") }
            self.date = text
        }
        authors = resource["author"]?.elements.map {
            Author(reference: $0["reference"]?.stringValue, display: $0["display"]?.stringValue)
        } ?? []
        title = resource["description"]?.stringValue
        var confidentiality = "N"
        var visibility: Set<VisibilityCode> = []
        for label in resource["securityLabel"]?.elements ?? [] {
            for coding in label["coding"]?.elements ?? [] {
                guard let code = coding["code"]?.stringValue else { continue }
                switch coding["system"]?.stringValue {
                case CodeSystem.confidentiality: confidentiality = code
                case CodeSystem.visibility, CodeSystem.visibilityOID:
                    if let value = VisibilityCode(rawValue: code) { visibility.insert(value) }
                default: break
                }
            }
        }
        self.confidentiality = confidentiality
        self.visibility = visibility
        guard let contents = resource["content"]?.arrayValue, !contents.isEmpty else {
            throw .invalid("DocumentReference.content must hold at least one attachment")
        }
        var parsed: [Content] = []
        for content in contents {
            guard let attachment = content["attachment"] else { throw .invalid("DocumentReference.content.attachment is required") }
            parsed.append(Content(attachment: try Attachment(attachment), format: content["format"]))
        }
        self.contents = parsed
    }

    public var isMaskedFromProfessionals: Bool { visibility.contains(.maskedFromProfessionals) }

    /// The resource, with members mes does not model kept from the original.
    public var resource: Resource {
        var resource = base
        resource.id = id
        resource["status"] = .string(status)
        if let typeCode {
            resource["type"] = .compact(["coding": [.compact(["system": .optional(typeSystem), "code": .string(typeCode), "display": .optional(typeDisplay)])]])
        }
        var categories: [JSON] = []
        if let classCode { categories.append(Concept.codeable(CodeSystem.documentClass, classCode)) }
        if let category { categories.append(["coding": [category.coding]]) }
        resource["category"] = categories.isEmpty ? nil : .array(categories)
        resource["subject"] = ["reference": .string(subject)]
        resource["date"] = date.map { .string($0) }
        resource["author"] = authors.isEmpty ? nil : .array(authors.map { .compact(["reference": .optional($0.reference), "display": .optional($0.display)]) })
        resource["description"] = title.map { .string($0) }
        var labels: [JSON] = [Concept.codeable(CodeSystem.confidentiality, confidentiality)]
        for code in VisibilityCode.allCases where visibility.contains(code) { labels.append(["coding": [code.coding]]) }
        resource["securityLabel"] = .array(labels)
        resource["content"] = .array(contents.map { .compact(["attachment": $0.attachment.json, "format": $0.format ?? .null]) })
        if let versionId { resource.versionId = versionId }
        if let lastUpdated { resource.lastUpdated = lastUpdated }
        return resource
    }
}

/// A `Binary`: a document's content, base64 in JSON.
public struct Binary: Sendable, Equatable {
    public var id: String?
    public var contentType: String
    public var data: [UInt8]
    /// The DocumentReference this content belongs to (`securityContext`).
    public var securityContext: String?

    public init(id: String? = nil, contentType: String, data: [UInt8], securityContext: String? = nil) {
        self.id = id
        self.contentType = contentType
        self.data = data
        self.securityContext = securityContext
    }

    public init(_ resource: Resource) throws(FHIRError) {
        guard resource.resourceType == "Binary" else { throw .invalid("expected a Binary, got \(resource.resourceType)") }
        guard let contentType = resource["contentType"]?.stringValue, !contentType.isEmpty else {
            throw .invalid("Binary.contentType is required")
        }
        var data: [UInt8] = []
        if let value = resource["data"] {
            guard let text = value.stringValue, let decoded = Data(base64Encoded: text) else {
                throw .invalid("Binary.data must be base64")
            }
            data = Array(decoded)
        }
        id = resource.id
        self.contentType = contentType
        self.data = data
        securityContext = resource["securityContext"]?["reference"]?.stringValue
    }

    public var resource: Resource {
        var resource = Resource(type: "Binary", id: id)
        resource["contentType"] = .string(contentType)
        resource["securityContext"] = securityContext.map { ["reference": .string($0)] }
        resource["data"] = .string(Data(data).base64EncodedString())
        return resource
    }
}
