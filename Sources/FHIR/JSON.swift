/// A JSON value that keeps what FHIR needs: object members in their order (so output is
/// stable and `resourceType` stays first) and numbers as their exact literal (FHIR decimals
/// carry precision: `1.50` is not `1.5`).
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var intValue: Int? { if case .number(let value) = self { value.intValue } else { nil } }
    public var doubleValue: Double? { if case .number(let value) = self { value.doubleValue } else { nil } }
    public var arrayValue: [JSON]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// The member `key` of an object (nil for a missing member or a non-object). Setting
    /// replaces the member in place, appends a new one, or removes it when set to nil.
    public subscript(key: String) -> JSON? {
        get { objectValue?[key] }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array, nil when out of range or not an array.
    public subscript(index: Int) -> JSON? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The elements of an array, or an empty list for anything else (FHIR's 0..* members).
    public var elements: [JSON] { arrayValue ?? [] }
}

/// A JSON number kept as its literal text, validated against the JSON grammar.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let literal: String

    /// Nil when `literal` is not a JSON number.
    public init?(literal: String) {
        guard JSONNumber.isValid(Array(literal.utf8)) else { return nil }
        self.literal = literal
    }

    init(unchecked literal: String) { self.literal = literal }

    public init(_ value: Int) { literal = String(value) }

    /// A finite double in its shortest round-tripping form (non-finite values become 0).
    public init(_ value: Double) {
        guard value.isFinite else { literal = "0"; return }
        if value == value.rounded(), abs(value) < 1e15 {
            literal = String(Int64(value))
        } else {
            literal = "\(value)"
        }
    }

    public var intValue: Int? { Int(literal) }
    public var doubleValue: Double { Double(literal) ?? 0 }
    public var description: String { literal }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == 0x2D { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == 0x30 { index += 1 } else if digits() == 0 { return false }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            if digits() == 0 { return false }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            if digits() == 0 { return false }
        }
        return index == bytes.count
    }
}

/// A JSON object whose members keep their order. Lookups are linear, which suits FHIR's small
/// objects; equality ignores member order.
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var members: [(key: String, value: JSON)]

    public init() { members = [] }
    public init(_ members: [(key: String, value: JSON)]) { self.members = members }

    public subscript(key: String) -> JSON? {
        get { members.first { $0.key == key }?.value }
        set {
            let index = members.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key, value))
            case (nil, nil): break
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.allSatisfy { member in rhs[member.key] == member.value }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// Members in the order written (a Swift dictionary literal keeps its order here).
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

extension JSON {
    /// A string, or null when nil (for optional members built from Swift values).
    public static func optional(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    public static func int(_ value: Int) -> JSON { .number(JSONNumber(value)) }
    public static func double(_ value: Double) -> JSON { .number(JSONNumber(value)) }

    /// An object built from members, dropping null values and empty arrays (FHIR sends neither).
    public static func compact(_ members: KeyValuePairs<String, JSON>) -> JSON {
        .object(JSONObject(members.filter { !$0.value.isNull && $0.value != .array([]) }.map { (key: $0.key, value: $0.value) }))
    }
}
