import FHIR
import Foundation

/// Why a sync, a login or a content fetch stopped. None of the cases carries health data or a
/// secret: they are safe to show and to log.
public enum SyncError: Error, Equatable, Sendable {
    /// The server could not be reached, even after retrying: work stays queued.
    case offline(String)
    /// The server kept failing (5xx, garbage) after the retries: work stays queued.
    case serverTrouble(String)
    /// The token expired or was refused: log in again (nothing queued is lost).
    case unauthorized
    /// Wrong identifier or password, or a wrong or expired one-time code.
    case loginRefused(detail: String)
    /// No account is logged in on this vault.
    case notLoggedIn
    /// The server refused a request for good (its HTTP status and outcome detail code).
    case refused(status: Int, detail: String?)
    /// A document's content does not match its announced size and SHA-256: not stored.
    case contentMismatch
    /// A document's content is larger than the vault accepts.
    case contentTooLarge(Int)
    /// The record does not exist in the vault.
    case unknownRecord
    /// The server answered something that is not what the protocol says.
    case protocolViolation(String)
    /// The vault is damaged or was tampered with: the sync stopped without reading further.
    case vaultDamaged

    /// The code stored with an outbox entry that failed (shown through the localised catalogue).
    public var code: String {
        switch self {
        case .offline: "offline"
        case .serverTrouble: "server-trouble"
        case .unauthorized: "unauthorized"
        case .loginRefused(let detail): "login-refused:\(detail)"
        case .notLoggedIn: "not-logged-in"
        case .refused(let status, let detail): "http-\(status)" + (detail.map { ":\($0)" } ?? "")
        case .contentMismatch: "content-mismatch"
        case .contentTooLarge: "content-too-large"
        case .unknownRecord: "unknown-record"
        case .protocolViolation: "protocol"
        case .vaultDamaged: "vault-damaged"
        }
    }

    /// True for failures that retrying later may cure (the entry stays queued silently).
    public var isTransient: Bool {
        switch self {
        case .offline, .serverTrouble: true
        default: false
        }
    }
}
