import FHIR
import Foundation
import HealthRecord
import SQLite

/// **The one way into storage.** Every endpoint reaches resources through a `Gate`
/// transaction and the `Scope`s it opens: a scope is one caller in one patient's space, built
/// from the server's tables by `Authorization.access`, and it alone reads, searches, writes,
/// deletes and audits. The rules are applied here once:
///
/// - **see**: `Access.visibility` (a `VisibilityRule`) decides which rows a scope sees, both in
///   memory (`admits`) and in SQL (`sql`), from one definition; a Binary follows its document;
/// - **read**: `Access.canRead(type:)` from the type's `ResourcePolicy`; a resource the caller
///   may not see is *not found* (404), exactly like a missing one — never 403;
/// - **write**: `Access.canWrite(type:)`, then the type's rules (`WriteRules`);
/// - **audit**: every resource a scope of someone other than the holder's side reads is
///   recorded when the read transaction ends; every write is recorded in its own transaction.
///
/// A new endpoint for a new resource type needs no authorization code of its own: see
/// "Adding an endpoint" in `Docs/server-api.md`.
struct Gate: Sendable {
    let store: Store
    let clock: ServerClock

    /// Runs `body` in one read transaction (one consistent snapshot) for `caller`; then records
    /// the reads of audited scopes (in one write transaction).
    func read<T>(_ caller: Caller, _ body: (GateTransaction) throws -> T) throws -> T {
        let now = clock.now
        let generation = store.generation
        var denials: [GateTransaction.Read] = []
        do {
            let (value, reads) = try store.read { db -> (T, [GateTransaction.Read]) in
                let transaction = GateTransaction(db: db, caller: caller, now: now, cache: store.searchCache, generation: generation)
                defer { denials = transaction.denials }
                let value = try body(transaction)
                return (value, transaction.reads)
            }
            if !reads.isEmpty {
                try store.write { db in
                    for read in reads { try Audit.trace(db, access: read.access, action: .read, interaction: read.interaction, entities: read.entities, now: now) }
                }
            }
            return value
        } catch {
            try recordDenials(denials, now: now)
            throw error
        }
    }

    /// What a connected service was refused (outside its consent) is in the holder's history
    /// too, in its own transaction since the refused one was rolled back.
    private func recordDenials(_ denials: [GateTransaction.Read], now: Date) throws {
        guard !denials.isEmpty else { return }
        try store.write { db in
            for denial in denials {
                try Audit.record(db, access: denial.access, action: .read, interaction: denial.interaction, entities: denial.entities, now: now,
                                 detail: "refused", outcome: .refused)
            }
        }
    }

    /// Runs `body` in one write transaction (serialised with every other write) for `caller`;
    /// reads and writes are audited inside it.
    func write<T>(_ caller: Caller, _ body: (GateTransaction) throws -> T) throws -> T {
        let now = clock.now
        var denials: [GateTransaction.Read] = []
        do {
            return try store.write { db in
                let transaction = GateTransaction(db: db, caller: caller, now: now)
                defer { denials = transaction.denials }
                let value = try body(transaction)
                for read in transaction.reads {
                    try Audit.trace(db, access: read.access, action: .read, interaction: read.interaction, entities: read.entities, now: now)
                }
                return value
            }
        } catch {
            try recordDenials(denials, now: now)
            throw error
        }
    }
}

/// One request's transaction behind the gate: opens scopes and finds resources.
final class GateTransaction {
    struct Read {
        var access: Access
        var interaction: String
        var entities: [String]
    }

    let db: Database
    let caller: Caller
    let now: Date
    /// Reads by audited scopes, recorded when the transaction ends.
    fileprivate(set) var reads: [Read] = []
    /// What a connected service was refused, recorded even though the transaction fails.
    fileprivate(set) var denials: [Read] = []
    /// `Binary/<id>` references a transaction Bundle writes after its documents: a document
    /// may point at them before they exist.
    var pendingContent: Set<String> = []

    /// Search results of earlier reads at this generation (read transactions only).
    let cache: SearchCache?
    let generation: UInt64

    init(db: Database, caller: Caller, now: Date, cache: SearchCache? = nil, generation: UInt64 = 0) {
        self.db = db
        self.caller = caller
        self.now = now
        self.cache = cache
        self.generation = generation
    }

