import SQLite

/// The vault's schema, version by version. A migration is never edited once released: add one.
///
/// Records: one table per kind, with the columns queries filter and sort on, and the record
/// itself as a JSON body. Every record belongs to a profile. Then the full-text index, document
/// contents, and what sync needs (outbox, cursors, last server versions, settings).
public enum VaultSchema {
    public static let migrations: [Migration] = [
        Migration(version: 1, sql: version1),
        Migration(version: 2, sql: version2),
        Migration(version: 3, sql: version3),
        Migration(version: 4, sql: version4),
        Migration(version: 5, sql: version5),
        Migration(version: 6, sql: version6),
    ]

    /// Record tables: `id`, `profile_id`, indexed columns, `updated_at` (Unix seconds), `body`.
    static func recordTable(_ name: String, columns: [(String, String)] = []) -> String {
        let extra = columns.map { ",\n    \($0.0) \($0.1)" }.joined()
        var sql = """
        CREATE TABLE \(name) (
            id TEXT PRIMARY KEY NOT NULL,
            profile_id TEXT NOT NULL\(extra),
            updated_at REAL NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX \(name)_profile ON \(name)(profile_id);

        """
        for (column, _) in columns {
            sql += "CREATE INDEX \(name)_\(column) ON \(name)(profile_id, \(column));\n"
        }
        return sql
    }

    static let version1 = [
        recordTable("profile", columns: [("relation", "TEXT NOT NULL")]),
        recordTable("emergency_contact"),
        recordTable("delegation"),
        recordTable("document", columns: [("type_code", "TEXT NOT NULL"), ("class_code", "TEXT NOT NULL"),
                                          ("created_at", "REAL NOT NULL"), ("is_read", "INTEGER NOT NULL")]),
        recordTable("condition"),
        recordTable("treatment"),
        recordTable("allergy"),
        recordTable("vaccination", columns: [("date", "TEXT NOT NULL")]),
        recordTable("family_history"),
        recordTable("measurement", columns: [("type", "TEXT NOT NULL"), ("effective_at", "REAL NOT NULL")]),
        recordTable("wishes"),
        recordTable("care_history", columns: [("date", "TEXT NOT NULL")]),
        recordTable("agenda_event", columns: [("start_at", "REAL NOT NULL")]),
        recordTable("thread", columns: [("last_activity_at", "REAL NOT NULL")]),
        recordTable("message", columns: [("thread_id", "TEXT NOT NULL"), ("sent_at", "REAL NOT NULL"),
                                         ("is_read", "INTEGER NOT NULL")]),
        recordTable("access_grant", columns: [("expires_at", "REAL NOT NULL")]),
        recordTable("service_consent"),
        recordTable("block"),
        recordTable("audit_entry", columns: [("at", "REAL NOT NULL")]),
        """
        CREATE TABLE document_content (
            document_id TEXT PRIMARY KEY NOT NULL,
            bytes BLOB NOT NULL,
            extracted_text TEXT
        );

        -- Full-text search: one row per searchable record; search_index's rowid is search_entry's.
        CREATE TABLE search_entry (
            rowid INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            profile_id TEXT NOT NULL,
            UNIQUE (kind, record_id)
        );
        CREATE VIRTUAL TABLE search_index USING fts5(
            title, authors, types, body,
            tokenize = 'unicode61 remove_diacritics 2'
        );

        -- Sync: local changes to send, in order, written in the same transaction as the change.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            profile_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            operation TEXT NOT NULL,
            payload BLOB,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        );
        CREATE INDEX outbox_record ON outbox(kind, record_id);

        -- Sync: the server's changes-feed cursor of each profile.
        CREATE TABLE sync_cursor (
            profile_id TEXT PRIMARY KEY NOT NULL,
            cursor TEXT NOT NULL,
            updated_at REAL NOT NULL
        );

        -- Sync: the last version of each record the server acknowledged (the common ancestor
        -- of a three-way merge).
        CREATE TABLE sync_base (
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            version_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (kind, record_id)
        );

        CREATE TABLE setting (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        );
        """,
    ].joined(separator: "\n")

    /// Documents: what a list shows, in columns, so listing 10,000 documents decodes no body.
    /// Rows written before are filled from their bodies once.
    static let version2 = """
        ALTER TABLE document ADD COLUMN title TEXT NOT NULL DEFAULT '';
        ALTER TABLE document ADD COLUMN author TEXT NOT NULL DEFAULT '';
        ALTER TABLE document ADD COLUMN organization TEXT;
        ALTER TABLE document ADD COLUMN author_rpps TEXT;
        ALTER TABLE document ADD COLUMN category TEXT;
        ALTER TABLE document ADD COLUMN format TEXT NOT NULL DEFAULT '';
        ALTER TABLE document ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE document ADD COLUMN origin TEXT NOT NULL DEFAULT '';
        ALTER TABLE document ADD COLUMN visibility TEXT NOT NULL DEFAULT '';
        UPDATE document SET
            title = coalesce(json_extract(CAST(body AS TEXT), '$.title'), ''),
            author = coalesce(json_extract(CAST(body AS TEXT), '$.author.name'), ''),
            organization = json_extract(CAST(body AS TEXT), '$.author.organization'),
            author_rpps = json_extract(CAST(body AS TEXT), '$.author.rpps'),
            category = json_extract(CAST(body AS TEXT), '$.category'),
            format = coalesce(json_extract(CAST(body AS TEXT), '$.format'), ''),
            size = coalesce(json_extract(CAST(body AS TEXT), '$.size'), 0),
            origin = coalesce(json_extract(CAST(body AS TEXT), '$.origin'), ''),
            visibility = coalesce((SELECT group_concat(value, ' ') FROM json_each(CAST(body AS TEXT), '$.visibility')), '');
        """

