import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI

/// The typed forms of the profile's rubriques and of a measure, and their values read back.
enum ProfileForms {
    /// The fields of a rubrique's entry: text, partial dates (typed as text, checked by the
    /// book), full days, numbers, choices (with "—" for an optional one), a checkbox per type.
    static func fields(_ rubrique: ProfileRubrique, entry: ProfileEntry?, conditions: [ProfileEntry], vaccines: VaccineCatalog) -> [FormField] {
        var fields: [FormField] = []
        for field in rubrique.fields {
            let value = entry?.values[field.key] ?? ""
            let label = ProfileWording.field(field.key)
            switch field.kind {
            case .text:
                fields.append(FormField(id: field.key, label: label, kind: .text(TextField(value)), required: field.required))
            case .partialDate:
                fields.append(FormField(id: field.key, label: label, kind: .text(TextField(value, placeholder: tr("profile.form.partial-date"))),
                                        required: field.required))
            case .date:
                fields.append(FormField(id: field.key, label: label, kind: .date(value), required: field.required))
            case .integer:
                fields.append(FormField(id: field.key, label: label, kind: .number(TextField(value), unit: .none, range: 0...100_000),
                                        required: field.required))
            case .choice(let codes):
                let options = (field.required ? [] : ["—"]) + codes.map(ProfileWording.value)
                let index = codes.firstIndex(of: value).map { $0 + (field.required ? 0 : 1) } ?? 0
                fields.append(FormField(id: field.key, label: label, kind: .choice(options: options, selected: index), required: field.required))
            case .choices(let codes):
                let chosen = Set(value.split(separator: ",").map(String.init))
                for code in codes {
                    fields.append(FormField(id: "\(field.key).\(code)", label: label + " : " + ProfileWording.value(code),
                                            kind: .checkbox(chosen.contains(code))))
                }
            case .reference:
                let options = ["—"] + conditions.map(\.title)
                let index = conditions.firstIndex { $0.id == value }.map { $0 + 1 } ?? 0
                fields.append(FormField(id: field.key, label: label, kind: .choice(options: options, selected: index)))
            case .vaccine:
                var options = vaccines.vaccines.map { vaccines.name(of: $0.code) ?? $0.code }
                var index = vaccines.vaccines.firstIndex { $0.code == value } ?? 0
                if !value.isEmpty, vaccines.vaccines.allSatisfy({ $0.code != value }) {
                    options.append(value)
                    index = options.count - 1
                }
                fields.append(FormField(id: field.key, label: label, kind: .choice(options: options, selected: index), required: true))
            }
        }
        return fields
    }

    /// The form's values as the book takes them (codes for choices, ids for references).
    static func values(_ form: Form, rubrique: ProfileRubrique, conditions: [ProfileEntry], vaccines: VaccineCatalog) -> [String: String] {
        var values: [String: String] = [:]
        for field in rubrique.fields {
            switch field.kind {
            case .choices(let codes):
                values[field.key] = codes.filter { code in
                    if case .checkbox(true)? = form["\(field.key).\(code)"]?.kind { return true }
                    return false
                }.joined(separator: ",")
            case .choice(let codes):
                guard case .choice(_, let selected)? = form[field.key]?.kind else { continue }
                let index = selected - (field.required ? 0 : 1)
                values[field.key] = codes.indices.contains(index) ? codes[index] : ""
            case .reference:
                guard case .choice(_, let selected)? = form[field.key]?.kind else { continue }
                values[field.key] = conditions.indices.contains(selected - 1) ? conditions[selected - 1].id : ""
            case .vaccine:
                guard case .choice(let options, let selected)? = form[field.key]?.kind else { continue }
                values[field.key] = vaccines.vaccines.indices.contains(selected) ? vaccines.vaccines[selected].code
                    : (options.indices.contains(selected) ? options[selected] : "")
            default:
                values[field.key] = form[field.key]?.kind.rawText ?? ""
            }
        }
        return values
    }

    // MARK: Measures

