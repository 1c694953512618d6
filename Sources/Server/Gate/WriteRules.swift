import Crypto
import FHIR
import Foundation
import HealthRecord
import SQLite

/// The rules of each type on a write, applied by `Scope.save` after the caller's rights:
/// documents (authors, dates and labels, content), messaging threads, managed consents.
struct WriteRules {
    let scope: Scope
    var db: Database { scope.db }
    var access: Access { scope.access }

    /// The space a resource belongs to: its Patient member, its own id for a Patient, its
    /// document's space for a Binary. 422 when it names none.
    static func patient(of resource: Resource, db: Database) throws -> String {
        switch resource.resourceType {
        case "Binary":
            let binary: Binary
            do { binary = try Binary(resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
            guard let context = binary.securityContext.flatMap(ResourceReference.init), context.type == "DocumentReference",
                  let document = try ResourceRepository.fetch(db, type: "DocumentReference", id: context.id), !document.deleted else {
                throw missingDocument
            }
            return document.patient
        case "Patient":
            return resource.id ?? ""
        default:
            guard let found = ResourceIndex.patientID(of: resource), !found.isEmpty else {
                throw APIError.unprocessable("a \(resource.resourceType) must reference its patient", detail: "missing-patient")
            }
            return found
        }
    }

    /// The DocumentReference a stored Binary belongs to (its `securityContext`), if it exists.
    static func document(of binary: StoredResource, db: Database) throws -> StoredResource? {
        guard let context = try binary.resource()["securityContext"]?["reference"]?.stringValue,
              let reference = ResourceReference(context), reference.type == "DocumentReference",
              let document = try ResourceRepository.fetch(db, type: reference.type, id: reference.id), !document.deleted else { return nil }
        return document
    }

    static let missingDocument = APIError.unprocessable("a Binary needs a securityContext naming an existing DocumentReference",
                                                        detail: "missing-document")

    /// A professional changes or deletes only what they wrote.
    static func requireAuthorship(_ existing: StoredResource, access: Access) throws {
        try ProfileRules.requireChangeable(existing, access: access)
        guard access.role == .professional else { return }
        guard existing.authors.contains(" \(access.caller.practitionerReference ?? "-") ") else {
            throw APIError.forbidden("a professional may change only what they wrote", detail: "not-author")
        }
    }

    /// The Consents the access operations manage (codes, sessions, delegations, blocks,
    /// oppositions) are changed through those operations only: never written nor deleted.
    static func requireDeletable(_ stored: StoredResource, db: Database) throws {
        if stored.type == "Consent", isManagedConsent(try stored.resource()) { throw managedConsent }
    }

    static func isManagedConsent(_ resource: Resource) -> Bool {
        Concept.tokens(of: resource["category"]).contains { $0.system == CodeSystem.mesConsentKind }
    }

    static let managedConsent = APIError.forbidden(
        "access consents are managed through the $access-code, $block, $delegate, $access-policy and $revoke operations", detail: "managed-consent")

    /// Checks and completes `resource`; returns its index.
    func prepare(_ resource: inout Resource, existing: StoredResource?) throws -> ResourceIndex {
        let type = resource.resourceType
        var documentFlags: (VisibilityFlags, [String])?
        switch type {
        case "Patient":
            guard existing != nil else { throw APIError.forbidden("patient spaces are created by the server", detail: "read-only") }
        case "Binary":
            let document = try binaryDocument(resource)
            documentFlags = (document.flags, document.authors.split(separator: " ").map(String.init))
            try checkBinary(resource, document: document)
        case "DocumentReference":
            try prepareDocument(&resource, existing: existing)
        case "Communication":
            try prepareMessage(&resource, existing: existing)
        case "Immunization":
            ProfileRules.prepareImmunization(&resource, access: access)
        case "Appointment", "Task":
            try AgendaRules.prepare(&resource, access: access, existing: existing, db: db)
        case "Consent":
            if Self.isManagedConsent(resource) { throw Self.managedConsent }
            if let existing, Self.isManagedConsent(try existing.resource()) { throw Self.managedConsent }
        default:
            break
        }
        var index = ResourceIndex(resource: resource, patient: scope.patient, documentFlags: documentFlags)
        if type != "Binary" {
            // Rights follow who wrote a resource through the server, not what its body claims:
            // naming a professional as author gives them nothing.
            index.authors = existing.map { $0.authors.split(separator: " ").map(String.init) } ?? [access.authorReference].compactMap { $0 }
        }
        return index
    }

    /// The document a Binary written alone belongs to; it must be one this scope sees.
    private func binaryDocument(_ resource: Resource) throws -> StoredResource {
        guard let context = (try? Binary(resource))?.securityContext.flatMap(ResourceReference.init), context.type == "DocumentReference",
              let document = try ResourceRepository.fetch(db, type: "DocumentReference", id: context.id), !document.deleted,
              try scope.canSee(document) else {
            // Answered as for a missing document: a masked document's existence is not told.
            throw Self.missingDocument
        }
        return document
    }

    /// The content must match the size and hashes its DocumentReference declares.
    private func checkBinary(_ resource: Resource, document stored: StoredResource) throws {
        let binary = try Binary(resource)
        let document = try DocumentReference(stored.resource())
        guard let content = document.contents.first(where: { $0.attachment.url.flatMap(ResourceReference.init)?.description == "Binary/\(resource.id ?? "")" })
        else { return }
        try Self.check(binary.data, against: content.attachment)
    }

    static func check(_ data: [UInt8], against attachment: DocumentReference.Attachment) throws {
        if let size = attachment.size, size != data.count {
            throw APIError.unprocessable("attachment.size is \(size) but the content has \(data.count) bytes", detail: "size-mismatch")
        }
        if let hash = attachment.sha1, hash != SHA1.hash(data) {
            throw APIError.unprocessable("attachment.hash (SHA-1) differs from the content's", detail: "hash-mismatch")
        }
        if let hash = attachment.sha256, hash != SHA256.hash(data) {
            throw APIError.unprocessable("the content's SHA-256 differs from the attachment's", detail: "hash-mismatch")
        }
    }

    private func prepareDocument(_ resource: inout Resource, existing: StoredResource?) throws {
        var document: DocumentReference
        do { document = try DocumentReference(resource) } catch { throw APIError.badRequest("\(error)", detail: "invalid-resource") }
        let previousResource = try existing?.resource()
        let previous = try previousResource.map { try DocumentReference($0) }
        var keepAuthorship = false
        let practitioners = { (authors: [DocumentReference.Author]) in
            Set(authors.compactMap { $0.reference.flatMap(ResourceReference.init) }.filter { $0.type == "Practitioner" }.map(\.description))
        }
        switch access.role {
        case .professional:
            // A professional writes in their own name: they are always among the authors (naming
            // only a colleague would put words in the colleague's mouth, in the holder's history).
            if let practitioner = access.caller.practitionerReference, !practitioners(document.authors).contains(practitioner) {
                document.authors.insert(DocumentReference.Author(reference: practitioner, display: access.caller.displayName), at: 0)
            }
        case .holder, .parent, .aidant, .service:
            if let previous, !practitioners(previous.authors).isEmpty {
                // A professional's document keeps the professional's word: its authors and date.
                // Naming other professionals or another date is refused; what a client leaves
                // out or words differently (a display, a missing reference) is put back.
                let named = practitioners(document.authors)
                let sameDate = document.date.flatMap(FHIRDateTime.parse) == previous.date.flatMap(FHIRDateTime.parse) || document.date == nil
                if !named.isEmpty && named != practitioners(previous.authors) || !sameDate {
                    throw APIError.forbidden("the authors and date of a professional's document are theirs", detail: "not-author")
                }
                keepAuthorship = true
            } else if !practitioners(document.authors).isEmpty {
                throw APIError.forbidden("only a professional writes a document in a professional's name", detail: "not-author")
            }
        }
        // Directives anticipées (TRE_A05 EXPPAT_3) are written by an adult for themselves: never
        // in a minor's space (a new one, or a document turned into one).
        if document.typeCode == "EXPPAT_3", previous?.typeCode != "EXPPAT_3", try Self.isMinor(scope.patient, db: db, on: now) {
            throw APIError.forbidden("directives anticipées cannot be written for a minor", detail: "minor-directives")
        }
        // The DMP needs a type and a class: a professional gives them; the holder's side's own
        // deposits default to class 90 (documents deposited by the patient), written by them.
        if access.role == .professional {
            if document.typeCode == nil { throw MHDMetadata.invalid("DocumentReference.type", "a professional's document has its type (LOINC or TRE_A05)") }
            if document.classCode == nil { throw MHDMetadata.invalid("DocumentReference.category", "a professional's document has its class (TRE_A03)") }
        } else if previous == nil {
            if document.classCode == nil { document.classCode = "90" }
            if document.authors.isEmpty {
                document.authors = [DocumentReference.Author(reference: access.authorReference, display: access.caller.displayName)]
            }
        }
        // Who sees a document is the holder's to decide (and its professional author's): an
        // aidant or a connected service neither masks nor unmasks.
        if !access.isHolderSide, access.role != .professional {
            let labels = (previous?.visibility ?? [], previous?.confidentiality ?? "N")
            if document.visibility != labels.0 || document.confidentiality != labels.1 {
                throw APIError.forbidden("only the holder changes who sees a document", detail: "holder-only")
            }
        }
        try checkContents(&document)
        resource = document.resource
        if keepAuthorship, let previousResource {
            resource["author"] = previousResource["author"]
            resource["date"] = previousResource["date"]
        }
        try MHDMetadata.complete(&resource, previous: previousResource, now: now)
    }

    /// Whether the space's Patient is under 18 on `date` (a birth date it does not give counts as adult).
    static func isMinor(_ patient: String, db: Database, on date: Date) throws -> Bool {
        guard let stored = try ResourceRepository.fetch(db, type: "Patient", id: patient),
              let birth = try stored.resource()["birthDate"]?.stringValue, let born = FHIRDateTime.range(of: birth)?.start else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        guard let adult = calendar.date(byAdding: .year, value: 18, to: born) else { return false }
        return date < adult
    }

    /// Each attachment points at a Binary of this space that belongs to this document (or one
    /// the same transaction writes), and matches its declared size and hashes.
    private func checkContents(_ document: inout DocumentReference) throws {
        let id = document.id ?? ""
        for index in document.contents.indices {
            let attachment = document.contents[index].attachment
            guard let url = attachment.url, let reference = ResourceReference(url), reference.type == "Binary" else {
                throw APIError.unprocessable("content.attachment.url must name the document's Binary", detail: "missing-content")
            }
            guard let binary = try ResourceRepository.fetch(db, type: "Binary", id: reference.id), !binary.deleted else {
                if scope.pendingContent.contains(reference.description) { continue }
                throw APIError.unprocessable("\(url) does not exist", detail: "missing-content")
            }
            guard binary.patient == scope.patient, try Self.document(of: binary, db: db)?.id == id,
                  let content = try ResourceRepository.content(db, id: reference.id) else {
                // Another space's or another document's content: answered as a missing one, so
                // it tells nothing of it (not even its size).
                throw APIError.unprocessable("\(url) does not exist", detail: "missing-content")
            }
            try Self.check(content.data, against: attachment)
            document.contents[index].attachment.size = content.data.count
            document.contents[index].attachment.sha1 = SHA1.hash(content.data)
            document.contents[index].attachment.sha256 = SHA256.hash(content.data)
        }
    }

    /// Messaging (MSSanté rule): only a professional starts a thread; the holder's side replies
    /// within a thread a professional started, unless the professional closed it.
    private func prepareMessage(_ resource: inout Resource, existing: StoredResource?) throws {
        if Concept.tokens(of: resource["category"]).contains(where: { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }) {
            throw APIError.forbidden("notifications come from the server only", detail: "read-only")
        }
        // A message is its sender's words: only its sender changes it (a professional closing
        // the conversation included).
        if let existing, !existing.authors.contains(" \(access.authorReference ?? "-") ") {
            throw APIError.forbidden("only its sender changes a message", detail: "not-author")
        }
        var thread = resource.id ?? ""
        if let parentText = resource["inResponseTo"]?[0]?["reference"]?.stringValue {
            guard let parent = ResourceReference(parentText), parent.type == "Communication",
                  let stored = try ResourceRepository.fetch(db, type: "Communication", id: parent.id), !stored.deleted,
                  try scope.canSee(stored) else {
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
            if access.role != .professional, existing == nil { try MessagingRules.checkReplyAllowed(parentResource) }
        } else if access.role != .professional, existing == nil, try !MessagingRules.isPharmacyStart(db, resource) {
            throw APIError.forbidden("only a professional starts a conversation; reply with inResponseTo", detail: "patient-cannot-start-thread")
        }
        var extensions = resource["extension"]?.elements.filter { $0["url"]?.stringValue != ExtensionURL.thread } ?? []
        extensions.append(["url": .string(ExtensionURL.thread), "valueString": .string(thread)])
        resource["extension"] = .array(extensions)
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        switch access.role {
        case .professional:
            resource["sender"] = ["reference": .string(access.caller.practitionerReference ?? ""), "display": .string(access.caller.displayName)]
        case .holder, .parent:
            resource["sender"] = ["reference": .string("Patient/\(access.patient)"), "display": .string(access.caller.displayName)]
        case .aidant, .service:
            resource["sender"] = ["identifier": ["system": .string(CodeSystem.mesAccount), "value": .string(access.caller.login)],
                                  "display": .string(access.caller.displayName)]
            if access.role == .aidant { try MessagingRules.signForAidant(db, &resource, patient: access.patient) }
        }
        if resource["sent"] == nil { resource["sent"] = .string(FHIRDateTime.instant(now)) }
    }

    var now: Date { scope.now }
}
