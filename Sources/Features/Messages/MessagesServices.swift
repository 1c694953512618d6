import Documents
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import Messaging
import TerminalUI

/// What the Messagerie screen works with: the space's messagerie in the vault, its documents
/// (the picker, "save to my documents"), the mode of the session, and the pharmacy directory
/// (nil when offline or not logged in). All `Sendable`: the effects capture it.
public struct MessagesServices: Sendable {
    public var messenger: Messenger
    public var library: DocumentLibrary?
    public var kiosk: Bool
    /// The name the account signs with (an aidant's own name; nil: the space's holder).
    public var author: String?
    /// Pharmacies to write to, those of the reimbursements first (needs the network).
    public var pharmacies: (@Sendable (String) async throws -> [PharmacyEntry])?

    public init(messenger: Messenger, library: DocumentLibrary?, kiosk: Bool = false, author: String? = nil,
                pharmacies: (@Sendable (String) async throws -> [PharmacyEntry])? = nil) {
        self.messenger = messenger
        self.library = library
        self.kiosk = kiosk
        self.author = author
        self.pharmacies = pharmacies
    }
}

struct MessagesFailure: Error, Sendable, Equatable {
    let message: String
}

/// Results of the screen's effects.
enum MessagesEvent: Sendable {
    case opened(Result<Conversation, MessagesFailure>)
    /// An edit is done: say it, read again, select `select`.
    case done(String, select: String?)
    case failed(String)
    case documents(purpose: DocumentPurpose, [DocumentSummary])
    case pharmacies([PharmacyEntry])
    /// An attached file read for showing.
    case attachmentRead(MessageFile, DocumentReading)
    /// A file from the disk, checked, to attach.
    case fileRead(MessageFile)
    /// The profil médical's synthèse was saved among the documents (to attach it).
    case synthesisSaved(id: String, title: String)
    /// The reply was written to the vault and the outbox.
    case replied(String)
    /// The draft was kept.
    case draftKept
}

/// Why the document picker opens.
enum DocumentPurpose: Sendable, Equatable {
    case attach
    case ordonnance(PharmacyEntry)
}

/// An attached file: its message and its place in it.
struct AttachmentRef: Sendable, Hashable {
    var messageID: String
    var index: Int
}

/// The tags of the dialogs the screen opens.
enum MessagesAction: Sendable {
    case delete(String, subject: String)
    case withdraw(String)
    case pickDocument(DocumentPurpose, [DocumentSummary])
    case attachFile
    case pickPharmacy([PharmacyEntry])
    case pharmacyNote(PharmacyEntry, DocumentSummary)
    case openAttachment([AttachmentRef])
    case saveAttachment([AttachmentRef])
    case saveCategory(messageID: String, index: Int)
    case saveTitle(messageID: String, index: Int, category: Document.Category)
}

/// The work the screen hands to the runtime, off the UI thread.
enum MessagesEffects {
    /// Opens a thread: its messages, marked read.
    static func open(_ id: String, _ services: MessagesServices) -> Effect<any Sendable> {
        let messenger = services.messenger
        return Effect {
            do {
                try messenger.markRead(id)
                return MessagesEvent.opened(.success(try messenger.conversation(id)))
            } catch {
                return MessagesEvent.opened(.failure(MessagesFailure(message: message(for: error))))
            }
        }
    }

    /// Runs an edit; its sentence comes back, then the screen reads again.
    static func edit(_ select: String?, _ work: @escaping @Sendable () throws -> String) -> Effect<any Sendable> {
        Effect {
            do { return MessagesEvent.done(try work(), select: select) } catch { return MessagesEvent.failed(message(for: error)) }
        }
    }

    /// « Ajouter le profil médical » (as MES's messagerie has it): the synthèse of every
    /// rubrique, saved among the documents as `DOCPAT08`, then attached to the reply.
    static func attachSynthesis(_ library: DocumentLibrary) -> Effect<any Sendable> {
        Effect {
            do {
                guard let book = try ProfileBook.open(library.vault, profileID: library.profileID) else {
                    return MessagesEvent.failed(tr("profile.error.no-profile"))
                }
                let synthesis = ProfileSynthesis(book: book)
                let now = Date()
                let document = try synthesis.save(try synthesis.pdf(at: now), fileName: try synthesis.fileName(at: now), library: library, at: now)
                return MessagesEvent.synthesisSaved(id: document.id, title: document.title)
            } catch {
                return MessagesEvent.failed(tr("messages.reply.synthesis-failed"))
            }
        }
    }

    static func documents(_ services: MessagesServices, purpose: DocumentPurpose) -> Effect<any Sendable> {
        let library = services.library
        return Effect {
            let all = (try? library?.listing().rows) ?? []
            // For a pharmacy, the ordonnances first.
            let sorted = purpose == .attach ? all : all.filter { $0.category == .prescriptions } + all.filter { $0.category != .prescriptions }
            return MessagesEvent.documents(purpose: purpose, sorted)
        }
    }

    static func pharmacies(_ services: MessagesServices) -> Effect<any Sendable> {
        let find = services.pharmacies
        return Effect {
            guard let find else { return MessagesEvent.failed(tr("messages.pharmacy.unavailable")) }
            do { return MessagesEvent.pharmacies(try await find("")) } catch { return MessagesEvent.failed(tr("messages.pharmacy.unavailable")) }
        }
    }

    /// A failure, said plainly.
    static func message(for error: any Error) -> String {
        switch error {
        case let error as MessagingError: MessagingWording.error(error)
        case let error as DocumentLibraryError:
            switch error {
            case .importRefused(let refusal): DocumentWording.refusal(refusal)
            default: tr("messages.error.generic")
            }
        default: tr("messages.error.generic")
        }
    }
}
