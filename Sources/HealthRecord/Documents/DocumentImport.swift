import Foundation

/// Why a file cannot become a document. Each case has a message in the catalogues.
public enum DocumentImportRefusal: Error, Equatable, Sendable {
    case empty
    /// Larger than `DocumentContent.maximumSize` (the size in bytes).
    case tooLarge(Int)
    /// The name announces no accepted format (the extension, possibly empty).
    case unsupportedType(String)
    /// The content is not what the name announces (nil: not any accepted format).
    case contentMismatch(expected: DocumentFileFormat, found: DocumentFileFormat?)
}

/// The checks a file passes before it becomes one of the user's documents (pure: the caller
/// reads the file, these look at its name and bytes).
public enum DocumentImport {
    /// The format of an acceptable file, or why it is refused: not empty, at most 5 MB, a name
    /// with an accepted extension, and content that really is that format (magic bytes).
    public static func check<Bytes: Collection<UInt8>>(fileName: String, content: Bytes) throws(DocumentImportRefusal) -> DocumentFileFormat {
        try checkSize(content.count)
        let name = safeFileName(fileName)
        guard let announced = DocumentFileFormat(fileName: name) else {
            let suffix = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? ""
            throw .unsupportedType(suffix)
        }
        let found = DocumentFileFormat.detect(content)
        guard found == announced else { throw .contentMismatch(expected: announced, found: found) }
        return announced
    }

    /// Refuses an empty file or one over 5 MB (check before reading a file whole).
    public static func checkSize(_ size: Int) throws(DocumentImportRefusal) {
        guard size > 0 else { throw .empty }
        guard size <= DocumentContent.maximumSize else { throw .tooLarge(size) }
    }

    /// A file name made harmless: only its last path component (`../../etc/x.pdf` → `x.pdf`),
    /// without control characters, path separators or leading dots, at most 120 characters.
    /// Never empty ("document").
    public static func safeFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(String.UnicodeScalarView(last.unicodeScalars.filter { scalar in
            scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value)
                && scalar.properties.generalCategory != .format
        }))
        while cleaned.hasPrefix(".") || cleaned.hasPrefix(" ") { cleaned.removeFirst() }
        cleaned = String(cleaned.prefix(120)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "document" : cleaned
    }

    /// The title a file suggests: its safe name without the extension.
    public static func suggestedTitle(fileName: String) -> String {
        let name = safeFileName(fileName)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// A new document the user deposits, filed under `category`, with its content's size and hash.
    public static func makeDocument(id: String, profileID: String, title: String, category: Document.Category,
                                    format: DocumentFileFormat, size: Int, sha256: String, date: Date, note: String?,
                                    author: DocumentAuthor) -> Document {
        let coded = category.patientDepositedType
        return Document(id: id, profileID: profileID, title: title, typeCode: coded.type, classCode: coded.class, author: author,
                        creationDate: date, size: size, sha256: sha256, format: format.mimeType,
                        visibility: [], note: note, origin: .patient, isRead: true,
                        category: category)
    }
}
