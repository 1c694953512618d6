import Foundation

// mes-bench: benchmarks that print figures. `mes-bench NAME` runs one; with no name, all of them.
// Each benchmark lives in its own file and has one line in this table.
let benchmarks: [(name: String, summary: String, run: @MainActor () throws -> Void)] = [
    ("ui", "terminal UI: frame time of a 10,000-row table, bytes ncurses writes to scroll a page", UIBenchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print("usage: mes-bench [NAME...]\n")
    for benchmark in benchmarks { print("  \(benchmark.name.padding(toLength: 8, withPad: " ", startingAt: 0))\(benchmark.summary)") }
    exit(0)
}
let chosen = arguments.isEmpty ? benchmarks.map(\.name) : arguments
for name in chosen {
    guard let benchmark = benchmarks.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(Data("mes-bench: unknown benchmark \(name) (try --help)\n".utf8))
        exit(2)
    }
    do {
        try benchmark.run()
    } catch {
        FileHandle.standardError.write(Data("mes-bench: \(name): \(error)\n".utf8))
        exit(1)
    }
}
