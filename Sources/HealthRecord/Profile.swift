import Foundation

/// One person's health space in the vault: the holder's own, a child's, or that of someone who
/// delegated access to the holder (an *aidant* acting for them).
public struct Profile: ProfileRecord, Hashable {
    public static let kind = RecordKind.profile

    public enum Relation: String, Codable, Sendable, CaseIterable {
        /// The holder's own space.
        case own
        /// A minor whose space the holder manages as parent (*ayant droit*).
        case child
        /// Someone who delegated access to the holder (the holder is their *aidant*).
        case delegated
    }

    public enum AdministrativeGender: String, Codable, Sendable, CaseIterable {
        case female, male, other, unknown
    }

    public var id: String
    public var relation: Relation
    public var givenName: String
    public var familyName: String
    public var birthDate: CalendarDate?
    public var gender: AdministrativeGender
    /// The INS (identifiant national de santé) with its system (NIR, NIA, test or demo OID).
    public var ins: PatientIdentifier?
    /// The *médecin traitant*.
    public var generalPractitioner: Practitioner?
    public var phone: String?
    public var email: String?
    public var address: String?
    /// The *sage-femme référente* and the *pharmacien correspondant* (with the médecin
    /// traitant, the *professionnels de santé* rubrique).
    public var referentMidwife: Practitioner?
    public var correspondingPharmacist: Practitioner?

    public var profileID: String { id }

    public init(id: String, relation: Relation, givenName: String, familyName: String, birthDate: CalendarDate? = nil,
                gender: AdministrativeGender = .unknown, ins: PatientIdentifier? = nil,
                generalPractitioner: Practitioner? = nil, phone: String? = nil, email: String? = nil, address: String? = nil) {
        self.id = id
        self.relation = relation
        self.givenName = givenName
        self.familyName = familyName
        self.birthDate = birthDate
        self.gender = gender
        self.ins = ins
        self.generalPractitioner = generalPractitioner
        self.phone = phone
        self.email = email
        self.address = address
    }

    /// "Given FAMILY", as French administrative documents write names.
    public var displayName: String {
        [givenName, familyName.uppercased()].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The patient's MSSanté address, `<INS>@patient.mssante.fr`, when the INS is known.
    public var mssanteAddress: String? {
        ins.map { "\($0.value)@patient.mssante.fr" }
    }

    /// Age in whole years on `day`, when the birth date is known.
    public func age(on day: CalendarDate) -> Int? {
        birthDate.map { $0.years(until: day) }
    }

    /// True for a minor on `day` (under 18).
    public func isMinor(on day: CalendarDate) -> Bool {
        age(on: day).map { $0 < 18 } ?? (relation == .child)
    }
}

/// A patient identifier: the value and its system (an OID URN).
public struct PatientIdentifier: Codable, Sendable, Hashable {
    public var system: String
    public var value: String

    public init(system: String, value: String) {
        self.system = system
        self.value = value
    }

    /// True for identifiers of the test and demo INS systems (never a real person).
    public var isFictitious: Bool {
        system == CodeSystem.insTest || system == CodeSystem.insDemo
    }
}

/// A health professional as records refer to one.
public struct Practitioner: Codable, Sendable, Hashable {
    public var name: String
    /// The RPPS number, when known.
    public var rpps: String?
    public var specialty: String?
    public var organization: String?

    public init(name: String, rpps: String? = nil, specialty: String? = nil, organization: String? = nil) {
        self.name = name
        self.rpps = rpps
        self.specialty = specialty
        self.organization = organization
    }
}

/// A person to contact about the profile's holder (`Patient.contact`).
public struct EmergencyContact: ProfileRecord, Hashable {
    public static let kind = RecordKind.emergencyContact

    /// TRE_R260 roles.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// Personne de confiance.
        case trustedPerson = "QUAL"
        /// Contact en cas d'urgence.
        case emergencyContact = "ECON"
        /// Responsable légal.
        case legalGuardian = "GUARD"
        /// Aidant.
        case caregiver = "CAREGIVER"
        /// A person the holder helps (*proche aidé*; not a TRE_R260 role: mes's own code).
        case helpedPerson = "HELPED"
    }

    public var id: String
    public var profileID: String
    public var name: String
    public var roles: [Role]
    /// MES's relation: `MOTHER`, `FATHER`, `CHILD`, `SPOUSE`, `TUTEUR`, `OTHER` (or text from elsewhere).
    public var relationship: String?
    public var phone: String?
    public var email: String?
    public var mobile: String?
    public var address: String?

    /// The relations MES offers for the entourage.
    public static let relations = ["MOTHER", "FATHER", "CHILD", "SPOUSE", "TUTEUR", "OTHER"]

    public init(id: String, profileID: String, name: String, roles: [Role], relationship: String? = nil,
                phone: String? = nil, email: String? = nil, mobile: String? = nil, address: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.name = name
        self.roles = roles
        self.relationship = relationship
        self.phone = phone
        self.email = email
        self.mobile = mobile
        self.address = address
    }
}

/// The sections (*rubriques*) of a health space that access can be limited to: what an access code,
/// a delegation or a service consent opens, and what the server enforces. One type for the client,
/// the wire (codes of `urn:mes:rubrique`, the raw values) and the server's grants.
public enum Section: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case documents
    /// Profil médical and mesures de santé: conditions, treatments, allergies, family history,
    /// measurements.
    case medicalProfile = "profile"
    case vaccinations
    case agenda
    case messages
    /// Historique des soins (reimbursements).
    case careHistory = "reimbursements"

    /// Also reads the names an older vault stored (`medical-profile`, `measurements`, `care-history`).
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        switch raw {
        case "medical-profile", "measurements": self = .medicalProfile
        case "care-history": self = .careHistory
        default:
            guard let section = Section(rawValue: raw) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown section \(raw)"))
            }
            self = section
        }
    }

    public static func < (lhs: Section, rhs: Section) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A delegation of access to a health space: an *aidant* or a legal representative
/// (`RelatedPerson` + `Consent`).
public struct Delegation: ProfileRecord, Hashable {
    public static let kind = RecordKind.delegation

    public enum Role: String, Codable, Sendable, CaseIterable {
        case caregiver
        case legalRepresentative = "legal-representative"
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Invited, waiting for the invited person's answer.
        case proposed
        case active
        /// The invited person declined.
        case refused
        case revoked
    }

    public var id: String
    /// The space being delegated.
    public var profileID: String
    public var delegateName: String
    /// The delegate's account identifier on the server.
    public var delegateAccount: String?
    public var role: Role
    public var sections: Set<Section>
    public var start: Date
    public var end: Date?
    public var status: Status

    public init(id: String, profileID: String, delegateName: String, delegateAccount: String? = nil, role: Role,
                sections: Set<Section>, start: Date, end: Date? = nil, status: Status = .active) {
        self.id = id
        self.profileID = profileID
        self.delegateName = delegateName
        self.delegateAccount = delegateAccount
        self.role = role
        self.sections = sections
        self.start = start
        self.end = end
        self.status = status
    }

    /// True when the delegation lets its holder act on `section` at `date`.
    public func allows(_ section: Section, at date: Date) -> Bool {
        status == .active && date >= start && (end.map { date < $0 } ?? true) && sections.contains(section)
    }
}
