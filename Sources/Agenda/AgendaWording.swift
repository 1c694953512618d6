import Foundation
import HealthRecord
import ICalendar
import L10n

/// The words the screens and the command line use for the agenda and the recommendations.
/// Text from outside (titles, names, notes) is returned as is: sanitise it before display.
public enum AgendaWording {
    /// What an iCalendar file holds before import: "3 nouveaux, 1 déjà présent, 0 illisible."
    public static func importCounts(_ preview: AgendaImportPreview) -> String {
        tr("agenda.import.counts", ["new": trPlural("agenda.import.count.new", count: preview.new.count),
                                    "duplicates": trPlural("agenda.import.count.duplicates", count: preview.duplicates.count),
                                    "problems": trPlural("agenda.import.count.problems", count: preview.problems.count)])
    }

    /// "3 éléments ajoutés à votre agenda."
    public static func imported(_ count: Int) -> String { trPlural("agenda.import.done", count: count) }

    static func text(_ key: String, _ arguments: [String: String] = [:], _ language: Language?) -> String {
        Localizer.shared.text(key, arguments, language: language)
    }

    public static func category(_ category: AgendaEvent.Category, language: Language? = nil) -> String {
        switch category {
        case .appointment: text("agenda.category.appointment", [:], language)
        case .reminder: text("agenda.category.reminder", [:], language)
        case .task: text("agenda.category.task", [:], language)
        }
    }

    public static func status(_ status: AgendaEvent.Status) -> String {
        switch status {
        case .planned: tr("agenda.status.planned")
        case .done: tr("agenda.status.done")
        case .cancelled: tr("agenda.status.cancelled")
        }
    }

