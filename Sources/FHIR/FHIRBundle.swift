/// A FHIR `Bundle`: search results (`searchset`), transactions and their responses.
public struct FHIRBundle: Sendable, Equatable {
    public enum Kind: String, Sendable { case searchset, transaction, transactionResponse = "transaction-response", batch, batchResponse = "batch-response", history, collection, document }

    public struct Entry: Sendable, Equatable {
        public var fullUrl: String?
        public var resource: Resource?
        /// `request.method` and `request.url` (transactions).
        public var method: String?
        public var url: String?
        /// `request.ifNoneExist` / `request.ifMatch` (transactions).
        public var ifNoneExist: String?
        public var ifMatch: String?
        /// `response.status`, `response.location`, `response.etag` (transaction responses).
        public var status: String?
        public var location: String?
        public var etag: String?
        /// `search.mode` (`match` or `include`) in a searchset.
        public var searchMode: String?

        public init(fullUrl: String? = nil, resource: Resource? = nil, method: String? = nil, url: String? = nil,
                    ifNoneExist: String? = nil, ifMatch: String? = nil, status: String? = nil,
                    location: String? = nil, etag: String? = nil, searchMode: String? = nil) {
            self.fullUrl = fullUrl
            self.resource = resource
            self.method = method
            self.url = url
            self.ifNoneExist = ifNoneExist
            self.ifMatch = ifMatch
            self.status = status
            self.location = location
            self.etag = etag
            self.searchMode = searchMode
        }

        var json: JSON {
            let request: JSON = method == nil ? .null : .compact([
                "method": .optional(method), "url": .optional(url),
                "ifNoneExist": .optional(ifNoneExist), "ifMatch": .optional(ifMatch),
            ])
            let response: JSON = status == nil ? .null : .compact([
                "status": .optional(status), "location": .optional(location), "etag": .optional(etag),
            ])
            return .compact([
                "fullUrl": .optional(fullUrl),
                "resource": resource?.json ?? .null,
                "search": searchMode.map { ["mode": .string($0)] } ?? .null,
                "request": request,
                "response": response,
            ])
        }

        init(json: JSON) throws(FHIRError) {
            fullUrl = json["fullUrl"]?.stringValue
            if let resource = json["resource"], !resource.isNull { self.resource = try Resource(resource) }
            method = json["request"]?["method"]?.stringValue
            url = json["request"]?["url"]?.stringValue
            ifNoneExist = json["request"]?["ifNoneExist"]?.stringValue
            ifMatch = json["request"]?["ifMatch"]?.stringValue
            status = json["response"]?["status"]?.stringValue
            location = json["response"]?["location"]?.stringValue
            etag = json["response"]?["etag"]?.stringValue
            searchMode = json["search"]?["mode"]?.stringValue
        }
    }

    public var kind: Kind
    public var id: String?
    public var total: Int?
    /// Links by relation (`self`, `next`, `previous`).
    public var links: [(relation: String, url: String)]
    public var entries: [Entry]
    public var timestamp: String?

    public init(kind: Kind, id: String? = nil, total: Int? = nil, links: [(relation: String, url: String)] = [],
                entries: [Entry] = [], timestamp: String? = nil) {
        self.kind = kind
        self.id = id
        self.total = total
        self.links = links
        self.entries = entries
        self.timestamp = timestamp
    }

    public func link(_ relation: String) -> String? { links.first { $0.relation == relation }?.url }

    public var resource: Resource {
        var resource = Resource(type: "Bundle", id: id)
        resource["type"] = .string(kind.rawValue)
        resource["timestamp"] = timestamp.map { .string($0) }
        resource["total"] = total.map { .int($0) }
        if !links.isEmpty {
            resource["link"] = .array(links.map { ["relation": .string($0.relation), "url": .string($0.url)] })
        }
        resource["entry"] = .array(entries.map(\.json))
        return resource
    }

    /// Reads a Bundle resource; throws when it is not one or an entry is malformed.
    public init(_ resource: Resource) throws(FHIRError) {
        guard resource.resourceType == "Bundle" else { throw .invalid("expected a Bundle, got \(resource.resourceType)") }
        guard let type = resource["type"]?.stringValue, let kind = Kind(rawValue: type) else {
            throw .invalid("Bundle.type is missing or unknown")
        }
        self.kind = kind
        id = resource.id
        total = resource["total"]?.intValue
        timestamp = resource["timestamp"]?.stringValue
        links = resource["link"]?.elements.compactMap { link in
            guard let relation = link["relation"]?.stringValue, let url = link["url"]?.stringValue else { return nil }
            return (relation, url)
        } ?? []
        let entryList = resource["entry"] ?? .array([])
        guard entryList.arrayValue != nil else {
            throw .invalid("Bundle.entry must be an array")
        }
        var entries: [Entry] = []
        for entry in entryList.elements {
            guard entry.objectValue != nil else { throw .invalid("Bundle.entry must hold objects") }
            entries.append(try Entry(json: entry))
        }
        self.entries = entries
    }

    public static func == (lhs: FHIRBundle, rhs: FHIRBundle) -> Bool { lhs.resource == rhs.resource }
}
