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
    public init(parsing text: String) throws(ParseError) {
        var key: String?
        var pluralKey: String?
        var forms: [Int: String] = [:]
        var field: (name: String, index: Int?)?
        var lineNumber = 0

        func flush() {
            guard let currentKey = key else { return }
            let ordered = forms.keys.sorted().map { forms[$0]! }
            if currentKey.isEmpty {
                for headerLine in (forms[0] ?? "").split(separator: "\n") where headerLine.hasPrefix("Plural-Forms:") {
                    pluralFormsHeader = String(headerLine.dropFirst("Plural-Forms:".count)).trimmingSpaces()
                }
            } else {
                entries[currentKey] = Entry(forms: ordered, pluralKey: pluralKey)
            }
            key = nil; pluralKey = nil; forms = [:]; field = nil
        }

        func append(_ value: String) throws(ParseError) {
            guard let target = field else { throw ParseError(line: lineNumber, reason: "string outside an entry") }
            switch target.name {
            case "msgid": key = (key ?? "") + value
            case "msgid_plural": pluralKey = (pluralKey ?? "") + value
            case "msgstr": forms[target.index ?? 0, default: ""] += value
            default: break  // msgctxt: not used by our catalogues
            }
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("\"") {
                try append(try Self.unquote(line, line: lineNumber))
                continue
            }
            guard let space = line.firstIndex(of: " ") else {
                throw ParseError(line: lineNumber, reason: "expected a keyword and a string")
            }
            let keyword = String(line[..<space])
            let value = try Self.unquote(String(line[line.index(after: space)...]).trimmingSpaces(), line: lineNumber)
            switch keyword {
            case "msgctxt":
                flush()
                field = ("msgctxt", nil)
            case "msgid":
                if field?.name != "msgctxt" { flush() }
                key = ""
                field = ("msgid", nil)
            case "msgid_plural":
                pluralKey = ""
                field = ("msgid_plural", nil)
            case "msgstr":
                field = ("msgstr", 0)
                forms[0] = ""
            default:
                guard keyword.hasPrefix("msgstr["), keyword.hasSuffix("]"),
                      let index = Int(keyword.dropFirst(7).dropLast()) else {
                    throw ParseError(line: lineNumber, reason: "unknown keyword \(keyword)")
                }
                field = ("msgstr", index)
                forms[index] = ""
            }
            try append(value)
        }
        flush()
    }

    /// Merges another catalogue of the same language into this one.
    public mutating func merge(_ other: POCatalogue) {
        entries.merge(other.entries) { _, new in new }
        pluralFormsHeader = pluralFormsHeader ?? other.pluralFormsHeader
    }

    private static func unquote(_ text: String, line: Int) throws(ParseError) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else {
            throw ParseError(line: line, reason: "expected a quoted string")
        }
        var result = ""
        var escaping = false
        for character in text.dropFirst().dropLast() {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                default: throw ParseError(line: line, reason: "unknown escape \\\(character)")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        if escaping { throw ParseError(line: line, reason: "string ends with a backslash") }
        return result
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
