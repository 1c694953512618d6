import Crypto
import Documents
import Features
import HealthRecord
import Foundation
import L10n
import LocalServer
import Sync
import TerminalUI
import Vault

/// `mes-bench documents [N]`: a `mes-server` seeded with `synthetic:N` (10,000 by default) is
/// synced into a fresh vault by the sync engine; then, on the virtual terminal (the same frames
/// ncurses would draw, without the terminal's own output time), the time from pressing the
/// Documents key to the first full frame (summaries read from the vault, grouped, sorted, the
/// visible rows drawn), and from a keystroke in the search field to the frame with its results.
/// The screen reads the vault in effects (issue 11): each figure runs from the key to the frame
/// drawn once every effect it started has answered. Budgets (issues 8 and 11): 100 ms and 50 ms.
enum DocumentsBenchmark {
    static let runs = 15
    /// Typed letter by letter: a word in a third of the titles, then words that narrow to a few.
    static let broadWord = "rendu"
    static let narrowWords = "prévention 4242"

    static func run(_ arguments: [String]) throws {
        let count = arguments.first.flatMap(Int.init) ?? 10_000
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-documents-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }

        Localizer.shared.setLanguage(.french)
        print("mes-bench documents: synthetic:\(count), synced by the sync engine, virtual terminal 80x24 and 200x60")
        let seedStart = ContinuousClock.now
        let server = try LocalServer.start(dataDirectory: workspace.appendingPathComponent("server"), arguments: ["--seed", "synthetic:\(count)"],
                                           timeout: .seconds(600))  // seeding 100,000 takes 1–2 min
        defer { server.stop() }
        print("  server seeded:                \(format(ContinuousClock.now - seedStart))")

        let (vault, _) = try Vault.create(in: VaultDirectory(workspace.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("benchmark".utf8)), keyDerivation: .fixed(.interactive))
        defer { vault.close() }
        let syncStart = ContinuousClock.now
        let outcome = try blocking { try await syncHolder(server: server, vault: vault) }
        print("  initial sync:                 \(format(ContinuousClock.now - syncStart)) (\(outcome))")

        // `mes-bench documents N CACHE_MIB`: the vault's page cache for this run (kept in the vault,
        // so the memory figure's process uses it too); default: the vault's.
        if arguments.count > 1, let mebibytes = Int(arguments[1]) { try vault.setPageCache(kib: mebibytes * 1024) }
        print("  page cache \(try vault.pageCacheKiB / 1024) MiB per connection")
        guard let library = try DocumentLibrary.open(vault) else { throw BenchmarkFailure("no space after the sync") }
        // For comparison: every summary (what the list read before issue 20), and what it reads now.
        let loadStart = ContinuousClock.now
        let summaries = try library.summaries()
        let whole = ContinuousClock.now - loadStart
        var paged: [Duration] = []
        for _ in 0..<runs {
            paged.append(try ContinuousClock().measure {
                _ = try library.readList(library.listQuery()) { reader in
                    (try reader.counts(), try reader.page(.laboratory, offset: 0, limit: 257))
                }
            })
        }
        print("  every summary read (\(summaries.count) documents, the list before issue 20): \(format(whole))")
        print("  the list's read now (counts + one page of 257): \(summary(paged))")

        // The vault's part of a search keystroke: the list's read for each prefix typed (the
        // matches found and ordered, the counts, the first rows), no screen.
        for prefix in broadWord.indices.dropFirst().map({ String(broadWord[..<$0]) }) + [broadWord] {
            var reads: [Duration] = []
            var found = 0
            for _ in 0..<runs {
                reads.append(try ContinuousClock().measure {
                    found = try library.readList(library.listQuery(search: prefix)) { reader in
                        let counts = try reader.counts()
                        if let first = Document.Category.allCases.first(where: { counts[$0] != nil }) {
                            _ = try reader.page(first, offset: 0, limit: 24)
                        }
                        return counts.values.reduce(0, +)
                    }
                })
            }
            let fullText = try (0..<runs).map { _ in try ContinuousClock().measure { _ = try library.matchingIDs(prefix) } }
            print("  search read \"\(prefix)\" (\(found) found): \(summary(reads)); its full-text part: \(summary(fullText))")
        }
        try MainActor.assumeIsolated {
            for size in [Size(width: 80, height: 24), Size(width: 200, height: 60)] {
                try measureScreen(library: library, size: size, count: count)
            }
        }
        // Memory as a user's process holds it: a fresh process opens the vault and the Documents
        // screen (the first frame, then the end of the list and back).
        vault.close()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["documents-open", workspace.appendingPathComponent("vault").path]
        let input = Pipe(), output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        input.fileHandleForWriting.write(Data("benchmark".utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        print("  resident memory, a process with the vault and Documents open (\(count) documents): \(said.trimmingCharacters(in: .whitespacesAndNewlines)) (budget 80 MiB at 100,000, issue 20)")
    }

    /// `mes-bench documents-open VAULT` (run by `documents`): opens the vault (passphrase on
    /// standard input) and the Documents screen at 80x24, moves to the end and back, and prints
    /// the resident memory now and at its peak.
    static func openAndMeasureMemory(_ arguments: [String]) throws {
        guard let path = arguments.first else { throw BenchmarkFailure("usage: mes-bench documents-open VAULT") }
        Localizer.shared.setLanguage(.french)
        let passphrase = FileHandle.standardInput.readDataToEndOfFile()
        let vault = try Vault.open(in: VaultDirectory(URL(fileURLWithPath: path)), passphrase: SecureBytes(copying: Array(passphrase)))
        defer { vault.close() }
        guard let library = try DocumentLibrary.open(vault) else { throw BenchmarkFailure("no space") }
        try MainActor.assumeIsolated {
            let terminal = VirtualTerminal(size: Size(width: 80, height: 24))
            let runtime = Runtime(app: AppShell(documents: DocumentsServices(library: library, canPrint: false)), backend: terminal)
            runtime.send(.resized(terminal.size))
            for key: Key in [.character("2"), .end, .home] { press(key, runtime) }
            guard terminal.screen.contains(tr("documents.category.all")) else { throw BenchmarkFailure("no list drawn") }
        }
        print("\(residentMiB()) MiB now, \(residentMiB(field: "VmHWM:")) MiB at the peak")
    }

    /// The process's resident set (VmRSS), in MiB.
    static func residentMiB(field: String = "VmRSS:") -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kib / 1024
    }

