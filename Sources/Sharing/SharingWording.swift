import Documents
import FHIR
import Foundation
import HealthRecord
import L10n

/// The words of Partage et confidentialité, shared by the screens and the command line. Names
/// come from outside: callers sanitise what they print.
public enum SharingWording {
    public static func duration(_ duration: AccessDuration) -> String {
        switch duration {
        case .thirtyMinutes: tr("sharing.duration.30m")
        case .twoHours: tr("sharing.duration.2h")
        case .oneDay: tr("sharing.duration.24h")
        case .sevenDays: tr("sharing.duration.7d")
        }
    }

    public static func section(_ section: HealthRecord.Section) -> String {
        switch section {
        case .documents: tr("sharing.rubrique.documents")
        case .medicalProfile: tr("sharing.rubrique.profile")
        case .vaccinations: tr("sharing.rubrique.vaccinations")
        case .agenda: tr("sharing.rubrique.agenda")
        case .messages: tr("sharing.rubrique.messages")
        case .careHistory: tr("sharing.rubrique.reimbursements")
        case .entourage: tr("sharing.rubrique.entourage")
        }
    }

    /// The rubriques in the order the access-code and invitation forms offer them (documents, vaccinations,
    /// histoire de santé, entourage et volontés, profil médical et mesures, agenda, messagerie).
    public static let formOrder: [HealthRecord.Section] = [.documents, .vaccinations, .careHistory, .entourage, .medicalProfile, .agenda, .messages]

    /// The rubriques a grant opens, in the app's order.
    public static func sections(_ sections: Set<HealthRecord.Section>) -> String {
        sections.sorted().map(section).joined(separator: ", ")
    }

    /// What a finalité of a connected service reads and writes: "lit : Agenda ; écrit : Documents".
    public static func exchanges(_ finality: API.ServiceFinality) -> String {
        let reads = Set(finality.exchanges.filter { !$0.write }.map(\.section)), writes = Set(finality.exchanges.filter(\.write).map(\.section))
        var parts: [String] = []
        if !reads.isEmpty { parts.append(tr("sharing.services.reads", ["rubriques": sections(reads)])) }
        if !writes.isEmpty { parts.append(tr("sharing.services.writes", ["rubriques": sections(writes)])) }
        return parts.joined(separator: " ; ")
    }

    /// Whether a service is connected, waits for a new approval, or is not connected.
    public static func serviceState(_ entry: API.ServiceEntry) -> String {
        guard let connection = entry.connection else { return tr("sharing.services.state.off") }
        switch connection.approval {
        case nil: return tr("sharing.services.state.on")
        case .serviceAskedForMore: return tr("sharing.services.state.approve")
        case .cameOfAge: return tr("sharing.services.state.approve-at-majority")
        }
    }

    /// How a professional came in: a code, *bris de glace*, the SAMU.
    public static func via(_ via: AccessGrant.Via?) -> String {
        switch via ?? .code {
        case .code: tr("sharing.via.code")
        case .emergency: tr("sharing.via.bris-de-glace")
        case .samu: tr("sharing.via.samu")
        }
    }

    /// `Dr Sophie Bernard, Cardiologie, RPPS 10003456782`.
    public static func professional(_ practitioner: Practitioner?) -> String {
        guard let practitioner else { return tr("sharing.professional.unknown") }
        var parts = [practitioner.name.isEmpty ? tr("sharing.professional.unknown") : practitioner.name]
        if let specialty = practitioner.specialty, !specialty.isEmpty { parts.append(specialty) }
        if let rpps = practitioner.rpps { parts.append(tr("sharing.professional.rpps", ["rpps": rpps])) }
        return parts.joined(separator: ", ")
    }

    /// The 8 digits in two groups, easy to read out: `4821 3907`.
    public static func groupedCode(_ code: String) -> String {
        code.count == 8 ? "\(code.prefix(4)) \(code.suffix(4))" : code
    }

    /// The code as a screen reader says it: digit by digit.
    public static func spokenCode(_ code: String) -> String { code.map(String.init).joined(separator: " ") }

