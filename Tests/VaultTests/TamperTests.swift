import Foundation
import HealthRecord
@testable import Vault
import XCTest

/// A flipped byte anywhere in a page is reported as damage, and nothing reads back wrong.
final class TamperTests: XCTestCase {
    let passphrase = "correct horse battery staple"

    /// What the vault holds: every document with its content.
    struct Snapshot: Equatable, Sendable {
        var documents: [Document]
        var contents: [String: [UInt8]]
        var messages: [Message]
    }

    func fill(_ vault: Vault, transactions: Int = 1, from start: Int = 0) throws {
        for transaction in start..<(start + transactions) {
            try vault.write { session in
                if try session.profiles.find("p1") == nil { try session.profiles.save(sampleProfile()) }
                for index in 0..<40 {
                    let id = "d\(transaction)-\(index)"
                    try session.documents.save(sampleDocument(id, title: "Résultat \(transaction)-\(index)"))
                    try session.documents.saveContent(DocumentContent(documentID: id, bytes: Array(repeating: UInt8(index), count: 900 + index)))
                }
                try session.threads.save(MessageThread(id: "t", profileID: "p1", subject: "s", participants: [], lastActivity: referenceDate))
                try session.messages.save(Message(
                    id: "m\(transaction)", profileID: "p1", threadID: "t",
                    sender: Participant(name: "Dr A", address: "a@mssante.fr", role: .professional), sent: referenceDate,
                    body: "message \(transaction)"))
            }
        }
    }

    func snapshot(_ vault: Vault) throws -> Snapshot {
        try vault.read { session in
            let documents = try session.documents.all()
            var contents: [String: [UInt8]] = [:]
            for document in documents { contents[document.id] = try session.documents.content(of: document.id)?.bytes }
            return Snapshot(documents: documents, contents: contents, messages: try session.messages.all())
        }
    }

    /// Reading everything either gives exactly `expected` or reports damage; never other data.
    func assertReadsBackExactlyOrReportsDamage(_ vault: Vault, _ expected: Snapshot, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        do {
            let actual = try snapshot(vault)
            XCTAssertTrue(actual == expected, "read back something else: \(actual.documents.count) documents, \(actual.messages.count) messages",
                          file: file, line: line)
            return false
        } catch VaultError.damaged {
            return true
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return false
        }
    }

    func copyVault(from source: URL, files: [String] = ["vault.db", "vault.db-wal", "vault.keys"]) throws -> URL {
        let copy = try makeTemporaryDirectory()
        for name in files where FileManager.default.fileExists(atPath: source.appendingPathComponent(name).path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return copy
    }

    func flipByte(in path: URL, at offset: Int) throws {
        var bytes = [UInt8](try Data(contentsOf: path))
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: path)
    }

