/// A FHIR resource as JSON, with typed access to the envelope every resource shares:
/// `resourceType`, `id`, `meta.versionId`, `meta.lastUpdated`. The rest stays JSON, read and
/// written through `json`; typed models (`DocumentReference`, …) exist where fields are checked.
public struct Resource: Sendable, Equatable {
    public var json: JSON

    /// Wraps a JSON object that has a `resourceType`; throws otherwise.
    public init(_ json: JSON) throws(FHIRError) {
        guard case .object(let object) = json else { throw .invalid("a resource must be a JSON object") }
        guard let type = object["resourceType"]?.stringValue, !type.isEmpty else {
            throw .invalid("resourceType is missing")
        }
        self.json = json
    }

    /// A new resource of `type` with an optional id.
    public init(type: String, id: String? = nil) {
        var object = JSONObject()
        object["resourceType"] = .string(type)
        if let id { object["id"] = .string(id) }
        json = .object(object)
    }

    /// Parses JSON bytes into a resource.
    public init(parsing bytes: some Collection<UInt8>) throws(FHIRError) {
        let json: JSON
        do { json = try JSON(parsing: bytes) } catch { throw .malformed(error) }
        try self.init(json)
    }

    public var resourceType: String { json["resourceType"]?.stringValue ?? "" }

    public var id: String? {
        get { json["id"]?.stringValue }
        set { json["id"] = newValue.map { .string($0) } }
    }

    /// `meta.versionId`: the server's version of this resource, sent back in `If-Match`.
    public var versionId: String? {
        get { json["meta"]?["versionId"]?.stringValue }
        set { setMeta("versionId", newValue.map { .string($0) }) }
    }

    /// `meta.lastUpdated` as the FHIR instant text.
    public var lastUpdated: String? {
        get { json["meta"]?["lastUpdated"]?.stringValue }
        set { setMeta("lastUpdated", newValue.map { .string($0) }) }
    }

    /// `Type/id`, the relative reference to this resource (nil without an id).
    public var reference: String? { id.map { "\(resourceType)/\($0)" } }

    public subscript(key: String) -> JSON? {
        get { json[key] }
        set { json[key] = newValue }
    }

    private mutating func setMeta(_ key: String, _ value: JSON?) {
        guard case .object(var object) = json else { return }
        var meta = object["meta"] ?? .object(JSONObject())
        meta[key] = value
        if meta.objectValue?.isEmpty == true {
            object["meta"] = nil
        } else if object["meta"] != nil {
            object["meta"] = meta
        } else {
            // A new meta goes right after the id, where FHIR examples put it.
            var members = object.members
            let position = members.firstIndex { $0.key == "id" }.map { $0 + 1 } ?? min(1, members.count)
            members.insert((key: "meta", value: meta), at: position)
            object = JSONObject(members)
        }
        json = .object(object)
    }

    /// Compact JSON bytes.
    public func serialized() -> [UInt8] { json.serialized() }

    /// A valid FHIR id: 1 to 64 of `A-Z a-z 0-9 - .`.
    public static func isValidID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x2E
        }
    }
}

/// What can be wrong with a resource on the wire.
public enum FHIRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON at all.
    case malformed(JSONParseError)
    /// JSON, but not a valid resource of the expected shape.
    case invalid(String)

    public var description: String {
        switch self {
        case .malformed(let error): "malformed JSON: \(error)"
        case .invalid(let reason): reason
        }
    }
}

/// A parsed `Type/id` reference (relative, or absolute ending in `Type/id`).
public struct ResourceReference: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// Parses `Type/id`, `Type/id/_history/n` or `https://…/Type/id`; nil otherwise.
    public init?(_ text: String) {
        // The last four slashes, from the end (read in place: a sync reads thousands of these).
        let utf8 = text.utf8
        var slashes: [String.Index] = []
        slashes.reserveCapacity(4)
        var index = utf8.endIndex
        while index > utf8.startIndex, slashes.count < 4 {
            utf8.formIndex(before: &index)
            if utf8[index] == UInt8(ascii: "/") { slashes.append(index) }
        }
        /// The segment that ends at slash `n` (n = 0: the last segment, after the last slash).
        func segment(_ n: Int) -> Substring {
            let start = n < slashes.count ? utf8.index(after: slashes[n]) : utf8.startIndex
            let end = n == 0 ? utf8.endIndex : slashes[n - 1]
            return text[start..<end]
        }
        guard !slashes.isEmpty else { return nil }
        var last = 0
        if slashes.count >= 3, segment(1) == "_history" { last = 2 }
        let type = segment(last + 1), id = segment(last)
        guard let first = type.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return nil }
        self.type = String(type)
        self.id = String(id)
        guard Resource.isValidID(self.id) else { return nil }
    }

    public var description: String { "\(type)/\(id)" }
    public var json: JSON { ["reference": .string(description)] }
}
