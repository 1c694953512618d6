import FHIR
import Foundation
import HealthRecord
import SQLite

/// The *messagerie de santé* as MSSanté runs it: a professional writes to a patient's address
/// (no access code needed: messaging is its own channel), answers and closes the threads they
/// are in, and reads them with what the patient attached. The patient's side writes through
/// `PUT /Communication` (the rules are in `MessagingRules`), and finds pharmacies to write to.
///
/// - `GET  /$messages` — the professional's threads (first messages), newest first
/// - `POST /Patient/{id}/$message` {topic, text, noReply?, attachments?} — a professional starts a thread
/// - `POST /Communication/{id}/$reply` {text, noReply?, attachments?} — a professional answers in a thread
/// - `POST /Communication/{id}/$close` — the professional ends the conversation
/// - `GET  /Communication/{id}/$thread` — the thread's messages and the documents attached to them
/// - `GET  /Patient/{id}/$pharmacies?q=` — pharmacies to write to, those of the reimbursements first
struct MessagingEndpoints {
    let router: Router
    var now: Date { router.context.clock.now }

    /// True for the paths this type answers.
    static func handles(_ segments: [String]) -> Bool {
        switch segments.count {
        case 1: segments[0] == "$messages"
        case 3: (segments[0] == "Patient" && ["$message", "$pharmacies"].contains(segments[2]))
            || (segments[0] == "Communication" && ["$reply", "$close", "$thread"].contains(segments[2]))
        default: false
        }
    }

    func handle(_ request: HTTPRequest, segments: [String]) throws -> HTTPResponse {
        let caller = try router.authenticate(request)
        if segments.count == 1 {
            guard request.method == "GET" else { throw APIError.methodNotAllowed("use GET") }
            return try inbox(caller: caller, baseURL: router.baseURL(request))
        }
        let id = segments[1]
        guard Resource.isValidID(id) else { throw APIError.badRequest("invalid id") }
        switch (segments[2], request.method) {
        case ("$message", "POST"): return try start(request, patient: id, caller: caller)
        case ("$pharmacies", "GET"): return try pharmacies(request, patient: id, caller: caller)
        case ("$reply", "POST"): return try reply(request, to: id, caller: caller)
        case ("$close", "POST"): return try close(thread: id, caller: caller)
        case ("$thread", "GET"): return try thread(id, caller: caller, baseURL: router.baseURL(request))
        default: throw APIError.methodNotAllowed("\(request.method) is not allowed on \(segments[2])")
        }
    }

    // MARK: - The professional's side

    private func professional(_ caller: Caller) throws -> String {
        guard caller.kind == .professional, let practitioner = caller.practitionerID else {
            throw APIError.forbidden("only a professional or an establishment starts a conversation", detail: "patient-cannot-start-thread")
        }
        return practitioner
    }

    private func start(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let practitioner = try professional(caller)
        let body = try router.jsonBody(request)
        let topic = body["topic"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !topic.isEmpty else { throw APIError.badRequest("a topic is required", detail: "invalid-parameter") }
        let stored = try router.store.write { db -> StoredResource in
            guard let space = try ResourceRepository.fetch(db, type: "Patient", id: patient), !space.deleted else {
                throw APIError.notFound("no such patient space")
            }
            let id = Audit.newID()
            var resource = try message(id: id, thread: id, patient: patient, inResponseTo: nil, body: body,
                                       sender: try MessagingRules.sender(db, practitioner: practitioner, caller: caller))
            resource["topic"] = ["text": .string(topic)]
            return try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: now)
        }
        return .resource(201, stored)
    }

