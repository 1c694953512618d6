import Documents
import Foundation
import HealthRecord
import L10n
import Messaging
import TerminalUI

/// Section 5, Messagerie: the inbox (`InboxList`), a thread (`ThreadView`) or a reply being
/// written (`ReplyEditor`), and the actions — reply, attach, open and save attachments,
/// withdraw a refused reply, archive, delete, write to a pharmacy — each confirmed in a dialog
/// where it matters and run as an effect. A reply is written to the vault and the outbox: the
/// shell hears it and schedules a sync, and the thread shows "en attente d'envoi", then
/// "envoyé" (or "refusé" with the server's reason) when the sync has run.
public struct MessagesScreen: FeatureScreen {
    let services: MessagesServices
    private(set) var inbox: InboxList
    private(set) var thread: ThreadView?
    private(set) var editor: ReplyEditor?
    /// Titles of the space's documents (attachments name them).
    private var documentTitles: [String: String] = [:]

    public init(services: MessagesServices) {
        self.services = services
        inbox = InboxList(services: services)
    }

    public static let dataKinds: Set<String> = [RecordKind.message.rawValue, RecordKind.thread.rawValue, RecordKind.document.rawValue]

    // MARK: FeatureScreen

    public var capturesText: Bool { editor != nil || (thread == nil && inbox.capturesText) }
    public var usesWholeWidth: Bool { thread != nil || editor != nil }
    public var summary: String? { inbox.summary }
    public var keyMap: KeyMap { editor?.keyMap ?? thread?.keyMap ?? inbox.keyMap }
    public var keyHints: [KeyHint] { editor?.keyHints ?? thread?.keyHints ?? inbox.keyHints }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear:
            return Update(effects: [load()] + reopen())
        case .changed(let kinds):
            guard kinds.isEmpty || !kinds.isDisjoint(with: Self.dataKinds) else { return .ignored }
            return Update(effects: [load()] + reopen())
        case .event(let answer as Answer):
            guard let action = answer.tag as? MessagesAction else { return .ignored }
            return answered(action, answer.value)
        case .event(let event as VaultList<InboxSource>.Loaded):
            return toInbox(event)
        case .event(let event as VaultList<InboxSource>.Paged):
            return toInbox(event)
        case .event(let event as MessagesEvent):
            return receive(event)
        case .event(let item as OpenItem):
            // A line of the Accueil: the thread, opened.
            editor = nil
            return Update(effects: [load(selecting: item.id), MessagesEffects.open(item.id, services)])
        case .key:
            if var open = editor {
                let result = open.update(input)
                editor = open
                return follow(result)
            }
            if var open = thread {
                let result = open.update(input)
                thread = open
                if result.closed != nil {
                    thread = nil
                    return Update(effects: [load()], announcement: tr("messages.thread.closed"))
                }
                return follow(result)
            }
            var list = inbox
            let result = list.update(input)
            inbox = list
            return follow(result)
        case .event:
            return .ignored
        }
    }

    /// Reads the inbox (or the archives) again, keeping `id` (else the selected thread) selected.
    private mutating func load(selecting id: String? = nil) -> Effect<any Sendable> {
        inbox.load(keeping: id ?? inbox.selected?.id)
    }

    private mutating func toInbox(_ event: any Sendable) -> Update {
        var list = inbox
        let result = list.update(.event(event))
        inbox = list
        // Keys typed ahead may ask for something (open, archive…): carried out like a key's.
        return follow(result)
    }

    /// Reads the open thread again (its states change with a sync).
    private func reopen() -> [Effect<any Sendable>] {
        guard let thread else { return [] }
        return [MessagesEffects.open(thread.threadID, services)]
    }

    private mutating func receive(_ event: MessagesEvent) -> Update {
        switch event {
        case .opened(.success(let conversation)):
            documentTitles = titles()
            if var open = thread, open.threadID == conversation.thread.id {
                open.refresh(conversation, documentTitles: documentTitles)
                thread = open
                return .handled
            }
            thread = ThreadView(conversation: conversation, profileID: services.messenger.profileID, documentTitles: documentTitles)
            let count = conversation.messages.count
            return .say(trPlural("messages.thread.opened", count: count, ["subject": conversation.thread.subject]))
        case .opened(.failure(let failure)):
            thread = nil
            return Update(effects: [load()], announcement: failure.message)
        case .done(let said, let select):
            return Update(effects: [load(selecting: select)] + reopen(), announcement: said)
        case .failed(let message):
            return .say(message)
        case .documents(let purpose, let documents):
            guard !documents.isEmpty else { return .say(tr("messages.picker.empty")) }
            let chooser = Chooser(title: tr(purpose == .attach ? "messages.picker.title" : "messages.pharmacy.choose-document"),
                                  options: documents.map { "\($0.title) — \(DocumentWording.category($0.category)), \(LocalFormat.date($0.date))" })
            return .open(chooser, tag: MessagesAction.pickDocument(purpose, documents), saying: chooser.title)
        case .pharmacies(let entries):
            guard !entries.isEmpty else { return .say(tr("messages.pharmacy.none")) }
            let chooser = Chooser(title: tr("messages.pharmacy.choose"), options: entries.map { entry in
                "\(entry.participant.name), \(entry.city)" + (entry.frequented ? " [\(tr("messages.pharmacy.frequented"))]" : "")
            })
            return .open(chooser, tag: MessagesAction.pickPharmacy(entries), saying: tr("messages.pharmacy.choose"))
        case .attachmentRead(let file, let reading):
            guard var open = thread else { return .handled }
            open.show(file, reading: reading)
            thread = open
            return .say(tr("messages.attachment.opened", ["file": MessagingWording.file(file)]))
        case .synthesisSaved(let id, let title):
            guard var open = editor else { return .handled }
            documentTitles[id] = title
            let said = open.attach(document: id, title: title)
            editor = open
            return .say(said)
        case .fileRead(let file):
            guard var open = editor else { return .handled }
            let said = open.attach(file: file)
            editor = open
            return .say(said)
        case .replied(let threadID):
            editor = nil
            return Update(effects: [load(selecting: threadID), MessagesEffects.open(threadID, services)],
                          announcement: tr("messages.reply.sent-to-outbox"))
        case .draftKept:
            editor = nil
            return Update(effects: reopen(), announcement: tr("messages.reply.draft-saved"))
        case .editedExternally(let text):
            guard var open = editor else { return .handled }
            open.replaceText(text)
            editor = open
            return .say(tr("messages.reply.editor-done"))
        }
    }

    private func titles() -> [String: String] {
        Dictionary(((try? services.library?.summaries()) ?? []).map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
    }

    /// Carries out what the inbox, the thread or the editor asked for.
    private mutating func follow(_ result: Update) -> Update {
        var update = result
        update.requests = []
        for request in result.requests {
            let next: Update
            switch request {
            case let opening as InboxList.Opening:
                next = .run(MessagesEffects.open(opening.id, services), saying: tr("messages.thread.opening"))
            case let reload as InboxList.Reload:
                next = Update(effects: [load()], announcement: tr(reload.archives ? "messages.archives.shown" : "messages.inbox.shown"))
            case let inboxRequest as InboxList.Request:
                next = perform(inboxRequest)
            case let threadRequest as ThreadView.Request:
                next = perform(threadRequest)
            case let editorRequest as ReplyEditor.Request:
                next = perform(editorRequest)
            default:
                next = Update(requests: [request])
            }
            update.effects += next.effects
            update.requests += next.requests
            update.announcement = next.announcement ?? update.announcement
            update.present = next.present ?? update.present
        }
        return update
    }

    private func perform(_ request: InboxList.Request) -> Update {
        let messenger = services.messenger
        switch request {
        case .archive(let id, let archived):
            return .run(MessagesEffects.edit(nil) {
                try messenger.setArchived(id, archived)
                return tr(archived ? "messages.archive.done" : "messages.archive.undone")
            })
        case .delete(let id, let subject):
            let message = tr("messages.delete.question", ["subject": subject])
            return .open(Dialog.confirm(title: tr("messages.delete.title"), message: message), tag: MessagesAction.delete(id, subject: subject),
                         saying: message)
        case .pharmacy:
            return .run(MessagesEffects.pharmacies(services), saying: tr("messages.pharmacy.looking"))
        }
    }

    private mutating func perform(_ request: ThreadView.Request) -> Update {
        guard let open = thread else { return .handled }
        let messenger = services.messenger
        let threadID = open.threadID
        switch request {
        case .reply:
            editor = ReplyEditor(threadID: threadID, correspondent: open.conversation.thread.correspondent?.name ?? "",
                                 draft: open.conversation.draft, documentTitles: documentTitles)
            return .say(tr(open.conversation.draft == nil ? "messages.reply.started" : "messages.reply.resumed"))
        case .openAttachment, .saveAttachment:
            let files = open.files
            let saving: Bool = if case .saveAttachment = request { true } else { false }
            if files.count == 1 { return attachmentChosen(files[0].message.id, files[0].index, saving: saving) }
            let chooser = Chooser(title: tr("messages.attachment.choose"), options: files.map { MessagingWording.file($0.message.files[$0.index]) })
            let refs = files.map { AttachmentRef(messageID: $0.message.id, index: $0.index) }
            let action: MessagesAction = saving ? .saveAttachment(refs) : .openAttachment(refs)
            return .open(chooser, tag: action, saying: tr("messages.attachment.choose"))
        case .withdraw(let id):
            let message = tr("messages.withdraw.question")
            return .open(Dialog.confirm(title: tr("messages.withdraw.title"), message: message), tag: MessagesAction.withdraw(id), saying: message)
        case .archive:
            thread = nil
            return .run(MessagesEffects.edit(nil) {
                try messenger.setArchived(threadID, true)
                return tr("messages.archive.done")
            })
        case .delete:
            let subject = open.conversation.thread.subject
            let message = tr("messages.delete.question", ["subject": subject])
            return .open(Dialog.confirm(title: tr("messages.delete.title"), message: message), tag: MessagesAction.delete(threadID, subject: subject),
                         saying: message)
        }
    }

    private func attachmentChosen(_ messageID: String, _ index: Int, saving: Bool) -> Update {
        if saving {
            let categories = Document.Category.allCases
            return .open(Chooser(title: tr("messages.save.category"), options: categories.map(DocumentWording.category),
                                 selected: categories.firstIndex(of: .other) ?? 0),
                         tag: MessagesAction.saveCategory(messageID: messageID, index: index), saying: tr("messages.save.category"))
        }
        let messenger = services.messenger
        return .run(Effect {
            do {
                let file = try messenger.file(index, of: messageID)
                return MessagesEvent.attachmentRead(file, try messenger.reading(of: index, of: messageID))
            } catch {
                return MessagesEvent.failed(MessagesEffects.message(for: error))
            }
        })
    }

    private mutating func perform(_ request: ReplyEditor.Request) -> Update {
        guard let open = editor else { return .handled }
        let messenger = services.messenger
        let draft = open.draft
        switch request {
        case .send:
            let author = services.author
            return .run(Effect {
                do {
                    _ = try messenger.reply(to: draft.threadID, body: draft.body, attachmentIDs: draft.attachmentIDs, files: draft.files, author: author)
                    return MessagesEvent.replied(draft.threadID)
                } catch {
                    return MessagesEvent.failed(MessagesEffects.message(for: error))
                }
            }, saying: tr("messages.reply.sending"))
        case .keepDraft:
            return .run(Effect {
                do {
                    try messenger.saveDraft(draft)
                    return MessagesEvent.draftKept
                } catch {
                    return MessagesEvent.failed(MessagesEffects.message(for: error))
                }
            })
        case .attachDocument:
            guard services.library != nil else { return .say(tr("messages.picker.empty")) }
            return .run(MessagesEffects.documents(services, purpose: .attach))
        case .attachSynthesis:
            guard let library = services.library else { return .say(tr("messages.picker.empty")) }
            return .run(MessagesEffects.attachSynthesis(library), saying: tr("profile.synthesis.working"))
        case .externalEditor:
            return externalEditor(draft.body)
        case .attachFile:
            guard !services.kiosk else { return .say(tr("messages.reply.no-file-in-kiosk")) }
            return .open(Dialog.prompt(title: tr("messages.reply.file-title"), message: tr("messages.reply.file-prompt")),
                         tag: MessagesAction.attachFile, saying: tr("messages.reply.file-prompt"))
        }
    }

    /// The reply in the user's own `$EDITOR`, through a tmpfs file only the user can read, erased
    /// as soon as the editor exits. Refused in kiosk mode (the terminal must not leave mes) and
    /// when there is no editor or no safe place: the built-in editor stays.
    private func externalEditor(_ text: String) -> Update {
        guard !services.kiosk else { return .say(tr("messages.reply.no-editor-in-kiosk")) }
        let environment = services.environment
        if let failure = ExternalEditor.check(environment: environment) { return .say(Self.sentence(failure)) }
        return .run(Effect {
            do {
                let edited = try await ExternalEditor.edit(text, environment: environment, folderPrefix: "mes-scratch-\(getpid())-")
                return MessagesEvent.editedExternally(edited)
            } catch {
                return MessagesEvent.failed(Self.sentence(error as? ExternalEditor.Failure ?? .noTerminal))
            }
        }, saying: tr("messages.reply.editor-opening"))
    }

    static func sentence(_ failure: ExternalEditor.Failure) -> String {
        switch failure {
        case .noEditor: return tr("messages.reply.editor-unset")
        case .noPrivatePlace: return tr("messages.reply.editor-no-safe-place")
        case .noTerminal: return tr("messages.reply.editor-no-terminal")
        case .editorFailed(let status): return tr("messages.reply.editor-failed", ["status": String(status)])
        case .unreadable: return tr("messages.reply.editor-unreadable")
        }
    }

    /// A dialog this screen opened has closed.
    private mutating func answered(_ action: MessagesAction, _ value: any Sendable) -> Update {
        let messenger = services.messenger
        switch action {
        case .delete(let id, let subject):
            guard case .accepted? = value as? Dialog.Outcome else { return .say(tr("messages.cancelled")) }
            thread = nil
            return .run(MessagesEffects.edit(nil) {
                try messenger.delete(id)
                return tr("messages.delete.done", ["subject": subject])
            })
        case .withdraw(let id):
            guard case .accepted? = value as? Dialog.Outcome else { return .say(tr("messages.cancelled")) }
            return .run(MessagesEffects.edit(thread?.threadID) {
                try messenger.discard(messageID: id)
                return tr("messages.discard.done")
            })
        case .attachFile:
            guard case .accepted(let text)? = value as? Dialog.Outcome, let path = text?.trimmingCharacters(in: .whitespaces), !path.isEmpty else {
                return .say(tr("messages.cancelled"))
            }
            return .run(Effect {
                do { return MessagesEvent.fileRead(try Messenger.file(atPath: path)) } catch { return MessagesEvent.failed(MessagesEffects.message(for: error)) }
            })
        case .pickDocument(let purpose, let documents):
            guard case .chosen(let line)? = value as? Chooser.Outcome, documents.indices.contains(line) else { return .say(tr("messages.cancelled")) }
            let document = documents[line]
            switch purpose {
            case .attach:
                guard var open = editor else { return .handled }
                let said = open.attach(document: document.id, title: document.title)
                editor = open
                return .say(said)
            case .ordonnance(let pharmacy):
                return .open(Dialog.prompt(title: tr("messages.pharmacy.note-title"), message: tr("messages.pharmacy.note-prompt", ["name": pharmacy.participant.name])),
                             tag: MessagesAction.pharmacyNote(pharmacy, document), saying: tr("messages.pharmacy.note-prompt", ["name": pharmacy.participant.name]))
            }
        case .pickPharmacy(let entries):
            guard case .chosen(let line)? = value as? Chooser.Outcome, entries.indices.contains(line) else { return .say(tr("messages.cancelled")) }
            guard services.library != nil else { return .say(tr("messages.picker.empty")) }
            return .run(MessagesEffects.documents(services, purpose: .ordonnance(entries[line])))
        case .pharmacyNote(let pharmacy, let document):
            guard case .accepted(let text)? = value as? Dialog.Outcome else { return .say(tr("messages.cancelled")) }
            let author = services.author
            let note = text ?? ""
            return .run(Effect {
                do {
                    let thread = try messenger.startWithPharmacy(pharmacy.participant, documentID: document.id, note: note,
                                                                 topic: tr("messages.pharmacy.topic"), author: author)
                    return MessagesEvent.done(tr("messages.pharmacy.sent", ["name": pharmacy.participant.name]), select: thread.id)
                } catch {
                    return MessagesEvent.failed(MessagesEffects.message(for: error))
                }
            })
        case .openAttachment(let refs), .saveAttachment(let refs):
            guard case .chosen(let line)? = value as? Chooser.Outcome, refs.indices.contains(line) else { return .say(tr("messages.cancelled")) }
            let saving: Bool = if case .saveAttachment = action { true } else { false }
            return attachmentChosen(refs[line].messageID, refs[line].index, saving: saving)
        case .saveCategory(let messageID, let index):
            guard case .chosen(let line)? = value as? Chooser.Outcome, Document.Category.allCases.indices.contains(line) else {
                return .say(tr("messages.cancelled"))
            }
            let category = Document.Category.allCases[line]
            let title = (try? messenger.file(index, of: messageID).title) ?? ""
            return .open(Dialog.prompt(title: tr("messages.save.title"), message: tr("messages.save.title-prompt"), text: title),
                         tag: MessagesAction.saveTitle(messageID: messageID, index: index, category: category), saying: tr("messages.save.title-prompt"))
        case .saveTitle(let messageID, let index, let category):
            guard case .accepted(let text)? = value as? Dialog.Outcome, let library = services.library else { return .say(tr("messages.cancelled")) }
            let sent = (try? messenger.message(messageID).sent) ?? Date()
            return .run(MessagesEffects.edit(thread?.threadID) {
                let document = try messenger.saveToDocuments(index, of: messageID, title: text, category: category, date: sent, library: library)
                return tr("messages.save.done", ["title": document.title, "category": DocumentWording.category(category)])
            })
        }
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        if let editor { return editor.render(into: &buffer, area: area, context: context) }
        if let thread { return thread.render(into: &buffer, area: area, context: context) }
        return inbox.render(into: &buffer, area: area, context: context)
    }
}
