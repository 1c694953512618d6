import Documents
import Foundation
import HealthRecord
import Vault

/// Why a messaging operation did not happen.
public enum MessagingError: Error, Equatable, Sendable {
    case threadNotFound(String)
    case messageNotFound(String)
    case attachmentNotFound
    /// The MES rules: closed thread, message without answer, thread no professional started.
    case replyRefused(MessageThread.ReplyRefusal)
    case emptyMessage
    /// A file refused as attachment (same types and 5 MB rule as Documents).
    case fileRefused(DocumentImportRefusal)
    case unreadableFile(String)
    /// A document of the dossier named as attachment does not exist in this space.
    case documentNotFound(String)
}

/// The inbox filter and order.
public struct InboxFilter: Sendable, Equatable {
    public var unreadOnly: Bool
    public var archived: Bool
    /// Full-text search over subjects, correspondents and message bodies.
    public var search: String

    public init(unreadOnly: Bool = false, archived: Bool = false, search: String = "") {
        self.unreadOnly = unreadOnly
        self.archived = archived
        self.search = search
    }
}

public enum InboxSort: String, Sendable, CaseIterable {
    case newestFirst = "newest"
    case oldestFirst = "oldest"
}

/// A message as the thread view shows it, with where a message of the patient's side stands.
public struct ConversationMessage: Sendable, Equatable {
    public var message: Message
    /// Nil for a message received.
    public var state: DeliveryState?
}

/// A thread with its messages, in order.
public struct Conversation: Sendable, Equatable {
    public var thread: MessageThread
    public var messages: [ConversationMessage]
    /// Why the patient may not reply (nil: the reply box is offered).
    public var replyRefusal: MessageThread.ReplyRefusal?
    public var draft: MessageDraft?
}

/// The *messagerie de santé* of one space, as the user works with it: the inbox, threads,
/// replies (drafts, then the outbox), attachments, archive and delete. Every change is a vault
/// transaction that also queues it for the server; the screen and the command line share it.
public struct Messenger: Sendable {
    public let vault: Vault
    public let profileID: String

    /// Settings key of the drafts (a dictionary thread id → draft, encrypted in the vault).
    public static let draftsSetting = "messages.drafts"

    public init(vault: Vault, profileID: String) {
        self.vault = vault
        self.profileID = profileID
    }

    /// The messagerie of the vault's own space (or of `profileID`); nil before the first sync.
    public static func open(_ vault: Vault, profileID: String? = nil) throws -> Messenger? {
        let profiles = try vault.read { try $0.profiles.all() }
        guard let profile = profileID.map({ id in profiles.first { $0.id == id } }) ?? profiles.first(where: { $0.relation == .own }) ?? profiles.first
        else { return nil }
        return Messenger(vault: vault, profileID: profile.id)
    }

    public func profile() throws -> Profile? {
        try vault.read { try $0.profiles.find(profileID) }
    }

    /// The user's own MSSanté address (`<INS>@patient.mssante.fr`), to give to professionals.
    public func ownAddress() throws -> String? {
        try profile()?.mssanteAddress
    }

    // MARK: Inbox

    public func inbox(filter: InboxFilter = InboxFilter(), sort: InboxSort = .newestFirst) throws -> [ThreadSummaryRow] {
        let search = filter.search.trimmingCharacters(in: .whitespaces)
        var rows = try vault.read { session -> [ThreadSummaryRow] in
            var rows = try session.threads.summaries(profile: profileID)
            if !search.isEmpty {
                let matching = try session.threads.matchingIDs(search, profile: profileID)
                rows = rows.filter { matching.contains($0.id) }
            }
            return rows
        }
        rows = rows.filter { $0.isArchived == filter.archived && (!filter.unreadOnly || $0.unread > 0) }
        if sort == .oldestFirst { rows.reverse() }
        return rows
    }

    /// The query of a paged inbox of this space (see `readInbox`).
    public func inboxQuery(filter: InboxFilter = InboxFilter(), sort: InboxSort = .newestFirst) -> ThreadListQuery {
        ThreadListQuery(profile: profileID, archived: filter.archived, unreadOnly: filter.unreadOnly, oldestFirst: sort == .oldestFirst,
                        search: filter.search)
    }

