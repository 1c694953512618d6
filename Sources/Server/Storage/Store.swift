import Foundation
import SQLite
import Synchronization

/// The server's SQLite database in DATA: one writer connection behind a lock (every change is
/// one IMMEDIATE transaction, so changes commit in the order of their sequence numbers) and a
/// pool of reader connections in WAL mode, so reads run in parallel with the writer.
///
/// `@unchecked Sendable`: each connection is used by one thread at a time — the writer under
/// `writeLock`, a reader between its check-out and check-in.
public final class Store: @unchecked Sendable {
    public let path: String
    private let writer: Database
    private let writeLock = NSLock()
    private var idleReaders: [Database] = []
    private let readersLock = NSLock()
    /// Counts committed write transactions (see `SearchCache`).
    private let generationCounter = Atomic<UInt64>(0)
    /// Recent search results (`--search-cache N`; 0 disables it).
    let searchCache: SearchCache

    public init(directory: URL, searchCacheEntries: Int = 256) throws {
        searchCache = SearchCache(capacity: searchCacheEntries)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        path = directory.appendingPathComponent("server.sqlite").path
        writer = try Database(path: path)
        writer.setBusyTimeout(milliseconds: 10_000)
        try writer.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        try writer.migrate(Schema.migrations)
    }

    /// Runs `body` in one write transaction (serialised with every other write).
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        let value = try writer.transaction(.immediate) { try body(writer) }
        generationCounter.add(1, ordering: .sequentiallyConsistent)
        return value
    }

    /// Changes after every committed write: read it *before* a read transaction, and the
    /// snapshot holds at least everything up to it.
    var generation: UInt64 { generationCounter.load(ordering: .sequentiallyConsistent) }

    /// Runs `body` on a reader connection inside a read transaction (one consistent snapshot).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        return try reader.transaction(.deferred) { try body(reader) }
    }

    private func checkOutReader() throws -> Database {
        readersLock.lock()
        let reader = idleReaders.popLast()
        readersLock.unlock()
        if let reader { return reader }
        let connection = try Database(path: path, options: [.readWrite])
        connection.setBusyTimeout(milliseconds: 10_000)
        try connection.execute("PRAGMA query_only=ON;")
        return connection
    }

    private func checkIn(_ reader: Database) {
        readersLock.lock()
        if idleReaders.count < 16 { idleReaders.append(reader) }
        readersLock.unlock()
    }

    /// Checkpoints the WAL into the database file (on shutdown).
    public func checkpoint() {
        writeLock.lock()
        defer { writeLock.unlock() }
        try? writer.execute("PRAGMA wal_checkpoint(TRUNCATE);")
    }
}