    /// Time left until `end`, coarse when long: `1 h 59 min`, `4 min 05 s`, `6 j 23 h`.
    public static func remaining(until end: Date, now: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(now).rounded(.down)))
        let days = seconds / 86_400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60
        if days > 0 { return tr("sharing.remaining.days", ["days": String(days), "hours": String(hours)]) }
        if hours > 0 { return tr("sharing.remaining.hours", ["hours": String(hours), "minutes": String(format: "%02d", minutes)]) }
        return tr("sharing.remaining.minutes", ["minutes": String(minutes), "seconds": String(format: "%02d", seconds % 60)])
    }

    public static func action(_ action: AuditEntry.Action) -> String {
        switch action {
        case .read: tr("sharing.action.read")
        case .create: tr("sharing.action.create")
        case .update: tr("sharing.action.update")
        case .delete: tr("sharing.action.delete")
        case .login: tr("sharing.action.login")
        case .accessGranted: tr("sharing.action.access-granted")
        case .accessRevoked: tr("sharing.action.access-revoked")
        case .emergencyAccess: tr("sharing.action.emergency-access")
        case .refused: tr("sharing.action.refused")
        }
    }

    public static func role(_ role: AuditEntry.ActorRole) -> String {
        switch role {
        case .holder: tr("sharing.role.holder")
        case .caregiver: tr("sharing.role.caregiver")
        case .professional: tr("sharing.role.professional")
        case .service: tr("sharing.role.service")
        case .system: tr("sharing.role.system")
        }
    }

    /// What was touched, in words (nil for kinds the history does not name).
    static func kind(_ kind: RecordKind) -> String? {
        switch kind {
        case .document: tr("sharing.kind.document")
        case .accessGrant: tr("sharing.kind.access-code")
        case .block: tr("sharing.kind.block")
        case .serviceConsent: tr("sharing.kind.choices")
        case .delegation, .wishes: tr("sharing.kind.consent")
        case .message, .thread: tr("sharing.kind.message")
        case .agendaEvent: tr("sharing.kind.agenda")
        case .measurement: tr("sharing.kind.measurement")
        case .careHistory: tr("sharing.kind.care-history")
        case .profile, .emergencyContact: nil
        default: tr("sharing.kind.profile")
        }
    }

    /// What an entry of the history did: the action, on what.
    public static func what(_ entry: AuditEntry) -> String {
        var what = action(entry.action)
        if let kind = entry.targetKind.flatMap(kind) { what += " · " + kind }
        return what
    }

    /// One line of the activity history: when, who, what, how.
    public static func historyLine(_ entry: AuditEntry) -> String {
        var what = what(entry)
        if let title = entry.targetTitle { what += " " + tr("ui.quoted", ["text": title]) }
        var line = "\(LocalFormat.dateTime(entry.date))  \(entry.actorName.isEmpty ? role(entry.actorRole) : entry.actorName) (\(role(entry.actorRole)))  \(what)"
        if let via = entry.via { line += "  [\(self.via(via))]" }
        return line
    }

    /// "Dr X and Dr Y accessed your space for the first time" (nil when nobody is new).
    public static func newcomers(_ entries: [AuditEntry]) -> String? {
        let names = entries.map { $0.actorName.isEmpty ? role($0.actorRole) : $0.actorName }
        guard !names.isEmpty else { return nil }
        return tr("sharing.newcomers", ["names": names.joined(separator: ", ")])
    }

    /// What a blocked professional loses (MES's words).
    public static var blockExplanation: String { tr("sharing.block.explanation") }

    public static func error(_ error: SharingError) -> String {
        switch error {
        case .offline: tr("sharing.error.offline")
        case .notLoggedIn: tr("sharing.error.not-logged-in")
        case .refused(let detail): tr("sharing.error.refused", ["detail": detail])
        case .notFound(let what): tr("sharing.error.not-found", ["id": what])
        case .alreadyBlocked: tr("sharing.error.already-blocked")
        case .contentsMissing(let count): tr("sharing.error.contents-missing", ["count": String(count)])
        case .output(.refusedInKiosk): tr("sharing.export.kiosk")
        case .output(.destinationExists(let path)): tr("sharing.export.exists", ["path": path])
        case .output: tr("sharing.export.cannot-write")
        }
    }
}