    /// Reads a paged inbox in one consistent state of the vault: its count, one page, where a thread is.
    public func readInbox<Result: Sendable>(_ query: ThreadListQuery, _ body: (InboxReader) throws -> Result) throws -> Result {
        try vault.read { session in
            try body(InboxReader(session: session, query: query, matches: try session.threads.listMatches(query)))
        }
    }

    /// The threads a full-text search finds (subjects, correspondents, message bodies), for a
    /// list that already holds the inbox's rows: fast on any count.
    public func matchingThreadIDs(_ text: String) throws -> Set<String> {
        try vault.read { try $0.threads.matchingIDs(text, profile: profileID) }
    }

    /// How many messages wait to be read (archived threads aside).
    public func unreadCount() throws -> Int {
        try inbox().reduce(0) { $0 + $1.unread }
    }

    // MARK: A thread

    public func thread(_ id: String) throws -> MessageThread {
        guard let thread = try vault.read({ try $0.threads.find(id) }), thread.profileID == profileID else {
            throw MessagingError.threadNotFound(id)
        }
        return thread
    }

    public func conversation(_ id: String) throws -> Conversation {
        let thread = try thread(id)
        let (messages, pending) = try vault.read { session in
            (try session.messages.inThread(id), try session.outbox.pending(profile: profileID, limit: Int.max))
        }
        let states = Self.states(pending)
        let shown = messages.map { message in
            ConversationMessage(message: message, state: message.isFromPatientSide ? (states[message.id] ?? .sent) : nil)
        }
        return Conversation(thread: thread, messages: shown, replyRefusal: thread.replyRefusal(messages: messages), draft: try draft(for: id))
    }

    /// The state of the patient's messages that still have an outbox entry.
    static func states(_ entries: [OutboxEntry]) -> [String: DeliveryState] {
        var states: [String: DeliveryState] = [:]
        for entry in entries where entry.kind == .message && entry.operation == .upsert {
            states[entry.recordID] = state(lastError: entry.lastError)
        }
        return states
    }

    /// An outbox entry's last error as a state: none or a passing trouble → waiting; a refusal
    /// → refused, with the server's reason (`http-409:thread-closed` → `thread-closed`).
    static func state(lastError: String?) -> DeliveryState {
        guard let lastError, !["offline", "server-trouble", "unauthorized", "not-logged-in"].contains(lastError) else { return .pending }
        if let colon = lastError.firstIndex(of: ":") { return .refused(reason: String(lastError[lastError.index(after: colon)...])) }
        return .refused(reason: lastError)
    }

    /// The thread was opened: its messages are read (on this device).
    public func markRead(_ id: String) throws {
        _ = try thread(id)
        try vault.write { _ = try $0.messages.markThreadRead(id) }
    }

    // MARK: Drafts

    public func drafts() throws -> [String: MessageDraft] {
        try vault.read { try $0.settings.value(Self.draftsSetting, as: [String: MessageDraft].self) } ?? [:]
    }

    public func draft(for threadID: String) throws -> MessageDraft? {
        try drafts()[threadID]
    }

    /// Keeps what is being written (an empty draft is dropped).
    public func saveDraft(_ draft: MessageDraft) throws {
        _ = try thread(draft.threadID)
        try vault.write { session in
            var drafts = try session.settings.value(Self.draftsSetting, as: [String: MessageDraft].self) ?? [:]
            drafts[draft.threadID] = draft.isEmpty ? nil : draft
            try session.settings.set(drafts, for: Self.draftsSetting)
        }
    }

    public func discardDraft(for threadID: String) throws {
        try vault.write { session in
            var drafts = try session.settings.value(Self.draftsSetting, as: [String: MessageDraft].self) ?? [:]
            guard drafts.removeValue(forKey: threadID) != nil else { return }
            try session.settings.set(drafts, for: Self.draftsSetting)
        }
    }

    // MARK: Replies

