import Agenda
import Foundation
import HealthRecord
import L10n
import TerminalUI

/// The form of a rendez-vous or a rappel of the user's own.
enum AgendaForm {
    static let reminderChoices: [TimeInterval?] = [nil, 3600, 86400]

    static func make(day: CalendarDate, event: AgendaEvent?) -> Form {
        let start = event?.start ?? day.at(hour: 9, minute: 0)
        let duration = event.flatMap { event in event.end.map { Int($0.timeIntervalSince(event.start) / 60) } } ?? 30
        let reminder = reminderChoices.firstIndex { $0 == event?.reminderOffsets.first } ?? 0
        let note = event?.note ?? ""
        // A new item may repeat (each occurrence is then an item of its own).
        let repeating: [FormField] = event != nil ? [] : [
            FormField(id: "repeat", label: tr("agenda.form.repeat"),
                      kind: .choice(options: [tr("agenda.form.repeat.none")] + Repetition.Frequency.allCases.map(Self.frequency),
                                    selected: 0)),
            FormField(id: "count", label: tr("agenda.form.repeat-count"), kind: .text(TextField("", placeholder: "2…\(Repetition.maximumCount)"))),
        ]
        return Form([
            FormField(id: "type", label: tr("agenda.form.type"),
                      kind: .choice(options: [tr("agenda.category.appointment"), tr("agenda.category.reminder")],
                                    selected: event?.category == .reminder ? 1 : 0)),
            FormField(id: "title", label: tr("agenda.form.field.title"), kind: .text(TextField(event?.title ?? ""))),
            FormField(id: "date", label: tr("agenda.form.date"), kind: .date(LocalFormat.date(start)), required: true),
            FormField(id: "time", label: tr("agenda.form.time"), kind: .time(event?.allDay == true ? "" : LocalFormat.time(start))),
            FormField(id: "duration", label: tr("agenda.form.duration"), kind: .text(TextField(String(duration)))),
            FormField(id: "professional", label: tr("agenda.form.professional"), kind: .text(TextField(event?.practitioner?.name ?? ""))),
            FormField(id: "specialty", label: tr("agenda.form.specialty"), kind: .text(TextField(event?.practitioner?.specialty ?? ""))),
            FormField(id: "address", label: tr("agenda.form.address"), kind: .text(TextField(event?.location ?? ""))),
            FormField(id: "note", label: tr("agenda.form.note"), kind: .multilineText(TextArea(note), lines: 2)),
            FormField(id: "reminder", label: tr("agenda.form.reminder"),
                      kind: .choice(options: [tr("agenda.form.reminder.none"), tr("agenda.form.reminder.hour"), tr("agenda.form.reminder.day")],
                                    selected: reminder)),
        ] + repeating)
    }

    static func frequency(_ frequency: Repetition.Frequency) -> String {
        switch frequency {
        case .daily: tr("agenda.form.repeat.daily")
        case .weekly: tr("agenda.form.repeat.weekly")
        case .monthly: tr("agenda.form.repeat.monthly")
        case .yearly: tr("agenda.form.repeat.yearly")
        }
    }

    /// How a new item repeats: nil when it does not; `.failure` when the count is wrong.
    static func repetition(_ form: Form) -> Result<Repetition, RepetitionProblem>? {
        guard case .choice(_, let selected)? = form["repeat"]?.kind, selected > 0 else { return nil }
        let frequency = Repetition.Frequency.allCases[min(selected - 1, Repetition.Frequency.allCases.count - 1)]
        let text = (form["count"]?.kind.rawText ?? "").trimmingCharacters(in: .whitespaces)
        guard let count = Int(text), (2...Repetition.maximumCount).contains(count) else { return .failure(RepetitionProblem()) }
        return .success(Repetition(frequency, count: count))
    }

    struct RepetitionProblem: Error {}

    /// The draft the form describes, or nil when a value is wrong (the form says which).
    static func draft(_ form: Form) -> AgendaDraft? {
        func text(_ id: String) -> String { (form[id]?.kind.rawText ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func choice(_ id: String) -> Int {
            if case .choice(_, let selected) = form[id]?.kind { return selected }
            return 0
        }
        guard let day = LocalFormat.parseDate(text("date")), let date = CalendarDate(year: day.year!, month: day.month!, day: day.day!) else { return nil }
        let category: AgendaEvent.Category = choice("type") == 1 ? .reminder : .appointment
        let time = LocalFormat.parseTime(text("time"))
        if !text("time").isEmpty && time == nil { return nil }
        let start = date.at(hour: time?.hour ?? 0, minute: time?.minute ?? 0)
        let allDay = time == nil
        var end: Date?
        if category == .appointment, !allDay {
            guard let minutes = Int(text("duration").isEmpty ? "30" : text("duration")), (0...1440).contains(minutes) else { return nil }
            end = start.addingTimeInterval(TimeInterval(minutes * 60))
        }
        let name = text("professional"), specialty = text("specialty")
        let practitioner = name.isEmpty && specialty.isEmpty ? nil : Practitioner(name: name, specialty: specialty.isEmpty ? nil : specialty)
        let reminder = reminderChoices[min(choice("reminder"), reminderChoices.count - 1)]
        return AgendaDraft(category: category, title: text("title"), start: start, end: end, allDay: allDay,
                           location: text("address").isEmpty ? nil : text("address"), practitioner: practitioner,
                           note: text("note").isEmpty ? nil : text("note"), reminderOffsets: reminder.map { [$0] } ?? [])
    }
}
