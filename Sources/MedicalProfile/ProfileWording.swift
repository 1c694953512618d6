import Foundation
import HealthRecord
import L10n

/// The words of the profil médical and the measures, from the catalogues (`profile.po`).
public enum ProfileWording {
    /// What a measures file holds before import: "3 mesures à ajouter, 1 déjà présente ignorée,
    /// 1 ligne illisible."
    public static func importCounts(_ preview: MeasureImportPreview) -> String {
        tr("measures.import.preview", ["count": trPlural("measures.import.count.new", count: preview.measures.count),
                                       "duplicates": trPlural("measures.import.count.duplicates", count: preview.duplicates),
                                       "problems": trPlural("measures.import.count.problems", count: preview.problems.count)])
    }

    /// "3 mesures ajoutées. Envoi à la prochaine synchronisation."
    public static func imported(_ count: Int) -> String { trPlural("measures.import.done", count: count) }

    public static func rubrique(_ rubrique: ProfileRubrique) -> String {
        switch rubrique {
        case .conditions: tr("profile.rubrique.conditions")
        case .treatments: tr("profile.rubrique.treatments")
        case .hospitalizations: tr("profile.rubrique.hospitalizations")
        case .disabilities: tr("profile.rubrique.disabilities")
        case .bloodGroup: tr("profile.rubrique.blood-group")
        case .allergies: tr("profile.rubrique.allergies")
        case .familyHistory: tr("profile.rubrique.family-history")
        case .vaccinations: tr("profile.rubrique.vaccinations")
        case .lifestyle: tr("profile.rubrique.lifestyle")
        case .professionals: tr("profile.rubrique.professionals")
        case .entourage: tr("profile.rubrique.entourage")
        case .wishes: tr("profile.rubrique.wishes")
        }
    }

    public static func block(_ block: ProfileRubrique.Block) -> String {
        switch block {
        case .medicalFollowUp: tr("profile.block.medicalFollowUp")
        case .healthCharacteristics: tr("profile.block.healthCharacteristics")
        case .prevention: tr("profile.block.prevention")
        case .careTeam: tr("profile.block.careTeam")
        case .entourageAndWishes: tr("profile.block.entourageAndWishes")
        }
    }

    public static func field(_ key: String) -> String {
        switch key {
        case "name": tr("profile.field.name")
        case "start": tr("profile.field.start")
        case "end": tr("profile.field.end")
        case "status": tr("profile.field.status")
        case "comment": tr("profile.field.comment")
        case "dosage": tr("profile.field.dosage")
        case "condition": tr("profile.field.condition")
        case "duration": tr("profile.field.duration")
        case "unit": tr("profile.field.unit")
        case "types": tr("profile.field.types")
        case "cdaph": tr("profile.field.cdaph")
        case "technical-help": tr("profile.field.technical-help")
        case "human-help": tr("profile.field.human-help")
        case "group": tr("profile.field.group")
        case "relative": tr("profile.field.relative")
        case "vaccine": tr("profile.field.vaccine")
        case "date": tr("profile.field.date")
        case "dose": tr("profile.field.dose")
        case "lot": tr("profile.field.lot")
        case "by": tr("profile.field.by")
        case "topic": tr("profile.field.topic")
        case "answer": tr("profile.field.answer")
        case "role": tr("profile.field.role")
        case "rpps": tr("profile.field.rpps")
        case "organization": tr("profile.field.organization")
        case "relation": tr("profile.field.relation")
        case "phone": tr("profile.field.phone")
        case "mobile": tr("profile.field.mobile")
        case "email": tr("profile.field.email")
        case "address": tr("profile.field.address")
        case "organ-donation-informed": tr("profile.field.organ-donation-informed")
        case "directives-document": tr("profile.field.directives-document")
        default: LifestyleCatalog.question(key)?.label ?? key
        }
    }

    /// The label of a choice's code ("MOTHER" → "Mère"); the code itself when it has none.
    public static func value(_ code: String) -> String {
        ProfileValueKeys.keys[code].map { tr($0) } ?? code
    }

    /// A field's value as a person reads it: choices by their label, vaccines by name,
    /// durations with their unit. Untrusted text stays as it is (sanitise before drawing).
    public static func display(_ entry: ProfileEntry, _ key: String, vaccines: VaccineCatalog, conditions: [ProfileEntry] = []) -> String? {
        guard let raw = entry.values[key] else { return nil }
        if entry.rubrique == .lifestyle, let question = LifestyleCatalog.question(key) { return LifestyleCatalog.answerLabel(question, raw) }
        switch entry.rubrique.field(key)?.kind {
        case .choice: return value(raw)
        case .choices: return raw.split(separator: ",").map { value(String($0)) }.joined(separator: ", ")
        case .vaccine: return vaccines.name(of: raw) ?? raw
        case .reference: return conditions.first { $0.id == raw }?.title ?? raw
        case .integer where key == "duration": return [raw, entry.values["unit"].map(value)].compactMap { $0 }.joined(separator: " ")
        default: return raw
        }
    }

    /// The title of an entry in a list: choice titles (a habit's topic, a role) by their label.
    public static func title(_ entry: ProfileEntry, vaccines: VaccineCatalog) -> String {
        switch entry.rubrique {
        case .lifestyle: value(entry.title)
        case .wishes: field("organ-donation-informed") + " : " + value(entry.values["organ-donation-informed"] ?? "no")
        default: entry.title
        }
    }

