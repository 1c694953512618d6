import CLI
import Crypto
import Foundation
import L10n
import Vault

/// `mes vault init|passwd|recover|check`: create the encrypted vault, change its passphrase,
/// open it with the recovery key, verify it. Secrets come from the prompt, a file or a file
/// descriptor, never from argv or the environment.
enum VaultCommands {
    static let all: [MesCommand] = [initialize, changePassphrase, recover, check, cache, unlock, lock]

    /// Opens the vault with the key `mes unlock` left in the session, else with the passphrase
    /// (prompt, file or descriptor).
    static func openVault(_ context: MesContext, _ directory: VaultDirectory) throws -> Vault {
        if let vault = KeyAgent.open(in: directory) { return vault }
        let passphrase = try SecretInput.read(from: context.passphraseSource(), promptText: tr("vault.prompt.passphrase"))
        return try Vault.open(in: directory, passphrase: passphrase)
    }

    /// `mes unlock [--minutes N]`: one unlock per session (issue 20). The passphrase is asked
    /// once; the vault's key then stays in the kernel's session keyring for N minutes (15 by
    /// default), and the commands of this login session open the vault without asking.
    static let unlock = MesCommand(spec: CommandSpec(["unlock"], summary: "vault.unlock.summary", options: [
        OptionSpec("--minutes", value: "N", help: "option.unlock-minutes"),
    ]).examples("unlock", "unlock --minutes 60")) { context in
        let directory = VaultDirectory(context.home)
        let minutes = try context.arguments.value("--minutes").map { text throws(UsageError) -> Int in
            guard let minutes = Int(text), (1...1_440).contains(minutes) else {
                throw UsageError(.invalidValue(option: "--minutes", value: text))
            }
            return minutes
        } ?? 15
        return try run(directory) {
            KeyAgent.forget(directory)
            let passphrase = try SecretInput.read(from: context.passphraseSource(), promptText: tr("vault.prompt.passphrase"))
            let vault = try Vault.open(in: directory, passphrase: passphrase)
            defer { vault.close() }
            do {
                try KeyAgent.remember(vault, for: .seconds(minutes * 60))
            } catch {
                throw CommandFailure(.failure, tr("vault.unlock.unavailable"))
            }
            Console.confirm(tr("vault.unlock.done", ["minutes": String(minutes)]))
        }
    }

    /// `mes lock`: drops the key `mes unlock` left in the session.
    static let lock = MesCommand(spec: CommandSpec(["lock"], summary: "vault.lock.summary").examples("lock")) { context in
        let directory = VaultDirectory(context.home)
        Console.output(tr(KeyAgent.forget(directory) ? "vault.lock.done" : "vault.lock.none"))
        return .success
    }

    static let newPassphraseOptions = [
        OptionSpec("--new-passphrase-file", value: "FILE", help: "option.new-passphrase-file"),
        OptionSpec("--new-passphrase-fd", value: "N", help: "option.new-passphrase-fd"),
    ]

    static let initialize = MesCommand(spec: CommandSpec(["vault", "init"], summary: "vault.init.summary").examples("vault init", "vault init --passphrase-file ~/.config/mes/passphrase")) { context in
        let directory = VaultDirectory(context.home)
        return try run(directory) {
            // A new passphrase: typed twice at the prompt.
            let passphrase = try readNewPassphrase(from: context.passphraseSource(), prompt: "vault.prompt.passphrase")
            let (vault, recoveryKey) = try Vault.create(in: directory, passphrase: passphrase)
            vault.close()
            Console.output(tr("vault.init.created", ["path": directory.url.path]))
            Console.output("")
            Console.output(tr("vault.init.recovery-key-intro"))
            Console.output("")
            Console.output("    " + recoveryKey.grouped)
            Console.output("")
        }
    }

    static let changePassphrase = MesCommand(spec: CommandSpec(["vault", "passwd"], summary: "vault.passwd.summary",
                                                               options: newPassphraseOptions).examples("vault passwd")) { context in
        let directory = VaultDirectory(context.home)
        return try run(directory) {
            let current = try SecretInput.read(from: context.passphraseSource(), promptText: tr("vault.prompt.passphrase"))
            let vault = try Vault.open(in: directory, passphrase: current)
            defer { vault.close() }
            let source = try SecretSource.from(context.arguments, file: "--new-passphrase-file", fd: "--new-passphrase-fd")
            try vault.changePassphrase(to: readNewPassphrase(from: source, prompt: "vault.prompt.new-passphrase"))
            Console.confirm(tr("vault.passwd.done"))
        }
    }

    static let recover = MesCommand(spec: CommandSpec(["vault", "recover"], summary: "vault.recover.summary", options: [
        OptionSpec("--recovery-key-file", value: "FILE", help: "option.recovery-key-file"),
        OptionSpec("--recovery-key-fd", value: "N", help: "option.recovery-key-fd"),
    ] + newPassphraseOptions).examples("vault recover")) { context in
        let directory = VaultDirectory(context.home)
        return try run(directory) {
            let keySource = try SecretSource.from(context.arguments, file: "--recovery-key-file", fd: "--recovery-key-fd")
            let recoveryKey = try RecoveryKey.parse(SecretInput.read(from: keySource, promptText: tr("vault.prompt.recovery-key")))
            let vault = try Vault.open(in: directory, recoveryKey: recoveryKey)
            defer { vault.close() }
            let source = try SecretSource.from(context.arguments, file: "--new-passphrase-file", fd: "--new-passphrase-fd")
            try vault.changePassphrase(to: readNewPassphrase(from: source, prompt: "vault.prompt.new-passphrase"))
            Console.confirm(tr("vault.recover.done"))
        }
    }

