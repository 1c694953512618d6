import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// One space the user may open (their own, a child's, or one delegated to them), as the shell
/// and section 7 show it. Built by the program from the vault's profiles and the spaces the
/// last sync found.
public struct SpaceSummary: Sendable, Hashable {
    public var id: String
    /// "Lucas MARTINEAU" (from outside: sanitised when drawn).
    public var name: String
    public var relation: Profile.Relation
    /// The rubriques a delegation covers (nil: every one, as for the holder's side).
    public var rubriques: Set<Section>?
    /// When a delegation ends (nil: it does not).
    public var until: Date?

    public init(id: String, name: String, relation: Profile.Relation, rubriques: Set<Section>? = nil, until: Date? = nil) {
        self.id = id
        self.name = name
        self.relation = relation
        self.rubriques = rubriques
        self.until = until
    }

    /// "Lucas MARTINEAU, enfant", "Hélène MARTINEAU, vous êtes son aidant", "Hélène MARTINEAU, vous".
    public var described: String {
        let name = Sanitizer.sanitize(self.name, policy: .name)
        switch relation {
        case .own: return tr("spaces.described.own", ["name": name])
        case .child: return tr("spaces.described.child", ["name": name])
        case .delegated: return tr("spaces.described.delegated", ["name": name])
        }
    }

    /// What the header says of this space: the profile, and for whom the user acts.
    public func header(into info: HeaderInfo) -> HeaderInfo {
        var info = info
        switch relation {
        case .own:
            info.profileName = name
            info.actingFor = nil
        case .child:
            info.profileName = tr("spaces.header.child", ["name": name])
            info.actingFor = nil
        case .delegated:
            info.profileName = nil
            info.actingFor = name
        }
        return info
    }

    /// The rubrique a section shows (nil: the section is not a rubrique of the space).
    static func rubrique(of section: AppSection) -> Section? {
        switch section {
        case .documents: .documents
        case .medicalProfile: .medicalProfile
        case .agenda: .agenda
        case .messages: .messages
        default: nil
        }
    }

    /// Why this space does not offer `section` (nil: it does). An aidant never manages the
    /// person's sharing, and sees only the rubriques of the delegation (the server enforces
    /// both; the screen says why rather than failing).
    public func whyNot(_ section: AppSection) -> String? {
        guard relation == .delegated else { return nil }
        let name = Sanitizer.sanitize(self.name, policy: .name)
        if section == .sharing { return tr("spaces.out-of-scope.sharing", ["name": name]) }
        guard let rubrique = Self.rubrique(of: section), let rubriques, !rubriques.contains(rubrique) else { return nil }
        let covered = rubriques.sorted().map(Self.rubriqueName).joined(separator: ", ")
        return tr("spaces.out-of-scope.rubrique", ["name": name, "covered": covered.isEmpty ? tr("spaces.rubriques.none") : covered])
    }

    /// The user's word for a rubrique.
    public static func rubriqueName(_ rubrique: Section) -> String { SharingWording.section(rubrique) }
}

/// The services of one open space: what each section works with there.
public struct SpaceBundle: Sendable {
    public var space: SpaceSummary
    public var home: HomeServices?
    public var documents: DocumentsServices?
    public var agenda: AgendaServices?
    public var messages: MessagesServices?
    public var sharing: SharingServices?
    public var profile: ProfileServices?

    public init(space: SpaceSummary, home: HomeServices? = nil, documents: DocumentsServices? = nil, agenda: AgendaServices? = nil,
                messages: MessagesServices? = nil, sharing: SharingServices? = nil, profile: ProfileServices? = nil) {
        self.space = space
        self.home = home
        self.documents = documents
        self.agenda = agenda
        self.messages = messages
        self.sharing = sharing
        self.profile = profile
    }
}

/// An invitation (or a delegation) made to the user, as the server lists it.
public struct InvitationSummary: Sendable, Hashable {
    public var id: String
    /// Whose space ("Hélène MARTINEAU").
    public var name: String
    /// pending, active, refused, revoked or expired.
    public var status: String
    public var legalRepresentative: Bool
    public var rubriques: Set<Section>
    public var until: Date?

    public init(id: String, name: String, status: String, legalRepresentative: Bool, rubriques: Set<Section>, until: Date?) {
        self.id = id
        self.name = name
        self.status = status
        self.legalRepresentative = legalRepresentative
        self.rubriques = rubriques
        self.until = until
    }
}

/// What a server operation of section 7 answered when it refused, in the user's words.
public struct SpaceActionFailure: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// How the shell and section 7 list and open spaces and manage who helps whom (built by the
/// program over the vault and the server).
public struct SpacesServices: Sendable {
    /// The spaces of the vault, the user's own first.
    public var list: @Sendable () throws -> [SpaceSummary]
    /// Opens a space: every section's services there, and remembers it as the active one.
    public var open: @Sendable (String) throws -> SpaceBundle?
    /// The delegations of a space (its aidants and representatives), as the last sync left them.
    public var delegations: @Sendable (String) throws -> [Delegation]
    /// The invitations made to the user (the server: needs the network).
    public var invitations: (@Sendable () async throws -> [InvitationSummary])?
    /// Ends a delegation (either side), or answers an invitation (true: accept).
    public var revoke: (@Sendable (String) async throws -> Void)?
    public var answer: (@Sendable (String, Bool) async throws -> Void)?

    public init(list: @escaping @Sendable () throws -> [SpaceSummary], open: @escaping @Sendable (String) throws -> SpaceBundle?,
                delegations: @escaping @Sendable (String) throws -> [Delegation] = { _ in [] },
                invitations: (@Sendable () async throws -> [InvitationSummary])? = nil,
                revoke: (@Sendable (String) async throws -> Void)? = nil, answer: (@Sendable (String, Bool) async throws -> Void)? = nil) {
        self.list = list
        self.open = open
        self.delegations = delegations
        self.invitations = invitations
        self.revoke = revoke
        self.answer = answer
    }
}

/// The screen of a section the active space does not offer: it says why.
struct OutOfScopeScreen: FeatureScreen {
    var holdsVaultData: Bool { false }
    let section: AppSection
    let reason: String

    var keyMap: KeyMap { KeyMap(title: section.title, bindings: [KeyBinding([AppShell.spaceKey], tr("spaces.help.switch"))]) }
    var keyHints: [KeyHint] { [KeyHint("@", tr("spaces.hint.switch"))] }
    var summary: String? { reason }

    func update(_ input: ComponentInput) -> Update { .ignored }

    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        buffer.put(tr("spaces.out-of-scope.title"), at: area.origin, style: context.style(.accent), maxWidth: area.width)
        var y = area.y + 2
        for line in TextLayout.wrap(reason + " " + tr("spaces.out-of-scope.switch"), width: area.width) where y < area.maxY {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.normal), maxWidth: area.width)
            y += 1
        }
        return Rendered(cursor: area.origin)
    }
}