    static func measureFields(_ type: MeasurementType, measure: HealthMeasurement?, unit: String) -> [FormField] {
        let symbol = MeasureUnit(rawValue: unit) ?? .none
        func text(_ value: Double?) -> String {
            value.map { LocalFormat.decimal(UnitConversion.convert($0, from: type.unit, to: unit) ?? $0, fractionDigits: symbol.fractionDigits) } ?? ""
        }
        var fields: [FormField]
        if type == .bloodPressure {
            fields = [
                FormField(id: "value", label: tr("profile.form.systolic"), kind: .number(TextField(text(measure?.systolic)), unit: .millimetreOfMercury,
                                                                                            range: nil), required: true),
                FormField(id: "diastolic", label: tr("profile.form.diastolic"), kind: .number(TextField(text(measure?.diastolic)),
                                                                                               unit: .millimetreOfMercury, range: nil), required: true),
            ]
        } else {
            fields = [FormField(id: "value", label: ProfileWording.measure(type), kind: .number(TextField(text(measure?.value)), unit: symbol, range: nil),
                                required: true)]
        }
        let when = measure?.effective ?? Date()
        fields.append(FormField(id: "date", label: tr("profile.field.date"), kind: .date(LocalFormat.date(when)), required: true))
        fields.append(FormField(id: "time", label: tr("profile.form.time"), kind: .time(LocalFormat.time(when)), required: true))
        return fields
    }

    struct Problem: Error { var field: String; var message: String }

    static func measureValues(_ form: Form, type: MeasurementType) -> Result<(values: [Double], unit: String, date: Date), Problem> {
        var values: [Double] = []
        var unit = type.unit
        for id in type == .bloodPressure ? ["value", "diastolic"] : ["value"] {
            guard case .number(let field, let symbol, _)? = form[id]?.kind, let value = LocalFormat.parseDecimal(field.text) else {
                return .failure(Problem(field: id, message: tr("ui.form.invalid-number")))
            }
            if symbol != .none { unit = symbol.rawValue }
            values.append(value)
        }
        guard let day = form["date"]?.kind.rawText.flatMap(LocalFormat.parseDate) else {
            return .failure(Problem(field: "date", message: tr("ui.form.invalid-date")))
        }
        let time = form["time"]?.kind.rawText.flatMap(LocalFormat.parseTime)
        guard let date = LocalFormat.instant(day, time: time) else { return .failure(Problem(field: "date", message: tr("ui.form.invalid-date"))) }
        return .success((values, unit, date))
    }

    // MARK: The synthèse and the directives

    /// One checkbox per section of the synthèse, all ticked.
    static func synthesisFields() -> [FormField] {
        ProfileSynthesis.Section.all.map { section in
            let label = switch section {
            case .rubrique(let rubrique): ProfileWording.rubrique(rubrique)
            case .measures: tr("profile.synthesis.measures")
            }
            return FormField(id: section.code, label: label, kind: .checkbox(true))
        }
    }

    static func synthesisSections(_ form: Form) -> [ProfileSynthesis.Section] {
        form.fields.compactMap { field in
            guard case .checkbox(true) = field.kind else { return nil }
            return ProfileSynthesis.Section(code: field.id)
        }
    }

    /// The directives' form: the variant, the five choices (yes, no, undecided), the three texts.
    static func directivesFields() -> [FormField] {
        var fields = [FormField(id: "variant", label: AdvanceDirectives.label("variant"),
                                kind: .choice(options: AdvanceDirectives.Variant.allCases.map(AdvanceDirectives.label), selected: 0))]
        fields.append(FormField(id: "context", label: AdvanceDirectives.label("context"), kind: .text(TextField(""))))
        for key in AdvanceDirectives.choiceKeys {
            fields.append(FormField(id: key, label: AdvanceDirectives.label(key),
                                    kind: .choice(options: AdvanceDirectives.Answer.allCases.map(AdvanceDirectives.label),
                                                  selected: AdvanceDirectives.Answer.allCases.firstIndex(of: .undecided) ?? 2)))
        }
        for key in ["other-acts", "wishes"] {
            fields.append(FormField(id: key, label: AdvanceDirectives.label(key), kind: .text(TextField(""))))
        }
        return fields
    }

    static func directivesValues(_ form: Form) -> [String: String] {
        var values: [String: String] = [:]
        for field in form.fields {
            switch field.kind {
            case .choice(_, let selected) where field.id == "variant":
                values["variant"] = AdvanceDirectives.Variant.allCases[min(selected, AdvanceDirectives.Variant.allCases.count - 1)].rawValue
            case .choice(_, let selected):
                values[field.id] = AdvanceDirectives.Answer.allCases[min(selected, AdvanceDirectives.Answer.allCases.count - 1)].rawValue
            default:
                values[field.id] = field.kind.rawText ?? ""
            }
        }
        return values
    }
}
