import Crypto
import Foundation

/// The reference backend, assembled: the store in DATA, the router, the HTTP daemon.
public final class ServerApp: Sendable {
    public enum ConfigurationError: Error, Equatable, Sendable {
        /// Plain HTTP is allowed on loopback only.
        case tlsRequired(String)
        case tlsFileUnreadable(String)
    }

    public let dataDirectory: URL
    public let settings: ServerSettings
    public let clock = ServerClock()
    let store: Store

    public init(dataDirectory: URL, settings: ServerSettings) throws {
        try Sodium.initialize()
        self.dataDirectory = dataDirectory
        self.settings = settings
        store = try Store(directory: dataDirectory, searchCacheEntries: settings.searchCacheEntries)
    }

    /// Fills the store (`demo` or `synthetic:N`); idempotent. Returns the accounts written to
    /// `DATA/demo-accounts.json`.
    @discardableResult
    public func seed(_ plan: SeedPlan) throws -> [DemoAccount] {
        try Seeder(store: store, settings: settings, now: clock.now, dataDirectory: dataDirectory).run(plan)
    }

    /// Starts listening. Refuses a non-loopback address without TLS.
    public func start(address: ListenAddress, tlsKeyFile: String?, tlsCertificateFile: String?, threads: Int,
                      maximumBodyBytes: Int, idleTimeoutSeconds: Int, maximumConnections: Int = 4096,
                      maximumConnectionsPerAddress: Int = 64) throws -> HTTPDaemon {
        var configuration = HTTPDaemon.Configuration(address: address)
        configuration.threads = threads
        configuration.maximumBodyBytes = maximumBodyBytes
        configuration.idleTimeoutSeconds = idleTimeoutSeconds
        configuration.maximumConnections = maximumConnections
        configuration.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        if let tlsKeyFile, let tlsCertificateFile {
            guard let key = try? String(contentsOfFile: tlsKeyFile, encoding: .utf8) else { throw ConfigurationError.tlsFileUnreadable(tlsKeyFile) }
            guard let certificate = try? String(contentsOfFile: tlsCertificateFile, encoding: .utf8) else {
                throw ConfigurationError.tlsFileUnreadable(tlsCertificateFile)
            }
            configuration.tls = (key, certificate)
        } else if !address.isLoopback {
            throw ConfigurationError.tlsRequired(address.description)
        }
        let context = ServerContext(store: store, clock: clock, settings: settings, dataDirectory: dataDirectory)
        let router = Router(context: context, scheme: configuration.tls == nil ? "http" : "https")
        let daemon = HTTPDaemon(configuration: configuration, handler: router)
        try daemon.start()
        router.setBaseURL(daemon.url)
        return daemon
    }

    /// Flushes the write-ahead log (called after the daemon stopped).
    public func close() { store.checkpoint() }
}
