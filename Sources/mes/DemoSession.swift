import CLI
import Foundation
import L10n
import LocalServer
import Sync
import Vault

/// `mes --demo`: a `mes-server` seeded with the demo world on a free loopback port, an ephemeral
/// vault, a login as the demo holder (password and one-time code read from the server's data
/// folder, as a person would read them from their phone), and a first sync — no question asked.
/// Closing it stops the server, removes its data and destroys the vault; if `mes` is killed, the
/// server sees its standard input close and removes its data itself.
final class DemoSession: Sendable {
    let server: LocalServer
    let vault: Vault
    let account: Account

    /// One account of the server's `demo-accounts.json` (Docs/server-api.md).
    private struct DemoAccount: Decodable {
        var role: String
        var identifier: String
        var password: String
    }

    private init(server: LocalServer, vault: Vault, account: Account) {
        self.server = server
        self.vault = vault
        self.account = account
    }

    /// Starts everything; `report` receives localised progress lines for the terminal.
    static func start(report: (String) -> Void) async throws -> DemoSession {
        report(tr("demo.starting-server"))
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(SessionEnding.folderName(SessionEnding.demoPrefix))
        let server: LocalServer
        do {
            server = try LocalServer.start(dataDirectory: data, arguments: ["--seed", "demo", "--remove-data-on-exit"])
        } catch {
            try? FileManager.default.removeItem(at: data)
            throw CommandFailure(.failure, tr("demo.server-failed", ["reason": String(describing: error)]))
        }
        do {
            let accounts = try JSONDecoder().decode([DemoAccount].self,
                                                    from: Data(contentsOf: data.appendingPathComponent("demo-accounts.json")))
            guard let holder = accounts.first(where: { $0.role == "holder" }) else {
                throw CommandFailure(.failure, tr("demo.no-holder"))
            }
            report(tr("demo.logging-in"))
            let otpFile = data.appendingPathComponent("otp/\(holder.identifier).txt")
            let account = try await Account.login(server: server.url, identifier: holder.identifier, password: holder.password) {
                try String(contentsOf: otpFile, encoding: .utf8)
            }
            let vault = try Vault.ephemeral()
            try account.save(in: vault)
            report(tr("demo.syncing"))
            _ = await SyncEngine(vault: vault).sync()
            return DemoSession(server: server, vault: vault, account: account)
        } catch {
            server.stop()
            try? FileManager.default.removeItem(at: data)
            throw error
        }
    }

    /// Stops the server, removes its data and destroys the vault (its key and its files).
    func close() {
        vault.close()
        server.stop()
        try? FileManager.default.removeItem(at: server.dataDirectory)
    }
}
