import Foundation

/// The file formats MES accepts for a document (PDF, JPEG, PNG, TIFF, RTF, TXT, up to 5 MB),
/// recognised by their content, never by their name alone.
public enum DocumentFileFormat: String, Sendable, CaseIterable, Hashable {
    case pdf, jpeg, png, tiff, rtf, text

    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .tiff: "image/tiff"
        case .rtf: "application/rtf"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// File name extensions (lower case) that announce the format.
    public var extensions: [String] {
        switch self {
        case .pdf: ["pdf"]
        case .jpeg: ["jpg", "jpeg"]
        case .png: ["png"]
        case .tiff: ["tif", "tiff"]
        case .rtf: ["rtf"]
        case .text: ["txt", "text"]
        }
    }

    /// The format a file name announces by its extension.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        let suffix = fileName[fileName.index(after: dot)...].lowercased()
        guard let format = Self.allCases.first(where: { $0.extensions.contains(suffix) }) else { return nil }
        self = format
    }

    /// The format of a MIME type (parameters such as `charset` ignored).
    public init?(mimeType: String) {
        let base = mimeType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch base {
        case "application/pdf": self = .pdf
        case "image/jpeg": self = .jpeg
        case "image/png": self = .png
        case "image/tiff": self = .tiff
        case "application/rtf", "text/rtf": self = .rtf
        case "text/plain": self = .text
        default: return nil
        }
    }

    /// What the content really is, from its first bytes (and, for text, all of it: valid UTF-8
    /// without control characters besides tab, line feed, form feed and carriage return). Nil for
    /// anything else — an executable, an archive, a document in another format.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> DocumentFileFormat? {
        let head = Array(bytes.prefix(8))
        func starts(with magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts(with: Array("%PDF-".utf8)) { return .pdf }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(with: Array("{\\rtf".utf8)) { return .rtf }
        return isPlainText(bytes) ? .text : nil
    }

    /// Valid UTF-8 (an optional byte-order mark) with no control character but `\t \n \f \r`.
    static func isPlainText<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard !bytes.isEmpty else { return false }
        for byte in bytes where byte < 0x20 || byte == 0x7F {
            if byte != 0x09 && byte != 0x0A && byte != 0x0C && byte != 0x0D { return false }
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if (0x80...0x9F).contains(scalar.value) { return false }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
