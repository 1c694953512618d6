import Foundation

/// A disease or health topic (*maladies et sujets de santé*, `Condition`).
public struct Condition: ProfileRecord, Hashable {
    public static let kind = RecordKind.condition

    public enum Status: String, Codable, Sendable, CaseIterable { case active, resolved }

    public var id: String
    public var profileID: String
    public var name: String
    public var code: CodedConcept?
    /// When it began: a year, a month or a day, as MES lets people say.
    public var onset: PartialDate?
    /// When it ended (MES: the end date; FHIR `abatementDateTime`).
    public var end: PartialDate?
    public var status: Status
    /// The holder's comment.
    public var note: String?
    /// The professional who wrote it (nil: the holder did); set by the server (`recorder`), never sent.
    public var author: Practitioner?

    public init(id: String, profileID: String, name: String, code: CodedConcept? = nil, onset: PartialDate? = nil,
                end: PartialDate? = nil, status: Status = .active, note: String? = nil, author: Practitioner? = nil) {
        self.author = author
        self.id = id
        self.profileID = profileID
        self.name = name
        self.code = code
        self.onset = onset
        self.end = end
        self.status = status
        self.note = note
    }
}

/// A treatment taken (*traitements*, `MedicationStatement`).
public struct Treatment: ProfileRecord, Hashable {
    public static let kind = RecordKind.treatment

    public enum Status: String, Codable, Sendable, CaseIterable { case active, completed, stopped }

    public var id: String
    public var profileID: String
    public var medication: String
    public var code: CodedConcept?
    /// The dosage as written ("1 comprimé matin et soir").
    public var dosage: String?
    public var start: PartialDate?
    public var end: PartialDate?
    public var prescriber: Practitioner?
    public var status: Status
    /// The condition (*maladie*) it treats, by id (FHIR `reasonReference`).
    public var conditionID: String?
    /// The holder's comment.
    public var note: String?

    public init(id: String, profileID: String, medication: String, code: CodedConcept? = nil, dosage: String? = nil,
                start: PartialDate? = nil, end: PartialDate? = nil, prescriber: Practitioner? = nil, status: Status = .active,
                conditionID: String? = nil, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.medication = medication
        self.code = code
        self.dosage = dosage
        self.start = start
        self.end = end
        self.prescriber = prescriber
        self.status = status
        self.conditionID = conditionID
        self.note = note
    }

    /// True when the treatment is being taken on `day` (a partial end date covers its whole
    /// month or year).
    public func isOngoing(on day: CalendarDate) -> Bool {
        let today = PartialDate(day)
        func covers(_ end: PartialDate) -> Bool {
            (end.year, end.month ?? 12, end.day ?? 31) >= (today.year, today.month ?? 1, today.day ?? 1)
        }
        return status == .active && (start.map { $0.firstDay <= day } ?? true) && (end.map(covers) ?? true)
    }
}

/// An allergy or intolerance (`AllergyIntolerance`).
public struct Allergy: ProfileRecord, Hashable {
    public static let kind = RecordKind.allergy

    public enum Category: String, Codable, Sendable, CaseIterable { case food, medication, environment, biologic }
    public enum Criticality: String, Codable, Sendable, CaseIterable { case low, high, unableToAssess = "unable-to-assess" }

    public var id: String
    public var profileID: String
    public var substance: String
    public var code: CodedConcept?
    public var category: Category?
    public var criticality: Criticality?
    public var reaction: String?
    public var recorded: CalendarDate?
    /// The holder's comment.
    public var note: String?

    public init(id: String, profileID: String, substance: String, code: CodedConcept? = nil, category: Category? = nil,
                criticality: Criticality? = nil, reaction: String? = nil, recorded: CalendarDate? = nil, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.substance = substance
        self.code = code
        self.category = category
        self.criticality = criticality
        self.reaction = reaction
        self.recorded = recorded
        self.note = note
    }

