import Foundation
import HealthRecord

/// The *messagerie de santé*: each message is a `Communication`; a thread is the first message
/// and the replies that name it (the `thread` extension, `inResponseTo`). Server notifications
/// (`Communication` of kind `notification`) are not messages.
enum CommunicationMapping {
    static func isNotification(_ resource: Resource) -> Bool {
        Concept.tokens(of: resource["category"]).contains { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }
    }

    static let message = ResourceCodec<Message>(
        resourceType: "Communication", members: ["extension", "status", "category", "subject", "inResponseTo", "sent", "sender", "payload"],
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
        return Message(id: id, profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Communication.subject"),
                       threadID: threadID(of: resource) ?? id, sender: participant(resource["sender"]),
                       sent: FHIRValue.instant(resource["sent"]) ?? Date(timeIntervalSince1970: 0),
                       body: payload.compactMap { $0["contentString"]?.stringValue }.joined(separator: "\n"),
                       attachmentIDs: payload.compactMap { $0["contentReference"]?["reference"]?.stringValue.flatMap(ResourceReference.init)?.id },
                       inResponseTo: resource["inResponseTo"]?[0]?["reference"]?.stringValue.flatMap(ResourceReference.init)?.id)
    }

    static func encodeMessage(_ message: Message) -> Resource {
        var resource = Resource(type: "Communication", id: message.id)
        resource["extension"] = FHIRValue.extensions([(ExtensionURL.thread, "valueString", .string(message.threadID))])
        resource["status"] = "completed"
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        resource["subject"] = FHIRValue.patient(message.profileID)
        resource["inResponseTo"] = message.inResponseTo.map { [["reference": .string("Communication/\($0)")]] }
        resource["sent"] = FHIRValue.instant(message.sent)
        resource["sender"] = sender(message.sender)
        resource["payload"] = .array([["contentString": .string(message.body)]]
            + message.attachmentIDs.map { ["contentReference": ["reference": .string("DocumentReference/\($0)")]] })
        return resource
    }

    /// The thread a first message opens (nil for a reply).
    static func thread(of resource: Resource, message: Message) -> MessageThread? {
        guard message.threadID == message.id else { return nil }
        return MessageThread(id: message.threadID, profileID: message.profileID,
                             subject: FHIRValue.text(resource["topic"]) ?? "", participants: [message.sender],
                             isClosed: resource["status"]?.stringValue == "stopped", lastActivity: message.sent)
    }

    static let mssante = "urn:mes:mssante-address"

    private static func participant(_ json: JSON?) -> Participant {
        let reference = json?["reference"]?.stringValue.flatMap(ResourceReference.init)
        let role: Participant.Role = switch reference?.type ?? json?["type"]?.stringValue {
        case "Practitioner": .professional
        case "Organization": .establishment
        default: .patient
        }
        let address = reference?.description ?? json?["identifier"]?["value"]?.stringValue ?? ""
        return Participant(name: json?["display"]?.stringValue ?? "", address: address, role: role)
    }

    private static func sender(_ participant: Participant) -> JSON {
        if let reference = ResourceReference(participant.address) {
            return .compact(["reference": .string(reference.description), "display": .string(participant.name)])
        }
        let type: JSON = switch participant.role {
        case .professional: "Practitioner"
        case .establishment: "Organization"
        case .patient: .null
        }
        return .compact(["type": type, "identifier": ["system": .string(mssante), "value": .string(participant.address)],
                         "display": .string(participant.name)])
    }
}
