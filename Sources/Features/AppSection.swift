import L10n

/// The eight sections of the app, in the order and on the digits the user knows them by.
public enum AppSection: Int, CaseIterable, Hashable, Sendable {
    case home = 1
    case documents
    case medicalProfile
    case agenda
    case messages
    case sharing
    case caregivers
    case settings

    /// The digit that jumps to this section.
    public var digit: Int { rawValue }

    public init?(digit: Int) { self.init(rawValue: digit) }

    public var title: String {
        switch self {
        case .home: tr("section.home")
        case .documents: tr("section.documents")
        case .medicalProfile: tr("section.medical-profile")
        case .agenda: tr("section.agenda")
        case .messages: tr("section.messages")
        case .sharing: tr("section.sharing")
        case .caregivers: tr("section.caregivers")
        case .settings: tr("section.settings")
        }
    }

    /// The title in the tab bar below 120 columns, where the eight must share 80 columns.
    public var shortTitle: String {
        switch self {
        case .home: tr("section.home.short")
        case .documents: tr("section.documents.short")
        case .medicalProfile: tr("section.medical-profile.short")
        case .agenda: tr("section.agenda.short")
        case .messages: tr("section.messages.short")
        case .sharing: tr("section.sharing.short")
        case .caregivers: tr("section.caregivers.short")
        case .settings: tr("section.settings.short")
        }
    }

    /// What the section will do, said on its screen until it is built.
    public var purpose: String {
        switch self {
        case .home: tr("section.home.purpose")
        case .documents: tr("section.documents.purpose")
        case .medicalProfile: tr("section.medical-profile.purpose")
        case .agenda: tr("section.agenda.purpose")
        case .messages: tr("section.messages.purpose")
        case .sharing: tr("section.sharing.purpose")
        case .caregivers: tr("section.caregivers.purpose")
        case .settings: tr("section.settings.purpose")
        }
    }

    /// `3 Profil médical`.
    public var label: String { "\(digit) \(title)" }
}
