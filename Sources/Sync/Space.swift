import FHIR
import Foundation
import HealthRecord

/// A health space the account may act for: its own, a child's (as parent), or one delegated to
/// it (as aidant). Each syncs in its own scope, with its own cursor.
public struct Space: Codable, Sendable, Equatable {
    /// The patient id of the space (the profile's id in the vault).
    public var patientID: String
    public var relation: Profile.Relation
    /// The rubriques the account may open there (all of them for its own and a child's).
    public var rubriques: [String]
    /// When a delegation ends (nil for the holder's side).
    public var until: Date?

    public init(patientID: String, relation: Profile.Relation, rubriques: [String], until: Date? = nil) {
        self.patientID = patientID
        self.relation = relation
        self.rubriques = rubriques
        self.until = until
    }

    /// The spaces listed by `GET /auth/me` (holder → own, parent → child, aidant → delegated;
    /// professional sessions are not spaces of a patient's app; an account with none has no
    /// `spaces` member). Nil when the answer is not an account's (no `account` id, or `spaces`
    /// not a list): that is not "no space any more", and must not make the vault forget any.
    static func list(from me: JSON) -> [Space]? {
        guard me["account"]?.stringValue != nil else { return nil }
        let spaces: [JSON]
        switch me["spaces"] {
        case nil: spaces = []
        case .array(let elements)?: spaces = elements
        default: return nil
        }
        return spaces.compactMap { space in
            guard let patient = space["patient"]?.stringValue, Resource.isValidID(patient) else { return nil }
            let relation: Profile.Relation
            switch space["role"]?.stringValue {
            case "holder": relation = .own
            case "parent": relation = .child
            case "aidant": relation = .delegated
            default: return nil
            }
            return Space(patientID: patient, relation: relation, rubriques: space["rubriques"]?.elements.compactMap(\.stringValue) ?? [],
                         until: space["until"]?.stringValue.flatMap(FHIRDateTime.parse))
        }
    }
}
