import Foundation

/// Someone who writes in the *messagerie de santé*.
public struct Participant: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case patient, professional, establishment
    }

    public var name: String
    /// The MSSanté address (or, for a participant the server names, its reference such as
    /// `Practitioner/x` or `Organization/y`).
    public var address: String
    public var role: Role
    /// The profession or kind of establishment ("Cardiologie", "Pharmacie"), when known.
    public var profession: String?
    /// The organisation the professional works in, when known.
    public var organization: String?

    public init(name: String, address: String, role: Role, profession: String? = nil, organization: String? = nil) {
        self.name = name
        self.address = address
        self.role = role
        self.profession = profession
        self.organization = organization
    }
}

/// A conversation (`Communication`s linked by `inResponseTo`; not `Thread`, which Foundation has). Only a professional or an
/// establishment starts one (a pharmacy is the exception: the patient may write to it first); the patient replies; a
/// professional may close it.
public struct MessageThread: ProfileRecord, Hashable {
    public static let kind = RecordKind.thread

    public var id: String
    public var profileID: String
    public var subject: String
    public var participants: [Participant]
    public var isClosed: Bool
    public var lastActivity: Date
    /// Put aside by the user on this device (not sent: the server has no such field).
    public var isArchived: Bool
    /// The start of the last message, who wrote it, and whether it came from the patient's side
    /// (kept with the thread for the inbox; follows from the messages, see `summarize`).
    public var lastPreview: String
    public var lastSender: String
    public var lastFromPatientSide: Bool

    public init(id: String, profileID: String, subject: String, participants: [Participant], isClosed: Bool = false,
                lastActivity: Date, isArchived: Bool = false, lastPreview: String = "", lastSender: String = "",
                lastFromPatientSide: Bool = false) {
        self.id = id
        self.profileID = profileID
        self.subject = subject
        self.participants = participants
        self.isClosed = isClosed
        self.lastActivity = lastActivity
        self.isArchived = isArchived
        self.lastPreview = lastPreview
        self.lastSender = lastSender
        self.lastFromPatientSide = lastFromPatientSide
    }

    enum CodingKeys: String, CodingKey {
        case id, profileID, subject, participants, isClosed, lastActivity, isArchived, lastPreview, lastSender, lastFromPatientSide
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        profileID = try container.decode(String.self, forKey: .profileID)
        subject = try container.decode(String.self, forKey: .subject)
        participants = try container.decode([Participant].self, forKey: .participants)
        isClosed = try container.decode(Bool.self, forKey: .isClosed)
        lastActivity = try container.decode(Date.self, forKey: .lastActivity)
        isArchived = try container.decodeIfPresent(Bool.self, forKey: .isArchived) ?? false
        lastPreview = try container.decodeIfPresent(String.self, forKey: .lastPreview) ?? ""
        lastSender = try container.decodeIfPresent(String.self, forKey: .lastSender) ?? ""
        lastFromPatientSide = try container.decodeIfPresent(Bool.self, forKey: .lastFromPatientSide) ?? false
    }

    /// Brings the participants, the last activity and the last message's preview in line with
    /// the thread's messages (any order). Returns false when nothing changed.
    @discardableResult
    public mutating func summarize(messages: [Message]) -> Bool {
        let before = self
        for message in messages where !participants.contains(where: { $0.address == message.sender.address }) {
            participants.append(message.sender)
        }
        if let last = messages.max(by: { ($0.sent, $0.id) < ($1.sent, $1.id) }) {
            lastActivity = max(lastActivity, last.sent)
            lastPreview = String(last.body.prefix(Self.previewLength))
            lastSender = last.sender.name
            lastFromPatientSide = last.isFromPatientSide
        }
        return self != before
    }

    /// How much of the last message the inbox keeps.
    public static let previewLength = 240

    /// The professional or establishment the patient writes with (the first one who is not the patient's side).
    public var correspondent: Participant? {
        participants.first { $0.role != .patient }
    }

    /// A thread with a pharmacy, which the patient may start.
    public var isWithPharmacy: Bool {
        correspondent.map { $0.role == .establishment && $0.profession == Participant.pharmacyProfession } ?? false
    }

