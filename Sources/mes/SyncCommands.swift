import CLI
import Crypto
import Foundation
import HealthRecord
import L10n
import Sync
import TerminalUI
import Vault

/// `mes login`, `mes sync`, `mes status`, `mes conflicts`: the account and the sync engine
/// from the command line.
enum SyncCommands {
    static let all: [MesCommand] = [login, sync, status, conflicts, resolve]

    static let login = MesCommand(spec: CommandSpec(["login"], summary: "sync.command.login", options: [
        OptionSpec("--server", value: "URL", help: "sync.option.server"),
        OptionSpec("--identifier", value: "ID", help: "sync.option.identifier"),
        OptionSpec("--password-file", value: "FILE", help: "sync.option.password-file"),
        OptionSpec("--password-fd", value: "N", help: "sync.option.password-fd"),
        OptionSpec("--otp-file", value: "FILE", help: "sync.option.otp-file"),
        OptionSpec("--otp-fd", value: "N", help: "sync.option.otp-fd"),
    ]).examples("login --server https://mes.example.fr --identifier jeanne.martin", "login --server http://127.0.0.1:8080 --identifier demo --password-fd 3 --otp-fd 4"), run: runLogin)

    static let sync = MesCommand(spec: CommandSpec(["sync"], summary: "sync.command.sync", options: [
        OptionSpec("--page-size", value: "N", help: "sync.option.page-size"),
    ]).examples("sync", "sync --page-size 200"), run: runSync)
    static let status = MesCommand(spec: CommandSpec(["status"], summary: "sync.command.status").examples("status"), run: runStatus)
    static let conflicts = MesCommand(spec: CommandSpec(["conflicts"], summary: "sync.command.conflicts").examples("conflicts"), run: runConflicts)
    static let resolve = MesCommand(spec: CommandSpec(["conflicts", "resolve"], summary: "sync.command.resolve",
                                                      arguments: ["ID", "keep-mine|keep-theirs"]).examples("conflicts resolve 3f2a keep-mine"), run: runResolve)

    // MARK: login

    static func runLogin(_ context: MesContext) async throws -> ExitCode {
        let passwordSource = try SecretSource.from(context.arguments, file: "--password-file", fd: "--password-fd")
        let codeSource = try SecretSource.from(context.arguments, file: "--otp-file", fd: "--otp-fd")
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let stored = try Account.stored(in: vault)
        guard let serverText = try context.arguments.value("--server") ?? stored?.server.absoluteString ?? context.configFile()["server"],
              let server = URL(string: serverText), server.scheme == "http" || server.scheme == "https" else {
            throw CommandFailure(.usage, tr("sync.error.server-required"))
        }
        guard let identifier = try context.arguments.value("--identifier") ?? stored?.identifier ?? promptIdentifier() else {
            throw CommandFailure(.usage, tr("sync.error.identifier-required"))
        }
        let password = try SecretInput.read(from: passwordSource, promptText: tr("sync.prompt.password"))
        do {
            let challenge = try await LoginChallenge.start(server: server, identifier: identifier, password: password.text)
            // The server creates and sends the code only now: read it after the password was accepted.
            Console.error(tr("sync.login.code-sent"))
            let code = try SecretInput.read(from: codeSource, promptText: tr("sync.prompt.code"))
            let account = try await challenge.finish(oneTimeCode: code.text)
            try account.save(in: vault)
            Console.output(tr("sync.login.done", ["name": Sanitizer.sanitize(account.displayName), "server": server.absoluteString]))
            return .success
        } catch let error as SyncError {
            throw failure(error)
        }
    }

