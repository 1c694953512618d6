import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange with the backend, relative to its base URL.
public struct BackendRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [String: String]
    public var body: Data?

    public init(method: String = "GET", path: String, query: [(String, String)] = [],
                headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

public struct BackendResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Why an exchange failed, classified by what the sync engine should do about it.
public enum TransportFailure: Error, Equatable, Sendable {
    /// The server could not be reached (refused, reset, timed out): retry later, keep everything.
    case unreachable(String)
    /// The server answered something that is not a valid response: retry later.
    case malformedResponse(String)
}

/// Sends requests to a backend. The engine's only window on the network.
public protocol Transport: Sendable {
    func send(_ request: BackendRequest) async throws -> BackendResponse
}

/// Counts what went over the wire, for progress reports and benchmarks.
public struct TransferStatistics: Sendable, Equatable {
    public var requests = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    public init() {}
}

/// HTTP(S) through FoundationNetworking's URLSession (libcurl underneath).
public final class URLSessionTransport: Transport {
    public let baseURL: URL
    private let session: URLSession
    private let statistics = Mutex(TransferStatistics())

    public init(baseURL: URL, requestTimeout: TimeInterval = 30) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.timeoutIntervalForResource = requestTimeout * 4
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public var transferred: TransferStatistics { statistics.withLock { $0 } }

    /// The URL `request` goes to (the sync benchmark fetches the same with curl).
    public func url(for request: BackendRequest) throws -> URL {
        guard var components = URLComponents(url: baseURL.appendingPathComponent(request.path), resolvingAgainstBaseURL: false) else {
            throw TransportFailure.malformedResponse("bad path \(request.path)")
        }
        if !request.query.isEmpty {
            components.queryItems = request.query.map { URLQueryItem(name: $0.0, value: $0.1) }
        }
        guard let url = components.url else { throw TransportFailure.malformedResponse("bad URL") }
        return url
    }

    public func send(_ request: BackendRequest) async throws -> BackendResponse {
        let url = try url(for: request)
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError {
            throw TransportFailure.unreachable(error.code.description)
        } catch {
            throw TransportFailure.unreachable(String(describing: type(of: error)))
        }
        guard let http = response as? HTTPURLResponse else {
            throw TransportFailure.malformedResponse("not HTTP")
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        statistics.withLock { totals in
            totals.requests += 1
            totals.bytesSent += request.body?.count ?? 0
            totals.bytesReceived += data.count
        }
        return BackendResponse(status: http.statusCode, headers: headers, body: data)
    }
}

extension URLError.Code: @retroactive CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotConnectToHost: "cannot connect to host"
        case .timedOut: "timed out"
        case .networkConnectionLost: "connection lost"
        case .notConnectedToInternet: "not connected"
        case .cannotFindHost: "host not found"
        case .badServerResponse: "bad server response"
        default: "URL error \(rawValue)"
        }
    }
}