    /// The caller in the space of `patient`. A space the caller cannot open — none of theirs,
    /// a delegation or session that ended, a blocked professional, or no such space — is *not
    /// found* (404), like a resource they may not see: invisible is 404 everywhere, searches
    /// and operations included. (What the caller may do inside a space they do open is
    /// answered 403: `rubrique`, `holder-only`, `read-only`.)
    func scope(_ patient: String) throws -> Scope {
        do {
            return Scope(transaction: self, access: try Authorization.access(db, caller: caller, patient: patient, now: now))
        } catch let error as APIError where error.outcome.issues.first?.detailCode == "consent-outdated" {
            // A connected service that asked for more: it is told so (it was let in before), and the
            // holder sees the attempt.
            denials.append(.init(access: Access(patient: patient, role: .service, caller: caller, rubriques: []),
                                 interaction: "consent-outdated", entities: []))
            throw error
        } catch let error as APIError where error.status == 403 {
            throw APIError.notFound("no such patient space")
        }
    }

    /// The caller in the space of `patient`, on the holder's side only (403 `holder-only`).
    func holderScope(_ patient: String) throws -> Scope {
        let scope = try scope(patient)
        guard scope.access.isHolderSide else { throw APIError.forbidden("only the holder manages access to this space", detail: "holder-only") }
        return scope
    }

    /// A resource the caller may see, with the scope of its space (nil for a shared type such
    /// as Practitioner). 404 when it does not exist *or* the caller may not see it (no access
    /// to its space, a type outside their rubriques, masked): the same answer, so it tells
    /// nothing. 410 when it was deleted and the caller could see it.
    func resource(_ type: String, _ id: String) throws -> (scope: Scope?, stored: StoredResource) {
        let (scope, stored) = try row(type, id)
        if stored.deleted { throw APIError.gone("\(type)/\(id) was deleted") }
        return (scope, stored)
    }

    /// The row at `type/id` (a tombstone included) when the caller may see it; 404 otherwise.
    func row(_ type: String, _ id: String) throws -> (scope: Scope?, stored: StoredResource) {
        let notFound = APIError.notFound("\(type)/\(id) does not exist")
        guard let policy = ResourcePolicy.of(type), Resource.isValidID(id),
              let stored = try ResourceRepository.fetch(db, type: type, id: id) else { throw notFound }
        if policy.audience == .shared { return (nil, stored) }
        let scope: Scope
        do { scope = try self.scope(stored.patient) } catch is APIError { throw notFound }
        guard try scope.canSee(stored) else { throw notFound }
        return (scope, stored)
    }

    /// The row at `type/id` whatever it is, for a write that must know whether the id is
    /// taken (a create). Callers must not show it: pass it to `Scope.save` or `Scope.delete`.
    func existing(_ type: String, _ id: String) throws -> StoredResource? {
        try ResourceRepository.fetch(db, type: type, id: id)
    }

    /// The Patient of a space, for a professional opening emergency access (who may learn
    /// that the space exists: that is what emergency access is for).
    func emergencySpace(_ patient: String) throws -> StoredResource? {
        guard caller.kind == .professional, Resource.isValidID(patient),
              let space = try ResourceRepository.fetch(db, type: "Patient", id: patient), !space.deleted else { return nil }
        return space
    }

    /// The space a resource would belong to (422 when it names none).
    func space(of resource: Resource) throws -> String { try WriteRules.patient(of: resource, db: db) }

    /// A search of a shared type (Practitioner): every authenticated caller reads it.
    func searchShared(_ query: SearchQuery) throws -> SearchResult {
        guard let policy = ResourcePolicy.of(query.type), policy.audience == .shared else {
            throw APIError.badRequest("the patient parameter is required", detail: "missing-patient")
        }
        return try query.run(db, visibility: nil, cache: cache, generation: generation)
    }

    /// Creates or updates `resource` (its id set) for the caller: its space, the caller's
    /// rights there and its type's rules are checked, then it is saved and audited. 404 when it
    /// replaces a resource the caller may not see.
    @discardableResult
    func save(_ resource: inout Resource, ifMatch: Int? = nil, createOnly: Bool = false) throws -> (stored: StoredResource, created: Bool) {
        let type = resource.resourceType
        guard let policy = ResourcePolicy.of(type) else { throw APIError.notFound("\(type) is not served here") }
        guard let id = resource.id, Resource.isValidID(id) else { throw APIError.badRequest("invalid id", detail: "invalid-id") }
        let existing = try ResourceRepository.fetch(db, type: type, id: id)
        if let existing, !existing.deleted {
            // A caller who may not see it learns nothing of it from a write: not its version
            // (If-Match), not its existence (If-None-Match: *).
            _ = try row(type, id)
        }
        if policy.writers == .server { throw APIError.forbidden("\(type) is written by the server only", detail: "read-only") }
        // The FHIR R4 structure of the type (what it says does not depend on what is stored).
        let issues = StructureValidator.validate(resource.json, type: type)
        guard issues.isEmpty else { throw APIError.invalid(issues) }
        if createOnly, let existing, !existing.deleted { throw APIError.stale("\(type)/\(id) already exists (If-None-Match *)") }
        if let ifMatch {
            guard let existing, !existing.deleted else { throw APIError.stale("\(type)/\(id) does not exist (If-Match \(ifMatch))") }
            guard existing.version == ifMatch else { throw APIError.stale("\(type)/\(id) is at version \(existing.version), not \(ifMatch)") }
        }
        let patient = try WriteRules.patient(of: resource, db: db)
        // A tombstone stays in its space too: taking its id elsewhere would drop the deletion
        // from the first space's changes feed.
        if let existing, existing.patient != patient {
            throw APIError.unprocessable("a resource cannot move to another patient", detail: "patient-changed")
        }
        let scope = try self.scope(patient)
        let stored = try scope.save(&resource, existing: existing)
        return (stored, existing == nil || existing?.deleted == true)
    }

