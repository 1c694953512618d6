import Foundation

/// FoundationNetworking creates directories in the user's home as soon as a URLSession exists
/// (`~/.cache/org.swift.foundation.URLCache/mes` and `~/.local/share/<folder>` for its shared
/// cache and cookie store), even though mes turns both off. A session that must leave nothing in
/// the home (`--demo`, `--kiosk`) points them at a private temporary folder instead, removed at the end.
struct FoundationDirectories {
    let folder: URL

    /// Call before the first URLSession is made. Nil if no private folder could be made (then
    /// the empty directories land in the home, as for any other run).
    static func redirectOutOfHome() -> FoundationDirectories? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mes-foundation-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        setenv("XDG_CACHE_HOME", folder.appendingPathComponent("cache").path, 1)
        setenv("XDG_DATA_HOME", folder.appendingPathComponent("data").path, 1)
        return FoundationDirectories(folder: folder)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
