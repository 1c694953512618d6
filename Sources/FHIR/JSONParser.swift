import Foundation

/// Why a JSON text was refused, with the byte offset where reading stopped.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case unexpectedEnd = "unexpected end of input"
        case unexpectedCharacter = "unexpected character"
        case invalidNumber = "invalid number"
        case invalidString = "invalid string"
        case invalidUTF8 = "invalid UTF-8"
        case duplicateKey = "duplicate member name"
        case tooDeep = "nesting too deep"
        case trailingData = "data after the JSON value"
    }
    public var reason: Reason
    public var offset: Int
    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}

extension JSON {
    /// The deepest nesting accepted: enough for any FHIR resource, and a bound on recursion.
    public static let maximumDepth = 64

    /// Parses a complete JSON text (RFC 8259), strictly: no comments, no trailing commas, no
    /// duplicate member names (FHIR forbids them), valid UTF-8 only.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        self = try JSONParser.reading(bytes) { buffer throws(JSONParseError) in
            var parser = JSONParser(bytes: buffer)
            return try parser.parseDocument()
        }
    }

    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses like `init(parsing:)` and also keeps the exact bytes of each value at
    /// `root[outer][n][inner]`, in the order of the text: a changes page keeps each resource as
    /// the server wrote it, so the sync base needs no second serialization (issue 20).
    public static func parse(_ bytes: some Collection<UInt8>, keepingBytesOf inner: String, in outer: String)
        throws(JSONParseError) -> (json: JSON, kept: [[UInt8]])
    {
        try JSONParser.reading(bytes) { buffer throws(JSONParseError) in
            var parser = JSONParser(bytes: buffer, keeping: (outer, inner))
            let json = try parser.parseDocument()
            return (json, parser.kept.map { Array(buffer[$0]) })
        }
    }
}