    private static func promptIdentifier() throws -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data(tr("sync.prompt.identifier").utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces).nonEmpty
    }

    // MARK: sync

    static func runSync(_ context: MesContext) async throws -> ExitCode {
        var options = SyncEngine.Options()
        if let text = context.arguments.value("--page-size") {
            guard let size = Int(text), (1...1000).contains(size) else { throw UsageError(.invalidValue(option: "--page-size", value: text)) }
            options.pageSize = size
        }
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let printer = ProgressPrinter()
        let report = await SyncEngine(vault: vault, options: options).sync { printer.show($0) }
        printer.finish()
        if report.stopReason == .vaultDamaged { throw CommandFailure(.damaged, tr("vault.error.damaged")) }
        Console.output(tr("sync.summary", ["sent": String(report.sent), "received": String(report.received),
                                           "conflicts": String(report.conflicts), "errors": String(report.errors)]))
        for lost in report.lostChanges where lost.count > 0 {
            Console.error(trPlural("spaces.lost.reported", count: lost.count, ["space": Sanitizer.sanitize(lost.spaceName, policy: .name)]))
        }
        for failure in report.failures {
            Console.error(tr("sync.failure", ["kind": failure.kind, "id": Sanitizer.sanitize(failure.recordID),
                                              "reason": describe(code: failure.code)]))
        }
        switch report.outcome {
        case .complete:
            return .success
        case .incomplete:
            if report.conflicts > 0 { Console.error(tr("sync.outcome.conflicts")) }
            if report.pending > 0 { Console.error(trPlural("sync.outcome.pending", count: report.pending)) }
            if let reason = report.stopReason { Console.error(describe(code: reason.code)) }
            return .incomplete
        case .offline:
            Console.error(tr("sync.outcome.offline"))
            return .offline
        case .unauthorized:
            Console.error(tr(report.stopReason == .notLoggedIn ? "sync.outcome.not-logged-in" : "sync.outcome.unauthorized"))
            return .unauthorized
        }
    }

    // MARK: status

    static func runStatus(_ context: MesContext) async throws -> ExitCode {
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let account = try Account.stored(in: vault)
        let (pending, last, conflicts, spaces) = try vault.read { session in
            (try session.outbox.pending(limit: Int.max), try SyncSettings.lastSync(session), try session.conflicts.all(),
             try SyncSettings.spaces(session))
        }
        if let account {
            Console.output(tr("sync.status.account", ["identifier": Sanitizer.sanitize(account.identifier), "server": account.server.absoluteString]))
            if account.tokenHasExpired() { Console.output(tr("sync.status.expired")) }
        } else {
            Console.output(tr("sync.status.no-account"))
        }
        Console.output(trPlural("sync.status.spaces", count: spaces.count))
        if let last {
            Console.output(tr("sync.status.last", ["date": format(last.date), "sent": String(last.sent), "received": String(last.received)]))
        } else {
            Console.output(tr("sync.status.never"))
        }
        Console.output(trPlural("sync.status.outbox", count: pending.count))
        for entry in pending where entry.lastError != nil {
            Console.output("  " + tr("sync.failure", ["kind": entry.kind.rawValue, "id": Sanitizer.sanitize(entry.recordID),
                                                      "reason": describe(code: entry.lastError ?? "")]))
        }
        Console.output(trPlural("sync.status.conflicts", count: conflicts.count))
        return .success
    }

    // MARK: conflicts

    static func runConflicts(_ context: MesContext) async throws -> ExitCode {
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let conflicts = try vault.read { try $0.conflicts.all() }
        if conflicts.isEmpty { Console.output(tr("sync.conflicts.none")) }
        for conflict in conflicts {
            let field = conflict.field == SyncConflict.wholeRecord ? tr("sync.conflicts.whole-record") : conflict.field
            Console.output(tr("sync.conflicts.item", ["id": String(conflict.id.prefix(8)), "kind": conflict.kind.rawValue,
                                                      "record": Sanitizer.sanitize(conflict.recordID), "field": Sanitizer.sanitize(field)]))
            Console.output("  " + tr("sync.conflicts.mine", ["value": Sanitizer.sanitize(conflict.local ?? tr("sync.conflicts.absent"))]))
            Console.output("  " + tr("sync.conflicts.theirs", ["value": Sanitizer.sanitize(conflict.remote ?? tr("sync.conflicts.absent"))]))
        }
        return .success
    }

    static func runResolve(_ context: MesContext) async throws -> ExitCode {
        let prefix = context.arguments.positionals[0]
        guard let resolution = SyncConflict.Resolution(rawValue: context.arguments.positionals[1]) else {
            throw UsageError(.invalidValue(option: "keep-mine|keep-theirs", value: context.arguments.positionals[1]))
        }
        let vault = try VaultOpener.open(context)
        defer { vault.close() }
        let resolved = try vault.write { session -> Bool in
            let matches = try session.conflicts.all().filter { $0.id.hasPrefix(prefix) }
            guard matches.count == 1, let conflict = matches.first else { return false }
            return try session.conflicts.resolve(conflict.id, resolution)
        }
        guard resolved else { throw CommandFailure(.notFound, tr("sync.conflicts.unknown", ["id": Sanitizer.sanitize(prefix)])) }
        Console.output(tr("sync.conflicts.resolved"))
        return .success
    }

    // MARK: Messages

    static func failure(_ error: SyncError) -> CommandFailure {
        switch error {
        case .offline, .serverTrouble: CommandFailure(.offline, tr("sync.outcome.offline"))
        case .unauthorized, .loginRefused: CommandFailure(.unauthorized, describe(code: error.code))
        default: CommandFailure(.failure, describe(code: error.code))
        }
    }

    /// A `SyncError.code` in words.
    static func describe(code: String) -> String {
        switch code {
        case "offline", "server-trouble": tr("sync.reason.offline")
        case "unauthorized": tr("sync.outcome.unauthorized")
        case "login-refused:invalid-code", "login-refused:expired-code", "login-refused:invalid-challenge": tr("sync.reason.wrong-code")
        case "login-refused:locked-out": tr("sync.reason.locked-out")
        case _ where code.hasPrefix("login-refused"): tr("sync.reason.wrong-password")
        case _ where code.hasPrefix("http-403"): tr("sync.reason.forbidden")
        case _ where code.hasPrefix("http-4"): tr("sync.reason.rejected", ["code": Sanitizer.sanitize(code)])
        case "content-mismatch": tr("sync.reason.content-mismatch")
        case "vault-damaged": tr("vault.error.damaged")
        default: tr("sync.reason.other", ["code": Sanitizer.sanitize(code)])
        }
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: Localizer.shared.language == .french ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        return formatter.string(from: date)
    }
}

