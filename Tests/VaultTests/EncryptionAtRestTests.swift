import Foundation
import HealthRecord
import SQLite
@testable import Vault
import XCTest

/// Nothing readable reaches the disk: known markers never appear in any file of the vault's
/// directory, whatever the state of the WAL.
final class EncryptionAtRestTests: XCTestCase {
    let markers = ["Zéphyrine Quatrebarbe", "Kawasaki-Lumbricoïde", "rendez-vous secret au kiosque Ω42"]

    func writeMarkedRecords(_ session: VaultSession) throws {
        try session.profiles.save(Profile(id: "p1", relation: .own, givenName: "Zéphyrine", familyName: "Quatrebarbe"))
        try session.records(Condition.self).save(Condition(id: "c1", profileID: "p1", name: "Maladie Kawasaki-Lumbricoïde"))
        try session.threads.save(MessageThread(id: "t1", profileID: "p1", subject: "Suivi", participants: [], lastActivity: referenceDate))
        try session.messages.save(Message(
            id: "m1", profileID: "p1", threadID: "t1",
            sender: Participant(name: "Dr Zéphyrine Quatrebarbe", address: "dr@example.mssante.fr", role: .professional),
            sent: referenceDate, body: "Bonjour, rendez-vous secret au kiosque Ω42."))
        try session.documents.save(sampleDocument("d1", title: "Bilan Kawasaki-Lumbricoïde"))
        try session.documents.saveContent(DocumentContent(
            documentID: "d1", bytes: Array("Patiente : Zéphyrine Quatrebarbe".utf8), extractedText: "Zéphyrine Quatrebarbe"))
        // Enough volume that pages spill across the WAL and, after a checkpoint, the database.
        for index in 0..<300 {
            try session.documents.save(sampleDocument("bulk\(index)", title: "Kawasaki-Lumbricoïde \(index)"))
        }
    }

    /// Every file of `directory` that contains a marker, in UTF-8, UTF-16LE or UTF-16BE.
    func filesContainingMarkers(in directory: URL) throws -> [String] {
        var found: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            for marker in markers {
                let encodings: [(String, [UInt8])] = [
                    ("UTF-8", Array(marker.utf8)),
                    ("UTF-16LE", marker.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }),
                    ("UTF-16BE", marker.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }),
                ]
                for (encoding, needle) in encodings where contains(bytes, needle) {
                    found.append("\(name): \(marker) (\(encoding))")
                }
            }
        }
        return found
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    func testMarkersNeverReachTheDiskInAnyState() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        try vault.write(writeMarkedRecords)

        // After commit, with the WAL present.
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.appendingPathComponent("vault.db-wal").path))
        XCTAssertEqual(try filesContainingMarkers(in: url), [])

        // After a checkpoint: the pages are in the database file.
        try vault.checkpoint()
        XCTAssertEqual(try filesContainingMarkers(in: url), [])

        // More changes after the checkpoint: a restarted WAL over an older one.
        try vault.write { session in
            try session.messages.save(Message(
                id: "m2", profileID: "p1", threadID: "t1",
                sender: Participant(name: "Zéphyrine Quatrebarbe", address: "p@patient.mssante.fr", role: .patient),
                sent: referenceDate, body: "Merci pour le rendez-vous secret au kiosque Ω42"))
        }
        XCTAssertEqual(try filesContainingMarkers(in: url), [])
        XCTAssertEqual(Set(try vault.read { try $0.search("Quatrebarbe").map(\.recordID) }), ["m1", "m2", "d1"])

        // After closing: SQLite checkpointed and removed the WAL.
        vault.close()
        XCTAssertEqual(try filesContainingMarkers(in: url), [])
    }

    /// The same writes on a plain SQLite file leave the markers readable: the scan would see them.
    func testTheMarkerScanFindsMarkersInAPlainDatabase() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let database = try Database(path: url.appendingPathComponent("plain.db").path)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.migrate(VaultSchema.migrations)
        try database.transaction { try writeMarkedRecords(VaultSession(database: database, writable: true)) }
        let found = try filesContainingMarkers(in: url)
        XCTAssertTrue(found.contains { $0.contains("UTF-8") }, "\(found)")
    }

    func testFilesAndDirectoryArePrivate() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("home", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let (vault, _) = try makeVault(in: url)
        try vault.write { try $0.profiles.save(sampleProfile()) }
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        }
        XCTAssertEqual(try mode(url.path), 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            XCTAssertEqual(try mode(url.appendingPathComponent(name).path), 0o600, name)
        }
        vault.close()

        chmod(url.path, 0o770)
        XCTAssertThrowsError(try Vault.open(in: VaultDirectory(url), passphrase: secret("correct horse battery staple"))) { error in
            XCTAssertEqual(error as? VaultError, .insecureDirectory(path: url.standardizedFileURL.path))
        }
    }

    /// The database file keeps the SQLite header's first 24 bytes in clear, and nothing else.
    func testOnlyTheHeaderGeometryIsInClear() throws {
        let url = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        let (vault, _) = try makeVault(in: url)
        try vault.write { try $0.profiles.save(sampleProfile()) }
        vault.close()
        let bytes = [UInt8](try Data(contentsOf: url.appendingPathComponent("vault.db")))
        XCTAssertEqual(Array(bytes[0..<16]), Array("SQLite format 3\u{0}".utf8))
        XCTAssertEqual(bytes[16], 0x20)  // 8192
        XCTAssertEqual(bytes[17], 0x00)
        XCTAssertEqual(bytes[18], 2)  // WAL
        XCTAssertEqual(bytes[20], 40)  // reserved bytes: nonce and tag
        // The schema (table names) is not readable.
        XCTAssertFalse(contains(bytes, Array("CREATE TABLE".utf8)))
        XCTAssertFalse(contains(bytes, Array("document_content".utf8)))
    }
}
