/// One gettext PO catalogue: translations keyed by `msgid` (our keys are identifiers such as
/// `nav.documents`, so every language has a catalogue and a missing translation is detectable).
public struct POCatalogue: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// `msgstr`, or `msgstr[0…]` for an entry with plural forms.
        public var forms: [String]
        /// `msgid_plural`, when the entry has plural forms.
        public var pluralKey: String?
    }

    public private(set) var entries: [String: Entry] = [:]
    /// The header's `Plural-Forms` value, for checking against the built-in rule.
    public private(set) var pluralFormsHeader: String?

    public init() {}

    public subscript(key: String) -> Entry? { entries[key] }
    public var keys: Dictionary<String, Entry>.Keys { entries.keys }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses PO text. Keys may be defined in several files; later definitions win.
    /// Works on the UTF-8 bytes (PO syntax is ASCII; text between quotes is copied as is), which
    /// keeps the catalogues' parse out of the start time (issue 20).
    public init(parsing text: String) throws(ParseError) {
        var text = text
        let parsed = try text.withUTF8 { bytes in Result { () throws(ParseError) in try Self.parse(bytes) } }.get()
        entries = parsed.entries
        pluralFormsHeader = parsed.header
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> (entries: [String: Entry], header: String?) {
        var entries: [String: Entry] = [:]
        var header: String?
        var key: [UInt8]?
        var pluralKey: [UInt8]?
        var forms: [Int: [UInt8]] = [:]
        var field: (name: Field, index: Int)?
        var lineNumber = 0

        func flush() {
            guard let currentKey = key else { return }
            if currentKey.isEmpty {
                let text = String(decoding: forms[0] ?? [], as: UTF8.self)
                for headerLine in text.split(separator: "\n") where headerLine.hasPrefix("Plural-Forms:") {
                    header = String(headerLine.dropFirst("Plural-Forms:".count)).trimmingSpaces()
                }
            } else {
                let ordered = forms.keys.sorted().map { String(decoding: forms[$0]!, as: UTF8.self) }
                entries[String(decoding: currentKey, as: UTF8.self)] = Entry(forms: ordered, pluralKey: pluralKey.map { String(decoding: $0, as: UTF8.self) })
            }
            key = nil; pluralKey = nil; forms = [:]; field = nil
        }

        func append(_ value: [UInt8]) throws(ParseError) {
            guard let target = field else { throw ParseError(line: lineNumber, reason: "string outside an entry") }
            switch target.name {
            case .msgid: key = (key ?? []) + value
            case .msgidPlural: pluralKey = (pluralKey ?? []) + value
            case .msgstr: forms[target.index, default: []] += value
            case .msgctxt: break  // not used by our catalogues
            }
        }

        let count = bytes.count
        var lineStart = 0
        while lineStart <= count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = lineEnd + 1
            lineNumber += 1
            var start = lineStart, end = lineEnd
            while start < end && isSpace(bytes[start]) { start += 1 }
            while end > start && isSpace(bytes[end - 1]) { end -= 1 }
            defer { lineStart = next }
            if start == end || bytes[start] == UInt8(ascii: "#") { continue }
            if bytes[start] == UInt8(ascii: "\"") {
                try append(try unquote(bytes, start, end, line: lineNumber))
                continue
            }
            var space = start
            while space < end && bytes[space] != UInt8(ascii: " ") { space += 1 }
            guard space < end else { throw ParseError(line: lineNumber, reason: "expected a keyword and a string") }
            let keyword = UnsafeBufferPointer(rebasing: bytes[start..<space])
            var valueStart = space + 1
            while valueStart < end && isSpace(bytes[valueStart]) { valueStart += 1 }
            let value = try unquote(bytes, valueStart, end, line: lineNumber)
            if keyword.elementsEqual("msgctxt".utf8) {
                flush()
                field = (.msgctxt, 0)
            } else if keyword.elementsEqual("msgid".utf8) {
                if field?.name != .msgctxt { flush() }
                key = []
                field = (.msgid, 0)
            } else if keyword.elementsEqual("msgid_plural".utf8) {
                pluralKey = []
                field = (.msgidPlural, 0)
            } else if keyword.elementsEqual("msgstr".utf8) {
                field = (.msgstr, 0)
                forms[0] = []
            } else {
                let word = String(decoding: keyword, as: UTF8.self)
                guard word.hasPrefix("msgstr["), word.hasSuffix("]"), let index = Int(word.dropFirst(7).dropLast()) else {
                    throw ParseError(line: lineNumber, reason: "unknown keyword \(word)")
                }
                field = (.msgstr, index)
                forms[index] = []
            }
            try append(value)
        }
        flush()
        return (entries, header)
    }

    private enum Field { case msgctxt, msgid, msgidPlural, msgstr }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The bytes of the quoted string `bytes[start..<end]`, escapes resolved.
    private static func unquote(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws(ParseError) -> [UInt8] {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        guard end - start >= 2, bytes[start] == quote, bytes[end - 1] == quote else {
            throw ParseError(line: line, reason: "expected a quoted string")
        }
        var result: [UInt8] = []
        result.reserveCapacity(end - start - 2)
        var index = start + 1
        while index < end - 1 {
            let byte = bytes[index]
            if byte == backslash {
                index += 1
                guard index < end - 1 else { throw ParseError(line: line, reason: "string ends with a backslash") }
                switch bytes[index] {
                case UInt8(ascii: "n"): result.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): result.append(UInt8(ascii: "\t"))
                case quote: result.append(quote)
                case backslash: result.append(backslash)
                default:
                    var scalarEnd = index + 1
                    while scalarEnd < end - 1 && bytes[scalarEnd] & 0xC0 == 0x80 { scalarEnd += 1 }
                    let character = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<scalarEnd]), as: UTF8.self)
                    throw ParseError(line: line, reason: "unknown escape \\\(character)")
                }
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }

    /// Merges another catalogue of the same language into this one.
    public mutating func merge(_ other: POCatalogue) {
        entries.merge(other.entries) { _, new in new }
        pluralFormsHeader = pluralFormsHeader ?? other.pluralFormsHeader
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
