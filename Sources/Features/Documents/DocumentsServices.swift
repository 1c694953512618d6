import Documents
import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// What the Documents screen works with: the space's library in the vault, the mode of the
/// session, and how to fetch a content from the server (nil when offline or not logged in).
public struct DocumentsServices: Sendable {
    public var library: DocumentLibrary
    /// Kiosk mode: no export (printing stays), no system viewer.
    public var kiosk: Bool
    /// CUPS is installed (`lp`), and in a kiosk a printer is configured.
    public var canPrint: Bool
    /// The CUPS queue to print to (nil: the system's default). A kiosk prints only to its own.
    public var printer: String?
    public var fetchContent: (@Sendable (Document) async throws -> [UInt8])?
    /// Sets the server's "mask all my documents, present and future" policy (nil when offline or
    /// not logged in: the policy lives on the server, the app cannot apply it by itself). Throws
    /// an error whose description is said to the user.
    public var setMaskAllPolicy: (@Sendable (Bool) async throws -> Void)?

    public init(library: DocumentLibrary, kiosk: Bool = false, canPrint: Bool = DocumentOutput.canPrint(), printer: String? = nil,
                fetchContent: (@Sendable (Document) async throws -> [UInt8])? = nil,
                setMaskAllPolicy: (@Sendable (Bool) async throws -> Void)? = nil) {
        self.library = library
        self.kiosk = kiosk
        self.canPrint = canPrint
        self.printer = printer
        self.fetchContent = fetchContent
        self.setMaskAllPolicy = setMaskAllPolicy
    }
}

/// What the user asked the screen to do with a document; also the tag of the dialog that asks
/// to confirm it.
enum DocumentsAction: Hashable, Sendable {
    case toggleMask(String)
    case maskAll
    case setMaskAll(Bool)
    case delete(String)
    case export(String)
    case print(String)
    case history(String)
    case add
    case chooseCategory
}

/// Results of the screen's effects: every read and write of the vault, the files and the
/// network happens in an effect and comes back as one of these.
enum DocumentsEvent: Sendable {
    /// The open document's summary read again (nil: it is gone).
    case readerSummary(id: String, DocumentSummary?)
    /// The selected document's passage that matches the search.
    case snippet(id: String, text: String?)
    /// An opened document's note and content (or why there is none).
    case opened(id: String, note: String?, body: DocumentReader.Body)
    case history(id: String, lines: [String])
    /// What "mask all" would change, before asking.
    case maskAllPreview(on: Bool, changes: Int)
    /// A write went through: say it, read the list again, select `select`.
    case done(String, select: String?)
    /// A write or a read failed, said plainly.
    case failed(String)
}

struct DocumentsFailure: Error, Sendable, Equatable {
    let message: String
}


/// The work the screen hands to the runtime, off the UI thread.
enum DocumentsEffects {
    /// The open document's summary, read again after a change.
    static func readerSummary(_ id: String, _ library: DocumentLibrary) -> Effect<any Sendable> {
        Effect { DocumentsEvent.readerSummary(id: id, try? library.summary(id)) }
    }

    static func snippet(_ text: String, of id: String, _ library: DocumentLibrary) -> Effect<any Sendable> {
        Effect { DocumentsEvent.snippet(id: id, text: (try? library.snippet(text, of: id)).flatMap { $0 }) }
    }

    /// Marks the document read, reads its note and content, fetching the content from the
    /// server (verified, then kept in the vault) when it is not there yet.
    static func open(_ id: String, _ services: DocumentsServices) -> Effect<any Sendable> {
        Effect {
            let library = services.library
            try? library.markRead(id)
            let note = try? library.document(id).note
            do {
                if let reading = try library.reading(of: id) { return DocumentsEvent.opened(id: id, note: note, body: .reading(reading)) }
                guard let fetch = services.fetchContent else { return DocumentsEvent.opened(id: id, note: note, body: .notFetched) }
                let bytes = try await fetch(try library.document(id))
                try library.storeContent(bytes, of: id)
                let body: DocumentReader.Body = try library.reading(of: id).map { .reading($0) } ?? .notFetched
                return DocumentsEvent.opened(id: id, note: note, body: body)
            } catch {
                return DocumentsEvent.opened(id: id, note: note, body: .failed(message(for: error)))
            }
        }
    }

    static func history(_ id: String, _ library: DocumentLibrary) -> Effect<any Sendable> {
        Effect { DocumentsEvent.history(id: id, lines: ((try? library.history(of: id)) ?? []).map(DocumentWording.historyLine)) }
    }