    /// SNOMED CT 716186003 *No known allergy*: how the "non concerné" declaration travels.
    public static let noKnownAllergy = CodedConcept(system: "http://snomed.info/sct", code: "716186003", display: "No known allergy")

    /// The holder's declaration "non concerné" (no allergy), dated.
    public static func notConcerned(id: String, profileID: String, on day: CalendarDate) -> Allergy {
        Allergy(id: id, profileID: profileID, substance: "", code: noKnownAllergy, recorded: day)
    }

    /// True for the "non concerné" declaration rather than an allergy.
    public var isNotConcernedDeclaration: Bool { code?.sameCode(as: Self.noKnownAllergy) ?? false }
}

/// A vaccination received (`Immunization`).
public struct Vaccination: ProfileRecord, Hashable {
    public static let kind = RecordKind.vaccination

    public var id: String
    public var profileID: String
    public var vaccine: String
    public var code: CodedConcept?
    public var date: CalendarDate
    public var doseNumber: Int?
    public var lotNumber: String?
    public var performer: Practitioner?
    /// Primo-vaccination or booster (HL7 v3 `INITIMMUNIZ` / `BOOSTER`).
    public var doseType: DoseType?
    /// True when a professional wrote the entry: the patient may read it, not change it.
    public var isWrittenByProfessional: Bool
    /// Who recorded it, when the server says (FHIR `recorder`; never sent by mes).
    public var recorder: Practitioner?

    public enum DoseType: String, Codable, Sendable, CaseIterable {
        case primary = "INITIMMUNIZ", booster = "BOOSTER"
    }

    public init(id: String, profileID: String, vaccine: String, code: CodedConcept? = nil, date: CalendarDate,
                doseNumber: Int? = nil, lotNumber: String? = nil, performer: Practitioner? = nil, doseType: DoseType? = nil,
                isWrittenByProfessional: Bool = false, recorder: Practitioner? = nil) {
        self.recorder = recorder
        self.id = id
        self.profileID = profileID
        self.vaccine = vaccine
        self.code = code
        self.date = date
        self.doseNumber = doseNumber
        self.lotNumber = lotNumber
        self.performer = performer
        self.doseType = doseType
        self.isWrittenByProfessional = isWrittenByProfessional
    }

    private enum CodingKeys: String, CodingKey {
        case id, profileID, vaccine, code, date, doseNumber, lotNumber, performer, doseType, isWrittenByProfessional, recorder
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        profileID = try container.decode(String.self, forKey: .profileID)
        vaccine = try container.decode(String.self, forKey: .vaccine)
        code = try container.decodeIfPresent(CodedConcept.self, forKey: .code)
        date = try container.decode(CalendarDate.self, forKey: .date)
        doseNumber = try container.decodeIfPresent(Int.self, forKey: .doseNumber)
        lotNumber = try container.decodeIfPresent(String.self, forKey: .lotNumber)
        performer = try container.decodeIfPresent(Practitioner.self, forKey: .performer)
        doseType = try container.decodeIfPresent(DoseType.self, forKey: .doseType)
        // Bodies written before the field existed: the patient's own.
        isWrittenByProfessional = try container.decodeIfPresent(Bool.self, forKey: .isWrittenByProfessional) ?? false
        recorder = try container.decodeIfPresent(Practitioner.self, forKey: .recorder)
    }
}

/// A family member's health history (*antécédents familiaux*, `FamilyMemberHistory`).
public struct FamilyHistory: ProfileRecord, Hashable {
    public static let kind = RecordKind.familyHistory

    /// The relatives MES offers, with their HL7 v3 RoleCode.
    public enum Relative: String, Codable, Sendable, CaseIterable {
        case mother = "MOTHER", father = "FATHER", grandmother = "GRANDMOTHER", grandfather = "GRANDFATHER"
        case sister = "SISTER", brother = "BROTHER", greatGrandmother = "GREAT_GRANDMOTHER", greatGrandfather = "GREAT_GRANDFATHER"
        case aunt = "AUNT", uncle = "UNCLE", other = "OTHER"

