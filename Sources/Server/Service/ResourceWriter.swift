import Crypto
import FHIR
import Foundation
import HealthRecord
import SQLite

/// The checks every write goes through: the space it belongs to, the caller's rights there,
/// and the rules of its type (documents' size and hash, messaging threads, managed consents).
struct ResourceWriter {
    let db: Database
    let caller: Caller
    let now: Date

    func prepare(_ resource: inout Resource, existing: StoredResource?) throws -> (ResourceIndex, Access) {
        let type = resource.resourceType
        guard ResourceIndex.servedTypes.contains(type) else { throw APIError.notFound("\(type) is not served here") }
        if let id = resource.id, !Resource.isValidID(id) { throw APIError.badRequest("invalid id", detail: "invalid-id") }
        if ["AuditEvent", "Practitioner"].contains(type) {
            throw APIError.forbidden("\(type) is read-only", detail: "read-only")
        }
        let patient: String
        var documentFlags: (VisibilityFlags, [String])?
        var binaryContext: StoredResource?
        if type == "Binary" {
            let document = try binaryDocument(resource)
            binaryContext = document
            patient = document.patient
            documentFlags = (document.flags, document.authors.split(separator: " ").map(String.init))
        } else if type == "Patient" {
            guard existing != nil, existing?.deleted == false else {
                throw APIError.forbidden("patient spaces are created by the server", detail: "read-only")
            }
            patient = resource.id ?? ""
        } else {
            guard let found = ResourceIndex.patientID(of: resource), !found.isEmpty else {
                throw APIError.unprocessable("a \(type) must reference its patient", detail: "missing-patient")
            }
            patient = found
        }
        // A tombstone stays in its space too: taking its id elsewhere would drop the deletion
        // from the first space's changes feed.
        if let existing, existing.patient != patient {
            throw APIError.unprocessable("a resource cannot move to another patient", detail: "patient-changed")
        }
        let access = try Authorization.access(db, caller: caller, patient: patient, now: now)
        guard access.canWrite(type: type) else {
            throw APIError.forbidden("this access may not write \(type)", detail: "rubrique")
        }
        if type == "Binary", let document = binaryContext, !access.canSee(document) {
            // Answered as for a missing document: a masked document's existence is not told.
            throw Self.missingDocument
        }
        if let existing, !existing.deleted {
            try ResourceEndpoints.requireAuthorship(existing, access: access)
            guard access.canSee(existing) else { throw APIError.forbidden("not visible to this access", detail: "rubrique") }
        }
        switch type {
        case "DocumentReference": try prepareDocument(&resource, access: access)
        case "Binary": try checkBinary(resource)
        case "Communication": try prepareMessage(&resource, access: access, existing: existing)
        case "Immunization": ProfileRules.prepareImmunization(&resource, access: access)
        case "Appointment", "Task": try AgendaRules.prepare(&resource, access: access, existing: existing, db: db)
        case "Consent":
            if Concept.tokens(of: resource["category"]).contains(where: { $0.system == CodeSystem.mesConsentKind }) {
                throw APIError.forbidden("access consents are managed through the $access-code, $block, $delegate and $access-policy operations", detail: "managed-consent")
            }
        default: break
        }
        return (ResourceIndex(resource: resource, patient: patient, documentFlags: documentFlags), access)
    }