    /// Messagerie: what the inbox shows, in columns, so 5,000 threads list without decoding a
    /// body or reading a message. Rows written before are filled from their bodies once (the
    /// last message's preview comes with the next change of the thread).
    static let version3 = """
        ALTER TABLE thread ADD COLUMN subject TEXT NOT NULL DEFAULT '';
        ALTER TABLE thread ADD COLUMN correspondent TEXT NOT NULL DEFAULT '';
        ALTER TABLE thread ADD COLUMN profession TEXT;
        ALTER TABLE thread ADD COLUMN is_closed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE thread ADD COLUMN is_archived INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE thread ADD COLUMN last_preview TEXT NOT NULL DEFAULT '';
        ALTER TABLE thread ADD COLUMN last_sender TEXT NOT NULL DEFAULT '';
        ALTER TABLE thread ADD COLUMN last_from_patient INTEGER NOT NULL DEFAULT 0;
        UPDATE thread SET
            subject = coalesce(json_extract(CAST(body AS TEXT), '$.subject'), ''),
            correspondent = coalesce((SELECT json_extract(value, '$.name') FROM json_each(CAST(body AS TEXT), '$.participants')
                                      WHERE json_extract(value, '$.role') != 'patient' LIMIT 1), ''),
            profession = (SELECT json_extract(value, '$.profession') FROM json_each(CAST(body AS TEXT), '$.participants')
                          WHERE json_extract(value, '$.role') != 'patient' LIMIT 1),
            is_closed = coalesce(json_extract(CAST(body AS TEXT), '$.isClosed'), 0);
        UPDATE message SET is_read = 1 WHERE json_extract(CAST(body AS TEXT), '$.sender.role') = 'patient';
        """

    /// The profil médical's rubriques beyond the first five: hospitalisations, handicaps, the
    /// blood group and the habits of life.
    static let version4 = [
        recordTable("hospitalization"),
        recordTable("disability"),
        recordTable("blood_group"),
        recordTable("lifestyle"),
    ].joined(separator: "\n")

    /// Lists that read one page (issue 20): the MES category each document files under, and
    /// folded sort keys for titles and authors, each with an index in the list's order, so the
    /// Documents screen reads the rows it shows and counts the rest, at any size. The values
    /// are computed in Swift (the categories come from `Resources/dmp/`): rows written before,
    /// or by a process that did not know the catalogue, keep `list_category` NULL until the next
    /// list fills them (`RecordStore.prepareList`).
    static let version5 = """
        ALTER TABLE document ADD COLUMN list_category TEXT;
        ALTER TABLE document ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE document ADD COLUMN author_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX document_list_date ON document(profile_id, list_category, created_at, id, is_read, visibility);
        CREATE INDEX document_list_title ON document(profile_id, list_category, title_key, created_at, id, is_read, visibility);
        CREATE INDEX document_list_author ON document(profile_id, list_category, author_key, created_at, id, is_read, visibility);
        CREATE INDEX thread_list ON thread(profile_id, is_archived, last_activity_at, id);
        CREATE INDEX message_unread ON message(thread_id, is_read);
        """

    /// The inbox search keystroke (issue 14): each thread keeps its unread count, so neither a
    /// page nor the inbox's total recounts 50,000 messages (`UnreadCounts` keeps it in step in
    /// the transaction of each message or thread write). The list index carries it, so the total
    /// and the unread filter read the index alone; its ids run against the dates as the inbox's
    /// orders do (newest first, ties by id), so neither order needs a sort. Each search entry of
    /// a thread or a message names its thread, so a search finds threads without reading one
    /// message row.
    static let version6 = """
        ALTER TABLE thread ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
        UPDATE thread SET unread_count = (SELECT count(*) FROM message m WHERE m.thread_id = thread.id AND m.is_read = 0);
        DROP INDEX thread_list;
        CREATE INDEX thread_list ON thread(profile_id, is_archived, last_activity_at, id DESC, unread_count);
        ALTER TABLE search_entry ADD COLUMN thread_id TEXT;
        UPDATE search_entry SET thread_id = record_id WHERE kind = 'thread';
        UPDATE search_entry SET thread_id = (SELECT m.thread_id FROM message m WHERE m.id = search_entry.record_id) WHERE kind = 'message';
        """
}