    static func toggleMask(_ id: String, _ library: DocumentLibrary) -> Effect<any Sendable> {
        write {
            let document = try library.setMasked(id, !(try library.summary(id).isMasked))
            let said = document.isMaskedFromProfessionals
                ? tr("documents.mask.done", ["title": document.title]) + " " + tr("documents.mask.explanation")
                : tr("documents.unmask.done", ["title": document.title])
            return (said, id)
        }
    }

    /// How many documents the policy would hide now that their own label does not (on), or would
    /// show again (off): the documents not masked one by one.
    static func maskAllPreview(_ library: DocumentLibrary) -> Effect<any Sendable> {
        Effect {
            do {
                let on = !(try library.masksAll())
                let changes = try unmaskedCount(library)
                return DocumentsEvent.maskAllPreview(on: on, changes: changes)
            } catch {
                return DocumentsEvent.failed(message(for: error))
            }
        }
    }

    /// The documents not masked one by one, counted by the vault (an index), not by reading them all.
    private static func unmaskedCount(_ library: DocumentLibrary) throws -> Int {
        let (masked, total) = try library.readList(library.listQuery(filter: DocumentFilter(maskedOnly: true))) { reader in
            (try reader.counts().values.reduce(0, +), try reader.total())
        }
        return total - masked
    }

    /// Asks the server to set the policy (the vault mirrors it once the server agreed).
    static func setMaskAll(_ on: Bool, _ services: DocumentsServices) -> Effect<any Sendable> {
        Effect {
            guard let set = services.setMaskAllPolicy else { return DocumentsEvent.failed(tr("documents.mask-all.needs-server")) }
            do {
                try await set(on)
                let changes = (try? unmaskedCount(services.library)) ?? 0
                return DocumentsEvent.done(on ? tr("documents.mask-all.on", ["count": String(changes)]) : tr("documents.mask-all.off"), select: nil)
            } catch let error as SharingError {
                return DocumentsEvent.failed(SharingWording.error(error))
            } catch {
                return DocumentsEvent.failed(message(for: error))
            }
        }
    }

    static func delete(_ id: String, _ library: DocumentLibrary) -> Effect<any Sendable> {
        write {
            let title = try library.summary(id).title
            try library.delete(id)
            return (tr("documents.delete.done", ["title": title]), nil)
        }
    }

    static func export(_ id: String, to path: String, _ services: DocumentsServices) -> Effect<any Sendable> {
        write {
            try services.library.export(id, to: (path as NSString).expandingTildeInPath, kiosk: services.kiosk)
            return (tr("documents.export.done", ["path": path]), id)
        }
    }

    static func add(_ path: String, category: Document.Category, _ library: DocumentLibrary) -> Effect<any Sendable> {
        write {
            let document = try library.importFile(atPath: (path as NSString).expandingTildeInPath, category: category)
            return (tr("documents.add.done", ["title": document.title, "id": document.id]), document.id)
        }
    }

    static func print(_ id: String, _ library: DocumentLibrary, printer: String?) -> Effect<any Sendable> {
        write {
            let said = try library.print(id, printer: printer, labReportText: DocumentWording.labReportText)
            return (tr("documents.print.done", ["message": said]), id)
        }
    }

    /// A write: `.done` with its sentence and the document to select, or `.failed`.
    private static func write(_ body: @escaping @Sendable () throws -> (String, String?)) -> Effect<any Sendable> {
        Effect {
            do {
                let (said, select) = try body()
                return DocumentsEvent.done(said, select: select)
            } catch {
                return DocumentsEvent.failed(message(for: error))
            }
        }
    }

    /// A failure, said plainly.
    static func message(for error: any Error) -> String {
        switch error {
        case let error as DocumentLibraryError:
            switch error {
            case .notFound: tr("documents.error.gone")
            case .notDeletable: tr("documents.error.not-deletable")
            case .importRefused(let refusal): DocumentWording.refusal(refusal)
            case .unreadableFile(let path): tr("documents.error.unreadable-file", ["path": path])
            case .contentMissing: tr("documents.viewer.not-fetched")
            }
        case let error as DocumentOutputError:
            switch error {
            case .refusedInKiosk: tr("documents.export.kiosk")
            case .destinationExists(let path): tr("documents.export.exists", ["path": path])
            case .cannotWrite(let path): tr("documents.export.cannot-write", ["path": path])
            case .contentMissing: tr("documents.viewer.not-fetched")
            case .printingUnavailable: tr("documents.print.unavailable")
            case .printFailed(let said): tr("documents.print.failed", ["message": said])
            }
        default:
            tr("documents.error.generic")
        }
    }
}
