import Foundation

/// The executables of this package, as built next to the test bundle (`.build/<configuration>`).
public enum BuiltProducts {
    /// The build directory holding the test bundle and the executables.
    public static let directory: URL = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The bundle may be a directory (`…/mesPackageTests.xctest/…`): climb to the folder holding it.
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("mes").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// The path of an executable product such as `mes` or `mes-server`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The repository root (for `Localization/`, `Resources/`).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A directory under the system temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String = "mes-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
