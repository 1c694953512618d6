import Crypto
import Foundation
import HealthRecord
import SQLite
import Vault

/// `mes-bench vault`: the same workload on a plain SQLite file (default VFS, same pragmas, same
/// schema and repositories) and on the encrypted vault, in one run; prints both and the ratio.
///
/// Workload: insert 10,000 documents' metadata in batches of 100, 10,000 random reads by id
/// (one read transaction each), 1,000 full-text queries, a full scan of every document.
enum VaultBenchmark {
    static let documentCount = 10_000
    static let batchSize = 100
    static let readCount = 10_000
    static let searchCount = 1_000

    /// One side of the comparison: runs sessions in write and read transactions.
    struct Target {
        var name: String
        var write: ((VaultSession) throws -> Void) throws -> Void
        var read: ((VaultSession) throws -> Int) throws -> Int
    }

    /// The page cache sizes compared (KiB): SQLite's default, and the vault's default.
    static let cacheSizes = [2048, VaultSettings.defaultPageCacheKiB]
    /// Reads (by id, search, full scan) stay within this of plain SQLite at the vault's default.
    static let readBudget = 1.15

    static func run(_ arguments: [String]) throws {
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        print("mes-bench vault: \(documentCount) documents (batches of \(batchSize)), \(readCount) reads by id, "
              + "\(searchCount) searches, a full scan; SQLite \(Database.libraryVersion); page cache \(cacheSizes.map { "\($0 / 1024) MiB" }.joined(separator: " and ")) on both sides")
        for cache in cacheSizes {
            try compare(cacheKiB: cache, in: workspace.appendingPathComponent("cache-\(cache)"))
        }
    }

