import Foundation
import HealthRecord

/// The rubriques of the *profil médical* as MES shows them (DOMAIN-FACTS §1.1), in its order.
/// The raw value names a rubrique on the command line (`mes profile add conditions …`).
public enum ProfileRubrique: String, Sendable, CaseIterable, Hashable, Codable {
    case conditions
    case treatments
    case hospitalizations
    case disabilities
    case bloodGroup = "blood-group"
    case allergies
    case familyHistory = "family-history"
    case vaccinations
    case lifestyle
    case professionals
    case entourage
    case wishes

    /// The MES block a rubrique sits in.
    public enum Block: String, Sendable, CaseIterable {
        case medicalFollowUp, healthCharacteristics, prevention, careTeam, entourageAndWishes
    }

    public var block: Block {
        switch self {
        case .conditions, .treatments, .hospitalizations, .disabilities: .medicalFollowUp
        case .bloodGroup, .allergies, .familyHistory: .healthCharacteristics
        case .vaccinations, .lifestyle: .prevention
        case .professionals: .careTeam
        case .entourage, .wishes: .entourageAndWishes
        }
    }

    /// The fields MES keeps for an entry of this rubrique, in the order a form shows them.
    public var fields: [ProfileField] {
        switch self {
        case .conditions:
            [.init("name", .text, required: true), .init("start", .partialDate), .init("end", .partialDate),
             .init("status", .choice(HealthRecord.Condition.Status.allCases.map(\.rawValue))), .init("comment", .text)]
        case .treatments:
            [.init("name", .text, required: true), .init("dosage", .text), .init("start", .partialDate), .init("end", .partialDate),
             .init("condition", .reference(.conditions)), .init("comment", .text)]
        case .hospitalizations:
            [.init("name", .text, required: true), .init("start", .partialDate, required: true), .init("duration", .integer),
             .init("unit", .choice(Hospitalization.DurationUnit.allCases.map(\.rawValue))), .init("comment", .text)]
        case .disabilities:
            [.init("name", .text, required: true), .init("types", .choices(Disability.DisabilityType.allCases.map(\.rawValue))),
             .init("cdaph", .choice(Disability.CDAPHRate.allCases.map(\.rawValue))), .init("technical-help", .text),
             .init("human-help", .choice(Disability.HumanHelp.allCases.map(\.rawValue))), .init("comment", .text)]
        case .bloodGroup:
            [.init("group", .choice(BloodGroup.Value.allCases.map(\.rawValue)), required: true)]
        case .allergies:
            [.init("name", .text, required: true), .init("comment", .text)]
        case .familyHistory:
            [.init("relative", .choice(FamilyHistory.Relative.allCases.map(\.rawValue)), required: true),
             .init("name", .text, required: true), .init("comment", .text)]
        case .vaccinations:
            [.init("vaccine", .vaccine, required: true), .init("date", .date, required: true),
             .init("dose", .choice(Vaccination.DoseType.allCases.map(\.rawValue))), .init("lot", .text), .init("by", .text)]
        case .lifestyle:
            [.init("topic", .choice(Lifestyle.Topic.allCases.map(\.rawValue)), required: true)]
                + LifestyleCatalog.questions.map { question in
                    switch question.kind {
                    case .choice(let codes): ProfileField(question.key, .choice(codes))
                    case .integer: ProfileField(question.key, .integer)
                    }
                }
                + [.init("answer", .text)]
        case .professionals:
            [.init("role", .choice(CareTeamRole.allCases.map(\.rawValue)), required: true), .init("name", .text, required: true),
             .init("rpps", .text), .init("organization", .text)]
        case .entourage:
            [.init("role", .choice(EntourageRole.allCases.map(\.rawValue)), required: true), .init("name", .text, required: true),
             .init("relation", .choice(EmergencyContact.relations)), .init("phone", .text), .init("mobile", .text),
             .init("email", .text), .init("address", .text)]
        case .wishes:
            [.init("organ-donation-informed", .choice(["yes", "no"]))]
        }
    }