/// Reads JSON text in place (a `Data` or an array is not copied first). `bytes` is only valid
/// within `JSONParser.reading`.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The members whose values' spans are kept (`root[outer][n][inner]`), and those spans.
    private let keeping: (outer: String, inner: String)?
    private var insideOuter = false
    private(set) var kept: [Range<Int>] = []
    /// The members and elements read so far of the objects and arrays being read, innermost
    /// last: each object or array is then allocated once, at its size, instead of growing
    /// (allocating and freeing the trees was a fifth of an initial sync's decoding, issue 20).
    private let pendingMembers = PendingValues<(key: String, value: JSON)>()
    private let pendingElements = PendingValues<JSON>()

    init(bytes: UnsafeBufferPointer<UInt8>, keeping: (outer: String, inner: String)? = nil) {
        self.bytes = bytes
        self.keeping = keeping
    }

    /// Runs `body` on the bytes of `text` in contiguous memory (their own when they have it).
    static func reading<Value>(_ text: some Collection<UInt8>,
                               _ body: (UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Value) throws(JSONParseError) -> Value {
        let result: Result<Value, JSONParseError>? = text.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try body(buffer) }
        }
        if let result { return try result.get() }
        return try Array(text).withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try body(buffer) } }.get()
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index != bytes.count { throw fail(.trailingData) }
        return value
    }

    private func fail(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(reason: reason, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
        guard depth <= JSON.maximumDepth else { throw fail(.tooDeep) }
        skipWhitespace()
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail(.unexpectedCharacter)
        }
    }

    private mutating func expect(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail(.unexpectedEnd) }
        let pointer = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] {
            index += offset
            throw fail(.unexpectedCharacter)
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
        index += 1
        let first = pendingMembers.count
        var seen: Set<String> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(JSONObject()) }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail(.unexpectedCharacter) }
            let keyStart = index
            let key = try parseString()
            if isDuplicate(key, among: first, seen: &seen) { index = keyStart; throw fail(.duplicateKey) }
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: ":") else { throw fail(.unexpectedCharacter) }
            index += 1
            let value: JSON
            if let keeping, depth == 0 || (depth == 2 && insideOuter) {
                value = try parseKeeping(key: key, keeping, depth: depth)
            } else {
                value = try parseValue(depth: depth + 1)
            }
            pendingMembers.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(pendingMembers.take(from: first)))
            default: throw fail(.unexpectedCharacter)
            }
        }
    }

    /// Whether the object whose members start at `first` has a member `key` (a set of the keys
    /// once the object is large).
    private func isDuplicate(_ key: String, among first: Int, seen: inout Set<String>) -> Bool {
        let count = pendingMembers.count - first
        if count < 12 {
            for index in first..<pendingMembers.count where pendingMembers[index].key == key { return true }
            return false
        }
        if seen.isEmpty { seen = Set((first..<pendingMembers.count).map { pendingMembers[$0].key }) }
        return !seen.insert(key).inserted
    }

    /// A member's value at the root (the outer member) or in an element of the outer array.
    private mutating func parseKeeping(key: String, _ keeping: (outer: String, inner: String), depth: Int) throws(JSONParseError) -> JSON {
        if depth == 0 {
            guard key == keeping.outer else { return try parseValue(depth: depth + 1) }
            insideOuter = true
            defer { insideOuter = false }
            return try parseValue(depth: depth + 1)
        }
        guard key == keeping.inner else { return try parseValue(depth: depth + 1) }
        skipWhitespace()
        let start = index
        let value = try parseValue(depth: depth + 1)
        kept.append(start..<index)
        return value
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
        index += 1
        let first = pendingElements.count
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        while true {
            let element = try parseValue(depth: depth + 1)
            pendingElements.append(element)
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(pendingElements.take(from: first))
            default: throw fail(.unexpectedCharacter)
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
        guard slice.count <= 64, JSONNumber.isValid(slice) else { index = start; throw fail(.invalidNumber) }
        let literal = String(decoding: slice, as: UTF8.self)
        return JSONNumber(unchecked: literal)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
             UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): true
        default: false
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try decodeUTF8(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail(.invalidString) }
            index += 1
        }
        var output = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try output.withUnsafeBufferPointer { decoded throws(JSONParseError) in try decodeUTF8(decoded, at: start) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail(.invalidString) }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail(.invalidString) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail(.invalidString)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail(.invalidString) }
                    output.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    index -= 1
                    throw fail(.invalidString)
                }
            default:
                if byte < 0x20 { throw fail(.invalidString) }
                output.append(byte)
                index += 1
            }
        }
        throw fail(.unexpectedEnd)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw fail(.invalidString)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// The string of valid UTF-8 bytes, or an error. `String(decoding:as:)` is the standard
    /// library's specialised path (`String(validating:as:)` instantiated generic metadata on every
    /// call: 7 % of an initial sync, issue 20); it repairs rather than fails, and a repair always
    /// changes the bytes (the first invalid byte becomes U+FFFD, which is valid UTF-8 itself), so
    /// the text is valid exactly when its bytes are the slice's. ASCII, most of a feed's strings,
    /// is valid as it is and needs no comparison.
    private func decodeUTF8(_ original: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        var text = String(decoding: original, as: UTF8.self)
        if Self.isASCII(original) { return text }
        let same = text.withUTF8 { decoded in
            decoded.count == original.count && memcmp(decoded.baseAddress!, original.baseAddress!, original.count) == 0
        }
        guard same else { throw JSONParseError(reason: .invalidUTF8, offset: start) }
        return text
    }

    /// True when no byte has its high bit set (eight bytes at a time).
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= count {
            high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < count {
            high |= UInt64(base[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}

/// A stack of values whose top ones are moved out at once into an array of their exact size
/// (an array's own `removeSubrange` would copy them out and destroy them instead).
private final class PendingValues<Value> {
    private var storage = UnsafeMutablePointer<Value>.allocate(capacity: 64)
    private var capacity = 64
    private(set) var count = 0

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    subscript(index: Int) -> Value { storage[index] }

    func append(_ value: Value) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        (storage + count).initialize(to: value)
        count += 1
    }

    /// The values from `first` to the top, in order, removed from the stack.
    func take(from first: Int) -> [Value] {
        let taken = count - first
        guard taken > 0 else { return [] }
        let values = [Value](unsafeUninitializedCapacity: taken) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: storage + first, count: taken)
            initialized = taken
        }
        count = first
        return values
    }
}
