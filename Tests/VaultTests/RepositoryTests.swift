import Foundation
import HealthRecord
import SQLite
@testable import Vault
import XCTest

final class RepositoryTests: VaultFixtureTestCase {

    func testRecordsOfEveryKindRoundTripAndBelongToTheirProfile() throws {
        let child = Profile(id: "p2", relation: .child, givenName: "Léo", familyName: "Martin")
        try vault.write { session in
            try session.profiles.save(sampleProfile())
            try session.profiles.save(child)
            try session.records(Condition.self).save(Condition(id: "c1", profileID: "p1", name: "Hypertension artérielle"))
            try session.records(Treatment.self).save(Treatment(id: "t1", profileID: "p1", medication: "Amlodipine 5 mg"))
            try session.records(Allergy.self).save(Allergy(id: "a1", profileID: "p2", substance: "Arachide", category: .food))
            try session.records(Vaccination.self).save(Vaccination(id: "v1", profileID: "p2", vaccine: "ROR",
                                                                   date: CalendarDate(year: 2020, month: 1, day: 5)!))
            try session.measurements.save(.bloodPressure(id: "bp1", profileID: "p1", effective: referenceDate, systolic: 142, diastolic: 88))
            try session.measurements.save(HealthMeasurement(id: "w1", profileID: "p1", type: .weight,
                                                            effective: referenceDate.addingTimeInterval(60), value: 71.5))
            try session.records(Block.self).save(Block(id: "b1", profileID: "p1", target: .emergencyAccess, created: referenceDate))
        }
        try vault.read { session in
            XCTAssertEqual(try session.profiles.all().map(\.id), ["p1", "p2"])
            XCTAssertEqual(try session.profiles.filter("relation", equals: "child"), [child])
            XCTAssertEqual(try session.records(Allergy.self).all(profile: "p1"), [])
            XCTAssertEqual(try session.records(Allergy.self).all(profile: "p2").map(\.substance), ["Arachide"])
            let measures = try session.measurements.all(profile: "p1", orderedBy: "effective_at", descending: true)
            XCTAssertEqual(measures.map(\.id), ["w1", "bp1"])
            XCTAssertEqual(measures[1].systolic, 142)
            XCTAssertEqual(try session.records(Block.self).find("b1")?.target, .emergencyAccess)
            XCTAssertNil(try session.records(Condition.self).find("missing"))
        }
        try vault.write { session in
            XCTAssertTrue(try session.records(Condition.self).delete("c1"))
            XCTAssertFalse(try session.records(Condition.self).delete("c1"))
            try session.deleteProfileAndRecords("p2")
        }
        try vault.read { session in
            XCTAssertEqual(try session.records(Condition.self).count(), 0)
            XCTAssertEqual(try session.profiles.all().map(\.id), ["p1"])
            XCTAssertEqual(try session.records(Allergy.self).count(), 0)
            XCTAssertEqual(try session.records(Vaccination.self).count(), 0)
        }
    }

    func testDocumentContentUpToFiveMegabytesLivesInTheVault() throws {
        let bytes = (0..<DocumentContent.maximumSize).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try vault.write { session in
            try session.documents.save(sampleDocument("big"))
            try session.documents.saveContent(DocumentContent(documentID: "big", bytes: bytes, extractedText: "Hémoglobine glyquée"))
            XCTAssertThrowsError(try session.documents.saveContent(DocumentContent(documentID: "big", bytes: bytes + [0]))) {
                XCTAssertEqual($0 as? DocumentContentError, .tooLarge(DocumentContent.maximumSize + 1))
            }
            XCTAssertThrowsError(try session.documents.saveContent(DocumentContent(documentID: "nope", bytes: [1]))) {
                XCTAssertEqual($0 as? DocumentContentError, .unknownDocument)
            }
        }
        XCTAssertTrue(try vault.read { try $0.documents.content(of: "big")?.bytes == bytes })
        XCTAssertEqual(try vault.read { try $0.documents.idsWithContent(profile: "p1") }, ["big"])
        try vault.write { try $0.documents.delete("big") }
        XCTAssertNil(try vault.read { try $0.documents.content(of: "big") })
    }