    /// The issue's budget for the first frame at `count` documents: 50 ms at 30,000, 100 ms at 100,000.
    static func budget(_ count: Int) -> String {
        count <= 30_000 ? "budget 50 ms at 30,000 (issue 20), 100 ms (issue 11)" : "budget 100 ms at 100,000 (issue 20)"
    }

    @MainActor
    static func measureScreen(library: DocumentLibrary, size: Size, count: Int) throws {
        let services = DocumentsServices(library: library, canPrint: false)
        var open: [Duration] = []
        var keystrokes: [Duration] = []
        var narrowing: [Duration] = []
        var deep: [Duration] = []
        var framesPerKeystroke: [Double] = []
        for _ in 0..<runs {
            let terminal = VirtualTerminal(size: size)
            let runtime = Runtime(app: AppShell(documents: services), backend: terminal)
            runtime.send(.resized(size))
            // Documents key → first full frame.
            open.append(ContinuousClock().measure { press(.character("2"), runtime) })
            guard terminal.screen.contains(tr("documents.category.all")) else { throw BenchmarkFailure("no list drawn") }
            // The end of the list and back: a page read at the far end.
            deep.append(ContinuousClock().measure { press(.end, runtime) })
            press(.home, runtime)
            // Search: each keystroke runs the full-text query, filters, groups and draws.
            press(.character("/"), runtime)
            let drawn = terminal.drawCount
            for character in broadWord {
                keystrokes.append(ContinuousClock().measure { press(.character(character), runtime) })
            }
            framesPerKeystroke.append(Double(terminal.drawCount - drawn) / Double(broadWord.count))
            // A word that narrows 10,000 documents to a few.
            press(.escape, runtime)
            press(.character("/"), runtime)
            for character in narrowWords {
                narrowing.append(ContinuousClock().measure { press(.character(character), runtime) })
            }
        }
        print("  \(size): Documents key → first frame: \(summary(open)) (\(budget(count)))")
        print("  \(size): End key → last rows drawn: \(summary(deep))")
        let broad = try library.search(broadWord).count, narrow = try library.search(narrowWords).count
        print("  \(size): search keystroke → results, \"\(broadWord)\" (\(broad) results at the end): \(summary(keystrokes)) (budget 50 ms), \(String(format: "%.2f", framesPerKeystroke.reduce(0, +) / Double(max(1, framesPerKeystroke.count)))) frames a keystroke")
        print("  \(size): search keystroke → results, \"\(narrowWords)\" (\(narrow) at the end): \(summary(narrowing)) (budget 50 ms)")
        let load = BenchSummary.load()
        BenchSummary.add("Documents key → first frame, \(count) documents, \(size), load \(load)", mes: format(median(open)),
                         anchor: count <= 30_000 ? "budget 50 ms" : "budget 100 ms",
                         ratio: BenchSummary.ratio(milliseconds(median(open)), count <= 30_000 ? 50 : 100))
        if size.width == 80 {
            BenchSummary.add("Documents search keystroke → frame, \(count) documents, \"\(broadWord)\", \(size), load \(load)",
                             mes: format(median(keystrokes)), anchor: "budget 50 ms", ratio: BenchSummary.ratio(milliseconds(median(keystrokes)), 50))
        }
    }

    static func median(_ durations: [Duration]) -> Duration { durations.sorted()[durations.count / 2] }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// A key as the program handles it (one frame once the reads it started have answered, or
    /// after the runtime's hold), then any read still running, and its frame.
    @MainActor
    static func press(_ key: Key, _ runtime: Runtime<AppShell>) {
        runtime.feed(.key(key))
        runtime.runUntilIdle()
    }

    static func syncHolder(server: LocalServer, vault: Vault) async throws -> String {
        let otp = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let account = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene",
                                              oneTimeCode: { try String(contentsOf: otp, encoding: .utf8) })
        try account.save(in: vault)
        var options = SyncEngine.Options()
        options.contentBudget = .none  // the list and search over metadata; contents are `mes-bench sync`'s
        let report = await SyncEngine(vault: vault, options: options).sync()
        return report.outcome.rawValue
    }

    /// Runs async work to its end from synchronous code (the benchmark's main thread waits).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    static func summary(_ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        return "median \(format(sorted[sorted.count / 2])), p90 \(format(sorted[sorted.count * 9 / 10])), max \(format(sorted.last!))"
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f ms", milliseconds)
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
