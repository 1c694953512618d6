import CLI
import HealthRecord
import MedicalProfile

/// The closed sets behind `mes`'s positional placeholders and list options: one definition for
/// help, completion and the "invalid value" errors (which list them). The handlers still check
/// the values themselves and may accept more (aliases such as `poids`, a LOINC code).
enum MesArguments {
    /// `RUBRIQUE` (`profile add|edit|delete`): the rubriques of the medical profile.
    static let profileRubriques = ProfileRubrique.allCases.map { ValueChoice($0.rawValue, label: "profile.rubrique.\($0.rawValue)") }

    /// `MEASURE` (`measures add|target`): the kinds of measure.
    static let measures = MeasurementType.allCases.map { ValueChoice($0.rawValue, label: "measures.type.\($0.rawValue)") }

    /// `--rubriques` (`access code`, `aidants invite`): the rubriques one may share.
    /// Keyed by the friendly names `SharingCommands.parseRubriques` reads (`histoire-de-sante`).
    static let sharedRubriques = SharingCommands.rubriqueNames.map { ValueChoice($0.name, label: "sharing.rubrique.\($0.section.rawValue)") }

    static let kinds: [String: ValueKind] = [
        "RUBRIQUE": .choice(profileRubriques),
        "MEASURE": .choice(measures),
    ]
}