    func testAFlippedByteInAnyDatabasePageIsDetected() throws {
        let pristine = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: pristine) }
        let (vault, _) = try makeVault(in: pristine)
        try fill(vault)
        let expected = try snapshot(vault)
        vault.close()  // checkpoint: everything is in the database file, no WAL
        // The pages the snapshot reads in full: the tables of documents, contents and messages.
        let reopened = try Vault.open(in: VaultDirectory(pristine), passphrase: secret(passphrase))
        let readPages = Set(try reopened.read { session in
            try session.database.query("SELECT pageno FROM dbstat WHERE name IN ('document', 'document_content', 'message')") {
                Int($0.int64(0))
            }
        })
        reopened.close()
        XCTAssertFalse(readPages.isEmpty)
        let pageCount = try Data(contentsOf: pristine.appendingPathComponent("vault.db")).count / PageFormat.pageSize
        XCTAssertGreaterThan(pageCount, 20)

        // Page 1 (in the clear header and in the encrypted part), the last page, and a sample
        // between; in each, a random byte (data, nonce or tag).
        var targets: [(page: Int, offset: Int)] = [(1, 18), (1, 200), (pageCount, Int.random(in: 0..<PageFormat.pageSize))]
        for page in stride(from: 2, to: pageCount, by: max(1, pageCount / 10)) {
            targets.append((page, Int.random(in: 0..<PageFormat.pageSize)))
        }
        for page in readPages.sorted().prefix(3) { targets.append((page, Int.random(in: 0..<PageFormat.pageSize))) }
        var reportedByReading = 0, detectedAtOpen = 0
        for target in targets {
            let copy = try copyVault(from: pristine)
            defer { try? FileManager.default.removeItem(at: copy) }
            try flipByte(in: copy.appendingPathComponent("vault.db"), at: (target.page - 1) * PageFormat.pageSize + target.offset)
            let opened: Vault
            do {
                opened = try Vault.open(in: VaultDirectory(copy), passphrase: secret(passphrase))
            } catch VaultError.damaged {
                detectedAtOpen += 1
                continue  // detected when opening (page 1, the schema)
            }
            // A page the snapshot does not read (the outbox, the search index…) reads back exactly;
            // one it reads must be reported. `verify` below finds the page either way.
            let reported = assertReadsBackExactlyOrReportsDamage(opened, expected)
            if readPages.contains(target.page) {
                XCTAssertTrue(reported, "page \(target.page) is read: its damage must be reported")
                if reported { reportedByReading += 1 }
            }
            let report = try opened.verify()
            XCTAssertEqual(report.damagedPages, [target.page], "page \(target.page) offset \(target.offset)")
            XCTAssertFalse(report.isIntact)
            opened.close()
        }
        XCTAssertGreaterThanOrEqual(detectedAtOpen, 1, "page 1's encrypted part is checked when opening")
        XCTAssertGreaterThanOrEqual(reportedByReading, 3, "damage reported by reading")
    }

    /// A reader fetching a page from the WAL of a vault in use finds the tampering.
    func testAFlippedByteInALiveWALFrameIsDetected() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (writer, _) = try makeVault(in: url)
        try fill(writer, transactions: 3)
        let expected = try snapshot(writer)
        let wal = url.appendingPathComponent("vault.db-wal")
        let frames = (try Data(contentsOf: wal).count - PageFormat.walHeaderLength) / PageFormat.walFrameLength
        XCTAssertGreaterThan(frames, 10)
        // The latest frame of a page the snapshot reads (a table of documents, contents or
        // messages): readers must read that version, so its damage must be reported.
        let readPages = Set(try writer.read { session in
            try session.database.query("SELECT pageno FROM dbstat WHERE name IN ('document', 'document_content', 'message')") {
                Int($0.int64(0))
            }
        })
        let walBytes = [UInt8](try Data(contentsOf: wal))
        let framePages = (0..<frames).map { frame -> Int in
            let start = PageFormat.walHeaderLength + frame * PageFormat.walFrameLength
            return walBytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        let target = try XCTUnwrap((0..<frames).last { readPages.contains(framePages[$0]) }) + 1
        let frameStart = PageFormat.walHeaderLength + (target - 1) * PageFormat.walFrameLength
        try flipByte(in: wal, at: frameStart + PageFormat.walFrameHeaderLength + 100)

        let reader = try Vault.open(in: VaultDirectory(url), passphrase: secret(passphrase))
        XCTAssertTrue(assertReadsBackExactlyOrReportsDamage(reader, expected), "the latest version of a page is read: its damage is reported")
        let report = try reader.verify()
        XCTAssertEqual(report.damagedFrames, [target])
        XCTAssertFalse(report.isIntact)
        XCTAssertTrue(report.structureUnreadable || !report.structureProblems.isEmpty, "integrity_check must hit the damaged page")
        reader.close()
        writer.close()
    }

    /// After a crash, SQLite rebuilds its WAL index from the WAL: a tampered frame of a
    /// transaction followed by others is damage, not the end of the log.
    func testAFlippedByteInAnEarlierWALTransactionIsDetectedOnRecovery() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        try fill(vault, transactions: 4)
        let expected = try snapshot(vault)
        // A copy of the files as a crash would leave them (no WAL index).
        let crashed = try copyVault(from: url)
        defer { try? FileManager.default.removeItem(at: crashed) }
        vault.close()
        try flipByte(in: crashed.appendingPathComponent("vault.db-wal"),
                     at: PageFormat.walHeaderLength + PageFormat.walFrameHeaderLength + 3000)
        do {
            let opened = try Vault.open(in: VaultDirectory(crashed), passphrase: secret(passphrase))
            XCTAssertTrue(assertReadsBackExactlyOrReportsDamage(opened, expected), "the damage must be reported")
            opened.close()
        } catch VaultError.damaged {
            // Detected while opening: fine.
        }
    }

    /// A torn last transaction (a crash while it was written) is dropped, as SQLite does for a
    /// frame whose checksum fails; everything committed before it reads back intact.
    func testATornFinalTransactionIsDroppedCleanly() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        try fill(vault, transactions: 2)
        let beforeLast = try snapshot(vault)
        let walBefore = try Data(contentsOf: url.appendingPathComponent("vault.db-wal")).count
        try fill(vault, transactions: 1, from: 2)
        let crashed = try copyVault(from: url)
        defer { try? FileManager.default.removeItem(at: crashed) }
        vault.close()
        // Garble the last transaction's first frame, as a torn write would.
        try flipByte(in: crashed.appendingPathComponent("vault.db-wal"), at: walBefore + PageFormat.walFrameHeaderLength + 10)
        let opened = try Vault.open(in: VaultDirectory(crashed), passphrase: secret(passphrase))
        let recovered = try snapshot(opened)
        XCTAssertTrue(recovered == beforeLast, "\(recovered.documents.count) documents, \(recovered.messages.count) messages")
        XCTAssertTrue(try opened.verify().structureProblems.isEmpty)
        opened.close()
    }

    func testATamperedKeyFileIsReported() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        vault.close()
        let keys = url.appendingPathComponent("vault.keys")
        var text = try String(contentsOf: keys, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"vaultID\" : \"", with: "\"vaultID\" : \"0")
        try text.write(to: keys, atomically: true, encoding: .utf8)
        chmod(keys.path, 0o600)  // the content is tampered with, not the mode (a mode others may read is refused first)
        // The vault id is bound into every slot: the passphrase no longer opens it.
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), passphrase: secret(passphrase))) { error in
            XCTAssertEqual(error as? VaultError, .wrongPassphrase)
        }
        try "{".write(to: keys, atomically: true, encoding: .utf8)
        chmod(keys.path, 0o600)
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), passphrase: secret(passphrase))) { error in
            XCTAssertEqual(error as? VaultError, .damaged)
        }
    }
}
