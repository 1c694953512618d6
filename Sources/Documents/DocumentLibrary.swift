import Crypto
import FHIR
import Foundation
import HealthRecord
import Vault

/// Why a document operation did not happen.
public enum DocumentLibraryError: Error, Equatable, Sendable {
    /// No such document in this space (or one its viewer may not see).
    case notFound(String)
    /// Documents written by professionals can only be masked, not deleted.
    case notDeletable
    case importRefused(DocumentImportRefusal)
    case unreadableFile(String)
    /// The content is not in the vault yet: fetch it (sync, or open the document online).
    case contentMissing
}

/// The dossier médical of one space, as the user works with it: lists, search, reading,
/// import, masking, deletion, history, export and printing. Every change is one vault
/// transaction that also queues it for the server (the vault's outbox); the screen and the
/// command line show it at once. Safe to use from any task.
public struct DocumentLibrary: Sendable {
    public let vault: Vault
    public let profileID: String
    public let viewer: Document.Viewer
    public let catalog: DocumentCatalog
    public let reader: DocumentReader

    /// Settings key of "mask all my documents, present and future" (a Bool in the vault).
    public static let maskAllSetting = "documents.mask-all"

    public init(vault: Vault, profileID: String, viewer: Document.Viewer = .patient,
                catalog: DocumentCatalog = .standard, reader: DocumentReader = DocumentReader()) {
        self.vault = vault
        self.profileID = profileID
        self.viewer = viewer
        self.catalog = catalog
        self.reader = reader
        // Documents written from now on are filed as this catalogue says (paged lists).
        vault.useDocumentCategorizer(catalog.categorizer)
    }

    /// The library of the vault's own space (the holder's profile), or of `profileID`; nil when
    /// the vault holds no such profile yet (not synced).
    public static func open(_ vault: Vault, profileID: String? = nil, catalog: DocumentCatalog = .standard) throws -> DocumentLibrary? {
        let profiles = try vault.read { try $0.profiles.all() }
        guard let profile = profileID.map({ id in profiles.first { $0.id == id } }) ?? profiles.first(where: { $0.relation == .own }) ?? profiles.first
        else { return nil }
        let viewer: Document.Viewer = profile.relation == .child ? .legalRepresentative : .patient
        return DocumentLibrary(vault: vault, profileID: profile.id, viewer: viewer, catalog: catalog)
    }

    // MARK: Lists and search

    /// Every document of the space its viewer may see (never one marked `INVISIBLE_PATIENT`).
    public func summaries() throws -> [DocumentSummary] {
        let categorizer = catalog.categorizer
        return try vault.read { try $0.documents.summaries(profile: profileID, viewer: viewer, categorizer: categorizer) }
    }

    /// The query of a paged list of this space (see `readList`).
    public func listQuery(filter: DocumentFilter = DocumentFilter(), search: String? = nil, sort: DocumentSort = DocumentSort()) -> DocumentListQuery {
        var filter = filter
        filter.searchResults = nil
        filter.author = nil
        let words = search?.trimmingCharacters(in: .whitespaces)
        return DocumentListQuery(profile: profileID, viewer: viewer, filter: filter, search: words?.isEmpty == false ? words : nil, sort: sort)
    }

    /// Reads a paged list in one consistent state of the vault: its counts, one page, where a
    /// document is. Files the documents not filed yet first (once after an upgrade, or after
    /// a process that did not know the catalogue wrote some).
    public func readList<Result: Sendable>(_ query: DocumentListQuery, _ body: (DocumentListReader) throws -> Result) throws -> Result {
        let categorizer = catalog.categorizer
        if try vault.read({ try $0.documents.listNeedsPreparing(profile: profileID, categorizer: categorizer) }) {
            try vault.write { try $0.documents.prepareList(profile: profileID, categorizer: categorizer) }
        }
        return try vault.read { session in
            try body(DocumentListReader(session: session, query: query, matches: try session.documents.listMatches(query)))
        }
    }

    public func listing(filter: DocumentFilter = DocumentFilter(), sort: DocumentSort = DocumentSort()) throws -> DocumentListing {
        DocumentListing(try summaries(), filter: filter, sort: sort)
    }

    /// Full-text search over titles, authors, types, notes and the text of fetched contents.
    /// Snippets mark the matched words between `[` and `]` (untrusted text).
    public func search(_ text: String) throws -> [SearchHit] {
        try vault.read { try $0.documents.search(text, profile: profileID, viewer: viewer) }
    }