    func testFullTextSearchCoversTitlesAuthorsTypesTextAndMessages() throws {
        try vault.write { session in
            try session.documents.save(sampleDocument("d1", title: "Résultats d'analyses sanguines", author: "Dr Émilie Lefèvre"))
            try session.documents.save(sampleDocument("d2", profile: "p2", title: "Compte rendu d'échographie"))
            try session.documents.saveContent(DocumentContent(documentID: "d2", bytes: [1], extractedText: "Thyroïde sans nodule"))
            try session.messages.save(Message(
                id: "m1", profileID: "p1", threadID: "t1",
                sender: Participant(name: "Cabinet Dr Lefèvre", address: "c@mssante.fr", role: .professional),
                sent: referenceDate, body: "Votre ordonnance de kinésithérapie est prête."))
        }
        try vault.read { session in
            // Accents and case do not matter; words are prefixes.
            XCTAssertEqual(try session.search("resultats").map(\.recordID), ["d1"])
            XCTAssertEqual(Set(try session.search("LEFEVRE").map(\.recordID)), ["d1", "m1"])
            XCTAssertEqual(try session.search("kinési").map(\.kind), [.message])
            XCTAssertEqual(try session.search("thyroide").map(\.recordID), ["d2"])
            XCTAssertEqual(try session.search("biologiques").count, 2, "type display text is indexed")
            XCTAssertEqual(try session.search("thyroide", profile: "p1"), [])
            XCTAssertEqual(try session.search("lefevre", kinds: [.message]).map(\.recordID), ["m1"])
            XCTAssertTrue(try session.search("ordonnance").first?.snippet.contains("[ordonnance]") ?? false)
            // FTS5 syntax typed by a user is just text.
            XCTAssertEqual(try session.search("\"OR NEAR(*"), [])
            XCTAssertEqual(try session.search("   "), [])
        }
        try vault.write { try $0.documents.delete("d1") }
        XCTAssertEqual(try vault.read { try $0.search("resultats") }, [])
    }

    func testSavingAgainReplacesTheSearchEntryAndFollowsItsProfile() throws {
        // The index is kept with plain statements (issue 20): a new title replaces the old one,
        // a record moved to another profile is found there only, and one entry per record.
        try vault.write { session in
            try session.documents.save(sampleDocument("d1", title: "Radiographie du genou"))
            try session.documents.save(sampleDocument("d1", title: "Scanner du poignet"))
        }
        try vault.read { session in
            XCTAssertEqual(try session.search("genou"), [])
            XCTAssertEqual(try session.search("poignet", profile: "p1").map(\.recordID), ["d1"])
        }
        try vault.write { try $0.documents.save(sampleDocument("d1", profile: "p2", title: "Scanner du poignet")) }
        try vault.read { session in
            XCTAssertEqual(try session.search("poignet", profile: "p1"), [])
            XCTAssertEqual(try session.search("poignet", profile: "p2").map(\.recordID), ["d1"])
            XCTAssertEqual(try session.search("poignet").count, 1)
        }
        try vault.write { try $0.documents.delete("d1") }
        XCTAssertEqual(try vault.read { try $0.search("poignet") }, [])
        try vault.write { try $0.documents.save(sampleDocument("d1", title: "Scanner du poignet")) }
        XCTAssertEqual(try vault.read { try $0.search("poignet").map(\.recordID) }, ["d1"])
    }