/// Opens the vault of `--home` with the passphrase from the prompt, `--passphrase-file` or
/// `--passphrase-fd`; vault errors become the vault commands' messages and exit codes.
enum VaultOpener {
    static func open(_ context: MesContext) throws -> Vault {
        let directory = VaultDirectory(context.home)
        var opened: Vault?
        _ = try VaultCommands.run(directory) { opened = try VaultCommands.openVault(context, directory) }
        guard let opened else { throw CommandFailure(.failure) }
        return opened
    }
}

/// `mes sync`'s progress: a bar on a terminal, plain lines otherwise (on standard error).
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let reporter = ProgressReporter()

    func show(_ progress: SyncProgress) {
        lock.lock()
        defer { lock.unlock() }
        switch progress.phase {
        case .pushing:
            reporter.update(tr("sync.progress.sending"), done: progress.sent, total: progress.toSend, bytes: progress.bytesSent)
        case .pulling:
            reporter.update(tr("sync.progress.receiving"), done: progress.received, total: nil, bytes: progress.bytesReceived)
        case .fetchingContents:
            reporter.update(tr("sync.progress.contents"), done: progress.contentsFetched, total: nil, bytes: progress.bytesReceived)
        case .retrying:
            reporter.update(tr("sync.progress.retrying"), done: 0, total: nil, force: true)
        case .discovering, .finished:
            break
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        reporter.finish()
    }
}

extension SecureBytes {
    /// The secret as text, for a request body (kept only as long as the request).
    var text: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
