import CMicroHTTPD
import Glibc
import MicroHTTPDShim

/// An HTTP/1.1 server on libmicrohttpd: an internal thread pool polling with epoll, keep-alive,
/// limits on connections (overall and per client address), deadlines a slow client cannot
/// extend (`ConnectionDeadlines`), a request body limit (413), optional TLS (GnuTLS inside MHD).
///
/// MHD calls back on its own threads; the callbacks are free functions that reach this object
/// through the context pointer, and each request's state through MHD's per-request pointer.
public final class HTTPDaemon: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        public var threads: Int = 4
        public var maximumBodyBytes: Int = 16 << 20
        /// Seconds a connection may stay idle (MHD's timeout), and also the deadline of each
        /// step of a request: headers, body, answer (`ConnectionDeadlines`).
        public var idleTimeoutSeconds: Int = 30
        /// Connections held at once, overall (bounded by the open-file limit) and per client
        /// address: one address cannot take every slot.
        public var maximumConnections: Int = 4096
        public var maximumConnectionsPerAddress: Int = 64
        /// PEM text of the TLS key and certificate; nil for plain HTTP.
        public var tls: (key: String, certificate: String)?

        public init(address: ListenAddress) { self.address = address }
    }

    public enum StartError: Error, Equatable, Sendable {
        case tlsUnsupported
        case cannotListen(String)
    }

    public let configuration: Configuration
    let handler: any HTTPHandler
    // Guarded by the start/stop discipline: set once by start, cleared once by stop.
    private var daemon: UnsafeMutableRawPointer?
    private var tlsStrings: [UnsafeMutablePointer<CChar>] = []
    public private(set) var port: UInt16 = 0
    let deadlines: ConnectionDeadlines

    public init(configuration: Configuration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        deadlines = ConnectionDeadlines(stepSeconds: Double(configuration.idleTimeoutSeconds))
    }

    /// The connections held now, and how many were cut at a deadline since the start.
    public var connectionCount: Int { deadlines.count }
    public var expiredConnections: Int { deadlines.expired.load(ordering: .relaxed) }

    /// The open-file limit raised to its hard maximum; returns the soft limit in force.
    static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(min(limit.rlim_cur, 1 << 20))
    }

    deinit { stop() }

    public var scheme: String { configuration.tls == nil ? "http" : "https" }
    /// The base URL, valid after `start`.
    public var url: String { configuration.address.url(scheme: scheme, port: port) }

    /// Binds and starts the thread pool. Returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws(StartError) -> UInt16 {
        var flags = UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue) | UInt32(MHD_USE_EPOLL.rawValue)
        if configuration.address.isIPv6 { flags |= UInt32(MHD_USE_IPv6.rawValue) }
        var key: UnsafeMutablePointer<CChar>?
        var certificate: UnsafeMutablePointer<CChar>?
        if let tls = configuration.tls {
            guard MHD_is_feature_supported(.FEATURE_TLS) == .YES else { throw .tlsUnsupported }
            key = strdup(tls.key)
            certificate = strdup(tls.certificate)
            tlsStrings = [key, certificate].compactMap { $0 }
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        // Each connection is a descriptor: keep room for the database, logs and the listener.
        let connections = max(16, min(configuration.maximumConnections, Self.raiseOpenFileLimit() - 128))
        let perAddress = max(1, min(configuration.maximumConnectionsPerAddress, connections))
        let started = configuration.address.withSocketAddress { address in
            mes_mhd_start(flags, address, UInt32(max(1, configuration.threads)), UInt32(connections),
                          UInt32(perAddress), UInt32(configuration.idleTimeoutSeconds), 64 * 1024,
                          key, certificate, mhdAccessHandler, context, mhdRequestCompleted, context, mhdConnectionNotified, context,
                          mhdUnescape)
        }
        guard let started else {
            throw .cannotListen(String(cString: strerror(errno)))
        }
        daemon = started
        port = mes_mhd_bound_port(started)
        deadlines.start()
        return port
    }

    /// Stops accepting, finishes the requests in progress and joins the threads.
    public func stop() {
        guard let daemon else { return }
        deadlines.stop()
        MHD_stop_daemon(OpaquePointer(daemon))
        self.daemon = nil
        for string in tlsStrings { free(string) }
        tlsStrings = []
    }

    // MARK: - Called on MHD's threads

    fileprivate func access(connection: OpaquePointer, url: String, method: String, uploadData: UnsafePointer<CChar>?,
                            uploadSize: UnsafeMutablePointer<Int>, context: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int32 {
        guard let existing = context.pointee else {
            // The headers are in: the body is due within a step (plus a second per MiB).
            let state = RequestState(method: method, path: url)
            MHD_get_connection_values(connection, .HEADER_KIND, mhdCollectHeader, Unmanaged.passUnretained(state).toOpaque())
            context.pointee = Unmanaged.passRetained(state).toOpaque()
            let length = state.headers["content-length"].flatMap(Int.init) ?? 0
            deadlines.due(connection, in: deadlines.stepSeconds + Double(min(length, configuration.maximumBodyBytes)) / Double(1 << 20))
            // Too large: the body is read and dropped (within its deadline), then 413 — answering
            // before it is read would make the kernel reset the connection, and the client
            // would never see the answer.
            if length > configuration.maximumBodyBytes { state.tooLarge = true }
            return 1
        }
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            if !state.tooLarge, let uploadData {
                if state.body.count + uploadSize.pointee > configuration.maximumBodyBytes {
                    state.tooLarge = true
                    state.body = []
                } else {
                    uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) { bytes in
                        state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: uploadSize.pointee))
                    }
                }
            }
            uploadSize.pointee = 0
            return 1
        }
        if state.tooLarge { return send(Self.tooLarge(configuration.maximumBodyBytes), on: connection) }
        MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, mhdCollectQuery, Unmanaged.passUnretained(state).toOpaque())
        let request = HTTPRequest(method: state.method, path: state.path, query: state.query, headers: state.headers, body: state.body)
        state.body = []
        let response = handler.handle(request)
        // The answer is due within a step (plus a second per 256 KiB): a client that reads it
        // a byte at a time does not keep the connection.
        deadlines.due(connection, in: deadlines.stepSeconds + Double(response.body.count) / Double(256 << 10))
        return send(response, on: connection)
    }

    static func tooLarge(_ limit: Int) -> HTTPResponse {
        var response = HTTPResponse(status: 413)
        response.body = Array(#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"too-long","diagnostics":"request body larger than \#(limit) bytes"}]}"#.utf8)
        response.headers = [("Content-Type", "application/fhir+json; charset=utf-8"), ("Connection", "close")]
        return response
    }

    private func send(_ response: HTTPResponse, on connection: OpaquePointer) -> Int32 {
        let mhdResponse: OpaquePointer?
        switch response.delivery {
        case .dropConnection:
            return 0
        case .normal:
            mhdResponse = response.body.withUnsafeBytes { bytes in
                MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
            }
        case .truncate(let cut):
            let source = TruncatedBody(bytes: response.body, cut: cut)
            mhdResponse = MHD_create_response_from_callback(
                UInt64(response.body.count), 4096, mhdTruncatedReader, Unmanaged.passRetained(source).toOpaque(), mhdReleaseTruncated)
        }
        guard let mhdResponse else { return 0 }
        defer { MHD_destroy_response(mhdResponse) }
        for header in response.headers {
            _ = MHD_add_response_header(mhdResponse, header.name, header.value)
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse) == .YES ? 1 : 0
    }
}