    /// The MSSanté rule: the patient may reply once a professional has written (or, with a pharmacy, once the patient
    /// has), until the thread is closed, and not to a message that takes no answer.
    public func patientMayReply(messages: [Message]) -> Bool {
        replyRefusal(messages: messages) == nil
    }

    /// Why the patient may not reply, or nil when they may.
    public func replyRefusal(messages: [Message]) -> ReplyRefusal? {
        let own = messages.filter { $0.threadID == id }
        if isClosed { return .closed }
        guard isWithPharmacy || own.contains(where: { $0.sender.role != .patient }) else { return .notStartedByProfessional }
        if let last = own.last(where: { $0.sender.role != .patient }), !last.allowsReply { return .noReply }
        return nil
    }

    public enum ReplyRefusal: String, Sendable, Equatable {
        /// The professional ended the conversation.
        case closed
        /// The last message of the professional takes no answer.
        case noReply = "no-reply"
        /// No professional wrote in it.
        case notStartedByProfessional = "not-started-by-professional"
    }
}

extension Participant {
    /// The profession of an establishment that is a pharmacy (the one kind the patient may write to first).
    public static let pharmacyProfession = "Pharmacie"
}

/// A file sent inside a message (not a document of the dossier until the user saves it there).
public struct MessageFile: Codable, Sendable, Hashable {
    public var title: String
    public var contentType: String
    public var data: Data

    public init(title: String, contentType: String, data: Data) {
        self.title = title
        self.contentType = contentType
        self.data = data
    }

    public var size: Int { data.count }
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
    /// Documents of the dossier attached (ids of `Document`s).
    public var attachmentIDs: [String]
    /// Files attached to the message itself (saved into the dossier when the user asks).
    public var files: [MessageFile]
    public var inResponseTo: String?
    public var isRead: Bool
    /// False for a message that takes no answer (« Ce message n'autorise pas la réponse »).
    public var allowsReply: Bool
    /// Whom an aidant wrote for: the message is signed « rédigé par <sender>, aidant de <writtenFor> ».
    public var writtenFor: String?
    /// The establishment a patient writes to when starting a thread (a pharmacy).
    public var recipient: Participant?
    /// The subject, on the first message of a thread.
    public var topic: String?

    public init(id: String, profileID: String, threadID: String, sender: Participant, sent: Date, body: String,
                attachmentIDs: [String] = [], files: [MessageFile] = [], inResponseTo: String? = nil, isRead: Bool = false,
                allowsReply: Bool = true, writtenFor: String? = nil, recipient: Participant? = nil, topic: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.threadID = threadID
        self.sender = sender
        self.sent = sent
        self.body = body
        self.attachmentIDs = attachmentIDs
        self.files = files
        self.inResponseTo = inResponseTo
        self.isRead = isRead
        self.allowsReply = allowsReply
        self.writtenFor = writtenFor
        self.recipient = recipient
        self.topic = topic
    }

    enum CodingKeys: String, CodingKey {
        case id, profileID, threadID, sender, sent, body, attachmentIDs, files, inResponseTo, isRead, allowsReply, writtenFor, recipient, topic
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        profileID = try container.decode(String.self, forKey: .profileID)
        threadID = try container.decode(String.self, forKey: .threadID)
        sender = try container.decode(Participant.self, forKey: .sender)
        sent = try container.decode(Date.self, forKey: .sent)
        body = try container.decode(String.self, forKey: .body)
        attachmentIDs = try container.decodeIfPresent([String].self, forKey: .attachmentIDs) ?? []
        files = try container.decodeIfPresent([MessageFile].self, forKey: .files) ?? []
        inResponseTo = try container.decodeIfPresent(String.self, forKey: .inResponseTo)
        isRead = try container.decodeIfPresent(Bool.self, forKey: .isRead) ?? false
        allowsReply = try container.decodeIfPresent(Bool.self, forKey: .allowsReply) ?? true
        writtenFor = try container.decodeIfPresent(String.self, forKey: .writtenFor)
        recipient = try container.decodeIfPresent(Participant.self, forKey: .recipient)
        topic = try container.decodeIfPresent(String.self, forKey: .topic)
    }

