/// One HTTP request as the server sees it: headers with lower-case names, the query decoded,
/// the body read whole (within the configured limit).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path, percent-decoded, without the query.
    public var path: String
    /// Query parameters in order (a name may repeat: `date=ge…&date=lt…`).
    public var query: [(name: String, value: String)]
    /// Headers by lower-case name.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Every value of the query parameter `name`.
    public func queryValues(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The path split into its non-empty segments.
    public var segments: [String] { path.split(separator: "/").map(String.init) }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    /// How the connection ends; anything but `.normal` is for fault injection only.
    public enum Delivery: Sendable, Equatable {
        case normal
        /// Close the connection without answering.
        case dropConnection
        /// Announce the full length, send the first `bytes` bytes, then close.
        case truncate(bytes: Int)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var delivery: Delivery = .normal

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Answers requests. Called concurrently from the HTTP daemon's threads.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
