import Foundation
import SQLite
import XCTest

final class DatabaseTests: XCTestCase {
    func makeDatabase() throws -> Database {
        try Database(path: ":memory:")
    }

    func testBindStepAndReadEveryStorageClass() throws {
        let db = try makeDatabase()
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", 42, 3.5, "Élodie 🩺", [UInt8]([0, 1, 255]), Optional<String>.none)
        let rows = try db.query("SELECT i, r, s, b, n FROM t") { row in
            (row.int(0), row.double(1), row.string(2), row.blob(3), row.optionalString(4))
        }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].0, 42)
        XCTAssertEqual(rows[0].1, 3.5)
        XCTAssertEqual(rows[0].2, "Élodie 🩺")
        XCTAssertEqual(rows[0].3, [0, 1, 255])
        XCTAssertNil(rows[0].4)
    }

    func testTransactionRollsBackOnErrorAndNestsWithSavepoints() throws {
        let db = try makeDatabase()
        try db.execute("CREATE TABLE t (v INTEGER UNIQUE)")
        struct Boom: Error {}
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            throw Boom()
        })
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t"), .integer(0))

        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            XCTAssertThrowsError(try db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                try db.run("INSERT INTO t VALUES (1)")  // violates UNIQUE: inner part rolls back
            }) { error in
                XCTAssertTrue((error as? SQLiteError)?.isConstraintViolation ?? false)
            }
        }
        XCTAssertEqual(try db.query("SELECT v FROM t") { $0.int(0) }, [1])
        XCTAssertTrue(db.isAutocommit)
    }

    func testMigrationsApplyOnceInOrderAndRefuseNewerSchemas() throws {
        let db = try makeDatabase()
        let migrations = [
            Migration(version: 1, sql: "CREATE TABLE a (x)"),
            Migration(version: 2, sql: "ALTER TABLE a ADD COLUMN y"),
        ]
        XCTAssertEqual(try db.migrate(migrations), [1, 2])
        XCTAssertEqual(try db.migrate(migrations), [])
        XCTAssertEqual(try db.userVersion, 2)
        XCTAssertThrowsError(try db.migrate(Array(migrations.prefix(1)))) { error in
            XCTAssertEqual(error as? MigrationError, .schemaTooNew(found: 2, supported: 1))
        }
    }

    func testErrorsCarryCodeAndStatementButNeverValues() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.run("INSERT INTO missing VALUES (?)", "secret value")) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.sql, "INSERT INTO missing VALUES (?)")
            XCTAssertFalse(String(describing: error).contains("secret value"))
        }
    }

    func testFTS5IsAvailable() throws {
        let db = try makeDatabase()
        try db.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
        try db.run("INSERT INTO f VALUES (?)", "Compte rendu d'échographie")
        XCTAssertEqual(try db.query("SELECT body FROM f WHERE f MATCH ?", ["echographie"]) { $0.string(0) }.count, 1)
    }
}
