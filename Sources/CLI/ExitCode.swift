/// The exit codes of `mes` and `mes-server`, listed in their `--help`.
public enum ExitCode: Int32, CaseIterable, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
    /// The vault could not be unlocked (wrong passphrase or recovery key).
    case locked = 3
    /// The vault is damaged or was tampered with.
    case damaged = 4
    /// The server could not be reached; nothing was lost, work stays queued.
    case offline = 5
    /// Sync finished with conflicts or entries not sent.
    case incomplete = 6
    /// The server refused the credentials or the session expired.
    case unauthorized = 7
    /// What was asked for does not exist.
    case notFound = 8

    /// Localisation key describing the code in `--help`.
    public var helpKey: String {
        switch self {
        case .success: "exit.success"
        case .failure: "exit.failure"
        case .usage: "exit.usage"
        case .locked: "exit.locked"
        case .damaged: "exit.damaged"
        case .offline: "exit.offline"
        case .incomplete: "exit.incomplete"
        case .unauthorized: "exit.unauthorized"
        case .notFound: "exit.not-found"
        }
    }
}

/// Ends a command with an exit code and, optionally, a message already localised.
public struct CommandFailure: Error, Sendable {
    public var code: ExitCode
    public var message: String?
    public init(_ code: ExitCode, _ message: String? = nil) {
        self.code = code
        self.message = message
    }
}