    /// Deletes `type/id` for the caller. Deleting again answers as the first time; 404 when it
    /// never existed or the caller may not see it.
    func delete(_ type: String, _ id: String, ifMatch: Int?) throws {
        let (scope, stored) = try row(type, id)
        guard let scope else {
            let allowed = ResourcePolicy.of(type)?.allowedMethods ?? []
            throw APIError(405, .notSupported, "\(type) cannot be deleted", detail: "method-not-allowed", headers: [("Allow", allowed.joined(separator: ", "))])
        }
        if stored.deleted { return }
        try scope.delete(stored, ifMatch: ifMatch)
    }
}

/// One caller in one patient's space: everything that reads or changes the space's
/// resources goes through one.
struct Scope {
    fileprivate let transaction: GateTransaction
    let access: Access

    fileprivate init(transaction: GateTransaction, access: Access) {
        self.transaction = transaction
        self.access = access
    }

    var patient: String { access.patient }
    var db: Database { transaction.db }
    var pendingContent: Set<String> { transaction.pendingContent }
    var now: Date { transaction.now }

    /// Whether this scope sees the row (of its space; a Binary follows its document).
    func canSee(_ stored: StoredResource) throws -> Bool {
        guard stored.patient == patient, access.canSee(stored) else { return false }
        guard stored.type == "Binary" else { return true }
        guard !stored.deleted, let document = try WriteRules.document(of: stored, db: db), document.patient == patient else { return false }
        return access.canSee(document)
    }

    /// A resource of this scope's transaction (see `GateTransaction.resource`).
    func transactionResource(_ type: String, _ id: String) throws -> (scope: Scope?, stored: StoredResource) {
        try transaction.resource(type, id)
    }

    /// Records that a connected service was refused (it is told 403; the holder sees it in the history).
    func noteDenial(_ interaction: String, _ entities: [String]) {
        guard access.role == .service else { return }
        transaction.denials.append(.init(access: access, interaction: interaction, entities: entities))
    }

    /// Records that this scope read `entities` (audited for anyone but the holder's side).
    func noteRead(_ interaction: String, _ entities: [String]) {
        guard access.isAudited else { return }
        transaction.reads.append(.init(access: access, interaction: interaction, entities: entities))
    }

    /// The resource's Binary content (for a Binary this scope sees).
    func content(of stored: StoredResource) throws -> (contentType: String, data: [UInt8])? {
        guard stored.type == "Binary", try canSee(stored) else { return nil }
        return try ResourceRepository.content(db, id: stored.id)
    }

    /// A search of `query.type` in this space: 403 `rubrique` when the type is outside this
    /// access; the rows this access may not see are left out in SQL.
    func search(_ query: SearchQuery) throws -> SearchResult {
        guard access.canRead(type: query.type) else {
            noteDenial("search-type", [query.type])
            throw APIError.forbidden("this access does not cover \(query.type)", detail: "rubrique")
        }
        var query = query
        query.patient = patient
        let result = try query.run(db, visibility: access.visibility, cache: transaction.cache, generation: transaction.generation)
        if !result.rows.isEmpty || query.countOnly { noteRead("search-type", result.rows.map(\.reference)) }
        return result
    }

