import Foundation

/// A configuration file of `key = value` lines: the user's `$XDG_CONFIG_HOME/mes/config` and a
/// kiosk's `/etc/mes/kiosk.conf` alike. Blank lines and lines starting with `#` are comments;
/// a value may be written in double quotes (kept as is inside). Setting a key rewrites its line
/// in place, so comments and order survive `mes config set`.
public struct ConfigFile: Sendable, Equatable {
    /// A line that is not `key = value`.
    public struct SyntaxError: Error, Equatable, Sendable {
        public var line: Int
        public var text: String
    }

    enum Line: Sendable, Equatable {
        case other(String)
        case entry(key: String, value: String)
    }

    var lines: [Line]

    public init() { lines = [] }

    public init(parsing text: String) throws(SyntaxError) {
        lines = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") {
                lines.append(.other(String(raw)))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw SyntaxError(line: number + 1, text: String(raw)) }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard Self.isKey(key) else { throw SyntaxError(line: number + 1, text: String(raw)) }
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            lines.append(.entry(key: key, value: value))
        }
        if case .other("") = lines.last { lines.removeLast() }
    }

    /// Reads `url`; nil when there is no such file.
    public static func load(_ url: URL) throws -> ConfigFile? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try ConfigFile(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Lower-case words with `-`, `_` or `.` between them.
    public static func isKey(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// The last value given for `key`.
    public subscript(key: String) -> String? {
        for line in lines.reversed() { if case .entry(key, let value) = line { return value } }
        return nil
    }

    /// Every key with its (last) value, in the order of the file.
    public var entries: [(key: String, value: String)] {
        var seen: [String] = []
        for line in lines { if case .entry(let key, _) = line, !seen.contains(key) { seen.append(key) } }
        return seen.map { ($0, self[$0] ?? "") }
    }

    /// Sets `key` (its last line is rewritten; a new key goes at the end); nil removes it.
    public mutating func set(_ key: String, _ value: String?) {
        let index = lines.lastIndex { if case .entry(key, _) = $0 { return true } else { return false } }
        switch (index, value) {
        case (let index?, let value?): lines[index] = .entry(key: key, value: value)
        case (nil, let value?): lines.append(.entry(key: key, value: value))
        case (_, nil): lines.removeAll { if case .entry(key, _) = $0 { return true } else { return false } }
        }
    }

    /// The file's text (values with leading or trailing spaces or a `#` are quoted).
    public var text: String {
        lines.map { line in
            switch line {
            case .other(let text): return text
            case .entry(let key, let value):
                let quoted = value != value.trimmingCharacters(in: .whitespaces) || value.hasPrefix("\"") || value.hasPrefix("#")
                return "\(key) = " + (quoted ? "\"\(value)\"" : value)
            }
        }.joined(separator: "\n") + "\n"
    }

    /// Writes the file (mode 0600, its folder 0700 when created), replacing it atomically.
    public func save(to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// `$XDG_CONFIG_HOME/mes/config`, else `~/.config/mes/config`.
    public static func userPath(environment: [String: String]) -> URL {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent("mes/config")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config/mes/config")
    }

    /// The kiosk's configuration, read the same way.
    public static let kioskPath = URL(fileURLWithPath: "/etc/mes/kiosk.conf")
}

/// A key a configuration file may hold: its name, what its value is (checked as option values
/// are, so `language = English` is refused with the valid values listed) and its description.
public struct ConfigKey: Sendable {
    public var name: String
    public var kind: ValueKind
    public var helpKey: String
    public init(_ name: String, kind: ValueKind = .text, help helpKey: String) {
        self.name = name
        self.kind = kind
        self.helpKey = helpKey
    }
}