    /// The ids a full-text search finds, for a list that already holds only what its viewer may
    /// see (it intersects them with its summaries): no ranking, no snippets, fast on any count.
    public func matchingIDs(_ text: String) throws -> Set<String> {
        try vault.read { try $0.documents.matchingIDs(text, profile: profileID) }
    }

    /// The passage of a document that matches a search (matched words between `[` and `]`).
    public func snippet(_ text: String, of id: String) throws -> String? {
        try vault.read { try $0.documents.snippet(text, of: id) }
    }

    /// A document of the space its viewer may see.
    public func document(_ id: String) throws -> Document {
        guard let document = try vault.read({ try $0.documents.find(id) }), document.profileID == profileID,
              document.isVisible(to: viewer) else { throw DocumentLibraryError.notFound(id) }
        return document
    }

    public func summary(_ id: String) throws -> DocumentSummary {
        DocumentSummary(try document(id), categorizer: catalog.categorizer)
    }

    // MARK: Reading

    /// The content, when it is in the vault.
    public func content(of id: String) throws -> DocumentContent? {
        _ = try document(id)
        return try vault.read { try $0.documents.content(of: id) }
    }

    /// How to show the content (nil when it is not in the vault yet).
    public func reading(of id: String) throws -> DocumentReading? {
        let document = try document(id)
        guard let content = try vault.read({ try $0.documents.content(of: id) }) else { return nil }
        return reader.reading(format: document.format, bytes: content.bytes)
    }

    /// Records that the user opened the document (the "new" mark goes).
    public func markRead(_ id: String) throws {
        _ = try document(id)
        try vault.write { try $0.documents.markRead(id) }
    }

    /// Stores content fetched from the server (already verified against size and hash), with
    /// its text for search. Content does not go to the outbox: the metadata carries it.
    public func storeContent(_ bytes: [UInt8], of id: String) throws {
        let document = try document(id)
        let text = reader.searchableText(format: document.format, bytes: bytes)
        try vault.write { try $0.documents.saveContent(DocumentContent(documentID: id, bytes: bytes, extractedText: text)) }
    }

    /// Who consulted, added or changed the document, newest first; the deposit itself last.
    public func history(of id: String) throws -> [AuditEntry] {
        let document = try document(id)
        var entries = try vault.read { try $0.auditEntries.about(id, profile: profileID) }
        if !entries.contains(where: { $0.action == .create }) {
            entries.append(AuditEntry(id: "\(id).deposit", profileID: profileID, date: document.creationDate,
                                      actorName: document.author.name,
                                      actorRole: document.origin == .patient ? .holder : .professional,
                                      action: .create, targetKind: .document, targetID: id, targetTitle: document.title))
        }
        return entries
    }

    // MARK: Changes

    /// Imports a file as one of the user's documents, after checking it (accepted format, real
    /// content type, at most 5 MB). Shown at once; sent with the next sync.
    public func importFile(named fileName: String, content: [UInt8], title: String? = nil, category: Document.Category,
                           date: Date = Date(), note: String? = nil, type: CodedConcept? = nil) throws -> Document {
        let format: DocumentFileFormat
        do { format = try DocumentImport.check(fileName: fileName, content: content) } catch { throw DocumentLibraryError.importRefused(error) }
        let cleanTitle = title?.trimmingCharacters(in: .whitespacesAndNewlines)
        let profile = try vault.read { try $0.profiles.find(profileID) }
        let author = DocumentAuthor(name: profile.map { "\($0.givenName) \($0.familyName)" } ?? "")
        // No label from "mask all": the server's policy covers new documents, and turning it off
        // must give them back.
        var document = DocumentImport.makeDocument(
            id: UUID().uuidString.lowercased(), profileID: profileID,
            title: cleanTitle?.isEmpty == false ? cleanTitle! : DocumentImport.suggestedTitle(fileName: fileName),
            category: category, format: format, size: content.count, sha256: Hex.encode(SHA256.hash(content)),
            date: date, note: note?.isEmpty == true ? nil : note, author: author)
        if let type { document.typeCode = type }
        let text = reader.searchableText(format: format.mimeType, bytes: content)
        try vault.write { session in
            try session.documents.save(document)
            try session.documents.saveContent(DocumentContent(documentID: document.id, bytes: content, extractedText: text))
        }
        return document
    }

