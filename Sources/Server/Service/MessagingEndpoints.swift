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

    // MARK: - The professional's side (through the gate's messaging channel)

    private func start(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let stored = try router.gate.write(caller) { transaction -> StoredResource in
            let channel = try transaction.messaging()
            let body = try router.jsonBody(request)
            let topic = body["topic"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !topic.isEmpty else { throw APIError.badRequest("a topic is required", detail: "invalid-parameter") }
            try channel.requireSpace(patient)
            let id = Audit.newID()
            var resource = try message(id: id, thread: id, patient: patient, inResponseTo: nil, body: body, sender: try channel.sender())
            resource["topic"] = ["text": .string(topic)]
            return try channel.save(&resource, patient: patient)
        }
        return .resource(201, stored)
    }

    private func reply(_ request: HTTPRequest, to parentID: String, caller: Caller) throws -> HTTPResponse {
        let stored = try router.gate.write(caller) { transaction -> StoredResource in
            let channel = try transaction.messaging()
            let body = try router.jsonBody(request)
            let thread = try channel.thread(of: parentID)
            let (parent, root) = (thread.message, thread.root)
            var resource = try message(id: Audit.newID(), thread: root.id, patient: parent.patient, inResponseTo: parent.id, body: body,
                                       sender: try channel.sender())
            // A professional who ended a conversation may write again: it opens again.
            var rootResource = try root.resource()
            if rootResource["status"]?.stringValue == "stopped" {
                rootResource["status"] = "completed"
                try channel.save(&rootResource, patient: root.patient)
            }
            return try channel.save(&resource, patient: parent.patient)
        }
        return .resource(201, stored)
    }

    private func close(thread id: String, caller: Caller) throws -> HTTPResponse {
        let stored = try router.gate.write(caller) { transaction -> StoredResource in
            let channel = try transaction.messaging()
            let root = try channel.thread(of: id).root
            var resource = try root.resource()
            guard resource["status"]?.stringValue != "stopped" else { return root }
            resource["status"] = "stopped"
            return try channel.save(&resource, patient: root.patient)
        }
        return .resource(200, stored)
    }

    /// The thread's messages, oldest first, then the DocumentReferences attached to them, each
    /// followed by its Binary (the professional reads what the patient sent).
    private func thread(_ id: String, caller: Caller, baseURL: String) throws -> HTTPResponse {
        let rows = try router.gate.read(caller) { transaction in
            let channel = try transaction.messaging()
            return try channel.contents(of: channel.thread(of: id))
        }
        return .fhir(200, SearchEndpoint.bundle(total: rows.count, rows: rows, links: [], baseURL: baseURL))
    }

    /// The first messages of the threads this professional is in, newest first.
    private func inbox(caller: Caller, baseURL: String) throws -> HTTPResponse {
        let rows = try router.gate.read(caller) { transaction in try transaction.messaging().threads() }
        return .fhir(200, SearchEndpoint.bundle(total: rows.count, rows: rows, links: [], baseURL: baseURL))
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
        let (pharmacies, frequented) = try router.gate.read(caller) { transaction in
            try transaction.scope(patient).pharmacies(frequentedSince: now.addingTimeInterval(-366 * 86400))
        }
        let rows: [JSON] = try pharmacies.compactMap { stored -> (Bool, String, JSON)? in
            var resource = try stored.resource()
            let name = resource["name"]?.stringValue ?? ""
            let isFrequented = frequented.contains(MessagingRules.fold(name))
            let haystack = MessagingRules.fold([name, resource["address"]?[0]?["city"]?.stringValue ?? ""].joined(separator: " "))
            guard search.isEmpty || MessagingRules.fold(search).split(separator: " ").allSatisfy({ haystack.contains($0) }) else { return nil }
            if isFrequented { resource["extension"] = [["url": .string(ExtensionURL.frequentedPharmacy), "valueBoolean": true]] }
            return (isFrequented, name, resource.json)
        }
        .sorted { ($0.0 ? 0 : 1, $0.1) < ($1.0 ? 0 : 1, $1.1) }
        .map { ["resource": $0.2] as JSON }
        return .fhir(200, ["resourceType": "Bundle", "type": "searchset", "total": .int(rows.count), "entry": .array(rows)])
    }
}
