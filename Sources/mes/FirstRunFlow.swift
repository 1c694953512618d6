import CLI
import Crypto
import Documents
import Features
import Foundation
import L10n
import Synchronization
import TerminalUI
import Vault

/// `mes` with no vault yet: the first run's screens (`FirstRun`), with the vault created in
/// `--home`, the recovery key printed through CUPS when asked, the login and the first sync.
enum FirstRunFlow {
    enum Outcome {
        /// The vault was made (and, unless skipped, logged in and synced).
        case opened(Vault)
        /// The user looks around first, with no vault.
        case explore
        /// The user left before anything was made.
        case quit
    }

    @MainActor
    static func run(_ context: MesContext, screenReader: Bool) throws -> Outcome {
        let directory = VaultDirectory(context.home)
        let created = Mutex<Vault?>(nil)
        let login = LoginFlow(ephemeral: false) {
            guard let vault = created.withLock({ $0 }) else { throw VaultError.locked }
            return vault
        }
        defer { login.end() }
        let canPrint = DocumentOutput.canPrint()
        let services = FirstRunServices(
            createVault: { passphrase in
                do {
                    let (vault, recoveryKey) = try Vault.create(in: directory, passphrase: passphrase)
                    created.withLock { $0 = vault }
                    return .success(recoveryKey.grouped)
                } catch let error as VaultError {
                    return .failure(FirstRunFailure(error.message(directory: directory)))
                } catch {
                    return .failure(FirstRunFailure(Sanitizer.sanitize(String(describing: error))))
                }
            },
            printRecoveryKey: canPrint ? { @Sendable key in
                let sheet = tr("welcome.key.title") + "\n\n    " + key + "\n\n" + tr("welcome.key.body") + "\n"
                do {
                    return tr("welcome.key.printed", ["message": try DocumentOutput.print(Array(sheet.utf8))])
                } catch {
                    return tr("welcome.key.print-failed", ["message": Sanitizer.sanitize(String(describing: error))])
                }
            } : nil,
            checkPassword: { server, identifier, password in
                guard let url = URL(string: server), url.host != nil else { return .refused("welcome.login.server-invalid") }
                return outcome(await login.start(server: url, identifier: identifier, password: password.text))
            },
            checkCode: { code in outcome(await login.finish(code: code)) })
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(environment: context.environment)
        } catch {
            throw CommandFailure(.failure, error.description)
        }
        defer { terminal.close() }
        let runtime = Runtime(app: FirstRun(services: services, screenReader: screenReader), backend: terminal)
        runtime.subscribe(login.progress { count in
            FirstRun.Event.progress(count == 0 ? tr("welcome.sync.starting") : tr("welcome.sync.progress", ["count": String(count)]))
        })
        _ = runtime.run()
        runtime.cancelSubscriptions()
        if let vault = created.withLock({ $0 }) { return .opened(vault) }
        return runtime.app.explore ? .explore : .quit
    }

    /// A refusal in the first run's words.
    static func outcome(_ refusal: LoginFlow.Refusal?) -> KioskLogin.Outcome {
        switch refusal {
        case nil: .accepted
        case .wrongPassword?: .refused("welcome.error.wrong-password")
        case .wrongCode?: .refused("welcome.error.wrong-code")
        case .expiredCode?: .restart("welcome.error.expired-code")
        case .lockedOut?: .restart("welcome.error.locked-out")
        case .offline?: .refused("welcome.error.offline")
        case .other(let reason)?: .refused("welcome.error.other", detail: reason)
        }
    }
}