    static let check = MesCommand(spec: CommandSpec(["vault", "check"], summary: "vault.check.summary").examples("vault check")) { context in
        let directory = VaultDirectory(context.home)
        var intact = true
        _ = try run(directory) {
            let passphrase = try SecretInput.read(from: context.passphraseSource(), promptText: tr("vault.prompt.passphrase"))
            let vault = try Vault.open(in: directory, passphrase: passphrase)
            defer { vault.close() }
            let report = try vault.verify()
            intact = report.isIntact
            guard !intact else {
                Console.output(tr("vault.check.ok", ["pages": String(report.pagesChecked), "frames": String(report.framesChecked)]))
                return
            }
            Console.error(tr("vault.error.damaged"))
            if report.structureUnreadable { Console.error(tr("vault.check.structure-unreadable")) }
            for problem in report.structureProblems.prefix(20) { Console.error(tr("vault.check.structure", ["message": problem])) }
            if !report.damagedPages.isEmpty {
                Console.error(tr("vault.check.pages", ["pages": report.damagedPages.map(String.init).joined(separator: ", ")]))
            }
            if !report.damagedFrames.isEmpty {
                Console.error(tr("vault.check.frames", ["frames": report.damagedFrames.map(String.init).joined(separator: ", ")]))
            }
        }
        return intact ? .success : .damaged
    }

    /// `mes vault cache [MIB]`: the vault's page cache per connection (issue 20), shown or set.
    /// Kept in the vault and applied whenever it is opened: each page missed costs a decryption.
    static let cache = MesCommand(spec: CommandSpec(["vault", "cache"], summary: "vault.cache.summary", optionalArguments: ["MIB"])
        .examples("vault cache", "vault cache 16")) { context in
        let directory = VaultDirectory(context.home)
        let mebibytes = try context.arguments.positionals.first.map { text throws(UsageError) -> Int in
            guard let value = Int(text), VaultSettings.pageCacheRange.contains(value * 1024) else {
                throw UsageError(.invalidValue(option: "MIB", value: text))
            }
            return value
        }
        return try run(directory) {
            let vault = try openVault(context, directory)
            defer { vault.close() }
            if let mebibytes { try vault.setPageCache(kib: mebibytes * 1024) }
            let shown = String(try vault.pageCacheKiB / 1024)
            Console.output(mebibytes == nil ? tr("vault.cache.shown", ["mib": shown]) : tr("vault.cache.set", ["mib": shown]))
        }
    }

    /// A new passphrase: from a file or descriptor as is; at the prompt, typed twice.
    static func readNewPassphrase(from source: SecretSource, prompt: String) throws -> SecureBytes {
        let passphrase = try SecretInput.read(from: source, promptText: tr(prompt))
        if source == .prompt {
            let confirmation = try SecretInput.read(from: source, promptText: tr("vault.prompt.confirm-passphrase"))
            guard passphrase.isEqual(to: confirmation) else { throw CommandFailure(.failure, tr("vault.error.mismatch")) }
        }
        return passphrase
    }

    /// Runs a vault command, turning vault and input errors into messages and exit codes.
    static func run(_ directory: VaultDirectory, _ body: () throws -> Void) throws -> ExitCode {
        do {
            try body()
            return .success
        } catch {
            throw failure(error, directory: directory)
        }
    }

    /// `run` for a body that waits (on the network).
    static func run(_ directory: VaultDirectory, _ body: () async throws -> Void) async throws -> ExitCode {
        do {
            try await body()
            return .success
        } catch {
            throw failure(error, directory: directory)
        }
    }

    /// Opens the vault of `--home` (passphrase from the prompt, a file or a descriptor) for a
    /// body that waits (on the network); the failure it returns is thrown once the vault is closed.
    static func withVault(_ context: MesContext, waiting body: (Vault) async throws -> CommandFailure?) async throws -> ExitCode {
        let directory = VaultDirectory(context.home)
        var failure: CommandFailure?
        let code = try await run(directory) {
            let vault = try openVault(context, directory)
            defer { vault.close() }
            failure = try await body(vault)
        }
        if let failure { throw failure }
        return code
    }

    /// A vault or passphrase error as the message and exit code the user gets; others unchanged.
    static func failure(_ error: any Error, directory: VaultDirectory) -> any Error {
        switch error {
        case let error as VaultError: CommandFailure(exitCode(for: error), error.message(directory: directory))
        case let error as SecretInputError: error.failure
        default: error
        }
    }

    static func exitCode(for error: VaultError) -> ExitCode {
        switch error {
        case .wrongPassphrase, .wrongRecoveryKey, .malformedRecoveryKey, .locked: .locked
        case .damaged, .keysMissing: .damaged
        case .notFound: .notFound
        case .alreadyExists, .insecureDirectory, .insecureFile, .schemaTooNew, .emptyPassphrase: .failure
        }
    }
}