        public var roleCode: String {
            switch self {
            case .mother: "MTH"
            case .father: "FTH"
            case .grandmother: "GRMTH"
            case .grandfather: "GRFTH"
            case .sister: "SIS"
            case .brother: "BRO"
            case .greatGrandmother: "GGRMTH"
            case .greatGrandfather: "GGRFTH"
            case .aunt: "AUNT"
            case .uncle: "UNCLE"
            case .other: "FAMMEMB"
            }
        }

        public init?(roleCode: String) {
            guard let relative = Self.allCases.first(where: { $0.roleCode == roleCode }) else { return nil }
            self = relative
        }
    }

    public var id: String
    public var profileID: String
    /// The relative: a `Relative` raw value (`MOTHER`, …), or text from elsewhere.
    public var relationship: String
    public var condition: String
    public var code: CodedConcept?
    public var onsetAge: Int?
    public var note: String?

    public init(id: String, profileID: String, relationship: String, condition: String, code: CodedConcept? = nil,
                onsetAge: Int? = nil, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.relationship = relationship
        self.condition = condition
        self.code = code
        self.onsetAge = onsetAge
        self.note = note
    }

    public var relative: Relative? { Relative(rawValue: relationship) }
}

/// The holder's wishes (*volontés*): advance directives, organ donation, trusted person.
/// One per profile: its id is conventionally the profile's id.
public struct Wishes: ProfileRecord, Hashable {
    public static let kind = RecordKind.wishes

    public enum OrganDonation: String, Codable, Sendable, CaseIterable {
        case notStated = "not-stated", consents, refuses
    }

    public var id: String
    public var profileID: String
    /// The document holding the advance directives, when deposited.
    public var advanceDirectivesDocumentID: String?
    public var advanceDirectivesSummary: String?
    public var organDonation: OrganDonation
    public var trustedPerson: String?
    public var updated: Date
    /// The day the holder declared "j'ai pris connaissance" of the organ-donation rules
    /// (presumed consent, the Registre national des refus); nil until then.
    public var organDonationInformedOn: CalendarDate?

    public init(id: String, profileID: String, advanceDirectivesDocumentID: String? = nil,
                advanceDirectivesSummary: String? = nil, organDonation: OrganDonation = .notStated,
                trustedPerson: String? = nil, updated: Date, organDonationInformedOn: CalendarDate? = nil) {
        self.id = id
        self.profileID = profileID
        self.advanceDirectivesDocumentID = advanceDirectivesDocumentID
        self.advanceDirectivesSummary = advanceDirectivesSummary
        self.organDonation = organDonation
        self.trustedPerson = trustedPerson
        self.updated = updated
        self.organDonationInformedOn = organDonationInformedOn
    }
}

/// A line of the care history (*historique des soins*, reimbursements; `ExplanationOfBenefit`).
/// Read-only: it comes from the health insurance.
public struct CareHistoryEntry: ProfileRecord, Hashable {
    public static let kind = RecordKind.careHistory

    public var id: String
    public var profileID: String
    public var date: CalendarDate
    /// What was done ("Consultation de médecine générale", "Pharmacie", …).
    public var service: String
    public var provider: String?
    /// Amounts in euro cents.
    public var amountCharged: Int
    public var amountReimbursed: Int

    public init(id: String, profileID: String, date: CalendarDate, service: String, provider: String? = nil,
                amountCharged: Int, amountReimbursed: Int) {
        self.id = id
        self.profileID = profileID
        self.date = date
        self.service = service
        self.provider = provider
        self.amountCharged = amountCharged
        self.amountReimbursed = amountReimbursed
    }

    /// What remained for the patient to pay, in cents.
    public var remainingCharge: Int { max(0, amountCharged - amountReimbursed) }
}
