import Foundation

// mes-bench: benchmarks that print figures. `mes-bench NAME [ARGUMENTS…]` runs one.
// Each benchmark lives in its own file and has one line in this table.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("vault", "encrypted vault against plain SQLite: inserts, reads by id, full-text search, full scan", VaultBenchmark.run),
    ("sync", "initial and no-change sync of a synthetic:10000 account against a local mes-server", SyncBenchmark.run),
    ("ui", "terminal UI: frame time of a 10,000-row table, bytes ncurses writes to scroll a page",
     { _ in try MainActor.assumeIsolated { try UIBenchmark.run() } }),
    ("documents", "Documents screen on synthetic:10000 synced: Documents key to first frame, search keystroke to results",
     DocumentsBenchmark.run),
    ("documents-open", "(run by `documents`) a process opening VAULT and the Documents screen: its resident memory",
     DocumentsBenchmark.openAndMeasureMemory),
    ("server", "mes-server under wrk (read, search, category search on synthetic:10000) against nginx serving the same bytes",
     ServerBenchmark.run),
    ("profile", "profil médical: a chart of 3,650 daily values at 200x60, opening section 3 with a full profile and 10,000 measures",
     ProfileBenchmark.run),
    ("messages", "messagerie on 5,000 threads and 50,000 messages: inbox read, search keystroke to results", MessagesBenchmark.run),
    ("agenda", "agenda: open a month among 5,000 items; recommendations for a full profile", AgendaBenchmark.run),
    ("home", "Accueil: first frame with 10,000 documents, 5,000 threads and 5,000 agenda items in the space", HomeBenchmark.run),
    ("kiosk", "mes --kiosk serving 50 visitors in one process: peak memory (VmHWM) after visitors 1, 10 and 50", KioskBenchmark.run),
    ("status", "10 × mes status on a vault from mes vault init, without and with the agent (mes unlock)", StatusBenchmark.run),
    ("start", "start → first useful frame in tmux: mes (Documents, synthetic:10000) beside neomutt (10,000 messages)", StartBenchmark.run),
    ("all", "what make bench runs with no BENCH: every figure of issue 20 with its anchor, then one table",
     { arguments in try MainActor.assumeIsolated { try AllBenchmarks.run(arguments) } }),
]

/// `mes-bench all`: the benchmarks behind issue 20's table, one after the other (a failing one
/// is reported and the others still run), then the table of every figure from this run.
enum AllBenchmarks {
    static let plan: [(name: String, arguments: [String])] = [
        ("sync", ["10000"]), ("status", []), ("start", ["10000"]),
        ("documents", ["10000"]), ("documents", ["30000"]), ("documents", ["100000"]),
        ("messages", []), ("ui", []), ("vault", []),
    ]

    @MainActor
    static func run(_ arguments: [String]) throws {
        let start = ContinuousClock.now
        for (name, arguments) in plan {
            guard let benchmark = benchmarks.first(where: { $0.name == name }) else { continue }
            print("\n=== mes-bench \(([name] + arguments).joined(separator: " ")) (load \(BenchSummary.load()))")
            do {
                try benchmark.run(arguments)
            } catch {
                print("mes-bench: \(name): \(error)")
                BenchSummary.add("\(name) \(arguments.joined(separator: " "))", mes: "failed: \(error)")
            }
        }
        print("\nmes-bench all took \(SyncBenchmark.format(ContinuousClock.now - start))")
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "--help", let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: mes-bench NAME\n")
    let width = (benchmarks.map(\.name.count).max() ?? 0) + 2
    for benchmark in benchmarks { print("  \(benchmark.name.padding(toLength: width, withPad: " ", startingAt: 0))\(benchmark.summary)") }
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 2)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
    BenchSummary.printTable(title: "issue 20's figures from this run (load \(BenchSummary.load()) at the end)")
} catch {
    FileHandle.standardError.write(Data("mes-bench: \(name): \(error)\n".utf8))
    exit(1)
}
