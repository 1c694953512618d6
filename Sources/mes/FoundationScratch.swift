import Foundation

/// Foundation's networking creates per-user folders as soon as a URLSession configuration exists
/// (`$XDG_CACHE_HOME/org.swift.foundation.URLCache/…`, `$XDG_DATA_HOME/<program>`), even for an
/// ephemeral session with no cache. A demo or kiosk session must leave the user's home untouched,
/// so before any networking those two variables point at a private folder removed at the end.
enum FoundationScratch {
    /// Creates the private folder and points Foundation's per-user locations at it.
    static func redirect() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(SessionEnding.folderName(SessionEnding.scratchPrefix))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        setenv("XDG_CACHE_HOME", directory.path, 1)
        setenv("XDG_DATA_HOME", directory.path, 1)
        return directory
    }
}
