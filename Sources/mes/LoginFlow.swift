import Foundation
import Synchronization
import Sync
import TerminalUI
import Vault

/// A login with a one-time code followed by the vault's first sync, as the screens drive it:
/// a kiosk visitor's (into an ephemeral vault made when the code is accepted) and the first
/// run's (into the vault it just created). Holds the challenge between password and code, the
/// vault, and the first sync's progress for the screen to show.
final class LoginFlow: Sendable {
    /// Why a step was refused, for each screen to say in its own words.
    enum Refusal: Sendable, Equatable {
        case wrongPassword, wrongCode, expiredCode, lockedOut, offline
        case other(String)

        /// The login starts again from the password.
        var restarts: Bool { self == .expiredCode || self == .lockedOut }
    }

    private let state = Mutex<State>(State())
    private let openVault: @Sendable () throws -> Vault
    private let ephemeral: Bool
    private let progressLines: AsyncStream<Int>
    private let progressInput: AsyncStream<Int>.Continuation

    private struct State {
        var challenge: LoginChallenge?
        var vault: Vault?
        var cleanup: Int?
    }

    /// `openVault` gives the vault the account goes into once the code is accepted; an
    /// `ephemeral` one is closed (key wiped, files removed) by `end()` and by any signal.
    init(ephemeral: Bool, openVault: @escaping @Sendable () throws -> Vault) {
        self.ephemeral = ephemeral
        self.openVault = openVault
        (progressLines, progressInput) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The vault, once the code was accepted.
    var vault: Vault? { state.withLock { $0.vault } }

    /// The first sync's progress (records received), as the screen's events.
    func progress<Event: Sendable>(_ event: @escaping @Sendable (Int) -> Event)
        -> @Sendable (_ post: @escaping @Sendable (Event) -> Void) async -> Void {
        { [progressLines] post in
            for await count in progressLines { post(event(count)) }
        }
    }

    /// Identifier and password: nil when the server sent a one-time code.
    func start(server: URL, identifier: String, password: String) async -> Refusal? {
        do {
            let challenge = try await LoginChallenge.start(server: server, identifier: identifier, password: password)
            state.withLock { $0.challenge = challenge }
            return nil
        } catch {
            return Self.refusal(error)
        }
    }

    /// The one-time code: nil once the account is in the vault and the first sync is done.
    func finish(code: String) async -> Refusal? {
        guard let challenge = state.withLock({ $0.challenge }) else { return .expiredCode }
        let account: Account
        do {
            account = try await challenge.finish(oneTimeCode: code)
        } catch {
            return Self.refusal(error)
        }
        state.withLock { $0.challenge = nil }
        progressInput.yield(0)
        do {
            let vault = try openVault()
            let token = ephemeral ? SessionEnding.register { vault.close() } : nil
            state.withLock {
                $0.vault = vault
                $0.cleanup = token
            }
            try account.save(in: vault)
            let input = progressInput
            _ = await SyncEngine(vault: vault).sync { progress in input.yield(progress.received) }
            return nil
        } catch {
            if ephemeral { end() }
            return .other(Sanitizer.sanitize(String(describing: error)))
        }
    }

    /// Done: the progress ends; an ephemeral vault is closed (key wiped, files removed).
    func end() {
        progressInput.finish()
        guard ephemeral else { return }
        let (vault, token) = state.withLock { state in
            defer { state = State() }
            return (state.vault, state.cleanup)
        }
        vault?.close()
        if let token { SessionEnding.unregister(token) }
    }

    static func refusal(_ error: any Error) -> Refusal {
        guard let error = error as? SyncError else { return .other(Sanitizer.sanitize(String(describing: error))) }
        switch error.code {
        case "offline", "server-trouble": return .offline
        case "login-refused:invalid-code": return .wrongCode
        case "login-refused:expired-code", "login-refused:invalid-challenge": return .expiredCode
        case "login-refused:locked-out": return .lockedOut
        case _ where error.code.hasPrefix("login-refused"): return .wrongPassword
        default: return .other(Sanitizer.sanitize(error.code))
        }
    }
}
