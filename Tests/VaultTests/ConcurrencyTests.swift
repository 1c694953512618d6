import Dispatch
import Foundation
import HealthRecord
import Synchronization
@testable import Vault
import XCTest

/// Two connections on one vault behave as SQLite's WAL mode does: a reader keeps its snapshot
/// while a writer commits, neither blocks the other, and the next read sees the commit.
final class ConcurrencyTests: XCTestCase {
    func testAReaderKeepsItsSnapshotWhileAWriterCommits() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (writer, _) = try makeVault(in: url)
        defer { writer.close() }
        try writer.write { try $0.documents.save(sampleDocument("d0")) }
        // A second vault object: its own connections, as another process would have.
        let reader = try Vault.open(in: VaultDirectory(url), passphrase: secret("correct horse battery staple"))
        defer { reader.close() }

        let insideRead = DispatchSemaphore(value: 0)
        let committed = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            insideRead.wait()
            // The reader holds an open read transaction: the writer must not be blocked.
            do {
                try writer.write { session in
                    for index in 1...50 { try session.documents.save(sampleDocument("d\(index)")) }
                }
            } catch {
                XCTFail("write failed: \(error)")
            }
            committed.signal()
            writerDone.signal()
        }
        let (before, during) = try reader.read { session -> (Int, Int) in
            let before = try session.documents.count()
            insideRead.signal()
            XCTAssertEqual(committed.wait(timeout: .now() + 10), .success, "the writer was blocked by the reader")
            return (before, try session.documents.count())
        }
        XCTAssertEqual(before, 1)
        XCTAssertEqual(during, 1, "a read transaction keeps its snapshot")
        XCTAssertEqual(try reader.read { try $0.documents.count() }, 51, "the next read sees the commit")
        XCTAssertEqual(writerDone.wait(timeout: .now() + 10), .success)
    }

    /// A long read (the Accueil's digest at start) does not hold back another screen's read:
    /// the second read runs on a second connection, opened then, with the vault's page cache;
    /// once the vault is locked neither connection reads, and an unlock opens them again.
    func testAReadFindingTheReaderBusyRunsBesideIt() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        defer { vault.close() }
        try vault.write { try $0.documents.save(sampleDocument("d0")) }
        try vault.setPageCache(kib: 2048)
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 1)
        XCTAssertFalse(vault.hasSpareReader, "a read alone uses the first connection")

        let insideRead = DispatchSemaphore(value: 0)
        let secondReadDone = DispatchSemaphore(value: 0)
        let secondCount = Mutex<Int?>(nil)
        DispatchQueue.global().async {
            insideRead.wait()
            secondCount.withLock { $0 = try? vault.read { try $0.documents.count() } }
            secondReadDone.signal()
        }
        try vault.read { _ in
            insideRead.signal()
            XCTAssertEqual(secondReadDone.wait(timeout: .now() + 10), .success, "the second read waited for the first")
        }
        XCTAssertEqual(secondCount.withLock { $0 }, 1)
        XCTAssertTrue(vault.hasSpareReader)
        XCTAssertEqual(try vault.spareReaderPageCacheKiB(), 2048, "the second connection has the vault's page cache")

        vault.lock()
        XCTAssertFalse(vault.hasSpareReader)
        XCTAssertThrowsError(try vault.read { try $0.documents.count() }) { XCTAssertEqual($0 as? VaultError, .locked) }
        try vault.unlock(passphrase: secret("correct horse battery staple"))
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 1)
    }

    func testReadsAndWritesFromManyTasksAreSerialisedSafely() async throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        defer { vault.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        try vault.write { try $0.documents.save(sampleDocument("t\(task)-\(index)")) }
                        _ = try vault.read { try $0.documents.count() }
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 200)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 200)
    }
}