    func testManyNewRecordsInOneTransactionShareTheIndexsSegments() throws {
        // New records go in with a plain insert (no lookup, no statement journal): FTS5 keeps
        // their terms in memory until the commit instead of writing a segment per record
        // (issue 20). 300 documents in one transaction then make a handful of index rows.
        try vault.write { session in
            for index in 0..<300 { try session.documents.save(sampleDocument("d\(index)", title: "Compte rendu numéro \(index)"), origin: .remote) }
        }
        try vault.read { session in
            guard case .integer(let rows) = try session.database.scalar("SELECT count(*) FROM search_index_data") else { return XCTFail() }
            XCTAssertLessThan(rows, 30)
            XCTAssertEqual(try session.search("numéro 299").map(\.recordID), ["d299"])
            XCTAssertEqual(try session.search("numero", limit: 1000).count, 300)
        }
        // Saved again (an entry exists): replaced, still one per record.
        try vault.write { session in
            for index in 0..<300 { try session.documents.save(sampleDocument("d\(index)", title: "Ordonnance \(index)"), origin: .remote) }
        }
        try vault.read { session in
            XCTAssertEqual(try session.search("numero"), [])
            XCTAssertEqual(try session.search("ordonnance 299").map(\.recordID), ["d299"])
            guard case .integer(let entries) = try session.database.scalar("SELECT count(*) FROM search_entry") else { return XCTFail() }
            XCTAssertEqual(entries, 300)
        }
    }

    func testLocalEditsAreQueuedInTheSameTransactionAndRemoteOnesAreNot() throws {
        struct Abort: Error {}
        XCTAssertThrowsError(try vault.write { session in
            try session.profiles.save(sampleProfile())
            throw Abort()
        }) { XCTAssertTrue($0 is Abort, "the body's own error comes out: \($0)") }
        try vault.read { session in
            XCTAssertEqual(try session.profiles.count(), 0)
            XCTAssertEqual(try session.outbox.count(), 0, "a rolled-back edit leaves no outbox entry")
        }
        try vault.write { session in
            try session.profiles.save(sampleProfile())
            try session.documents.save(sampleDocument("d1"))
            try session.documents.save(sampleDocument("d9"), origin: .remote)
            try session.documents.delete("d1")
        }
        let entries = try vault.read { try $0.outbox.pending() }
        XCTAssertEqual(entries.map(\.recordID), ["p1", "d1", "d1"])
        XCTAssertEqual(entries.map(\.operation), [.upsert, .upsert, .delete])
        XCTAssertEqual(entries.map(\.kind), [.profile, .document, .document])
        XCTAssertEqual(try JSONDecoder().decode(Profile.self, from: Data(entries[0].payload!)), sampleProfile())
        XCTAssertNil(entries[2].payload)
        XCTAssertTrue(entries[0].sequence < entries[1].sequence)

        try vault.write { session in
            try session.outbox.recordFailure(entries[0].sequence, message: "HTTP 503")
            try session.outbox.remove(entries[1].sequence)
        }
        let remaining = try vault.read { try $0.outbox.pending() }
        XCTAssertEqual(remaining.map(\.sequence), [entries[0].sequence, entries[2].sequence])
        XCTAssertEqual(remaining[0].attempts, 1)
        XCTAssertEqual(remaining[0].lastError, "HTTP 503")
    }

    func testSyncStateAndSettings() throws {
        try vault.write { session in
            try session.syncState.setCursor("c-41", profile: "p1")
            try session.syncState.setCursor("c-42", profile: "p1")
            try session.syncState.setBase(SyncBase(kind: .document, recordID: "d1", versionID: "3", payload: [1, 2]))
            try session.settings.set("en", for: "language")
            try session.settings.set(["idle": 300], for: "lock")
        }
        try vault.read { session in
            XCTAssertEqual(try session.syncState.cursor(profile: "p1"), "c-42")
            XCTAssertNil(try session.syncState.cursor(profile: "p2"))
            XCTAssertEqual(try session.syncState.base(kind: .document, recordID: "d1")?.versionID, "3")
            XCTAssertEqual(try session.settings.value("language", as: String.self), "en")
            XCTAssertEqual(try session.settings.value("lock", as: [String: Int].self), ["idle": 300])
            XCTAssertNil(try session.settings.value("missing", as: String.self))
        }
        try vault.write { session in
            try session.syncState.removeBase(kind: .document, recordID: "d1")
            try session.settings.remove("language")
        }
        XCTAssertNil(try vault.read { try $0.syncState.base(kind: .document, recordID: "d1") })
        XCTAssertNil(try vault.read { try $0.settings.value("language", as: String.self) })
    }