    /// True for a message written on the patient's side (the holder, a parent or an aidant).
    public var isFromPatientSide: Bool { sender.role == .patient }

    /// The formats MES accepts as attachments saved into the documents.
    public static let attachmentFormats: Set<String> = [
        "application/pdf", "image/jpeg", "image/png", "image/tiff", "application/rtf", "text/rtf", "text/plain",
    ]
}

/// One line of the inbox, read from the thread table's columns (no body decoded, no message
/// read but the unread ones), so 5,000 threads list at once.
public struct ThreadSummaryRow: Sendable, Equatable {
    public var id: String
    /// Untrusted texts (subject, names, preview): sanitise before display.
    public var subject: String
    public var correspondent: String
    public var profession: String?
    public var isClosed: Bool
    public var isArchived: Bool
    public var lastActivity: Date
    public var unread: Int
    /// The start of the last message.
    public var lastPreview: String
    public var lastSender: String
    public var lastFromPatientSide: Bool

    public init(id: String, subject: String, correspondent: String, profession: String?, isClosed: Bool, isArchived: Bool,
                lastActivity: Date, unread: Int, lastPreview: String, lastSender: String, lastFromPatientSide: Bool) {
        self.id = id
        self.subject = subject
        self.correspondent = correspondent
        self.profession = profession
        self.isClosed = isClosed
        self.isArchived = isArchived
        self.lastActivity = lastActivity
        self.unread = unread
        self.lastPreview = lastPreview
        self.lastSender = lastSender
        self.lastFromPatientSide = lastFromPatientSide
    }
}


/// A pharmacy the patient may write to (send an ordonnance).
public struct PharmacyEntry: Sendable, Equatable, Hashable {
    /// The pharmacy as a message's recipient (address `Organization/<id>`).
    public var participant: Participant
    public var id: String
    /// The pharmacy's organisational MSSanté address.
    public var mssanteAddress: String
    public var city: String
    /// It appears in the patient's reimbursements of the past year (« pharmacies déjà fréquentées »).
    public var frequented: Bool

    public init(participant: Participant, id: String, mssanteAddress: String, city: String, frequented: Bool) {
        self.participant = participant
        self.id = id
        self.mssanteAddress = mssanteAddress
        self.city = city
        self.frequented = frequented
    }
}

/// A reply being written: kept in the vault (encrypted) until it is sent or dropped, so it
/// survives a restart. Never sent to the server as such.
public struct MessageDraft: Codable, Sendable, Hashable {
    public var threadID: String
    public var body: String
    public var attachmentIDs: [String]
    public var files: [MessageFile]
    public var updated: Date

    public init(threadID: String, body: String = "", attachmentIDs: [String] = [], files: [MessageFile] = [], updated: Date = Date()) {
        self.threadID = threadID
        self.body = body
        self.attachmentIDs = attachmentIDs
        self.files = files
        self.updated = updated
    }

    public var isEmpty: Bool { body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && attachmentIDs.isEmpty && files.isEmpty }
}

/// Where a message written on the patient's side stands.
public enum DeliveryState: Sendable, Equatable {
    /// Written, not yet asked to be sent (a draft).
    case draft
    /// In the outbox: sent at the next sync.
    case pending
    /// The server has it.
    case sent
    /// The server refused it, for this reason (a machine code such as `thread-closed`).
    case refused(reason: String)
}

/// Which threads a paged inbox shows and in what order: the inbox reads one page of it at a
/// time and counts the rest (issue 20).
public struct ThreadListQuery: Sendable, Equatable {
    public var profile: String
    /// The archives instead of the inbox.
    public var archived: Bool
    /// Only threads with a message to read.
    public var unreadOnly: Bool
    public var oldestFirst: Bool
    /// Words of a full-text search (subjects, correspondents, message bodies); nil: none.
    public var search: String?

    public init(profile: String, archived: Bool = false, unreadOnly: Bool = false, oldestFirst: Bool = false, search: String? = nil) {
        self.profile = profile
        self.archived = archived
        self.unreadOnly = unreadOnly
        self.oldestFirst = oldestFirst
        let words = search?.trimmingCharacters(in: .whitespaces)
        self.search = words?.isEmpty == false ? words : nil
    }
}