    private func reply(_ request: HTTPRequest, to parentID: String, caller: Caller) throws -> HTTPResponse {
        let practitioner = try professional(caller)
        let body = try router.jsonBody(request)
        let stored = try router.store.write { db -> StoredResource in
            let (parent, root) = try participating(db, message: parentID, practitioner: practitioner)
            var resource = try message(id: Audit.newID(), thread: root.id, patient: parent.patient, inResponseTo: parent.id, body: body,
                                       sender: try MessagingRules.sender(db, practitioner: practitioner, caller: caller))
            // A professional who ended a conversation may write again: it opens again.
            var rootResource = try root.resource()
            if rootResource["status"]?.stringValue == "stopped" {
                rootResource["status"] = "completed"
                try ResourceRepository.save(db, &rootResource, index: ResourceIndex(resource: rootResource, patient: root.patient), now: now)
            }
            return try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: parent.patient), now: now)
        }
        return .resource(201, stored)
    }

    private func close(thread id: String, caller: Caller) throws -> HTTPResponse {
        let practitioner = try professional(caller)
        let stored = try router.store.write { db -> StoredResource in
            let (_, root) = try participating(db, message: id, practitioner: practitioner)
            var resource = try root.resource()
            guard resource["status"]?.stringValue != "stopped" else { return root }
            resource["status"] = "stopped"
            return try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: root.patient), now: now)
        }
        return .resource(200, stored)
    }

    /// The thread's messages, oldest first, then the DocumentReferences attached to them, each
    /// followed by its Binary (the professional reads what the patient sent).
    private func thread(_ id: String, caller: Caller, baseURL: String) throws -> HTTPResponse {
        let practitioner = try professional(caller)
        let rows = try router.store.read { db -> [StoredResource] in
            let (_, root) = try participating(db, message: id, practitioner: practitioner)
            let messages = try MessagingRules.messages(db, thread: root.id)
            var rows = messages
            var seen: Set<String> = []
            for message in messages {
                for item in try message.resource()["payload"]?.elements ?? [] {
                    guard let reference = item["contentReference"]?["reference"]?.stringValue.flatMap(ResourceReference.init),
                          reference.type == "DocumentReference", seen.insert(reference.id).inserted,
                          let document = try ResourceRepository.fetch(db, type: "DocumentReference", id: reference.id),
                          !document.deleted, document.patient == root.patient else { continue }
                    rows.append(document)
                    if let url = try DocumentReference(document.resource()).attachment.url.flatMap(ResourceReference.init), url.type == "Binary",
                       let binary = try ResourceRepository.fetch(db, type: "Binary", id: url.id), !binary.deleted,
                       let content = try ResourceRepository.content(db, id: url.id) {
                        var full = try binary.resource()
                        full["data"] = .string(Data(content.data).base64EncodedString())
                        var row = binary
                        row.json = full.serialized()
                        rows.append(row)
                    }
                }
            }
            return rows
        }
        return .fhir(200, SearchEndpoint.bundle(total: rows.count, rows: rows, links: [], baseURL: baseURL))
    }

    /// The first messages of the threads this professional is in, newest first.
    private func inbox(caller: Caller, baseURL: String) throws -> HTTPResponse {
        let practitioner = try professional(caller)
        let rows = try router.store.read { db -> [StoredResource] in
            let organization = try MessagingRules.organization(db, practitioner: practitioner)
            return try MessagingRules.roots(db).filter { root in
                guard let resource = try? root.resource() else { return false }
                return MessagingRules.isParticipant(resource, practitioner: practitioner, organization: organization)
            }.sorted { $0.updated > $1.updated }
        }
        return .fhir(200, SearchEndpoint.bundle(total: rows.count, rows: rows, links: [], baseURL: baseURL))
    }

    /// The message `id` and its thread's first message, when the professional is in that thread.
    private func participating(_ db: Database, message id: String, practitioner: String) throws -> (StoredResource, StoredResource) {
        guard let stored = try ResourceRepository.fetch(db, type: "Communication", id: id), !stored.deleted,
              let resource = try? stored.resource(), !CommunicationKinds.isNotification(resource) else {
            throw APIError.notFound("no such message")
        }
        let threadID = MessagingRules.threadID(of: resource) ?? id
        guard let root = try ResourceRepository.fetch(db, type: "Communication", id: threadID), !root.deleted else {
            throw APIError.notFound("no such thread")
        }
        let organization = try MessagingRules.organization(db, practitioner: practitioner)
        guard MessagingRules.isParticipant(try root.resource(), practitioner: practitioner, organization: organization) else {
            // Another professional's conversation: answered as if it did not exist.
            throw APIError.notFound("no such message")
        }
        return (stored, root)
    }

    private func message(id: String, thread: String, patient: String, inResponseTo: String?, body: JSON, sender: JSON) throws -> Resource {
        let text = body["text"]?.stringValue ?? ""
        let files = try (body["attachments"]?.elements ?? []).map(MessagingRules.file)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !files.isEmpty else {
            throw APIError.badRequest("a message needs a text or an attachment", detail: "empty-message")
        }
        var resource = Resource(type: "Communication", id: id)
        var extensions: [JSON] = [["url": .string(ExtensionURL.thread), "valueString": .string(thread)]]
        if body["noReply"]?.boolValue == true { extensions.append(["url": .string(ExtensionURL.noReply), "valueBoolean": true]) }
        resource["extension"] = .array(extensions)
        resource["status"] = "completed"
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        resource["subject"] = ["reference": .string("Patient/\(patient)")]
        if let inResponseTo { resource["inResponseTo"] = [["reference": .string("Communication/\(inResponseTo)")]] }
        resource["sent"] = .string(FHIRDateTime.instant(now))
        resource["sender"] = sender
        resource["payload"] = .array([["contentString": .string(text)]] + files.map { ["contentAttachment": $0] })
        return resource
    }

    // MARK: - Pharmacies (the patient's side)

    private func pharmacies(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let search = request.queryValue("q")?.trimmingCharacters(in: .whitespaces) ?? ""
        let rows = try router.store.read { db -> [JSON] in
            let access = try Authorization.access(db, caller: caller, patient: patient, now: now)
            guard access.role != .professional, access.canRead(type: "Communication") else {
                throw APIError.forbidden("only the patient's side looks for a pharmacy to write to", detail: "holder-only")
            }
            let frequented = try MessagingRules.frequentedPharmacyNames(db, patient: patient, since: now.addingTimeInterval(-366 * 86400))
            return try MessagingRules.pharmacies(db).compactMap { stored -> (Bool, String, JSON)? in
                var resource = try stored.resource()
                let name = resource["name"]?.stringValue ?? ""
                let isFrequented = frequented.contains(MessagingRules.fold(name))
                let haystack = MessagingRules.fold([name, resource["address"]?[0]?["city"]?.stringValue ?? ""].joined(separator: " "))
                guard search.isEmpty || MessagingRules.fold(search).split(separator: " ").allSatisfy({ haystack.contains($0) }) else { return nil }
                if isFrequented { resource["extension"] = [["url": .string(ExtensionURL.frequentedPharmacy), "valueBoolean": true]] }
                return (isFrequented, name, resource.json)
            }
            .sorted { ($0.0 ? 0 : 1, $0.1) < ($1.0 ? 0 : 1, $1.1) }
            .map { ["resource": $0.2] }
        }
        return .fhir(200, ["resourceType": "Bundle", "type": "searchset", "total": .int(rows.count), "entry": .array(rows)])
    }
}

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
