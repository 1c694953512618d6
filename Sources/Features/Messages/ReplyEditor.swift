import Foundation
import HealthRecord
import L10n
import Messaging
import TerminalUI

/// Writing a reply: a multi-line editor, the attachments (documents of the dossier, files), and
/// what happens to it said on screen: Ctrl-D sends it (written to the vault and the outbox, sent
/// at the next sync — "en attente d'envoi"), Esc keeps it as a draft (it survives a restart).
struct ReplyEditor: Component {
    let threadID: String
    let correspondent: String
    private(set) var area: TextArea
    private(set) var attachmentIDs: [String]
    private(set) var documentTitles: [String: String]
    private(set) var files: [MessageFile]

    init(threadID: String, correspondent: String, draft: MessageDraft?, documentTitles: [String: String]) {
        self.threadID = threadID
        self.correspondent = correspondent
        area = TextArea(draft?.body ?? "")
        attachmentIDs = draft?.attachmentIDs ?? []
        files = draft?.files ?? []
        self.documentTitles = documentTitles
    }

    var draft: MessageDraft {
        MessageDraft(threadID: threadID, body: area.text, attachmentIDs: attachmentIDs, files: files)
    }

    var capturesText: Bool { true }

    static let sendKey = Key.control("d")
    static let attachDocumentKey = Key.control("t")
    static let attachFileKey = Key.control("f")
    /// « Ajouter le profil médical »: the synthèse PDF, saved among the documents and attached.
    static let attachSynthesisKey = Key.control("p")

    var keyMap: KeyMap {
        KeyMap(title: tr("messages.reply.title"), bindings: [
            KeyBinding([Self.sendKey], tr("messages.help.send")),
            KeyBinding([Self.attachDocumentKey], tr("messages.help.attach-document")),
            KeyBinding([Self.attachFileKey], tr("messages.help.attach-file")),
            KeyBinding([Self.attachSynthesisKey], tr("messages.help.attach-synthesis")),
            KeyBinding([.control("r")], tr("messages.help.remove-attachment")),
            KeyBinding([.escape], tr("messages.help.keep-draft")),
        ])
    }

    var keyHints: [KeyHint] {
        [KeyHint(Self.sendKey, tr("messages.hint.send")), KeyHint(.escape, tr("messages.hint.keep-draft")),
         KeyHint(Self.attachDocumentKey, tr("messages.hint.attach-document")), KeyHint(Self.attachFileKey, tr("messages.hint.attach-file"))]
    }

    mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        switch key {
        case Self.sendKey: return Update(requests: [Request.send])
        case .escape: return Update(requests: [Request.keepDraft])
        case Self.attachDocumentKey: return Update(requests: [Request.attachDocument])
        case Self.attachFileKey: return Update(requests: [Request.attachFile])
        case Self.attachSynthesisKey: return Update(requests: [Request.attachSynthesis])
        case .control("r"):
            if !files.isEmpty { files.removeLast() } else if !attachmentIDs.isEmpty { attachmentIDs.removeLast() } else {
                return .say(tr("messages.reply.no-attachment"))
            }
            return .say(tr("messages.reply.attachment-removed"))
        default:
            return area.handle(key) ? .handled : .ignored
        }
    }

    mutating func attach(document id: String, title: String) -> String {
        guard !attachmentIDs.contains(id) else { return tr("messages.reply.already-attached") }
        attachmentIDs.append(id)
        documentTitles[id] = title
        return tr("messages.reply.attached", ["name": title])
    }

    mutating func attach(file: MessageFile) -> String {
        files.append(file)
        return tr("messages.reply.attached", ["name": file.title])
    }

    func render(into buffer: inout CellBuffer, area rect: Rect, context: ViewContext) -> Rendered {
        guard rect.height > 4 else { return Rendered(cursor: rect.origin) }
        let title = tr("messages.reply.heading", ["name": correspondent])
        buffer.put(TextLayout.truncate(Sanitizer.sanitize(title), to: rect.width, ellipsis: context.symbols.ellipsis), at: rect.origin,
                   style: context.style(.title), maxWidth: rect.width)
        let attached = attachmentIDs.map { tr("messages.reply.document", ["name": documentTitles[$0] ?? $0]) }
            + files.map { tr("messages.reply.file", ["name": MessagingWording.file($0)]) }
        let listed = attached.isEmpty ? [tr("messages.reply.no-attachment")] : attached
        let attachmentLines = Array(listed.prefix(3))
        let editor = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 2 - attachmentLines.count)
        let cursor = area.render(into: &buffer, area: editor, context: context, focused: context.focused)
        for (offset, line) in attachmentLines.enumerated() {
            buffer.put(TextLayout.truncate(Sanitizer.sanitize(line), to: rect.width, ellipsis: context.symbols.ellipsis),
                       at: Point(x: rect.x, y: editor.maxY + offset), style: context.style(.muted), maxWidth: rect.width)
        }
        buffer.put(TextLayout.truncate(tr("messages.reply.state-draft"), to: rect.width, ellipsis: context.symbols.ellipsis),
                   at: Point(x: rect.x, y: rect.maxY - 1), style: context.style(.muted), maxWidth: rect.width)
        return Rendered(cursor: cursor)
    }

    enum Request: Sendable {
        case send, keepDraft, attachDocument, attachFile, attachSynthesis
    }
}
