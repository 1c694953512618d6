import Foundation

/// A disease or health topic (*maladies et sujets de santé*, `Condition`).
public struct Condition: ProfileRecord, Hashable {
    public static let kind = RecordKind.condition

    public enum Status: String, Codable, Sendable, CaseIterable { case active, resolved }

    public var id: String
    public var profileID: String
    public var name: String
    public var code: CodedConcept?
    public var onset: CalendarDate?
    public var status: Status
    public var note: String?

    public init(id: String, profileID: String, name: String, code: CodedConcept? = nil, onset: CalendarDate? = nil,
                status: Status = .active, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.name = name
        self.code = code
        self.onset = onset
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
    public var start: CalendarDate?
    public var end: CalendarDate?
    public var prescriber: Practitioner?
    public var status: Status

    public init(id: String, profileID: String, medication: String, code: CodedConcept? = nil, dosage: String? = nil,
                start: CalendarDate? = nil, end: CalendarDate? = nil, prescriber: Practitioner? = nil, status: Status = .active) {
        self.id = id
        self.profileID = profileID
        self.medication = medication
        self.code = code
        self.dosage = dosage
        self.start = start
        self.end = end
        self.prescriber = prescriber
        self.status = status
    }

    /// True when the treatment is being taken on `day`.
    public func isOngoing(on day: CalendarDate) -> Bool {
        status == .active && (start.map { $0 <= day } ?? true) && (end.map { day <= $0 } ?? true)
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

    public init(id: String, profileID: String, substance: String, code: CodedConcept? = nil, category: Category? = nil,
                criticality: Criticality? = nil, reaction: String? = nil, recorded: CalendarDate? = nil) {
        self.id = id
        self.profileID = profileID
        self.substance = substance
        self.code = code
        self.category = category
        self.criticality = criticality
        self.reaction = reaction
        self.recorded = recorded
    }
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

    public init(id: String, profileID: String, vaccine: String, code: CodedConcept? = nil, date: CalendarDate,
                doseNumber: Int? = nil, lotNumber: String? = nil, performer: Practitioner? = nil) {
        self.id = id
        self.profileID = profileID
        self.vaccine = vaccine
        self.code = code
        self.date = date
        self.doseNumber = doseNumber
        self.lotNumber = lotNumber
        self.performer = performer
    }
}

/// A family member's health history (*antécédents familiaux*, `FamilyMemberHistory`).
public struct FamilyHistory: ProfileRecord, Hashable {
    public static let kind = RecordKind.familyHistory

    public var id: String
    public var profileID: String
    /// The relative ("mère", "frère", …).
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

    public init(id: String, profileID: String, advanceDirectivesDocumentID: String? = nil,
                advanceDirectivesSummary: String? = nil, organDonation: OrganDonation = .notStated,
                trustedPerson: String? = nil, updated: Date) {
        self.id = id
        self.profileID = profileID
        self.advanceDirectivesDocumentID = advanceDirectivesDocumentID
        self.advanceDirectivesSummary = advanceDirectivesSummary
        self.organDonation = organDonation
        self.trustedPerson = trustedPerson
        self.updated = updated
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
