import Documents
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// What the Documents screen works with: the space's library in the vault, the mode of the
/// session, and how to fetch a content from the server (nil when offline or not logged in).
public struct DocumentsServices: Sendable {
    public var library: DocumentLibrary
    /// Kiosk mode: no export (printing stays), no system viewer.
    public var kiosk: Bool
    /// CUPS is installed (`lp`).
    public var canPrint: Bool
    public var fetchContent: (@Sendable (Document) async throws -> [UInt8])?

    public init(library: DocumentLibrary, kiosk: Bool = false, canPrint: Bool = DocumentOutput.canPrint(),
                fetchContent: (@Sendable (Document) async throws -> [UInt8])? = nil) {
        self.library = library
        self.kiosk = kiosk
        self.canPrint = canPrint
        self.fetchContent = fetchContent
    }
}

/// What the user asked the screen to do with a document.
enum DocumentsAction: Hashable, Sendable {
    case toggleMask(String)
    case toggleMaskAll
    case setMaskAll(Bool)
    case delete(String)
    case export(String)
    case print(String)
    case history(String)
    case add
}

/// Results of the screen's effects.
enum DocumentsEvent: Sendable {
    case contentFetched(String, Result<[UInt8], DocumentsFetchError>)
    /// A background action ended with a sentence for the status line.
    case finished(String)
}

struct DocumentsFetchError: Error, Sendable, Equatable {
    let message: String
}

/// The work the screen hands to the runtime, off the UI thread.
enum DocumentsEffects {
    static func fetch(_ document: Document, with fetch: @escaping @Sendable (Document) async throws -> [UInt8]) -> Effect<any Sendable> {
        Effect {
            do {
                return DocumentsEvent.contentFetched(document.id, .success(try await fetch(document)))
            } catch {
                return DocumentsEvent.contentFetched(document.id, .failure(DocumentsFetchError(message: message(for: error))))
            }
        }
    }

    static func print(_ id: String, library: DocumentLibrary) -> Effect<any Sendable> {
        Effect {
            do {
                let said = try library.print(id, labReportText: DocumentWording.labReportText)
                return DocumentsEvent.finished(tr("documents.print.done", ["message": said]))
            } catch {
                return DocumentsEvent.finished(message(for: error))
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