/// The schema, as migrations.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            -- Every resource's current version (deleted ones stay as tombstones for the feed).
            CREATE TABLE resources (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                patient TEXT NOT NULL DEFAULT '',
                version INTEGER NOT NULL,
                updated TEXT NOT NULL,
                seq INTEGER NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                date TEXT,
                status TEXT,
                tokens TEXT NOT NULL DEFAULT ' ',
                search_text TEXT NOT NULL DEFAULT '',
                flags INTEGER NOT NULL DEFAULT 0,
                authors TEXT NOT NULL DEFAULT ' ',
                PRIMARY KEY (type, id)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX resources_by_seq ON resources(seq);
            CREATE INDEX resources_feed ON resources(patient, seq);
            CREATE INDEX resources_search ON resources(patient, type, date);
            -- The resources' JSON, apart, so that searches scan small index rows only.
            CREATE TABLE bodies (key TEXT PRIMARY KEY, json BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE binaries (id TEXT PRIMARY KEY, content_type TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;

            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,              -- patient | professional
                login TEXT NOT NULL UNIQUE,      -- identifier, or RPPS number
                password_hash TEXT NOT NULL,
                display_name TEXT NOT NULL,
                patient_id TEXT,                 -- the space this account holds
                practitioner_id TEXT             -- the Practitioner of a professional
            );
            CREATE TABLE otp_challenges (challenge_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                code_hash TEXT NOT NULL, expires REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, expires REAL NOT NULL);
            CREATE TABLE guardianships (account_id TEXT NOT NULL, patient_id TEXT NOT NULL, PRIMARY KEY (account_id, patient_id));
            CREATE TABLE delegations (consent_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, patient_id TEXT NOT NULL,
                rubriques TEXT NOT NULL, ends REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
            -- Temporary access: codes given by the holder, emergency and SAMU sessions.
            CREATE TABLE access_grants (consent_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, kind TEXT NOT NULL,
                code_hash TEXT, rubriques TEXT NOT NULL, duration REAL NOT NULL, redeem_by REAL,
                practitioner_id TEXT, session_ends REAL, state TEXT NOT NULL);
            CREATE INDEX access_grants_by_code ON access_grants(code_hash);
            CREATE INDEX access_grants_by_practitioner ON access_grants(practitioner_id, patient_id);
            CREATE TABLE blocks (consent_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, practitioner_id TEXT NOT NULL,
                active INTEGER NOT NULL DEFAULT 1);
            CREATE TABLE access_policies (patient_id TEXT PRIMARY KEY, oppose_emergency INTEGER NOT NULL DEFAULT 0,
                oppose_samu INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE failed_codes (account_id TEXT NOT NULL, at REAL NOT NULL);
            CREATE INDEX failed_codes_by_account ON failed_codes(account_id, at);
            CREATE TABLE lockouts (account_id TEXT PRIMARY KEY, until REAL NOT NULL);
            CREATE TABLE notification_marks (mark TEXT PRIMARY KEY);
            """),
        Migration(version: 2) { db in try db.execute(version2); try ResourceRepository.reindexTokens(db) },
        Migration(version: 3, sql: version3),
        Migration(version: 4, sql: version4),
        Migration(version: 5) { db in try flagWishes(db) },
        Migration(version: 6, sql: searchIndexes),
        Migration(version: 7) { db in try markGrantsApprovedForMinors(db, now: Date()) },
    ]

    /// A service approved by a parent for a child's space must be approved again by the young
    /// adult at 18 (MES: `shouldUpdateAutorisationAfterMajorite`): each grant remembers whether
    /// its space was a minor's when it was approved. Grants already stored are marked by the
    /// space's age today.
    static func markGrantsApprovedForMinors(_ db: Database, now: Date) throws {
        try db.execute("ALTER TABLE service_grants ADD COLUMN approved_for_minor INTEGER NOT NULL DEFAULT 0")
        let patients = try db.query("SELECT DISTINCT patient_id FROM service_grants WHERE service_id != ''", []) { $0.string(0) }
        for patient in patients where try Delegations.isMinor(db, patient: patient, now: now) {
            try db.run("UPDATE service_grants SET approved_for_minor = 1 WHERE patient_id = ? AND service_id != ''", [patient])
        }
    }

    /// « Entourage et volontés » (issue 15): the rows it opens carry `.wishes` — the holder's
    /// wishes Consent, the documents of wishes (EXPPAT_1, EXPPAT_3) and their content.
    static func flagWishes(_ db: Database) throws {
        let wishes = VisibilityFlags.wishes.rawValue
        try db.run("""
            UPDATE resources SET flags = flags | \(wishes) WHERE deleted = 0 AND (
              (type = 'DocumentReference' AND (tokens LIKE '% type=EXPPAT_1 %' OR tokens LIKE '% type=EXPPAT_3 %'))
              OR (type = 'Consent' AND tokens LIKE ?))
            """, ["% category=\(ResourceIndex.consentCategories)|acd %"])
        let binaries = try db.query("SELECT \(ResourceRepository.columns) FROM resources WHERE type = 'Binary' AND deleted = 0", [], map: ResourceRepository.row)
        for binary in binaries {
            guard let document = try WriteRules.document(of: binary, db: db), document.flags.contains(.wishes) else { continue }
            try db.run("UPDATE resources SET flags = flags | \(wishes) WHERE type = 'Binary' AND id = ?", [binary.id])
        }
    }

    /// The holder's space-wide policy, applied by the gate (`SpacePolicy`): "mask all my
    /// documents, present and future", and masked documents in an emergency (shown unless opposed).
    /// The catalogue de services, and what each service grant approved (`ServiceCatalogue`).
    static let version3 = """
            ALTER TABLE access_policies ADD COLUMN mask_all INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE access_policies ADD COLUMN masked_in_emergency INTEGER NOT NULL DEFAULT 1;
            -- A referenced service: its account (the token it uses), its catalogue entry (JSON,
            -- API.ServiceEntry without connection) and the version, raised when it asks for more.
            CREATE TABLE services (id TEXT PRIMARY KEY, account_id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, entry TEXT NOT NULL);
            ALTER TABLE service_grants ADD COLUMN service_id TEXT NOT NULL DEFAULT '';
            ALTER TABLE service_grants ADD COLUMN finalities TEXT NOT NULL DEFAULT '';
            ALTER TABLE service_grants ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
            """

    /// Aidants and legal representatives (issue 16): a delegation is an invitation first, then
    /// accepted, refused, revoked (by either side) or past its end; who an account's person is,
    /// to match an aidant invited by name and birth date; a minor's own account, which takes
    /// the space over at 18.
    /// A search walks its order and stops at the page (no sort of the whole type), and counts
    /// its visible rows from an index alone: the first search after a write (cache cleared)
    /// went from about 16 ms to 3 ms at 10,000 documents.
    static let searchIndexes = """
            CREATE INDEX resources_search_order ON resources(patient, type, date IS NULL, date DESC, id);
            CREATE INDEX resources_visible ON resources(patient, type, deleted, flags, authors);
            """

    static let version4 = """
            ALTER TABLE delegations ADD COLUMN state TEXT NOT NULL DEFAULT 'active';  -- pending | active | refused | revoked
            ALTER TABLE delegations ADD COLUMN kind TEXT NOT NULL DEFAULT 'caregiving'; -- caregiving | legal-representation
            ALTER TABLE delegations ADD COLUMN created REAL NOT NULL DEFAULT 0;
            ALTER TABLE delegations ADD COLUMN inviter TEXT;
            UPDATE delegations SET state = 'revoked' WHERE revoked = 1;
            CREATE INDEX delegations_by_account ON delegations(account_id, state);
            CREATE INDEX delegations_by_patient ON delegations(patient_id, state);
            CREATE TABLE account_identities (account_id TEXT PRIMARY KEY, family TEXT NOT NULL, given TEXT NOT NULL, birth_date TEXT NOT NULL);
            CREATE TABLE minor_accounts (account_id TEXT PRIMARY KEY, patient_id TEXT NOT NULL);
            """

    static let version2 = """
            -- The flags of a resource's previous version: the changes feed sends a tombstone for a
            -- row a caller no longer sees only if they could see it before.
            ALTER TABLE resources ADD COLUMN prior_flags INTEGER NOT NULL DEFAULT 0;
            UPDATE resources SET prior_flags = flags;
            -- Connected services (catalogue de services): what the holder consented to, per space.
            CREATE TABLE service_grants (consent_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, patient_id TEXT NOT NULL,
                read_rubriques TEXT NOT NULL, write_rubriques TEXT NOT NULL, ends REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX service_grants_by_account ON service_grants(account_id, patient_id);
            -- Token search parameters (category, type, code, status, security-label, identifier,
            -- thread), one row per resource and token, so a search is an index lookup.
            CREATE TABLE resource_tokens (patient TEXT NOT NULL, type TEXT NOT NULL, token TEXT NOT NULL, id TEXT NOT NULL,
                date TEXT, PRIMARY KEY (patient, type, token, date, id)) WITHOUT ROWID;
            CREATE INDEX resource_tokens_by_id ON resource_tokens(type, id);
            """
}