    /// "Dr X — cardiologie", or the title when there is no professional.
    public static func who(_ event: AgendaEvent) -> String? {
        guard let practitioner = event.practitioner, !practitioner.name.isEmpty else { return nil }
        return [practitioner.name, practitioner.specialty].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " — ")
    }

    /// The line a list shows for an item: its title, else its professional.
    public static func headline(_ event: AgendaEvent) -> String {
        event.title.isEmpty ? (event.practitioner?.name ?? "") : event.title
    }

    /// Where an item comes from, for read-only items; nil for the user's own.
    public static func origin(_ event: AgendaEvent) -> String? {
        guard let source = event.source else { return nil }
        switch source.kind {
        case .professional: return tr("agenda.origin.professional", ["name": source.name])
        case .bookingService: return tr("agenda.origin.booking-service", ["name": source.name])
        }
    }

    /// `14:30`, or "toute la journée".
    public static func time(_ event: AgendaEvent) -> String {
        event.allDay ? tr("agenda.all-day") : LocalFormat.time(event.start)
    }

    /// What falls due today and tomorrow, for the status line at start and the Accueil screen:
    /// "Aujourd'hui : Relever la tension (09:00). Demain : Passer à la pharmacie (09:00)."
    public static func dueSoon(_ events: [AgendaEvent], today: CalendarDate) -> String? {
        var parts: [String] = []
        for (day, key) in [(today, "agenda.due.today"), (today.adding(days: 1), "agenda.due.tomorrow")] {
            let items = events.filter { CalendarDate($0.start) == day }
            guard !items.isEmpty else { continue }
            let list = items.map { headline($0) + " (" + time($0) + ")" }.joined(separator: ", ")
            parts.append(tr(key, ["items": list]))
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    // MARK: Prevention

    public static func preventionStatus(_ status: PreventionItem.Status) -> String {
        switch status {
        case .overdue: tr("prevention.status.overdue")
        case .due: tr("prevention.status.due")
        case .planned: tr("prevention.status.planned")
        case .upcoming: tr("prevention.status.upcoming")
        case .done: tr("prevention.status.done")
        case .dismissed: tr("prevention.status.dismissed")
        }
    }

    public static func kind(_ kind: PreventionRule.Kind) -> String {
        switch kind {
        case .vaccination: tr("prevention.kind.vaccination")
        case .childExam: tr("prevention.kind.child-exam")
        case .screening: tr("prevention.kind.screening")
        case .bilan: tr("prevention.kind.bilan")
        case .dental: tr("prevention.kind.dental")
        }
    }

    /// "2 mois", "45 ans", "8 jours".
    public static func age(_ span: AgeSpan, language: Language? = nil) -> String {
        let key = switch span.unit {
        case .days: "prevention.age.days"
        case .weeks: "prevention.age.weeks"
        case .months: "prevention.age.months"
        case .years: "prevention.age.years"
        }
        return Localizer.shared.plural(key, count: span.value, ["count": String(span.value)], language: language)
    }

    /// Why a step is recommended: "recommandé à 45 ans — Calendrier des vaccinations 2025 (28/04/2025)".
    public static func reason(_ rule: PreventionRule, language: Language? = nil) -> String {
        let from = age(rule.from, language: language)
        var last: AgeSpan?
        if let to = rule.to {
            last = to.unit == rule.from.unit ? AgeSpan(to.value - 1, to.unit) : to
        }
        let when: String
        if let every = rule.every {
            let interval = age(every, language: language)
            if let last {
                when = text("prevention.reason.repeated-between", ["every": interval, "from": from, "to": age(last, language: language)], language)
            } else {
                when = text("prevention.reason.repeated-from", ["every": interval, "from": from], language)
            }
        } else if let last, last != rule.from {
            when = text("prevention.reason.between", ["from": from, "to": age(last, language: language)], language)
        } else if rule.to == nil {
            when = text("prevention.reason.from", ["from": from], language)
        } else {
            when = text("prevention.reason.at", ["age": from], language)
        }
        let date = LocalFormat.date(day: rule.sourceDate.day, month: rule.sourceDate.month, year: rule.sourceDate.year)
        return when + " — " + rule.source + " (" + date + ")"
    }

    /// Why a recommendation is made for this person: the rule's reason, then the season's
    /// campaign (its dates and source, or « date à confirmer » when estimated), the profile's
    /// condition that makes it recommended, or the question the profile cannot answer.
    public static func reason(_ item: PreventionItem, language: Language? = nil) -> String {
        var sentence = reason(item.rule, language: language)
        func day(_ date: CalendarDate) -> String { LocalFormat.date(day: date.day, month: date.month, year: date.year) }
        if let campaign = item.campaign {
            if item.estimatedCampaign {
                sentence += " " + text("prevention.campaign.estimated", ["date": day(campaign.start)], language)
            } else {
                sentence += " " + text("prevention.campaign.dates", ["start": day(campaign.start), "end": day(campaign.end),
                                                                     "source": campaign.source, "date": day(campaign.sourceDate)], language)
            }
        }
        // The cervical screening's rhythm depends on the tests done (PreventionEngine.cervical).
        if item.rule.id == PreventionEngine.cervicalCytology {
            sentence += " " + text("prevention.cervical.cytology", [:], language)
        } else if item.rule.id == PreventionEngine.cervicalHPV {
            sentence += " " + text("prevention.cervical.hpv", [:], language)
        }
        if let condition = item.riskCondition {
            sentence += " " + text("prevention.risk.condition", ["condition": condition], language)
        }
        if item.asksAboutConditions {
            sentence += " " + text("prevention.risk.asks", [:], language)
        }
        return sentence
    }

    /// What the item's date means: "depuis le …", "à partir du …", "fait le …".
    public static func when(_ item: PreventionItem) -> String {
        let date = LocalFormat.date(day: item.date.day, month: item.date.month, year: item.date.year)
        switch item.status {
        case .overdue: return tr("prevention.when.overdue", ["date": date])
        case .due: return tr("prevention.when.due", ["date": date])
        case .planned: return tr("prevention.when.planned", ["date": date])
        case .upcoming: return tr("prevention.when.upcoming", ["date": date])
        case .dismissed: return tr("prevention.when.dismissed")
        case .done:
            guard let next = item.next else { return tr("prevention.when.done", ["date": date]) }
            return tr("prevention.when.done-next", ["date": date,
                                                    "next": LocalFormat.date(day: next.day, month: next.month, year: next.year)])
        }
    }

    // MARK: Errors

    public static func error(_ error: AgendaError) -> String {
        switch error {
        case .notFound(let id): tr("agenda.error.not-found", ["id": id])
        case .readOnly(let source):
            source.kind == .bookingService
                ? tr("agenda.error.read-only-booking", ["name": source.name])
                : tr("agenda.error.read-only-professional", ["name": source.name])
        case .noteTooLong(let limit): tr("agenda.error.note-too-long", ["limit": String(limit)])
        case .tooManyReminders(let day, let limit):
            tr("agenda.error.too-many-reminders", ["limit": String(limit), "date": LocalFormat.date(day: day.day, month: day.month, year: day.year)])
        case .missingTitle: tr("agenda.error.missing-title")
        case .endBeforeStart: tr("agenda.error.end-before-start")
        case .unknownPreventionStep(let id): tr("agenda.error.unknown-step", ["id": id])
        case .noBirthDate: tr("agenda.error.no-birth-date")
        case .importRefused(let refusal): refused(refusal)
        case .unreadableFile(let path): tr("agenda.error.unreadable-file", ["path": path])
        }
    }

    public static func refused(_ refusal: ICalendarRefusal) -> String {
        switch refusal {
        case .tooLarge(_, let limit): tr("agenda.import.refused.too-large", ["limit": String(limit / 1024 / 1024)])
        case .notUTF8: tr("agenda.import.refused.not-utf8")
        case .containsNUL: tr("agenda.import.refused.nul")
        case .notACalendar: tr("agenda.import.refused.not-calendar")
        case .tooManyEvents(let count, let limit): tr("agenda.import.refused.too-many", ["count": String(count), "limit": String(limit)])
        }
    }

    public static func problem(_ reason: ICalendarProblem.Reason) -> String {
        switch reason {
        case .missingUID: tr("agenda.import.problem.no-uid")
        case .missingStart: tr("agenda.import.problem.no-start")
        case .endBeforeStart: tr("agenda.import.problem.end-before-start")
        case .unreadableRecurrence: tr("agenda.import.problem.recurrence")
        case .tooManyOccurrences(let limit): tr("agenda.import.problem.too-many-occurrences", ["limit": String(limit)])
        }
    }
}
