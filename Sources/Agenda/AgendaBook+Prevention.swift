import Foundation
import HealthRecord
import L10n
import Vault

extension AgendaBook {
    /// Whether personalised recommendations are on (the default) for this vault.
    public func personalisedRecommendations() throws -> Bool {
        try vault.read { try $0.settings.value(Self.personalisedSetting, as: Bool.self) } ?? true
    }

    public func setPersonalisedRecommendations(_ on: Bool) throws {
        try vault.write { try $0.settings.set(on, for: Self.personalisedSetting) }
    }

    /// The recommendations for the space's person on `today` (empty when turned off).
    public func recommendations(on today: CalendarDate) throws -> [PreventionItem] {
        guard try personalisedRecommendations() else { return [] }
        let profileID = self.profileID
        let (profile, vaccinations, marks, conditions) = try vault.read { session in
            (try session.profiles.find(profileID), try session.records(Vaccination.self).all(profile: profileID),
             try session.agenda.preventionMarks(profile: profileID), try session.records(HealthRecord.Condition.self).all(profile: profileID))
        }
        guard let birthDate = profile?.birthDate else { throw AgendaError.noBirthDate }
        // The profile's maladies tell whether steps kept for a chronic disease apply (RSV at 65–74, flu before 65).
        let subject = PreventionSubject(birthDate: birthDate, gender: profile?.gender ?? .unknown, vaccinations: vaccinations, marks: marks,
                                        conditions: conditions.map(\.name))
        return PreventionEngine.items(calendar, for: subject, on: today)
    }

    private func rule(_ id: String) throws -> PreventionRule {
        guard let rule = calendar.rule(id) else { throw AgendaError.unknownPreventionStep(id) }
        return rule
    }

    /// Marks a step done on `day`: a vaccination becomes an Immunization in the carnet; any
    /// other step a completed task of the agenda (both sync to the server).
    public func markDone(_ ruleID: String, on day: CalendarDate, language: Language) throws {
        let rule = try rule(ruleID)
        if rule.kind == .vaccination {
            let vaccination = Vaccination(id: "vaccination-" + UUID().uuidString.lowercased(), profileID: profileID,
                                          vaccine: rule.title(language),
                                          code: CodedConcept(system: PreventionEngine.stepCodeSystem, code: rule.id, display: rule.titleFR),
                                          date: day)
            try vault.write { try $0.records(Vaccination.self).save(vaccination) }
            return
        }
        try add(AgendaDraft(category: .task, title: rule.title(language), start: day.at(hour: 9, minute: 0), allDay: true,
                            preventionStep: rule.id), status: .done)
    }

    /// Plans a step: a rendez-vous of the user's own at `start`, linked to the step.
    @discardableResult
    public func plan(_ ruleID: String, at start: Date, language: Language) throws -> AgendaEvent {
        let rule = try rule(ruleID)
        return try add(AgendaDraft(category: .appointment, title: rule.title(language), start: start, end: start.addingTimeInterval(1800),
                                   note: AgendaWording.reason(rule, language: language), preventionStep: rule.id))
    }

    /// Dismisses a step (for now: a repeated step comes back at its next occurrence).
    public func dismiss(_ ruleID: String, on day: CalendarDate, language: Language) throws {
        let rule = try rule(ruleID)
        try add(AgendaDraft(category: .task, title: rule.title(language), start: day.at(hour: 9, minute: 0), allDay: true,
                            preventionStep: rule.id), status: .cancelled)
    }
}