    /// The DocumentReference a Binary belongs to (its `securityContext`).
    private func binaryDocument(_ resource: Resource) throws -> StoredResource {
        let binary: Binary
        do { binary = try Binary(resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
        guard let context = binary.securityContext.flatMap(ResourceReference.init), context.type == "DocumentReference",
              let document = try ResourceRepository.fetch(db, type: "DocumentReference", id: context.id), !document.deleted else {
            throw Self.missingDocument
        }
        return document
    }

    static let missingDocument = APIError.unprocessable("a Binary needs a securityContext naming an existing DocumentReference",
                                                        detail: "missing-document")

    /// The content must match the size and SHA-256 its DocumentReference declares.
    private func checkBinary(_ resource: Resource) throws {
        let binary = try Binary(resource)
        guard let context = binary.securityContext.flatMap(ResourceReference.init),
              let stored = try ResourceRepository.fetch(db, type: "DocumentReference", id: context.id) else { return }
        let document = try DocumentReference(stored.resource())
        guard document.attachment.url.flatMap(ResourceReference.init)?.description == "Binary/\(resource.id ?? "")" else { return }
        try Self.check(binary.data, against: document.attachment)
    }

    static func check(_ data: [UInt8], against attachment: DocumentReference.Attachment) throws {
        if let size = attachment.size, size != data.count {
            throw APIError.unprocessable("attachment.size is \(size) but the content has \(data.count) bytes", detail: "size-mismatch")
        }
        if let hash = attachment.sha256, hash != SHA256.hash(data) {
            throw APIError.unprocessable("the content's SHA-256 differs from the attachment's", detail: "hash-mismatch")
        }
    }

    private func prepareDocument(_ resource: inout Resource, access: Access) throws {
        var document: DocumentReference
        do { document = try DocumentReference(resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
        // A professional writes in their own name: they are always among the authors (naming
        // only a colleague would put words in the colleague's mouth, in the holder's history).
        if access.role == .professional, let practitioner = caller.practitionerReference,
           !document.authors.contains(where: { $0.reference.flatMap(ResourceReference.init)?.description == practitioner }) {
            document.authors.insert(DocumentReference.Author(reference: practitioner, display: caller.displayName), at: 0)
        }
        // Only a content of this space counts: checking the declared size and hash against
        // another space's Binary would tell its size and confirm guesses of its content.
        if let url = document.attachment.url.flatMap(ResourceReference.init), url.type == "Binary",
           let binary = try ResourceRepository.fetch(db, type: "Binary", id: url.id), !binary.deleted, binary.patient == access.patient,
           let content = try ResourceRepository.content(db, id: url.id) {
            try Self.check(content.data, against: document.attachment)
            document.attachment.size = content.data.count
            document.attachment.sha256 = SHA256.hash(content.data)
        }
        resource = document.resource
    }

    /// Messaging (MSSanté rule): only a professional starts a thread; the holder's side replies
    /// within a thread a professional started, unless the professional closed it.
    private func prepareMessage(_ resource: inout Resource, access: Access, existing: StoredResource?) throws {
        if Concept.tokens(of: resource["category"]).contains(where: { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }) {
            throw APIError.forbidden("notifications come from the server only", detail: "read-only")
        }
        var thread = resource.id ?? ""
        if let parentText = resource["inResponseTo"]?[0]?["reference"]?.stringValue {
            guard let parent = ResourceReference(parentText), parent.type == "Communication",
                  let stored = try ResourceRepository.fetch(db, type: "Communication", id: parent.id), !stored.deleted,
                  stored.patient == access.patient else {
                throw APIError.unprocessable("inResponseTo must name a message of this space", detail: "unknown-thread")
            }
            let parentResource = try stored.resource()
            thread = parentResource["extension"]?.elements.first { $0["url"]?.stringValue == ExtensionURL.thread }?["valueString"]?.stringValue ?? parent.id
            guard let root = try ResourceRepository.fetch(db, type: "Communication", id: thread), !root.deleted else {
                throw APIError.unprocessable("the thread no longer exists", detail: "unknown-thread")
            }
            let rootResource = try root.resource()
            guard try MessagingRules.threadStartedByProfessionalSide(db, rootResource) else {
                throw APIError.forbidden("only a professional starts a conversation", detail: "thread-not-started-by-professional")
            }
            if rootResource["status"]?.stringValue == "stopped", access.role != .professional {
                throw APIError.conflict("the professional closed this conversation", detail: "thread-closed")
            }
            if access.role != .professional, existing == nil || existing?.deleted == true { try MessagingRules.checkReplyAllowed(parentResource) }
        } else if access.role != .professional, existing == nil || existing?.deleted == true, try !MessagingRules.isPharmacyStart(db, resource) {
            throw APIError.forbidden("only a professional starts a conversation; reply with inResponseTo", detail: "patient-cannot-start-thread")
        }
        var extensions = resource["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.thread } ?? []
        extensions.append(["url": .string(ExtensionURL.thread), "valueString": .string(thread)])
        resource["extension"] = .array(extensions)
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        switch access.role {
        case .professional:
            resource["sender"] = ["reference": .string(caller.practitionerReference ?? ""), "display": .string(caller.displayName)]
        case .holder, .parent:
            resource["sender"] = ["reference": .string("Patient/\(access.patient)"), "display": .string(caller.displayName)]
        case .aidant:
            resource["sender"] = ["identifier": ["system": .string(CodeSystem.mesAccount), "value": .string(caller.login)], "display": .string(caller.displayName)]
            try MessagingRules.signForAidant(db, &resource, patient: access.patient)
        }
        if resource["sent"] == nil { resource["sent"] = .string(FHIRDateTime.instant(now)) }
    }
}
