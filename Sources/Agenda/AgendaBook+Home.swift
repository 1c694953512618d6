import Foundation
import HealthRecord
import L10n

extension HomeDigest.Item {
    /// The id of an Accueil line that opens a prevention recommendation (the agenda's
    /// recommendations view, the step selected): `prevention:<rule id>`.
    public static let preventionPrefix = "prevention:"

    /// The rule a recommendation's line opens (nil: the line is an agenda item).
    public static func preventionRule(of id: String) -> String? {
        id.hasPrefix(preventionPrefix) ? String(id.dropFirst(preventionPrefix.count)) : nil
    }
}

extension AgendaBook {
    /// The Accueil's block of prevention recommendations due or overdue on `today` (what the
    /// agenda's recommendations view marks so), overdue first; none when personalised
    /// recommendations are off or the space has no birth date.
    public func homeRecommendations(into digest: inout HomeDigest, on today: CalendarDate, language: Language) throws {
        let due: [PreventionItem]
        do {
            due = try recommendations(on: today).filter { $0.status == .overdue || $0.status == .due }
        } catch AgendaError.noBirthDate {
            return
        }
        digest.dueRecommendations = due.count
        digest.recommendations = due.prefix(HomeDigest.rowsPerBlock).map { item in
            HomeDigest.Item(kind: .agendaEvent, id: HomeDigest.Item.preventionPrefix + item.rule.id, title: item.rule.title(language),
                            detail: AgendaWording.when(item))
        }
    }
}
