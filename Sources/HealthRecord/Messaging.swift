import Foundation

/// Someone who writes in the *messagerie de santé*.
public struct Participant: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case patient, professional, establishment
    }

    public var name: String
    /// The MSSanté address.
    public var address: String
    public var role: Role

    public init(name: String, address: String, role: Role) {
        self.name = name
        self.address = address
        self.role = role
    }
}

/// A conversation (`Communication`s linked by `inResponseTo`; not `Thread`, which Foundation has). Only a professional or an
/// establishment starts one; the patient replies; a professional may close it.
public struct MessageThread: ProfileRecord, Hashable {
    public static let kind = RecordKind.thread

    public var id: String
    public var profileID: String
    public var subject: String
    public var participants: [Participant]
    public var isClosed: Bool
    public var lastActivity: Date

    public init(id: String, profileID: String, subject: String, participants: [Participant], isClosed: Bool = false,
                lastActivity: Date) {
        self.id = id
        self.profileID = profileID
        self.subject = subject
        self.participants = participants
        self.isClosed = isClosed
        self.lastActivity = lastActivity
    }

    /// The MSSanté rule: the patient may reply once a professional has written, until closed.
    public func patientMayReply(messages: [Message]) -> Bool {
        !isClosed && messages.contains { $0.threadID == id && $0.sender.role != .patient }
    }
}

/// One message of a thread.
public struct Message: ProfileRecord, Hashable {
    public static let kind = RecordKind.message

    public var id: String
    public var profileID: String
    public var threadID: String
    public var sender: Participant
    public var sent: Date
    /// Untrusted text: sanitise before display.
    public var body: String
    /// Documents attached (ids of `Document`s, saved into the dossier when the user asks).
    public var attachmentIDs: [String]
    public var inResponseTo: String?
    public var isRead: Bool

    public init(id: String, profileID: String, threadID: String, sender: Participant, sent: Date, body: String,
                attachmentIDs: [String] = [], inResponseTo: String? = nil, isRead: Bool = false) {
        self.id = id
        self.profileID = profileID
        self.threadID = threadID
        self.sender = sender
        self.sent = sent
        self.body = body
        self.attachmentIDs = attachmentIDs
        self.inResponseTo = inResponseTo
        self.isRead = isRead
    }

    /// The formats MES accepts as attachments saved into the documents.
    public static let attachmentFormats: Set<String> = [
        "application/pdf", "image/jpeg", "image/png", "image/tiff", "application/rtf", "text/rtf", "text/plain",
    ]
}
