import Foundation
import HealthRecord
import L10n

/// The *habitudes de vie* as MES keeps them: six sections (FOOD, PHYSICAL_ACTIVITY, TOBACCO,
/// SLEEP, SCREEN, ALCOHOL), each a few items, each item one or more questions answered by a
/// choice (RADIO) or a whole number in a range (TEXT), some shown only after a given answer.
/// Codes, questions and choices follow the metadata of MES's published app (ens-mobile,
/// `fetchLifestylesMetadata`, CeCILL v2.1); the code is mes's own. `key` is the command line's
/// `--key` and the field's id; answers are kept as MES codes (`YES_EVERY_DAY`) or numbers.
public enum LifestyleCatalog {
    public enum Kind: Sendable, Equatable {
        case choice([String])
        case integer(ClosedRange<Int>)
    }

    public struct Question: Sendable, Equatable {
        public let section: Lifestyle.Topic
        /// MES's item and question codes (`TOBACCO_MANUAL`, `SMOKE_FREQUENCY`).
        public let item: String
        public let code: String
        public let key: String
        public let kind: Kind
        /// Asked only when another question (of the same item) has this answer.
        public let shownWhen: (key: String, value: String)?
        let labelKey: String

        public static func == (left: Question, right: Question) -> Bool { left.key == right.key }

        /// `TOBACCO_MANUAL.SMOKE_FREQUENCY`: the question's code in FHIR.
        public var fhirCode: String { item + "." + code }
        public var label: String { tr(labelKey) }
    }