    public func field(_ key: String) -> ProfileField? { fields.first { $0.key == key } }
}

/// One field of a rubrique's entries: a key (also the command line's `--key`), what it holds,
/// and whether an entry needs it.
public struct ProfileField: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case text
        /// "2019", "03/2019" or "12/03/2019".
        case partialDate
        /// A full day, typed `12/03/2019` or `2019-03-12`.
        case date
        case integer
        /// One of these codes.
        case choice([String])
        /// Several of these codes, separated by commas.
        case choices([String])
        /// The id of an entry of another rubrique (a treatment's condition).
        case reference(ProfileRubrique)
        /// A vaccine of the list in `Resources/profile/vaccines.tsv` (its ATC code), or free text.
        case vaccine
    }

    public let key: String
    public let kind: Kind
    public let required: Bool

    public init(_ key: String, _ kind: Kind, required: Bool = false) {
        self.key = key
        self.kind = kind
        self.required = required
    }
}

/// The *professionnels de santé* MES names on the profile.
public enum CareTeamRole: String, Sendable, CaseIterable {
    case generalPractitioner = "MEDECIN_TRAITANT"
    case midwife = "SAGE_FEMME_REFERENTE"
    case pharmacist = "PHARMACIEN_CORRESPONDANT"
}

/// The people of the *entourage*: one personne de confiance, emergency contacts, proches
/// aidants and aidés.
public enum EntourageRole: String, Sendable, CaseIterable {
    case trustedPerson = "TRUSTED_PERSON"
    case emergencyContact = "EMERGENCY_CONTACT"
    case caregiver = "CAREGIVER"
    case helpedPerson = "HELPED_PERSON"

    public var contactRole: EmergencyContact.Role {
        switch self {
        case .trustedPerson: .trustedPerson
        case .emergencyContact: .emergencyContact
        case .caregiver: .caregiver
        case .helpedPerson: .helpedPerson
        }
    }

    public init?(_ role: EmergencyContact.Role) {
        guard let found = Self.allCases.first(where: { $0.contactRole == role }) else { return nil }
        self = found
    }
}

/// One entry of a rubrique as screens, the command line and the synthèse show it: its fields
/// as typed text, who wrote it, and whether the holder may change it.
public struct ProfileEntry: Sendable, Equatable, Identifiable {
    public var rubrique: ProfileRubrique
    public var id: String
    /// The entry's name in a list ("Hypertension artérielle", "A+", "Dr Paul Lefèvre").
    public var title: String
    /// Field key → value as typed (partial dates as "03/2019", codes as their raw value).
    public var values: [String: String]
    /// The professional who wrote it, when one did (untrusted text).
    public var author: String?
    /// A professional's vaccination: the patient reads it, does not change it.
    public var isReadOnly: Bool
    /// The date it is sorted and drawn by.
    public var date: PartialDate?

    public init(rubrique: ProfileRubrique, id: String, title: String, values: [String: String], author: String? = nil,
                isReadOnly: Bool = false, date: PartialDate? = nil) {
        self.rubrique = rubrique
        self.id = id
        self.title = title
        self.values = values
        self.author = author
        self.isReadOnly = isReadOnly
        self.date = date
    }
}

/// Why a change to the profile did not happen.
public enum ProfileBookError: Error, Equatable, Sendable {
    case missingField(String)
    case invalidValue(field: String, value: String)
    case unknownField(String)
    case notFound(String)
    /// Written by a professional: read-only for the patient.
    case readOnly
    /// MES keeps one personne de confiance.
    case oneTrustedPerson
    /// Directives anticipées cannot be written for a minor's space.
    case minorSpace
    /// The space has allergies: "non concerné" cannot be declared.
    case hasAllergies
    /// The rubrique has no entries to add (wishes are set, not added).
    case notAddable
}