    /// The changes of this space after `since`: each row with whether this scope sees it.
    /// Types it never reads are left out, and so are rows it never could have seen.
    func changes(since: Int64, count: Int) throws -> (rows: [(StoredResource, visible: Bool)], more: Bool, last: Int64) {
        let rows = try db.query("""
            SELECT \(ResourceRepository.columns), prior_flags FROM resources WHERE patient = ? AND seq > ? AND type != 'Binary'
            ORDER BY seq LIMIT ?
            """, [patient, since, count + 1]) { (ResourceRepository.row($0), VisibilityFlags(rawValue: $0.int(10))) }
        let page = rows.prefix(count)
        var result: [(StoredResource, visible: Bool)] = []
        for (row, prior) in page where access.canRead(type: row.type) {
            let visible = !row.deleted && access.canSee(row)
            // A tombstone (a deletion, or a row masked since) only for what this access could
            // have seen before: the feed does not name what it never showed.
            if !visible, !access.visibility.admits(type: row.type, flags: row.flags, authors: row.authors),
               !access.visibility.admits(type: row.type, flags: prior, authors: row.authors) { continue }
            result.append((row, visible))
        }
        let visibleRows = result.filter(\.visible).map(\.0.reference)
        if !visibleRows.isEmpty { noteRead("history-instance", visibleRows) }
        return (result, rows.count > count, page.last?.0.seq ?? since)
    }

    /// Saves `resource` in this space after the caller's rights and the type's rules.
    func save(_ resource: inout Resource, existing: StoredResource?) throws -> StoredResource {
        let type = resource.resourceType
        let current = existing?.deleted == false ? existing : nil
        guard access.canWrite(type: type) else {
            noteDenial(current == nil ? "create" : "update", [resource.id.map { "\(type)/\($0)" } ?? type])
            throw APIError.forbidden("this access may not write \(type)", detail: access.canRead(type: type) ? "read-only" : "rubrique")
        }
        if let current {
            guard try canSee(current) else { throw APIError.notFound("\(type)/\(current.id) does not exist") }
            try WriteRules.requireAuthorship(current, access: access)
        }
        let index = try WriteRules(scope: self).prepare(&resource, existing: current)
        if type == "Binary" {
            let binary = try Binary(resource)
            try ResourceRepository.saveContent(db, id: resource.id ?? "", contentType: binary.contentType, data: binary.data)
            resource["data"] = nil
        }
        let stored = try ResourceRepository.save(db, &resource, index: index, now: now)
        try Audit.trace(db, access: access, action: current == nil ? .create : .update, interaction: current == nil ? "create" : "update",
                        entities: [stored.reference], now: now)
        return stored
    }

    /// Deletes a row this scope sees.
    func delete(_ stored: StoredResource, ifMatch: Int?) throws {
        guard let policy = ResourcePolicy.of(stored.type) else { throw APIError.notFound("\(stored.reference) does not exist") }
        guard policy.deletable else {
            throw APIError(405, .notSupported, "\(stored.type) cannot be deleted", detail: "method-not-allowed",
                           headers: [("Allow", policy.allowedMethods.joined(separator: ", "))])
        }
        guard access.canWrite(type: stored.type) else {
            noteDenial("delete", [stored.reference])
            throw APIError.forbidden("this access may not delete \(stored.type)", detail: access.canRead(type: stored.type) ? "read-only" : "rubrique")
        }
        try WriteRules.requireDeletable(stored, db: db)
        try WriteRules.requireAuthorship(stored, access: access)
        try AgendaRules.checkChange(stored, access: access)
        if let ifMatch, ifMatch != stored.version { throw APIError.stale("\(stored.reference) is at version \(stored.version), not \(ifMatch)") }
        _ = try ResourceRepository.markDeleted(db, stored, now: now)
        try Audit.trace(db, access: access, action: .delete, interaction: "delete", entities: [stored.reference], now: now)
    }

    /// Saves a resource the server itself writes in this space (the Consents of the access
    /// operations): no caller rules, but the same index and sequence as every write.
    func saveServerResource(_ resource: inout Resource) throws {
        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: now)
    }

    func saveServer(_ resource: Resource) throws {
        var resource = resource
        try saveServerResource(&resource)
    }

    /// This scope acting through one emergency session (of the kind just opened), for its record.
    func emergency(_ kind: String) -> Scope {
        var access = access
        access.emergencyKind = kind
        access.policy = (try? SpacePolicy.of(db, patient: patient)) ?? access.policy
        return Scope(transaction: transaction, access: access)
    }

    /// Records an operation (redeem, emergency access) in the activity history.
    func record(_ action: Audit.Action, _ interaction: String, entities: [String], detail: String? = nil) throws {
        try Audit.record(db, access: access, action: action, interaction: interaction, entities: entities, now: now,
                         purpose: access.emergencyKind, detail: detail)
    }

    /// Tells the holder (a notification in the space).
    func notifyHolder(code: String, text: String, alsoTo: [String] = []) throws {
        try Audit.notify(db, patient: patient, code: code, text: text, now: now, alsoTo: alsoTo)
    }
}
