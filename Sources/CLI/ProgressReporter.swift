import Foundation

/// Shows the progress of long work on standard error, and only there and only on a terminal:
/// a bar redrawn in place. Redirected to a file or a pipe, or with `--quiet`, it shows nothing
/// (a script reads the command's answer and its exit code; a log keeps no bar). With
/// `plainLines`, a caller that wants a log of the steps gets plain lines instead (at most one
/// per `lineInterval`, plus the last).
public final class ProgressReporter {
    private let isTerminal: Bool
    private let width: Int
    private let lineInterval: TimeInterval
    private var lastLine = Date.distantPast
    private var drewBar = false
    private let write: (String) -> Void
    private let plainLines: Bool
    private let quiet: Bool

    public init(isTerminal: Bool = isatty(STDERR_FILENO) == 1, width: Int = 30, lineInterval: TimeInterval = 1,
                plainLines: Bool = false, quiet: Bool = Console.isQuiet,
                write: @escaping (String) -> Void = { Console.write($0, to: STDERR_FILENO) }) {
        self.isTerminal = isTerminal
        self.plainLines = plainLines
        self.quiet = quiet
        self.width = width
        self.lineInterval = lineInterval
        self.write = write
    }

    /// Reports `done` of `total` (nil when the total is not known yet), with an already localised label.
    public func update(_ label: String, done: Int, total: Int?, bytes: Int? = nil, force: Bool = false) {
        guard !quiet else { return }
        let counts = total.map { "\(done)/\($0)" } ?? "\(done)"
        let size = bytes.map { " · " + Self.formatBytes($0) } ?? ""
        if isTerminal {
            let fraction = total.map { $0 > 0 ? min(Double(done) / Double($0), 1) : 1 } ?? 0
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("\r\u{1B}[2K\(label) [\(bar)] \(counts)\(size)")
            drewBar = true
        } else if plainLines, force || Date().timeIntervalSince(lastLine) >= lineInterval {
            write("\(label): \(counts)\(size)\n")
            lastLine = Date()
        }
    }

    /// Ends the bar's line (on a terminal) so what follows starts on a fresh line.
    public func finish() {
        if isTerminal && drewBar { write("\n") }
        drewBar = false
    }

    /// Bytes in binary units, with one decimal above a kibibyte: `512 B`, `1.5 KiB`… (unit symbols
    /// are international; callers localise the decimal separator if they need to).
    public static func formatBytes(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
