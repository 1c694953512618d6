import FHIR
import HealthRecord
import SQLite

/// Visibility bits stored with each resource (the `flags` column), so searches filter in SQL.
struct VisibilityFlags: OptionSet, Sendable, Hashable {
    let rawValue: Int
    static let maskedFromProfessionals = VisibilityFlags(rawValue: 1)
    static let invisibleToPatient = VisibilityFlags(rawValue: 2)
    static let invisibleToLegalRepresentatives = VisibilityFlags(rawValue: 4)
    /// Only the holder's side sees it (notifications).
    static let holderOnly = VisibilityFlags(rawValue: 8)
    static let maskedFromThirdPersons = VisibilityFlags(rawValue: 16)
    static let maskedFromSocialCare = VisibilityFlags(rawValue: 32)

    /// The flag a DMP visibility code (TRE_A07) sets.
    init(_ code: VisibilityCode) {
        switch code {
        case .maskedFromProfessionals: self = .maskedFromProfessionals
        case .invisibleToPatient: self = .invisibleToPatient
        case .invisibleToLegalRepresentatives: self = .invisibleToLegalRepresentatives
        case .maskedFromThirdPersons: self = .maskedFromThirdPersons
        case .maskedFromSocialCare: self = .maskedFromSocialCare
        }
    }

    init(rawValue: Int) { self.rawValue = rawValue }
}

/// Which rows of a space one access sees. **The one definition of visibility**: `admits` (for a
/// row in memory) and `sql` (for a search's WHERE clause) are both read from the same values,
/// and `GateTableTests` checks that they agree on every combination of flags, types and authors.
struct VisibilityRule: Sendable, Equatable {
    /// Rows carrying any of these flags are hidden.
    var hidden: VisibilityFlags
    /// Rows carrying any of these flags are hidden unless `author` is among their authors.
    var hiddenUnlessAuthor: VisibilityFlags = []
    /// Rows of these types are hidden unless `author` is among their authors, whatever their
    /// flags: the holder's "mask all my documents" (`SpacePolicy`).
    var typesHiddenUnlessAuthor: Set<String> = []
    /// The caller's own reference (`Practitioner/<id>`) as the `authors` column spells it.
    var author: String?

    /// The rule for one row.
    func admits(type: String, flags: VisibilityFlags, authors: String) -> Bool {
        guard flags.isDisjoint(with: hidden) else { return false }
        if flags.isDisjoint(with: hiddenUnlessAuthor), !typesHiddenUnlessAuthor.contains(type) { return true }
        guard let author else { return false }
        return authors.contains(" \(author) ")
    }

    /// The same rule as a condition on the `resources` table's `type`, `flags` and `authors` columns.
    var sql: (condition: String, arguments: [any SQLBindable]) {
        var condition = "(flags & \(hidden.rawValue)) = 0"
        var arguments: [any SQLBindable] = []
        var conditional: [String] = []
        if !hiddenUnlessAuthor.isEmpty { conditional.append("(flags & \(hiddenUnlessAuthor.rawValue)) != 0") }
        if !typesHiddenUnlessAuthor.isEmpty {
            conditional.append("type IN (\(typesHiddenUnlessAuthor.sorted().map { _ in "?" }.joined(separator: ", ")))")
            arguments.append(contentsOf: typesHiddenUnlessAuthor.sorted() as [any SQLBindable])
        }
        if !conditional.isEmpty {
            let guarded = conditional.count == 1 ? conditional[0] : "(" + conditional.joined(separator: " OR ") + ")"
            if let author {
                condition += " AND (NOT \(guarded) OR instr(authors, ?) > 0)"
                arguments.append(" \(author) ")
            } else {
                condition += " AND NOT \(guarded)"
            }
        }
        return ("(" + condition + ")", arguments)
    }
}
