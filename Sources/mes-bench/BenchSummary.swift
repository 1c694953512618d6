import Foundation
import Synchronization

/// The figures of issue 20's table, gathered while benchmarks run, so `mes-bench all` (what
/// `make bench` runs with no BENCH) ends with one table: each figure, its anchor from the same
/// run and the ratio. A benchmark run alone adds its rows too and prints them at its end.
enum BenchSummary {
    struct Row: Sendable {
        var measure: String
        var mes: String
        var anchor: String
        var ratio: String
    }

    private static let rows = Mutex<[Row]>([])

    static func add(_ measure: String, mes: String, anchor: String = "", ratio: String = "") {
        rows.withLock { $0.append(Row(measure: measure, mes: mes, anchor: anchor, ratio: ratio)) }
    }

    /// `mes` over `anchor`, as "2.31x".
    static func ratio(_ mes: Double, _ anchor: Double) -> String {
        anchor > 0 ? String(format: "%.2fx", mes / anchor) : "—"
    }

    /// The one-minute load average, noted beside every figure (the machine is shared).
    static func load() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return String(text.split(separator: " ").first ?? "?")
    }

    static func printTable(title: String) {
        let all = rows.withLock { $0 }
        guard !all.isEmpty else { return }
        let headers = ["measure", "mes", "anchor, same run", "ratio"]
        let cells = all.map { [$0.measure, $0.mes, $0.anchor, $0.ratio] }
        var widths = headers.map(\.count)
        for row in cells { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ row: [String]) -> String {
            "| " + row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        print("\n\(title)")
        print(line(headers))
        print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
        for row in cells { print(line(row)) }
    }
}
