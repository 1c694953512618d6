import Foundation

/// Where the programs find `Localization/` and `Resources/`: `$MES_SHARE_DIR` if set, else
/// `share/mes` beside the install prefix of the executable, else the source checkout the
/// executable was built in (found by walking up from it).
public enum ShareDirectory {
    public static let environmentVariable = "MES_SHARE_DIR"

    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String = Self.executablePath()
    ) -> URL? {
        if let override = environment[environmentVariable], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        let installed = directory.deletingLastPathComponent().appendingPathComponent("share/mes", isDirectory: true)
        if isShareDirectory(installed) { return installed }
        while directory.path != "/" {
            if isShareDirectory(directory) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The path of the running executable (`/proc/self/exe` on Linux).
    public static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private static func isShareDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("Localization").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
