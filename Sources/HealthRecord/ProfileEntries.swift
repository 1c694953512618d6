import Foundation

/// A stay in hospital (*hospitalisations*, FHIR `Encounter` of class IMP): a start whose year
/// is required (month and day optional, as MES asks) and a duration with its unit.
public struct Hospitalization: ProfileRecord, Hashable {
    public static let kind = RecordKind.hospitalization

    public enum DurationUnit: String, Codable, Sendable, CaseIterable {
        case day = "DAY", week = "WEEK", month = "MONTH", year = "YEAR"

        /// The UCUM code of the unit (FHIR `Duration`).
        public var ucum: String {
            switch self {
            case .day: "d"
            case .week: "wk"
            case .month: "mo"
            case .year: "a"
            }
        }

        public init?(ucum: String) {
            guard let unit = Self.allCases.first(where: { $0.ucum == ucum }) else { return nil }
            self = unit
        }
    }

    public var id: String
    public var profileID: String
    /// Why, or where ("Appendicite", "Pose de prothèse de hanche").
    public var name: String
    public var start: PartialDate
    public var duration: Int?
    public var durationUnit: DurationUnit?
    public var note: String?

    public init(id: String, profileID: String, name: String, start: PartialDate, duration: Int? = nil,
                durationUnit: DurationUnit? = nil, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.name = name
        self.start = start
        self.duration = duration
        self.durationUnit = durationUnit
        self.note = note
    }
}

/// A disability (*handicap*), as MES keeps it: its types, the CDAPH rate band, the technical and
/// human help. Travels as a `Condition` of the mes category `disability`.
public struct Disability: ProfileRecord, Hashable {
    public static let kind = RecordKind.disability

    public enum DisabilityType: String, Codable, Sendable, CaseIterable {
        case sensory = "SENSORY", neuroDevelopmental = "NEURO_DEVELOPMENTAL_DISORDER", psychic = "PSYCHIC"
        case motor = "ENGINE", polyDisability = "POLY_DISABILITY", disablingDiseases = "DISABLING_DISEASES", other = "OTHERS"
    }

    /// The rate the CDAPH (Commission des droits et de l'autonomie) recognised, by band.
    public enum CDAPHRate: String, Codable, Sendable, CaseIterable {
        case below50 = "LESS_THAN_50", from50To79 = "BETWEEN_50_AND_79", atLeast80 = "MORE_THAN_80", unknown = "UNKNOWN"
    }

    public enum HumanHelp: String, Codable, Sendable, CaseIterable {
        case yes = "YES", no = "NO", notSaid = "NONE"
    }

    public var id: String
    public var profileID: String
    public var name: String
    public var types: [DisabilityType]
    public var cdaphRate: CDAPHRate?
    public var technicalHelp: String?
    public var humanHelp: HumanHelp?
    public var note: String?

    public init(id: String, profileID: String, name: String, types: [DisabilityType] = [], cdaphRate: CDAPHRate? = nil,
                technicalHelp: String? = nil, humanHelp: HumanHelp? = nil, note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.name = name
        self.types = types
        self.cdaphRate = cdaphRate
        self.technicalHelp = technicalHelp
        self.humanHelp = humanHelp
        self.note = note
    }
}

/// The blood group (*groupe sanguin*), one per space: `Observation` LOINC 882-1.
public struct BloodGroup: ProfileRecord, Hashable {
    public static let kind = RecordKind.bloodGroup

    public enum Value: String, Codable, Sendable, CaseIterable {
        case aPositive = "A+", aNegative = "A-", bPositive = "B+", bNegative = "B-"
        case abPositive = "AB+", abNegative = "AB-", oPositive = "O+", oNegative = "O-"
    }

    public var id: String
    public var profileID: String
    public var value: Value

    public init(id: String, profileID: String, value: Value) {
        self.id = id
        self.profileID = profileID
        self.value = value
    }

    /// The one id a space's blood group has, so two devices never make two.
    public static func id(profileID: String) -> String { "blood-group-\(profileID)" }
}

/// One of the *habitudes de vie* (tobacco, alcohol, physical activity, sleep, screens, food):
/// what the holder says of it. `Observation` of category `social-history`, one per section.
public struct Lifestyle: ProfileRecord, Hashable {
    public static let kind = RecordKind.lifestyle

    public enum Topic: String, Codable, Sendable, CaseIterable {
        case tobacco = "TOBACCO", alcohol = "ALCOHOL", physicalActivity = "PHYSICAL_ACTIVITY"
        case sleep = "SLEEP", screens = "SCREEN", food = "FOOD"
    }

    public var id: String
    public var profileID: String
    public var topic: Topic
    /// A free note ("Non-fumeuse depuis 2010"); MES itself has only the structured answers.
    public var answer: String
    public var updated: CalendarDate
    /// MES's structured answers of this section: question key (`smoking`, `cigarettes-per-day`)
    /// → MES code (`YES_EVERY_DAY`) or whole number (see `LifestyleCatalog`).
    public var answers: [String: String]

    public init(id: String, profileID: String, topic: Topic, answer: String, updated: CalendarDate, answers: [String: String] = [:]) {
        self.id = id
        self.profileID = profileID
        self.topic = topic
        self.answer = answer
        self.updated = updated
        self.answers = answers
    }

    private enum CodingKeys: String, CodingKey { case id, profileID, topic, answer, updated, answers }

    /// Records written before the structured answers existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        profileID = try container.decode(String.self, forKey: .profileID)
        topic = try container.decode(Topic.self, forKey: .topic)
        answer = try container.decode(String.self, forKey: .answer)
        updated = try container.decode(CalendarDate.self, forKey: .updated)
        answers = try container.decodeIfPresent([String: String].self, forKey: .answers) ?? [:]
    }

    /// The one id a topic has in a space.
    public static func id(profileID: String, topic: Topic) -> String {
        "lifestyle-\(topic.rawValue.lowercased().replacingOccurrences(of: "_", with: "-"))-\(profileID)"
    }
}
