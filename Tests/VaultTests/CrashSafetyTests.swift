import Crypto
import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// A writer killed with SIGKILL at random moments, 50 times: after each kill the vault opens,
/// passes its integrity checks, holds every transaction whose COMMIT returned, and no part of
/// any other.
final class CrashSafetyTests: XCTestCase {
    static let rounds = 50

    /// The test helper `vault-crash-writer`, built next to the test bundle.
    static var writerURL: URL {
        let candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for directory in candidates {
            let url = directory.appendingPathComponent("vault-crash-writer")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("vault-crash-writer")
    }

    func testCommittedTransactionsSurviveSIGKILL() throws {
        let workspace = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let home = workspace.appendingPathComponent("home", isDirectory: true)
        let passphraseFile = workspace.appendingPathComponent("passphrase")
        try Data("kill -9 résistant".utf8).write(to: passphraseFile)
        try makeVault(in: home, passphrase: "kill -9 résistant").0.close()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.writerURL.path), "missing \(Self.writerURL.path)")

        var reported = Set<Int>()
        var next = 0
        var killedDuringWork = 0
        for round in 0..<Self.rounds {
            let process = Process()
            process.executableURL = Self.writerURL
            process.arguments = [home.path, passphraseFile.path, String(next)]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            usleep(UInt32.random(in: 60_000...450_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round): the writer stopped by itself: \(problem)")
            let committedNow = lines.compactMap { Int($0) }
            reported.formUnion(committedNow)
            if !committedNow.isEmpty { killedDuringWork += 1 }

            let vault = try Vault.open(in: VaultDirectory(home), passphrase: secret("kill -9 résistant"))
            let report = try vault.verify()
            XCTAssertTrue(report.isIntact, "round \(round): \(report)")
            let present = try checkTransactions(in: vault, checkingContentsFrom: next, round: round)
            XCTAssertTrue(reported.isSubset(of: present), "round \(round): committed transactions lost: \(reported.subtracting(present).sorted())")
            // At most the transaction in flight may be there without having been reported.
            let highest = max(reported.max() ?? -1, next - 1)
            XCTAssertTrue(present.allSatisfy { $0 <= highest + 1 }, "round \(round): unexpected transactions")
            XCTAssertEqual(try vault.read { try $0.settings.value("crash.last", as: Int.self) }, present.max(), "round \(round)")
            next = (present.max() ?? -1) + 1
            vault.close()
        }
        XCTAssertGreaterThan(killedDuringWork, Self.rounds / 2, "the writer should usually be killed mid-work")
        XCTAssertGreaterThan(reported.count, Self.rounds)
    }

    /// The transaction numbers present; each must be whole (every document, exact content for
    /// the transactions written since `first`).
    func checkTransactions(in vault: Vault, checkingContentsFrom first: Int, round: Int) throws -> Set<Int> {
        try vault.read { session in
            let documents = try session.documents.all(profile: CrashWorkload.profileID)
            var byTransaction: [Int: [Document]] = [:]
            for document in documents {
                let number = Int(document.id.dropFirst(2).prefix { $0 != "-" })!
                byTransaction[number, default: []].append(document)
            }
            for (number, found) in byTransaction {
                XCTAssertEqual(Set(found.map(\.id)), Set(CrashWorkload.documentIDs(of: number)),
                               "round \(round): transaction \(number) is partial")
                guard number >= first else { continue }
                for (metadata, content) in CrashWorkload.documents(of: number) {
                    XCTAssertEqual(try session.documents.find(metadata.id), metadata, "round \(round)")
                    XCTAssertTrue(try session.documents.content(of: metadata.id) == content, "round \(round): content of \(metadata.id)")
                }
            }
            return Set(byTransaction.keys)
        }
    }
}
