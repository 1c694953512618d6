import Documents
import Foundation
import HealthRecord
import L10n
import Messaging
import TerminalUI

/// One thread open: its messages in order with sender, time, state (for the patient's side)
/// and attachments; under them why no reply is possible, or the draft waiting. An attachment
/// opens in the same place (text, PDF text, lab table, or what can be said of it). Everything
/// from outside passes the sanitiser (`TextViewer` splits and cleans it once).
struct ThreadView: Component {
    let profileID: String
    private(set) var conversation: Conversation
    private(set) var viewer: TextViewer
    /// An attachment open over the thread: its title and its text.
    private(set) var attachment: (title: String, viewer: TextViewer)?
    private var width = 80

    init(conversation: Conversation, profileID: String, documentTitles: [String: String]) {
        self.conversation = conversation
        self.profileID = profileID
        viewer = TextViewer(text: Self.text(conversation, profileID: profileID, documentTitles: documentTitles))
        // Open at the newest message.
        _ = viewer.handle(.end, visibleRows: 14)
    }

    var threadID: String { conversation.thread.id }

    mutating func refresh(_ conversation: Conversation, documentTitles: [String: String]) {
        let top = viewer.top
        self.conversation = conversation
        viewer = TextViewer(text: Self.text(conversation, profileID: profileID, documentTitles: documentTitles))
        _ = viewer.handle(.home, visibleRows: 14)
        for _ in 0..<top { _ = viewer.handle(.down, visibleRows: 1) }
    }

    var keyMap: KeyMap {
        KeyMap(title: tr("messages.thread.title"), bindings: [
            KeyBinding([.up, .down, .pageUp, .pageDown], tr("messages.help.scroll")),
            KeyBinding([.escape, .left], tr("messages.help.back")),
            KeyBinding([.character("r")], tr("messages.help.reply")),
            KeyBinding([.character("o")], tr("messages.help.open-attachment")),
            KeyBinding([.character("s")], tr("messages.help.save-attachment")),
            KeyBinding([.character("x")], tr("messages.help.withdraw")),
            KeyBinding([.character("a")], tr("messages.help.archive")),
            KeyBinding([.character("d")], tr("messages.help.delete")),
        ])
    }

    var keyHints: [KeyHint] {
        if attachment != nil { return [KeyHint(.escape, tr("messages.hint.back")), KeyHint("↑↓", tr("messages.hint.scroll"))] }
        var hints: [KeyHint] = []
        if conversation.replyRefusal == nil { hints.append(KeyHint("r", tr(conversation.draft == nil ? "messages.hint.reply" : "messages.hint.draft"))) }
        if !files.isEmpty {
            hints.append(KeyHint("o", tr("messages.hint.open-attachment")))
            hints.append(KeyHint("s", tr("messages.hint.save-attachment")))
        }
        if withdrawable != nil { hints.append(KeyHint("x", tr("messages.hint.withdraw"))) }
        hints += [KeyHint(.escape, tr("messages.hint.back")), KeyHint("d", tr("messages.hint.delete"))]
        return hints
    }

    /// Every attached file: (message, index in the message).
    var files: [(message: Message, index: Int)] {
        conversation.messages.flatMap { item in item.message.files.indices.map { (item.message, $0) } }
    }

    /// The last message of the patient's side still waiting or refused (it can be withdrawn).
    var withdrawable: String? {
        conversation.messages.last { item in
            if case .refused? = item.state { return true }
            return item.state == .pending
        }?.message.id
    }

    mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        if var open = attachment {
            if key == .escape || key == .left || key == .character("h") {
                attachment = nil
                return .say(tr("messages.attachment.closed"))
            }
            _ = open.viewer.handle(key, visibleRows: 14)
            attachment = open
            return .handled
        }
        switch key {
        case .escape, .left, .character("h"):
            return Update(closed: true)
        case .character("r"):
            if let refusal = conversation.replyRefusal { return .say(MessagingWording.replyRefusal(refusal, thread: conversation.thread)) }
            return Update(requests: [Request.reply])
        case .character("o"), .character("s"):
            guard !files.isEmpty else { return .say(tr("messages.attachment.none")) }
            return Update(requests: [key == .character("o") ? Request.openAttachment : Request.saveAttachment])
        case .character("x"):
            guard let id = withdrawable else { return .say(tr("messages.withdraw.none")) }
            return Update(requests: [Request.withdraw(id)])
        case .character("a"):
            return Update(requests: [Request.archive])
        case .character("d"):
            return Update(requests: [Request.delete])
        default:
            return viewer.handle(key, visibleRows: 14) ? .handled : .ignored
        }
    }

    /// Shows an attached file over the thread.
    mutating func show(_ file: MessageFile, reading: DocumentReading) {
        let text: String = switch reading {
        case .text(let text): text
        case .labReport(let report): DocumentWording.labReportText(report)
        case .metadataOnly(let reason): DocumentWording.unreadable(reason)
        }
        attachment = (MessagingWording.file(file), TextViewer(text: text))
    }

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard area.height > 3 else { return Rendered(cursor: area.origin) }
        let thread = conversation.thread
        let title = attachment.map { tr("messages.attachment.heading", ["file": $0.title]) } ?? thread.subject
        buffer.put(TextLayout.truncate(Sanitizer.sanitize(title), to: area.width, ellipsis: context.symbols.ellipsis),
                   at: area.origin, style: context.style(.title), maxWidth: area.width)
        let with = tr("messages.show.with", ["name": MessagingWording.correspondent(thread.correspondent)])
        buffer.put(TextLayout.truncate(Sanitizer.sanitize(with), to: area.width, ellipsis: context.symbols.ellipsis),
                   at: Point(x: area.x, y: area.y + 1), style: context.style(.muted), maxWidth: area.width)
        let footer = attachment == nil ? footerText : ""
        let footerLines = footer.isEmpty ? [] : TextLayout.wrap(Sanitizer.sanitize(footer), width: area.width)
        let bodyArea = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(1, area.height - 2 - footerLines.count))
        var shown = attachment?.viewer ?? viewer
        shown.layout(width: bodyArea.width)
        let cursor = shown.render(into: &buffer, area: bodyArea, context: context)
        for (offset, line) in footerLines.enumerated() {
            buffer.put(line, at: Point(x: area.x, y: bodyArea.maxY + offset), style: context.style(.warning), maxWidth: area.width)
        }
        return Rendered(cursor: cursor)
    }

    /// Under the messages: why no reply is possible, or the draft.
    var footerText: String {
        if let refusal = conversation.replyRefusal { return MessagingWording.replyRefusal(refusal, thread: conversation.thread) }
        if let draft = conversation.draft { return tr("messages.thread.draft", ["chars": String(draft.body.count)]) }
        return ""
    }

    /// The thread as text: one block per message (a header line with time, sender and state;
    /// the body; the attachments), in order.
    static func text(_ conversation: Conversation, profileID: String, documentTitles: [String: String]) -> String {
        var lines: [String] = []
        for item in conversation.messages {
            let message = item.message
            var header = "— \(LocalFormat.dateTime(message.sent)) · \(MessagingWording.sender(message, ownProfileID: profileID))"
            if let state = item.state { header += " · " + MessagingWording.state(state) }
            lines.append(header)
            lines.append(message.body)
            for id in message.attachmentIDs {
                lines.append(tr("messages.show.document", ["title": documentTitles[id] ?? tr("messages.document.missing"), "id": id]))
            }
            for (index, file) in message.files.enumerated() {
                lines.append(tr("messages.thread.file", ["number": String(index + 1), "file": MessagingWording.file(file)]))
            }
            if !message.allowsReply { lines.append(tr("messages.no-reply")) }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    enum Request: Sendable {
        case reply, openAttachment, saveAttachment, withdraw(String), archive, delete
    }
}