    /// Reads a file from the user's disk (its size checked before reading it) and imports it.
    public func importFile(atPath path: String, title: String? = nil, category: Document.Category,
                           date: Date = Date(), note: String? = nil) throws -> Document {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.intValue else { throw DocumentLibraryError.unreadableFile(path) }
        do { try DocumentImport.checkSize(size) } catch { throw DocumentLibraryError.importRefused(error) }
        guard let data = FileManager.default.contents(atPath: path) else { throw DocumentLibraryError.unreadableFile(path) }
        return try importFile(named: (path as NSString).lastPathComponent, content: Array(data), title: title,
                              category: category, date: date, note: note)
    }

    /// Masks the document from health professionals (`MASQUE_PS`: its author and the médecin
    /// traitant still see it), or unmasks it. Returns the document as saved.
    @discardableResult
    public func setMasked(_ id: String, _ masked: Bool) throws -> Document {
        var document = try document(id)
        guard document.isMaskedFromProfessionals != masked else { return document }
        if masked { document.visibility.insert(.maskedFromProfessionals) } else { document.visibility.remove(.maskedFromProfessionals) }
        let saved = document
        try vault.write { try $0.documents.save(saved) }
        return saved
    }

    /// Deletes one of the user's own documents; a professional's can only be masked.
    public func delete(_ id: String) throws {
        let document = try document(id)
        guard document.origin == .patient else { throw DocumentLibraryError.notDeletable }
        try vault.write { _ = try $0.documents.delete(id) }
    }

    /// "Mask all my documents, present and future": the server's policy as last read (the
    /// sharing center mirrors it here). The server applies it to every document, present and
    /// future; the app never masks documents one by one for it.
    public func masksAll() throws -> Bool {
        try vault.read { try $0.settings.value(Self.maskAllSetting, as: Bool.self) } ?? false
    }

    // MARK: Output

    /// Writes a copy of what the user reads to `path` (the caller warned that it is not
    /// encrypted): a structured lab report as its table in text, never the wire's JSON; any other
    /// document as its original file. Refused in kiosk mode.
    public func export(_ id: String, to path: String, kiosk: Bool) throws {
        guard !kiosk else { throw DocumentOutputError.refusedInKiosk }
        let document = try document(id)
        guard let content = try content(of: id) else { throw DocumentLibraryError.contentMissing }
        let bytes: [UInt8] = switch reader.reading(format: document.format, bytes: content.bytes) {
        case .labReport(let report): Array(DocumentWording.labReportExport(report, of: DocumentSummary(document, categorizer: catalog.categorizer)).utf8)
        default: content.bytes
        }
        try DocumentOutput.export(bytes, to: path, kiosk: kiosk)
    }

    /// Prints the document through CUPS: the readable text for text documents and lab
    /// reports (`labReportText` draws the table), the file itself for PDF and images.
    public func print(_ id: String, printer: String? = nil, labReportText: (LabReport) -> String) throws -> String {
        let document = try document(id)
        guard let content = try content(of: id) else { throw DocumentLibraryError.contentMissing }
        let bytes: [UInt8] = switch reader.reading(format: document.format, bytes: content.bytes) {
        case .labReport(let report): Array(labReportText(report).utf8)
        case .text(let text) where DocumentFileFormat(mimeType: document.format) != .pdf: Array(text.utf8)
        default: content.bytes
        }
        return try DocumentOutput.print(bytes, printer: printer)
    }
}

/// A paged list's reads, inside one read transaction (`DocumentLibrary.readList`).
public struct DocumentListReader {
    let session: VaultSession
    public let query: DocumentListQuery
    /// The search's matches, found once for every read of this list.
    let matches: DocumentsInOrder?

    /// Documents per category, the query's category aside (absent: none).
    public func counts() throws -> [Document.Category: Int] {
        try session.documents.listCounts(query, matches: matches)
    }

    /// Documents the space's viewer may see, before any filter or search.
    public func total() throws -> Int {
        try session.documents.listTotal(query)
    }

    /// Rows `offset..<offset+limit` of one category, in the list's order.
    public func page(_ category: Document.Category, offset: Int, limit: Int) throws -> [DocumentSummary] {
        try session.documents.listPage(query, category: category, offset: offset, limit: limit, matches: matches)
    }

    /// A document's category and rank in it, when the query shows it.
    public func position(of id: String) throws -> (category: Document.Category, offset: Int)? {
        try session.documents.listPosition(of: id, query, matches: matches)
    }
}