/// What MHD's per-request pointer holds between the calls of one request.
final class RequestState {
    let method: String
    let path: String
    var headers: [String: String] = [:]
    var query: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var tooLarge = false

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }
}

/// A body sent only in part (fault injection: a connection cut in the middle of a response).
final class TruncatedBody {
    let bytes: [UInt8]
    let cut: Int
    init(bytes: [UInt8], cut: Int) {
        self.bytes = bytes
        self.cut = max(0, min(cut, bytes.count))
    }
}

private func mhdAccessHandler(
    _ cls: UnsafeMutableRawPointer?, _ connection: UnsafeMutableRawPointer?, _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
    _ uploadSize: UnsafeMutablePointer<Int>?, _ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Int32 {
    guard let cls, let connection, let url, let method, let uploadSize, let context else { return 0 }
    let daemon = Unmanaged<HTTPDaemon>.fromOpaque(cls).takeUnretainedValue()
    return daemon.access(connection: OpaquePointer(connection), url: String(cString: url), method: String(cString: method),
                         uploadData: uploadData, uploadSize: uploadSize, context: context)
}

private func mhdRequestCompleted(
    _ cls: UnsafeMutableRawPointer?, _ connection: UnsafeMutableRawPointer?,
    _ context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ termination: Int32
) {
    if let cls, let connection {
        // Answered: the next request's headers are due within a step.
        let daemon = Unmanaged<HTTPDaemon>.fromOpaque(cls).takeUnretainedValue()
        daemon.deadlines.due(OpaquePointer(connection), in: daemon.deadlines.stepSeconds)
    }
    guard let context, let state = context.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(state).release()
    context.pointee = nil
}

/// Percent-decoding of paths and query values, in place — except `%00`, which stays as written:
/// a NUL would end the C string and truncate what follows (`/Patient/a%00b` read as `/Patient/a`).
private func mhdUnescape(_ cls: UnsafeMutableRawPointer?, _ connection: UnsafeMutableRawPointer?, _ text: UnsafeMutablePointer<CChar>?) -> Int {
    guard let text else { return 0 }
    let length = strlen(text)
    func hex(_ byte: CChar) -> UInt8? {
        switch UInt8(bitPattern: byte) {
        case 0x30...0x39: UInt8(bitPattern: byte) - 0x30
        case 0x41...0x46: UInt8(bitPattern: byte) - 0x41 + 10
        case 0x61...0x66: UInt8(bitPattern: byte) - 0x61 + 10
        default: nil
        }
    }
    var read = 0, write = 0
    while read < length {
        if text[read] == 0x25, read + 2 < length, let high = hex(text[read + 1]), let low = hex(text[read + 2]), high | low != 0 {
            text[write] = CChar(bitPattern: high << 4 | low)
            read += 3
        } else {
            text[write] = text[read]
            read += 1
        }
        write += 1
    }
    text[write] = 0
    return write
}

private func mhdConnectionNotified(
    _ cls: UnsafeMutableRawPointer?, _ connection: UnsafeMutableRawPointer?, _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: Int32
) {
    guard let cls, let connection else { return }
    let daemon = Unmanaged<HTTPDaemon>.fromOpaque(cls).takeUnretainedValue()
    if code == 0 {
        daemon.deadlines.opened(connection, socket: mes_mhd_connection_fd(connection))
    } else {
        daemon.deadlines.closed(connection)
    }
}

private func mhdCollectHeader(
    _ cls: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let state = Unmanaged<RequestState>.fromOpaque(cls).takeUnretainedValue()
    state.headers[String(cString: key).lowercased()] = value.map { String(cString: $0) } ?? ""
    return .YES
}

private func mhdCollectQuery(
    _ cls: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let state = Unmanaged<RequestState>.fromOpaque(cls).takeUnretainedValue()
    state.query.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func mhdTruncatedReader(_ cls: UnsafeMutableRawPointer?, _ position: UInt64, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
    guard let cls, let buffer else { return -2 }
    let body = Unmanaged<TruncatedBody>.fromOpaque(cls).takeUnretainedValue()
    let start = Int(position)
    guard start < body.cut else { return -2 }  // MHD_CONTENT_READER_END_WITH_ERROR: close the connection
    let count = min(capacity, body.cut - start)
    body.bytes.withUnsafeBytes { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + start, byteCount: count)
    }
    return count
}

private func mhdReleaseTruncated(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    Unmanaged<TruncatedBody>.fromOpaque(cls).release()
}
