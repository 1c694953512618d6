import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// The form of an invitation (section 7, `n`), as MES asks it: the person's nom de naissance,
/// prénom, date de naissance and identifier (the server matches all of them), the rubriques and
/// the end date, and the declaration ticked. A child's space may invite its second legal
/// representative instead (the whole space: no rubriques to choose).
enum InviteForm {
    static let rubriquePrefix = "rubrique."

    static func make(legalRepresentative: Bool, now: Date) -> Form {
        var fields: [FormField] = []
        if legalRepresentative {
            fields.append(FormField(id: "role", label: tr("aidants.form.role"),
                                    kind: .choice(options: [tr("aidants.role.aidant"), tr("aidants.role.legal")], selected: 0)))
        }
        fields += [
            FormField(id: "family", label: tr("aidants.form.family"), kind: .text(TextField("")), required: true),
            FormField(id: "given", label: tr("aidants.form.given"), kind: .text(TextField("")), required: true),
            FormField(id: "birth", label: tr("aidants.form.birth"), kind: .date(), required: true),
            FormField(id: "identifier", label: tr("aidants.form.identifier"), kind: .text(TextField("")), required: true),
        ]
        // In the order the access-code form offers them, so both forms read the same.
        for section in SharingWording.formOrder {
            fields.append(FormField(id: rubriquePrefix + section.rawValue, label: SharingWording.section(section),
                                    kind: .checkbox(section == .documents)))
        }
        let oneYear = LocalFormat.calendar.date(byAdding: .year, value: 1, to: now) ?? now.addingTimeInterval(365 * 86400)
        fields += [
            FormField(id: "until", label: tr("aidants.form.until"), kind: .date(LocalFormat.date(oneYear)), required: true),
            FormField(id: "declaration", label: tr("aidants.form.declaration"), kind: .checkbox(false)),
        ]
        return Form(fields)
    }

    struct Problem: Error, Hashable { var message: String }

    /// The draft the form describes, or what is wrong (the form's field focused and marked).
    static func draft(_ form: inout Form, now: Date) -> Result<InviteDraft, Problem> {
        guard form.validate() else { return .failure(Problem(message: form.focusedField?.error ?? tr("ui.form.required"))) }
        func text(_ id: String) -> String { (form[id]?.kind.rawText ?? "").trimmingCharacters(in: .whitespaces) }
        func fail(_ id: String, _ message: String) -> Result<InviteDraft, Problem> {
            if let index = form.fields.firstIndex(where: { $0.id == id }) {
                form.fields[index].error = message
                form.focus = index
            }
            return .failure(Problem(message: message))
        }
        guard let birth = LocalFormat.parseDate(text("birth")), let year = birth.year, let month = birth.month, let day = birth.day,
              let born = LocalFormat.instant(birth), born < now else {
            return fail("birth", tr("aidants.form.birth.invalid"))
        }
        guard let end = LocalFormat.parseDate(text("until")), let start = LocalFormat.instant(end) else {
            return fail("until", tr("ui.form.invalid-date"))
        }
        // Through the whole last day.
        let until = start.addingTimeInterval(86400 - 1)
        guard until > now else { return fail("until", tr("aidants.form.until.past")) }
        var legal = false
        if case .choice(_, let selected)? = form["role"]?.kind { legal = selected == 1 }
        let rubriques = Set(form.fields.compactMap { field -> Section? in
            guard field.id.hasPrefix(rubriquePrefix), case .checkbox(true) = field.kind else { return nil }
            return Section(rawValue: String(field.id.dropFirst(rubriquePrefix.count)))
        })
        if !legal, rubriques.isEmpty { return fail(rubriquePrefix + Section.documents.rawValue, tr("aidants.form.no-rubrique")) }
        guard case .checkbox(true)? = form["declaration"]?.kind else { return fail("declaration", tr("aidants.form.declaration.missing")) }
        let birthDate = String(format: "%04d-%02d-%02d", year, month, day)
        return .success(InviteDraft(identifier: text("identifier"), family: text("family"), given: text("given"), birthDate: birthDate,
                                    rubriques: legal ? Set(Section.allCases) : rubriques, until: until, legalRepresentative: legal))
    }

    /// A field in words: its label, and a choice's or a box's state (typed text is the user's).
    static func describe(_ field: FormField) -> String {
        switch field.kind {
        case .choice(let options, let selected):
            tr("aidants.form.state", ["label": field.label, "state": options.indices.contains(selected) ? options[selected] : ""])
        case .checkbox(let on):
            tr("aidants.form.state", ["label": field.label, "state": tr(on ? "sharing.form.checked" : "sharing.form.unchecked")])
        default:
            field.label + (field.kind.rawText.map { $0.isEmpty ? "" : ", " + $0 } ?? "")
        }
    }
}