    /// Plain SQLite and the vault, both with a page cache of `cacheKiB`, on the same workload.
    static func compare(cacheKiB: Int, in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let plain = try Database(path: directory.appendingPathComponent("plain.db").path)
        try plain.execute("""
            PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
            PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0; PRAGMA cache_size = -\(cacheKiB); PRAGMA foreign_keys = ON;
            """)
        try plain.migrate(VaultSchema.migrations)
        let plainTarget = Target(
            name: "plain",
            write: { body in try plain.transaction { try body(VaultSession(database: plain, writable: true)) } },
            read: { body in try plain.transaction(.deferred) { try body(VaultSession(database: plain, writable: false)) } })

        let passphrase = try SecureBytes(copying: Array("benchmark".utf8))
        let (vault, _) = try Vault.create(in: VaultDirectory(directory.appendingPathComponent("vault")), passphrase: passphrase,
                                          keyDerivation: .fixed(.interactive))
        defer { vault.close() }
        // The vault's configuration, as a user would set it.
        try vault.setPageCache(kib: cacheKiB)
        let vaultTarget = Target(name: "vault", write: { body in try vault.write(body) }, read: { body in try vault.read(body) })

        var results: [(String, Duration, Duration, Double)] = []
        let steps: [(String, Double, (Target) throws -> Void)] = [
            ("insert", 1.6, insertDocuments),
            ("read by id", readBudget, readByID),
            ("search", readBudget, search),
            ("full scan", readBudget, fullScan),
        ]
        for (name, budget, step) in steps {
            let plainTime = try measure { try step(plainTarget) }
            let vaultTime = try measure { try step(vaultTarget) }
            results.append((name, plainTime, vaultTime, budget))
        }
        print("page cache \(cacheKiB / 1024) MiB (vault: \(try vault.appliedPageCacheKiB() / 1024) MiB applied), load \(BenchSummary.load())")
        print("operation     plain (ms)   vault (ms)   ratio   budget")
        var readsPlain = 0.0, readsVault = 0.0
        for (name, plainTime, vaultTime, budget) in results {
            let ratio = milliseconds(vaultTime) / max(milliseconds(plainTime), 0.001)
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: "%12.1f %12.1f %7.2fx %7.2fx  %@", milliseconds(plainTime), milliseconds(vaultTime), ratio, budget,
                           ratio <= budget ? "ok" : "OVER"))
            if name != "insert" {
                readsPlain += milliseconds(plainTime)
                readsVault += milliseconds(vaultTime)
            }
        }
        BenchSummary.add("vault reads (by id, search, scan), \(cacheKiB / 1024) MiB page cache, load \(BenchSummary.load())",
                         mes: String(format: "%.0f ms", readsVault), anchor: String(format: "plain SQLite, same cache: %.0f ms", readsPlain),
                         ratio: BenchSummary.ratio(readsVault, readsPlain) + " (budget \(readBudget)x)")
    }

    static func measure(_ body: () throws -> Void) throws -> Duration {
        let clock = ContinuousClock()
        var failure: Error?
        let elapsed = clock.measure {
            do { try body() } catch { failure = error }
        }
        if let failure { throw failure }
        return elapsed
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static let words = ["analyse", "sanguine", "cardiologie", "échographie", "thyroïde", "ordonnance", "kinésithérapie",
                        "vaccination", "radiographie", "thoracique", "glycémie", "hémoglobine", "consultation", "suivi",
                        "hypertension", "bilan", "lipidique", "ophtalmologie", "dermatologie", "scanner", "abdominal",
                        "compte", "rendu", "hospitalisation", "sortie", "prescription", "allergie", "pollen", "rhinite"]
    static let authors = ["Dr Émilie Lefèvre", "Dr Paul Durand", "Dr Sofia Benali", "Laboratoire du Parc", "CHU de Rennes"]

    static func document(_ index: Int) -> Document {
        var generator = SplitMix(seed: UInt64(index))
        let title = (0..<4).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        let author = authors[index % authors.count]
        return Document(
            id: "doc-\(index)", profileID: index % 10 == 0 ? "child" : "holder", title: title,
            typeCode: [DocumentType.laboratoryReport, DocumentType.imagingReport, DocumentType.prescriptionOfCare][index % 3],
            classCode: [.report, .imaging, .prescription][index % 3],
            author: DocumentAuthor(name: author, organization: "Cabinet \(index % 50)", rpps: String(10_000_000_000 + index % 97)),
            creationDate: Date(timeIntervalSince1970: 1_600_000_000 + Double(index) * 3600), size: 20_000 + index,
            sha256: Hex.encode(SHA256.hash(Array("doc-\(index)".utf8))), format: "application/pdf",
            note: index % 5 == 0 ? "À montrer au \(words[index % words.count]) lors du prochain rendez-vous" : nil,
            origin: .professional)
    }

    static func insertDocuments(_ target: Target) throws {
        for batch in stride(from: 0, to: documentCount, by: batchSize) {
            try target.write { session in
                for index in batch..<(batch + batchSize) { try session.documents.save(document(index), origin: .remote) }
            }
        }
    }

    static func readByID(_ target: Target) throws {
        var generator = SplitMix(seed: 42)
        var found = 0
        for _ in 0..<readCount {
            let id = "doc-\(generator.next() % UInt64(documentCount))"
            found += try target.read { try $0.documents.find(id) == nil ? 0 : 1 }
        }
        guard found == readCount else { throw BenchmarkError.wrongResult("read by id: \(found)") }
    }

    static func search(_ target: Target) throws {
        var generator = SplitMix(seed: 7)
        var hits = 0
        for _ in 0..<searchCount {
            let query = words[Int(generator.next() % UInt64(words.count))] + " " + words[Int(generator.next() % UInt64(words.count))]
            hits += try target.read { try $0.search(query, profile: "holder", limit: 20).count }
        }
        guard hits > 0 else { throw BenchmarkError.wrongResult("search found nothing") }
    }

    static func fullScan(_ target: Target) throws {
        let count = try target.read { try $0.documents.all().count }
        guard count == documentCount else { throw BenchmarkError.wrongResult("full scan: \(count)") }
    }

    enum BenchmarkError: Error {
        case wrongResult(String)
    }

    /// A small deterministic generator, so both sides get the same workload.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
