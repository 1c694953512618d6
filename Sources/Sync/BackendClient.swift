import FHIR
import Foundation
import Synchronization

/// Requests to the mes API with the bearer token, retried with backoff and jitter when the
/// failure is transient (unreachable, 5xx, 429, a malformed answer), classified otherwise.
struct BackendClient: Sendable {
    let transport: any Transport
    let token: String?
    let backoff: Backoff
    /// Called before each wait, with the attempt that failed (progress shows "retrying").
    var onRetry: @Sendable (Int, SyncError) -> Void = { _, _ in }

    /// Sends `request` until it gets an answer that is not a transient failure; a 2xx answer
    /// must also `read` (nil means garbled: retried like a 5xx). 401 throws `unauthorized`
    /// unless `returningUnauthorized` (the login steps); other statuses are returned as they are.
    func exchange<Value>(_ request: BackendRequest, returningUnauthorized: Bool = false,
                         read: (BackendResponse) -> Value?) async throws(SyncError) -> (response: BackendResponse, value: Value?) {
        var request = request
        if let token { request.headers["Authorization"] = "Bearer \(token)" }
        if request.headers["Accept"] == nil { request.headers["Accept"] = "application/fhir+json" }
        if request.body != nil { request.headers["Content-Type"] = "application/fhir+json" }
        var attempt = 0
        while true {
            attempt += 1
            let failure: SyncError
            var retryAfter: Duration?
            do {
                let response = try await transport.send(request)
                switch response.status {
                case 401 where !returningUnauthorized:
                    throw SyncError.unauthorized
                case 429, 500...599:
                    failure = .serverTrouble("HTTP \(response.status)")
                    retryAfter = response.header("Retry-After").flatMap(Int.init).map { .seconds(min($0, 30)) }
                case 200..<300:
                    guard let value = read(response) else {
                        failure = .serverTrouble("malformed answer")
                        break
                    }
                    return (response, value)
                default:
                    return (response, nil)
                }
            } catch let error as SyncError {
                throw error
            } catch TransportFailure.unreachable(let reason) {
                failure = .offline(reason)
            } catch TransportFailure.malformedResponse(let reason) {
                failure = .serverTrouble(reason)
            } catch {
                failure = .offline(String(describing: type(of: error)))
            }
            guard attempt < backoff.maximumAttempts, !Task.isCancelled else { throw failure }
            onRetry(attempt, failure)
            let delay = max(retryAfter ?? .zero, backoff.delay(afterAttempt: attempt, unitRandom: Double.random(in: 0..<1)))
            try? await Task.sleep(for: delay)
        }
    }

    /// Sends a request whose answer, when 2xx, is JSON.
    func send(_ request: BackendRequest) async throws(SyncError) -> (response: BackendResponse, json: JSON?) {
        let (response, json) = try await exchange(request) { try? JSON(parsing: $0.body) }
        return (response, json)
    }

    /// Sends and returns the JSON of a 2xx answer; other statuses become `refused`.
    func json(_ request: BackendRequest, returningUnauthorized: Bool = false) async throws(SyncError) -> JSON {
        let (response, json) = try await exchange(request, returningUnauthorized: returningUnauthorized) { try? JSON(parsing: $0.body) }
        guard let json else { throw Self.refusal(response) }
        return json
    }

    /// The refusal an error answer stands for: its status and the OperationOutcome's detail code.
    static func refusal(_ response: BackendResponse) -> SyncError {
        let detail = (try? Resource(parsing: response.body)).flatMap(OperationOutcome.init)?.detailCode
        return .refused(status: response.status, detail: detail)
    }

    static func body(_ json: JSON) -> Data { Data(json.serialized()) }
    static func body(_ resource: Resource) -> Data { Data(resource.serialized()) }
}

/// Counts the requests and bytes of one sync on top of any transport.
final class MeteredTransport: Transport {
    let inner: any Transport
    private let totals = Mutex(TransferStatistics())

    init(_ inner: any Transport) { self.inner = inner }

    var statistics: TransferStatistics { totals.withLock { $0 } }

    func send(_ request: BackendRequest) async throws -> BackendResponse {
        totals.withLock {
            $0.requests += 1
            $0.bytesSent += request.body?.count ?? 0
        }
        let response = try await inner.send(request)
        totals.withLock { $0.bytesReceived += response.body.count }
        return response
    }
}
