import Documents
import Foundation
import HealthRecord
import L10n

/// The words the screens and the command line use for the messagerie, from the catalogues.
public enum MessagingWording {
    /// "Dr Sophie Bernard — Cardiologie" (untrusted parts: sanitise before display).
    public static func correspondent(_ participant: Participant?) -> String {
        guard let participant else { return tr("messages.correspondent.unknown") }
        let name = participant.name.isEmpty ? tr("messages.correspondent.unknown") : participant.name
        let details = [participant.profession, participant.organization].compactMap { $0 }.filter { !$0.isEmpty }
        return details.isEmpty ? name : "\(name) — \(details.joined(separator: ", "))"
    }

    /// An inbox row's correspondent: "Dr Sophie Bernard — Cardiologie".
    public static func correspondent(_ row: ThreadSummaryRow) -> String {
        correspondent(Participant(name: row.correspondent, address: "", role: .professional, profession: row.profession))
    }

    /// Who wrote a message: the professional, "vous", or the aidant's signature.
    public static func sender(_ message: Message, ownProfileID: String) -> String {
        if let helped = message.writtenFor {
            return tr("messages.sender.aidant", ["aidant": message.sender.name, "person": helped])
        }
        if message.isFromPatientSide, message.sender.address == "Patient/\(ownProfileID)" { return tr("messages.sender.you") }
        return message.sender.name.isEmpty ? tr("messages.correspondent.unknown") : message.sender.name
    }

    public static func state(_ state: DeliveryState) -> String {
        switch state {
        case .draft: tr("messages.state.draft")
        case .pending: tr("messages.state.pending")
        case .sent: tr("messages.state.sent")
        case .refused(let reason): tr("messages.state.refused", ["reason": refusalReason(reason)])
        }
    }

    /// The server's refusal code in words.
    public static func refusalReason(_ code: String) -> String {
        switch code {
        case "thread-closed": tr("messages.reason.thread-closed")
        case "no-reply": tr("messages.reason.no-reply")
        case "patient-cannot-start-thread", "thread-not-started-by-professional": tr("messages.reason.cannot-start")
        case "rubrique", "no-access": tr("messages.reason.no-access")
        default: tr("messages.reason.other", ["code": code])
        }
    }

    /// Why the reply box is not offered.
    public static func replyRefusal(_ refusal: MessageThread.ReplyRefusal, thread: MessageThread) -> String {
        switch refusal {
        case .closed: tr("messages.closed", ["name": thread.correspondent?.name ?? tr("messages.correspondent.unknown")])
        case .noReply: tr("messages.no-reply")
        case .notStartedByProfessional: tr("messages.reason.cannot-start")
        }
    }

    /// An attached file: "ordonnance.pdf (PDF, 12 ko)".
    public static func file(_ file: MessageFile) -> String {
        let name = file.title.isEmpty ? tr("messages.attachment.untitled") : file.title
        let format = DocumentFileFormat(mimeType: file.contentType).map { $0.rawValue.uppercased() } ?? file.contentType
        return "\(name) (\(format), \(DocumentWording.size(file.size)))"
    }

    public static func error(_ error: MessagingError) -> String {
        switch error {
        case .threadNotFound(let id): tr("messages.error.thread-not-found", ["id": id])
        case .messageNotFound(let id): tr("messages.error.message-not-found", ["id": id])
        case .attachmentNotFound: tr("messages.error.attachment-not-found")
        case .replyRefused(let refusal):
            switch refusal {
            case .closed: tr("messages.error.closed")
            case .noReply: tr("messages.no-reply")
            case .notStartedByProfessional: tr("messages.reason.cannot-start")
            }
        case .emptyMessage: tr("messages.error.empty")
        case .fileRefused(let refusal): DocumentWording.refusal(refusal)
        case .unreadableFile(let path): tr("messages.error.unreadable-file", ["path": path])
        case .documentNotFound(let id): tr("messages.error.document-not-found", ["id": id])
        }
    }
}