    public static let questions: [Question] = [
        Question(section: .food, item: "FOOD_FRUIT", code: "FREQUENCY", key: "fruit", kind: .choice(["EVERYDAY", "NOT_EVERYDAY", "NO"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.fruit"),
        Question(section: .food, item: "FOOD_FAT", code: "FREQUENCY", key: "fatty-food", kind: .choice(["EVERY_DAY_OR_ALMOST", "MORE_ONCE_A_WEEK", "MORE_ONCE_A_MONTH", "NEVER"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.fatty-food"),
        Question(section: .food, item: "FOOD_SUGAR", code: "FREQUENCY", key: "sugary-food", kind: .choice(["EVERY_DAY_OR_ALMOST", "MORE_ONCE_A_WEEK", "MORE_ONCE_A_MONTH", "NEVER"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.sugary-food"),
        Question(section: .food, item: "FOOD_SALT", code: "ADOPTED", key: "salt", kind: .choice(["YES", "NO"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.salt"),
        Question(section: .physicalActivity, item: "PHYSICAL_ACTIVITY_REGULARLY", code: "ADOPTED", key: "regular-activity", kind: .choice(["YES", "NO"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.regular-activity"),
        Question(section: .physicalActivity, item: "PHYSICAL_ACTIVITY_REGULARLY", code: "PHYSICAL_ACTIVITY_WEEK_FREQUENCY", key: "active-days", kind: .choice(["NEVER", "ONE_TO_TWO_TIMES_A_WEEK", "THREE_TO_FOUR_TIMES_A_WEEK", "FIVE_TO_SEVEN_TIMES_A_WEEK"]), shownWhen: (key: "regular-activity", value: "YES"),
                 labelKey: "profile.lifestyle.active-days"),
        Question(section: .physicalActivity, item: "PHYSICAL_ACTIVITY_SAT", code: "SAT_FREQUENCY", key: "sitting", kind: .choice(["IN_MY_WORK_IN_MY_STUDIES", "IN_MY_SPARE_TIME", "BOTH", "NEITHER_OF_TWO"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.sitting"),
        Question(section: .tobacco, item: "TOBACCO_MANUAL", code: "SMOKE_FREQUENCY", key: "smoking", kind: .choice(["YES_EVERY_DAY", "YES_OCCASIONALLY", "NO", "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.smoking"),
        Question(section: .tobacco, item: "TOBACCO_MANUAL", code: "COUNT", key: "cigarettes-per-day", kind: .integer(1...99), shownWhen: (key: "smoking", value: "YES_EVERY_DAY"),
                 labelKey: "profile.lifestyle.cigarettes-per-day"),
        Question(section: .tobacco, item: "TOBACCO_MANUAL", code: "SMOKE_STOPPED", key: "stopped-smoking", kind: .choice(["SINCE_LESS_THAN_ONE_YEAR", "BETWEEN_ONE_YEAR_AND_FIVE_YEARS_AGO", "SINCE_MORE_THAN_FIVE_YEARS"]), shownWhen: (key: "smoking", value: "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST"),
                 labelKey: "profile.lifestyle.stopped-smoking"),
        Question(section: .tobacco, item: "TOBACCO_ELECTRONIC", code: "SMOKE_FREQUENCY", key: "vaping", kind: .choice(["YES_EVERY_DAY", "YES_OCCASIONALLY", "NO", "NO_BUT_I_HAVE_VAPED_IN_THE_PAST"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.vaping"),
        Question(section: .sleep, item: "SLEEP_QUALITY", code: "SLEEP_QUALITY_TYPE", key: "sleep", kind: .choice(["GOOD", "BAD_SOMETIMES", "BAD_OFTEN", "BAD_ALL_TIMES"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.sleep"),
        Question(section: .screens, item: "SCREEN_SLEEP", code: "SCREEN_SLEEP_TYPE", key: "screen-before-sleep", kind: .choice(["NEVER", "SEVERAL_TIMES_MONTH", "SEVERAL_TIMES_WEEK", "EVERY_DAY"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.screen-before-sleep"),
        Question(section: .alcohol, item: "ALCOHOL_DAYS", code: "ALCOHOL_DAYS_COUNT", key: "alcohol-days", kind: .integer(0...7), shownWhen: nil,
                 labelKey: "profile.lifestyle.alcohol-days"),
        Question(section: .alcohol, item: "ALCOHOL_UNITS", code: "ALCOHOL_UNITS_COUNT", key: "alcohol-glasses", kind: .integer(0...999), shownWhen: nil,
                 labelKey: "profile.lifestyle.alcohol-glasses"),
        Question(section: .alcohol, item: "ALCOHOL_BINGE", code: "ADOPTED", key: "binge-drinking", kind: .choice(["YES", "NO"]), shownWhen: nil,
                 labelKey: "profile.lifestyle.binge-drinking"),
    ]

    /// The questions of a section, in MES's order.
    public static func questions(of section: Lifestyle.Topic) -> [Question] { questions.filter { $0.section == section } }

    public static func question(_ key: String) -> Question? { questions.first { $0.key == key } }

    /// The label of an answer: a choice by its words, a number as it is.
    public static func answerLabel(_ question: Question, _ value: String) -> String {
        guard case .choice = question.kind else { return value }
        return choiceKeys[question.key + "." + value].map { tr($0) } ?? value
    }

    /// « Je fume : Oui, tous les jours » (French spacing) / "I smoke: Yes, every day".
    public static func answered(_ label: String, _ answer: String) -> String {
        tr("profile.lifestyle.answered", ["question": label, "answer": answer])
    }

    /// Whether a question is asked, given the other answers of its section.
    public static func isAsked(_ question: Question, answers: [String: String]) -> Bool {
        guard let condition = question.shownWhen else { return true }
        return answers[condition.key] == condition.value
    }

    static let choiceKeys: [String: String] = [
        "fruit.EVERYDAY": "profile.lifestyle.fruit.EVERYDAY",
        "fruit.NOT_EVERYDAY": "profile.lifestyle.fruit.NOT_EVERYDAY",
        "fruit.NO": "profile.lifestyle.fruit.NO",
        "fatty-food.EVERY_DAY_OR_ALMOST": "profile.lifestyle.fatty-food.EVERY_DAY_OR_ALMOST",
        "fatty-food.MORE_ONCE_A_WEEK": "profile.lifestyle.fatty-food.MORE_ONCE_A_WEEK",
        "fatty-food.MORE_ONCE_A_MONTH": "profile.lifestyle.fatty-food.MORE_ONCE_A_MONTH",
        "fatty-food.NEVER": "profile.lifestyle.fatty-food.NEVER",
        "salt.YES": "profile.lifestyle.salt.YES",
        "salt.NO": "profile.lifestyle.salt.NO",
        "regular-activity.YES": "profile.lifestyle.regular-activity.YES",
        "regular-activity.NO": "profile.lifestyle.regular-activity.NO",
        "active-days.NEVER": "profile.lifestyle.active-days.NEVER",
        "active-days.ONE_TO_TWO_TIMES_A_WEEK": "profile.lifestyle.active-days.ONE_TO_TWO_TIMES_A_WEEK",
        "active-days.THREE_TO_FOUR_TIMES_A_WEEK": "profile.lifestyle.active-days.THREE_TO_FOUR_TIMES_A_WEEK",
        "active-days.FIVE_TO_SEVEN_TIMES_A_WEEK": "profile.lifestyle.active-days.FIVE_TO_SEVEN_TIMES_A_WEEK",
        "sitting.IN_MY_WORK_IN_MY_STUDIES": "profile.lifestyle.sitting.IN_MY_WORK_IN_MY_STUDIES",
        "sitting.IN_MY_SPARE_TIME": "profile.lifestyle.sitting.IN_MY_SPARE_TIME",
        "sitting.BOTH": "profile.lifestyle.sitting.BOTH",
        "sitting.NEITHER_OF_TWO": "profile.lifestyle.sitting.NEITHER_OF_TWO",
        "smoking.YES_EVERY_DAY": "profile.lifestyle.smoking.YES_EVERY_DAY",
        "smoking.YES_OCCASIONALLY": "profile.lifestyle.smoking.YES_OCCASIONALLY",
        "smoking.NO": "profile.lifestyle.smoking.NO",
        "smoking.NO_BUT_I_HAVE_SMOKED_IN_THE_PAST": "profile.lifestyle.smoking.NO_BUT_I_HAVE_SMOKED_IN_THE_PAST",
        "stopped-smoking.SINCE_LESS_THAN_ONE_YEAR": "profile.lifestyle.stopped-smoking.SINCE_LESS_THAN_ONE_YEAR",
        "stopped-smoking.BETWEEN_ONE_YEAR_AND_FIVE_YEARS_AGO": "profile.lifestyle.stopped-smoking.BETWEEN_ONE_YEAR_AND_FIVE_YEARS_AGO",
        "stopped-smoking.SINCE_MORE_THAN_FIVE_YEARS": "profile.lifestyle.stopped-smoking.SINCE_MORE_THAN_FIVE_YEARS",
        "vaping.YES_EVERY_DAY": "profile.lifestyle.vaping.YES_EVERY_DAY",
        "vaping.YES_OCCASIONALLY": "profile.lifestyle.vaping.YES_OCCASIONALLY",
        "vaping.NO": "profile.lifestyle.vaping.NO",
        "vaping.NO_BUT_I_HAVE_VAPED_IN_THE_PAST": "profile.lifestyle.vaping.NO_BUT_I_HAVE_VAPED_IN_THE_PAST",
        "sleep.GOOD": "profile.lifestyle.sleep.GOOD",
        "sleep.BAD_SOMETIMES": "profile.lifestyle.sleep.BAD_SOMETIMES",
        "sleep.BAD_OFTEN": "profile.lifestyle.sleep.BAD_OFTEN",
        "sleep.BAD_ALL_TIMES": "profile.lifestyle.sleep.BAD_ALL_TIMES",
        "screen-before-sleep.NEVER": "profile.lifestyle.screen-before-sleep.NEVER",
        "screen-before-sleep.SEVERAL_TIMES_MONTH": "profile.lifestyle.screen-before-sleep.SEVERAL_TIMES_MONTH",
        "screen-before-sleep.SEVERAL_TIMES_WEEK": "profile.lifestyle.screen-before-sleep.SEVERAL_TIMES_WEEK",
        "screen-before-sleep.EVERY_DAY": "profile.lifestyle.screen-before-sleep.EVERY_DAY",
        "binge-drinking.YES": "profile.lifestyle.binge-drinking.YES",
        "binge-drinking.NO": "profile.lifestyle.binge-drinking.NO",
        "sugary-food.EVERY_DAY_OR_ALMOST": "profile.lifestyle.sugary-food.EVERY_DAY_OR_ALMOST",
        "sugary-food.MORE_ONCE_A_WEEK": "profile.lifestyle.sugary-food.MORE_ONCE_A_WEEK",
        "sugary-food.MORE_ONCE_A_MONTH": "profile.lifestyle.sugary-food.MORE_ONCE_A_MONTH",
        "sugary-food.NEVER": "profile.lifestyle.sugary-food.NEVER",
    ]
}