    /// A file from the disk as an attachment (checked like a document import: type, content, 5 MB).
    public static func file(atPath path: String) throws -> MessageFile {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.intValue else { throw MessagingError.unreadableFile(path) }
        do { try DocumentImport.checkSize(size) } catch { throw MessagingError.fileRefused(error) }
        guard let data = FileManager.default.contents(atPath: path) else { throw MessagingError.unreadableFile(path) }
        return try file(named: (path as NSString).lastPathComponent, content: Array(data))
    }

    public static func file(named name: String, content: [UInt8]) throws -> MessageFile {
        let format: DocumentFileFormat
        do { format = try DocumentImport.check(fileName: name, content: content) } catch { throw MessagingError.fileRefused(error) }
        return MessageFile(title: DocumentImport.safeFileName(name), contentType: format.mimeType, data: Data(content))
    }

    /// Writes the reply to the vault and the outbox (sent at the next sync) and drops the draft.
    /// Refused at once when the MES rules forbid a reply (closed thread, message without answer).
    @discardableResult
    public func reply(to threadID: String, body: String, attachmentIDs: [String] = [], files: [MessageFile] = [],
                      author: String? = nil, now: Date = Date()) throws -> Message {
        let thread = try thread(threadID)
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty || !attachmentIDs.isEmpty || !files.isEmpty else { throw MessagingError.emptyMessage }
        let message = try vault.write { session -> Message in
            let messages = try session.messages.inThread(threadID)
            if let refusal = thread.replyRefusal(messages: messages) { throw MessagingError.replyRefused(refusal) }
            try checkAttachments(attachmentIDs, in: session)
            let message = Message(id: UUID().uuidString.lowercased(), profileID: profileID, threadID: threadID,
                                  sender: try patientSide(author: author, in: session), sent: now, body: text,
                                  attachmentIDs: attachmentIDs, files: files, inResponseTo: messages.last?.id, isRead: true,
                                  writtenFor: try writtenFor(author: author, in: session))
            try session.messages.save(message)
            var updated = thread
            updated.summarize(messages: [message])
            try session.threads.save(updated, origin: .remote)
            var drafts = try session.settings.value(Self.draftsSetting, as: [String: MessageDraft].self) ?? [:]
            if drafts.removeValue(forKey: threadID) != nil { try session.settings.set(drafts, for: Self.draftsSetting) }
            return message
        }
        return message
    }

    /// Starts a thread with a pharmacy (the one correspondent the patient may write to first),
    /// sending a document (an ordonnance) with a note.
    @discardableResult
    public func startWithPharmacy(_ pharmacy: Participant, documentID: String, note: String, topic: String,
                                  author: String? = nil, now: Date = Date()) throws -> MessageThread {
        let id = UUID().uuidString.lowercased()
        return try vault.write { session in
            try checkAttachments([documentID], in: session)
            let sender = try patientSide(author: author, in: session)
            let message = Message(id: id, profileID: profileID, threadID: id, sender: sender, sent: now,
                                  body: note.trimmingCharacters(in: .whitespacesAndNewlines), attachmentIDs: [documentID], isRead: true,
                                  writtenFor: try writtenFor(author: author, in: session), recipient: pharmacy, topic: topic)
            var thread = MessageThread(id: id, profileID: profileID, subject: topic, participants: [sender, pharmacy], lastActivity: now)
            thread.summarize(messages: [message])
            try session.threads.save(thread, origin: .remote)
            try session.messages.save(message)
            return thread
        }
    }

    /// Drops a reply the server refused (or one still waiting), with its outbox entries.
    public func discard(messageID: String) throws {
        try vault.write { session in
            guard let message = try session.messages.find(messageID), message.profileID == profileID, message.isFromPatientSide else {
                throw MessagingError.messageNotFound(messageID)
            }
            for entry in try session.outbox.pending(profile: profileID, limit: Int.max) where entry.kind == .message && entry.recordID == messageID {
                try session.outbox.remove(entry.sequence)
            }
            if try session.syncState.base(kind: .message, recordID: messageID) == nil {
                try session.messages.delete(messageID, origin: .remote)
            }
        }
    }

    private func checkAttachments(_ ids: [String], in session: VaultSession) throws {
        for id in ids {
            guard let document = try session.documents.find(id), document.profileID == profileID, document.isVisible(to: .patient) else {
                throw MessagingError.documentNotFound(id)
            }
        }
    }

