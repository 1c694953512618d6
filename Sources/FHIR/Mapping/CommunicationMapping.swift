import Foundation
import HealthRecord

/// The *messagerie de santé*: each message is a `Communication`; a thread is the first message
/// and the replies that name it (the `thread` extension, `inResponseTo`). Documents of the
/// dossier attached to a message are `contentReference`s to their DocumentReference; files sent
/// with the message are `contentAttachment`s (inline, base64). Server notifications
/// (`Communication` of kind `notification`) are not messages.
enum CommunicationMapping {
    static func isNotification(_ resource: Resource) -> Bool {
        Concept.tokens(of: resource["category"]).contains { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }
    }

    static let message = ResourceCodec<Message>(
        resourceType: "Communication",
        members: ["extension", "status", "category", "subject", "topic", "inResponseTo", "sent", "sender", "recipient", "payload"],
        decode: decodeMessage, encodeFresh: encodeMessage,
        withoutLocalState: { message in
            var message = message
            message.isRead = false
            return message
        })

    static func threadID(of resource: Resource) -> String? {
        FHIRValue.extensionValue(resource.json, ExtensionURL.thread, "valueString")?.stringValue ?? resource.id
    }

    static func decodeMessage(_ resource: Resource) throws(FHIRError) -> Message {
        let id = try FHIRValue.require(resource.id, "Communication.id")
        let payload = resource["payload"]?.elements ?? []
        let threadID = threadID(of: resource) ?? id
        let sender = participant(resource["sender"])
        // What the patient's side wrote needs no reading: it counts as read.
        return Message(id: id, profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Communication.subject"),
                       threadID: threadID, sender: sender,
                       sent: FHIRValue.instant(resource["sent"]) ?? Date(timeIntervalSince1970: 0),
                       body: payload.compactMap { $0["contentString"]?.stringValue }.joined(separator: "\n"),
                       attachmentIDs: payload.compactMap { $0["contentReference"]?["reference"]?.stringValue.flatMap(ResourceReference.init)?.id },
                       files: payload.compactMap { file($0["contentAttachment"]) },
                       inResponseTo: resource["inResponseTo"]?[0]?["reference"]?.stringValue.flatMap(ResourceReference.init)?.id,
                       isRead: sender.role == .patient,
                       allowsReply: FHIRValue.extensionValue(resource.json, ExtensionURL.noReply, "valueBoolean")?.boolValue != true,
                       writtenFor: FHIRValue.extensionValue(resource.json, ExtensionURL.writtenFor, "valueString")?.stringValue,
                       recipient: resource["recipient"]?[0].map { participant($0) },
                       topic: threadID == id ? FHIRValue.text(resource["topic"]) : nil)
    }

    static func encodeMessage(_ message: Message) -> Resource {
        var resource = Resource(type: "Communication", id: message.id)
        resource["extension"] = FHIRValue.extensions([
            (ExtensionURL.thread, "valueString", .string(message.threadID)),
            (ExtensionURL.noReply, "valueBoolean", message.allowsReply ? nil : .bool(true)),
            (ExtensionURL.writtenFor, "valueString", message.writtenFor.map { .string($0) }),
        ])
        resource["status"] = "completed"
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        resource["subject"] = FHIRValue.patient(message.profileID)
        resource["topic"] = message.topic.map { ["text": .string($0)] }
        resource["inResponseTo"] = message.inResponseTo.map { [["reference": .string("Communication/\($0)")]] }
        resource["sent"] = FHIRValue.instant(message.sent)
        resource["sender"] = reference(message.sender)
        resource["recipient"] = message.recipient.map { [reference($0)] }
        resource["payload"] = .array([["contentString": .string(message.body)]]
            + message.attachmentIDs.map { ["contentReference": ["reference": .string("DocumentReference/\($0)")]] }
            + message.files.map { ["contentAttachment": attachment($0)] })
        return resource
    }

    /// The thread a first message opens (nil for a reply).
    static func thread(of resource: Resource, message: Message) -> MessageThread? {
        guard message.threadID == message.id else { return nil }
        var thread = MessageThread(id: message.threadID, profileID: message.profileID,
                                   subject: FHIRValue.text(resource["topic"]) ?? "", participants: [message.sender] + [message.recipient].compactMap { $0 },
                                   isClosed: resource["status"]?.stringValue == "stopped", lastActivity: message.sent)
        thread.summarize(messages: [message])
        return thread
    }

    static let mssante = "urn:mes:mssante-address"

    /// A `contentAttachment` (inline data) as a file; nil when it carries no readable data.
    static func file(_ json: JSON?) -> MessageFile? {
        guard let json, let text = json["data"]?.stringValue, let data = Data(base64Encoded: text) else { return nil }
        return MessageFile(title: json["title"]?.stringValue ?? "", contentType: json["contentType"]?.stringValue ?? "application/octet-stream",
                           data: data)
    }

    static func attachment(_ file: MessageFile) -> JSON {
        ["contentType": .string(file.contentType), "title": .string(file.title), "size": .int(file.size),
         "data": .string(file.data.base64EncodedString())]
    }

    private static func participant(_ json: JSON?) -> Participant {
        let reference = json?["reference"]?.stringValue.flatMap(ResourceReference.init)
        let role: Participant.Role = switch reference?.type ?? json?["type"]?.stringValue {
        case "Practitioner": .professional
        case "Organization": .establishment
        default: .patient
        }
        let address = reference?.description ?? json?["identifier"]?["value"]?.stringValue ?? ""
        return Participant(name: json?["display"]?.stringValue ?? "", address: address, role: role,
                           profession: FHIRValue.extensionValue(json, ExtensionURL.practitionerSpecialty, "valueString")?.stringValue,
                           organization: FHIRValue.extensionValue(json, ExtensionURL.practitionerOrganization, "valueString")?.stringValue)
    }

    private static func reference(_ participant: Participant) -> JSON {
        let extensions = FHIRValue.extensions([
            (ExtensionURL.practitionerSpecialty, "valueString", participant.profession.map { .string($0) }),
            (ExtensionURL.practitionerOrganization, "valueString", participant.organization.map { .string($0) }),
        ]) ?? .null
        if let reference = ResourceReference(participant.address) {
            return .compact(["extension": extensions, "reference": .string(reference.description), "display": .string(participant.name)])
        }
        let type: JSON = switch participant.role {
        case .professional: "Practitioner"
        case .establishment: "Organization"
        case .patient: .null
        }
        return .compact(["extension": extensions, "type": type,
                         "identifier": ["system": .string(mssante), "value": .string(participant.address)],
                         "display": .string(participant.name)])
    }
}

extension ExtensionURL {
    /// On `Communication`: true when the message takes no answer.
    public static let noReply = "urn:mes:extension:no-reply"
    /// On `Communication`: the person an aidant wrote for (the message is signed so on both sides).
    public static let writtenFor = "urn:mes:extension:written-for"
    /// On a pharmacy of the directory answer: it appears in the patient's reimbursements.
    public static let frequentedPharmacy = "urn:mes:extension:frequented-pharmacy"
    /// On `Practitioner`: the establishment (`Organization/…`) they answer messages for.
    public static let worksFor = "urn:mes:extension:works-for"
}
