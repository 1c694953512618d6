import Foundation
import L10n
import Synchronization
import TerminalUI

/// The user's display preferences: language, theme, screen-reader mode, and how soon the vault
/// locks when idle. Not health data; kept by a `SettingsStore`.
public struct AppSettings: Hashable, Sendable, Codable {
    public var language: Language
    public var theme: ThemeKind
    public var screenReader: Bool
    /// How long without a key before the vault locks (or a kiosk session ends); nil: never.
    public var lockAfter: Duration?

    /// The idle delay when none is set: five minutes.
    public static let defaultLockAfter = Duration.seconds(300)

    public init(language: Language = .default, theme: ThemeKind = .standard, screenReader: Bool = false,
                lockAfter: Duration? = AppSettings.defaultLockAfter) {
        self.language = language
        self.theme = theme
        self.screenReader = screenReader
        self.lockAfter = lockAfter
    }

    enum CodingKeys: String, CodingKey {
        case language, theme, screenReader
        /// Whole seconds; 0 for never.
        case lockAfterSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        language = (try? container.decode(String.self, forKey: .language)).flatMap(Language.init(rawValue:)) ?? .default
        theme = (try? container.decode(String.self, forKey: .theme)).flatMap(ThemeKind.init(rawValue:)) ?? .standard
        screenReader = (try? container.decode(Bool.self, forKey: .screenReader)) ?? false
        let seconds = (try? container.decode(Int.self, forKey: .lockAfterSeconds)).map { max(0, $0) }
        lockAfter = seconds.map { $0 == 0 ? nil : .seconds($0) } ?? Self.defaultLockAfter
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(language.rawValue, forKey: .language)
        try container.encode(theme.rawValue, forKey: .theme)
        try container.encode(screenReader, forKey: .screenReader)
        try container.encode(lockAfter.map { Int($0.components.seconds) } ?? 0, forKey: .lockAfterSeconds)
    }
}

/// Where the display preferences are kept: `settings.json` in the mes home, or only in memory for
/// a session that must leave nothing behind (`mes --demo`, `--kiosk`).
public struct SettingsStore: Sendable {
    private enum Storage: Sendable {
        case file(URL)
        case memory(Memory)
    }

    private final class Memory: Sendable {
        let value: Mutex<AppSettings?>
        init(_ value: AppSettings?) { self.value = Mutex(value) }
    }

    private let storage: Storage

    /// `settings.json` in `directory`.
    public init(directory: URL) {
        storage = .file(directory.appendingPathComponent("settings.json"))
    }

    private init(memory: AppSettings?) {
        storage = .memory(Memory(memory))
    }

    /// Settings that live as long as the program and touch no file.
    public static func inMemory(_ initial: AppSettings? = nil) -> SettingsStore { SettingsStore(memory: initial) }

    /// The file, nil when the settings live in memory.
    public var file: URL? {
        if case .file(let file) = storage { file } else { nil }
    }

    /// The saved settings, or nil when there are none (or they cannot be read).
    public func load() -> AppSettings? {
        switch storage {
        case .memory(let memory): return memory.value.withLock { $0 }
        case .file(let file):
            guard let data = try? Data(contentsOf: file) else { return nil }
            return try? JSONDecoder().decode(AppSettings.self, from: data)
        }
    }

    /// Saves (a file atomically, creating its directory 0700 if needed, the file 0600).
    public func save(_ settings: AppSettings) throws {
        switch storage {
        case .memory(let memory): memory.value.withLock { $0 = settings }
        case .file(let file):
            let directory = file.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(settings).write(to: file, options: .atomic)
            // Like everything else in the mes home: readable by its owner only.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        }
    }
}