    private func patientSide(author: String?, in session: VaultSession) throws -> Participant {
        let profile = try session.profiles.find(profileID)
        let name = author ?? profile.map { "\($0.givenName) \($0.familyName)" } ?? ""
        return Participant(name: name, address: "Patient/\(profileID)", role: .patient)
    }

    /// An aidant writes for the person they help: signed with that person's name.
    private func writtenFor(author: String?, in session: VaultSession) throws -> String? {
        guard let profile = try session.profiles.find(profileID), profile.relation == .delegated else { return nil }
        return profile.displayName
    }

    // MARK: Attachments

    public func message(_ id: String) throws -> Message {
        guard let message = try vault.read({ try $0.messages.find(id) }), message.profileID == profileID else {
            throw MessagingError.messageNotFound(id)
        }
        return message
    }

    /// The title of an attached document of the dossier (nil when it is not in this space).
    public func documentTitle(_ id: String) throws -> String? {
        guard let document = try vault.read({ try $0.documents.find(id) }), document.profileID == profileID,
              document.isVisible(to: .patient) else { return nil }
        return document.title
    }

    public func file(_ index: Int, of messageID: String) throws -> MessageFile {
        let message = try message(messageID)
        guard message.files.indices.contains(index) else { throw MessagingError.attachmentNotFound }
        return message.files[index]
    }

    /// How to show an attached file (text, PDF text, lab table, or metadata only).
    public func reading(of index: Int, of messageID: String, reader: DocumentReader = DocumentReader()) throws -> DocumentReading {
        let file = try file(index, of: messageID)
        return reader.reading(format: file.contentType, bytes: Array(file.data))
    }

    /// "Ajouter à mes documents de santé": the file becomes one of the user's documents, with
    /// the title, date and category chosen (same types and 5 MB rule as any import).
    public func saveToDocuments(_ index: Int, of messageID: String, title: String?, category: Document.Category,
                                date: Date = Date(), library: DocumentLibrary) throws -> Document {
        let file = try file(index, of: messageID)
        do {
            return try library.importFile(named: file.title.isEmpty ? "piece-jointe" : file.title, content: Array(file.data), title: title,
                                          category: category, date: date)
        } catch DocumentLibraryError.importRefused(let refusal) {
            throw MessagingError.fileRefused(refusal)
        }
    }

    // MARK: Archive and delete

    public func setArchived(_ threadID: String, _ archived: Bool) throws {
        var thread = try thread(threadID)
        guard thread.isArchived != archived else { return }
        thread.isArchived = archived
        let saved = thread
        try vault.write { try $0.threads.save(saved, origin: .remote) }
    }

    /// Deletes the conversation and its messages (on the server too, at the next sync).
    public func delete(_ threadID: String) throws {
        _ = try thread(threadID)
        try vault.write { session in
            for message in try session.messages.inThread(threadID) { try session.messages.delete(message.id) }
            try session.threads.delete(threadID, origin: .remote)
            var drafts = try session.settings.value(Self.draftsSetting, as: [String: MessageDraft].self) ?? [:]
            if drafts.removeValue(forKey: threadID) != nil { try session.settings.set(drafts, for: Self.draftsSetting) }
        }
    }
}

/// A paged inbox's reads, inside one read transaction (`Messenger.readInbox`).
public struct InboxReader {
    let session: VaultSession
    public let query: ThreadListQuery
    /// The search's matches, found once for every read of this inbox.
    let matches: ThreadMatches?

    /// Threads the query shows.
    public func count() throws -> Int {
        try session.threads.listCount(query, matches: matches)
    }

    /// Rows `offset..<offset+limit`, in the query's order.
    public func page(offset: Int, limit: Int) throws -> [ThreadSummaryRow] {
        try session.threads.listPage(query, offset: offset, limit: limit, matches: matches)
    }

    /// A thread's rank, when the query shows it.
    public func position(of id: String) throws -> Int? {
        try session.threads.listPosition(of: id, query, matches: matches)
    }

    /// Messages to read in the inbox or the archives (the one the query shows), filters aside.
    public func unread() throws -> Int {
        try session.threads.unreadCount(profile: query.profile, archived: query.archived)
    }
}
