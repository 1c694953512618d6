import Foundation
import SQLite

/// Wrong codes — one-time login codes and temporary access codes alike — counted per account:
/// `maximumFailures` within `window` lock the account out of codes for `duration` (429). Without
/// it, a one-time code is a second factor only in name: each new login brings a fresh challenge.
enum CodeLockout {
    static let window: TimeInterval = 15 * 60
    static let duration: TimeInterval = 15 * 60
    static let maximumFailures = 5

    /// The seconds left of the account's lock-out; nil when it is not locked out.
    static func remaining(_ db: Database, accountID: String, now: Date) throws -> Int? {
        let seconds = now.timeIntervalSince1970
        guard let until = try db.queryFirst("SELECT until FROM lockouts WHERE account_id = ? AND until > ?", [accountID, seconds],
                                            map: { $0.double(0) }) else { return nil }
        return Int((until - seconds).rounded(.up))
    }

    /// Counts a wrong code; true when this one locks the account out.
    static func recordFailure(_ db: Database, accountID: String, now: Date) throws -> Bool {
        let seconds = now.timeIntervalSince1970
        try db.run("INSERT INTO failed_codes (account_id, at) VALUES (?, ?)", [accountID, seconds])
        try db.run("DELETE FROM failed_codes WHERE at < ?", [seconds - window])
        let failures = try db.scalar("SELECT count(*) FROM failed_codes WHERE account_id = ? AND at > ?", [accountID, seconds - window])
        guard case .integer(let count) = failures, count >= maximumFailures else { return false }
        try db.run("INSERT OR REPLACE INTO lockouts (account_id, until) VALUES (?, ?)", [accountID, seconds + duration])
        try db.run("DELETE FROM failed_codes WHERE account_id = ?", [accountID])
        return true
    }

    static func lockedOut(retryAfter seconds: Int) -> APIError {
        .tooManyRequests("too many wrong codes; try again later", retryAfter: seconds, detail: "locked-out")
    }
}