    func testReadSessionsCannotWrite() throws {
        XCTAssertThrowsError(try vault.read { try $0.profiles.save(sampleProfile()) }) {
            XCTAssertEqual(($0 as? SQLiteError)?.code, 8, "SQLITE_READONLY, not any failure: \($0)")
        }
        XCTAssertEqual(try vault.read { try $0.profiles.count() }, 0)
    }

    func testChangeNotificationsArriveAfterCommitOnly() async throws {
        let stream = vault.changes()
        struct Abort: Error {}
        XCTAssertThrowsError(try vault.write { session in
            try session.documents.save(sampleDocument("lost"))
            throw Abort()
        }) { XCTAssertTrue($0 is Abort, "\($0)") }
        try vault.write { session in
            try session.profiles.save(sampleProfile())
            try session.documents.save(sampleDocument("d1"))
            try session.documents.save(sampleDocument("d2"), origin: .remote)
        }
        try vault.write { try $0.settings.set(true, for: "seen") }
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        XCTAssertEqual(first?.records[.document], ["d1", "d2"])
        XCTAssertEqual(first?.records[.profile], ["p1"])
        XCTAssertEqual(first?.profiles, ["p1"])
        XCTAssertEqual(first?.outboxChanged, true)
        let second = await iterator.next()
        XCTAssertEqual(second?.settings, ["seen"])
        XCTAssertEqual(second?.records, [:])
        vault.lock()
        let end = await iterator.next()
        XCTAssertNil(end, "the stream ends when the vault locks")
    }

    func testSchemaHasEveryRecordTableAndItsColumns() throws {
        let database = try Database(path: ":memory:")
        try database.migrate(VaultSchema.migrations)
        XCTAssertEqual(try database.userVersion, VaultSchema.migrations.count)
        func columns(_ table: String) throws -> Set<String> {
            Set(try database.query("SELECT name FROM pragma_table_info(?)", [table]) { $0.string(0) })
        }
        let tables: [(String, [String])] = [
            (Document.table.name, Document.table.sortableColumns), (HealthMeasurement.table.name, HealthMeasurement.table.sortableColumns),
            (Message.table.name, Message.table.sortableColumns), (AgendaEvent.table.name, AgendaEvent.table.sortableColumns),
        ]
        for (table, expected) in tables {
            XCTAssertTrue(Set(expected).isSubset(of: try columns(table)), table)
        }
        XCTAssertEqual(Set(StoredRecords.tables.keys), Set(RecordKind.allCases))
        for table in StoredRecords.tables.values {
            XCTAssertTrue(try columns(table).isSuperset(of: ["id", "profile_id", "updated_at", "body"]), table)
        }
    }

    /// Sorting and temporary structures stay in memory: the VFS (which refuses temporary files)
    /// is never asked for one, even by a large sort or a VACUUM.
    func testLargeSortsAndVacuumNeedNoTemporaryFile() throws {
        try vault.write { session in
            for index in 0..<3000 { try session.documents.save(sampleDocument("d\(index)", title: "Titre \(3000 - index)")) }
        }
        let titles = try vault.read { session in
            try session.database.query("SELECT json_extract(body, '$.title') AS t FROM document ORDER BY t DESC, randomblob(64)") { $0.string(0) }
        }
        XCTAssertEqual(titles.count, 3000)
        try vault.write { session in
            for index in 0..<2000 { try session.documents.delete("d\(index)") }
        }
        try vault.checkpoint()
        try vault.compact()
        XCTAssertEqual(try vault.read { try $0.documents.count() }, 1000)
        XCTAssertTrue(try vault.verify().isIntact)
    }
}