    /// One line that sums an entry up after its title ("03/2019 · En cours").
    public static func summary(_ entry: ProfileEntry, vaccines: VaccineCatalog) -> String {
        let keys: [String]
        switch entry.rubrique {
        case .conditions: keys = ["start", "end", "status"]
        case .treatments: keys = ["dosage", "start", "end"]
        case .hospitalizations: keys = ["start", "duration"]
        case .disabilities: keys = ["types", "cdaph"]
        case .bloodGroup, .wishes: keys = []
        case .allergies: keys = ["comment"]
        case .familyHistory: keys = ["relative"]
        case .vaccinations: keys = ["date", "dose", "lot"]
        case .lifestyle:
            // « Je fume : Oui, tous les jours · Nombre de cigarettes que je fume par jour : 10 ».
            let topic = entry.values["topic"].flatMap(Lifestyle.Topic.init(rawValue:))
            let answered = LifestyleCatalog.questions.filter { $0.section == topic && entry.values[$0.key] != nil }
            return (answered.compactMap { question in display(entry, question.key, vaccines: vaccines).map { LifestyleCatalog.answered(question.label, $0) } }
                + [entry.values["answer"]].compactMap { $0 }).joined(separator: " · ")
        case .professionals: keys = ["role", "organization"]
        case .entourage: keys = ["role", "relation", "mobile", "phone"]
        }
        return keys.compactMap { display(entry, $0, vaccines: vaccines) }.joined(separator: " · ")
    }

    public static func error(_ error: ProfileBookError) -> String {
        switch error {
        case .missingField(let key): tr("profile.error.missing-field", ["field": field(key)])
        case .invalidValue(let key, let text): tr("profile.error.invalid-value", ["field": field(key), "value": text])
        case .unknownField(let key): tr("profile.error.unknown-field", ["field": key])
        case .notFound(let id): tr("profile.error.not-found", ["id": id])
        case .readOnly: tr("profile.error.read-only")
        case .oneTrustedPerson: tr("profile.error.one-trusted-person")
        case .minorSpace: tr("profile.error.minor-space")
        case .hasAllergies: tr("profile.error.has-allergies")
        case .notAddable: tr("profile.error.not-addable")
        }
    }

    // MARK: Measures

    public static func measure(_ type: MeasurementType) -> String {
        switch type {
        case .weight: tr("measures.type.weight")
        case .height: tr("measures.type.height")
        case .bmi: tr("measures.type.bmi")
        case .waist: tr("measures.type.waist")
        case .temperature: tr("measures.type.temperature")
        case .glycaemia: tr("measures.type.glycaemia")
        case .pain: tr("measures.type.pain")
        case .heartRate: tr("measures.type.heart-rate")
        case .steps: tr("measures.type.steps")
        case .headCircumference: tr("measures.type.head-circumference")
        case .bloodPressure: tr("measures.type.blood-pressure")
        case .interstitialGlucose: tr("measures.type.interstitial-glucose")
        case .hba1c: tr("measures.type.hba1c")
        case .glucoseManagementIndicator: tr("measures.type.gmi")
        }
    }

    /// A value written in `unit` (a UCUM code) with its symbol: "72,5 kg", "1,32 g/L".
    public static func quantity(_ value: Double, unit: String) -> String {
        if let known = MeasureUnit(rawValue: unit) { return LocalFormat.quantity(value, known) }
        return LocalFormat.decimal(value, fractionDigits: 1) + "\u{00A0}" + unit
    }

    /// A measure's value in `unit` (its stored unit by default): "130/85 mmHg" for a panel.
    public static func value(of measure: HealthMeasurement, unit: String? = nil) -> String {
        let unit = unit ?? measure.type.unit
        let values = measure.components.map { UnitConversion.convert($0.value, from: $0.unit, to: unit) ?? $0.value }
        if measure.type == .bloodPressure {
            let symbol = MeasureUnit(rawValue: unit)?.symbol ?? unit
            return values.map { LocalFormat.decimal($0, fractionDigits: 0) }.joined(separator: "/") + "\u{00A0}" + symbol
        }
        return values.first.map { quantity($0, unit: unit) } ?? ""
    }

    public static func error(_ error: MeasureBookError) -> String {
        switch error {
        case .unknownMeasure(let name): tr("measures.error.unknown-measure", ["name": name])
        case .invalidValue(let value): tr("measures.error.invalid-value", ["value": value])
        case .implausible(let value): tr("measures.error.implausible", ["value": value])
        case .unknownUnit(let unit): tr("measures.error.unknown-unit", ["unit": unit])
        case .invalidDate(let date): tr("measures.error.invalid-date", ["date": date])
        case .notFound(let id): tr("measures.error.not-found", ["id": id])
        case .computed: tr("measures.error.computed")
        }
    }

    /// One line of an import's problems: "ligne 4 : valeur illisible « abc »".
    public static func problem(_ problem: MeasureImportPreview.Problem) -> String {
        let line = String(problem.line)
        switch problem.reason {
        case .columns: return tr("measures.problem.columns", ["line": line])
        case .date(let text): return tr("measures.problem.date", ["line": line, "text": text])
        case .measure(let text): return tr("measures.problem.measure", ["line": line, "text": text])
        case .value(let text): return tr("measures.problem.value", ["line": line, "text": text])
        case .unit(let text): return tr("measures.problem.unit", ["line": line, "text": text])
        case .implausible(let text): return tr("measures.problem.implausible", ["line": line, "text": text])
        case .resource(let text): return tr("measures.problem.resource", ["line": line, "text": text])
        }
    }
}
