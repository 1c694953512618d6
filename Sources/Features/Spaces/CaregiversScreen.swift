import Foundation
import HealthRecord
import L10n
import Sharing
import TerminalUI

/// Section 7, Aidants et profils, one list in three blocks:
/// - the spaces this account opens (its own, its children's, the people it is aidant for),
///   the active one marked in words; Enter opens one;
/// - the aidants of the active space with the state of each delegation (pending, accepted,
///   refused, expired, revoked); `r` revokes one (the holder's side only: an aidant never
///   manages the person's sharing);
/// - after `i`, the invitations made to the user (from the server): `a` accepts, `x` refuses,
///   `r` ends one's own delegation.
/// Every change is confirmed first, the safe answer focused, then a sync brings it in.
public struct CaregiversScreen: FeatureScreen {
    enum Event: Sendable {
        case loaded([SpaceSummary], [Delegation])
        case invitations([InvitationSummary])
        case done(String)
        case failed(String)
    }

    /// One line of the list.
    enum Line: Hashable {
        case heading(String)
        case space(SpaceSummary)
        case delegation(Delegation)
        case invitation(InvitationSummary)
        case note(String)

        var isSelectable: Bool {
            switch self {
            case .heading, .note: false
            default: true
            }
        }
    }

    /// What a confirmation is about.
    enum Action: Sendable {
        case revoke(id: String, name: String)
        case answer(id: String, name: String, accept: Bool)
    }

    let services: SpacesServices
    /// The space open now (marked "actif"); its delegations are listed.
    let active: SpaceSummary?
    var spaces: [SpaceSummary] = []
    var delegations: [Delegation] = []
    var invitations: [InvitationSummary]?
    var list = ListState(count: 0)
    var loaded = false
    var clock: @Sendable () -> Date = { Date() }

    public init(services: SpacesServices, active: SpaceSummary?) {
        self.services = services
        self.active = active
    }

    var activeID: String? { active?.id }
    /// The holder's side of the active space manages its aidants.
    var managesAidants: Bool { active.map { $0.relation != .delegated } ?? false }

    public var summary: String? {
        guard loaded else { return nil }
        var sentence = trPlural("spaces.count", count: spaces.count)
        if managesAidants { sentence += " " + trPlural("aidants.count", count: delegations.count) }
        return sentence
    }

    public var keyMap: KeyMap {
        KeyMap(title: tr("section.caregivers"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("spaces.help.move")),
            KeyBinding([.enter], tr("spaces.help.open")),
            KeyBinding([AppShell.spaceKey], tr("spaces.help.switch")),
            KeyBinding([.character("r")], tr("aidants.help.revoke")),
            KeyBinding([.character("i")], tr("aidants.help.invitations")),
            KeyBinding([.character("a")], tr("aidants.help.accept")),
            KeyBinding([.character("x")], tr("aidants.help.refuse")),
        ])
    }

    public var keyHints: [KeyHint] {
        switch selectedLine {
        case .delegation?: [KeyHint("r", tr("aidants.hint.revoke")), KeyHint("i", tr("aidants.hint.invitations"))]
        case .invitation(let invitation)?:
            invitation.status == "pending" ? [KeyHint("a", tr("aidants.hint.accept")), KeyHint("x", tr("aidants.hint.refuse"))]
                : [KeyHint("r", tr("aidants.hint.end"))]
        default: [KeyHint(.enter, tr("spaces.hint.open")), KeyHint("i", tr("aidants.hint.invitations"))]
        }
    }

    var lines: [Line] {
        var lines: [Line] = [.heading(tr("spaces.title"))] + spaces.map(Line.space)
        if managesAidants, let active {
            lines.append(.heading(tr("aidants.title", ["space": Sanitizer.sanitize(active.name, policy: .name)])))
            lines += delegations.isEmpty ? [.note(tr("aidants.none"))] : delegations.map(Line.delegation)
        }
        if let invitations {
            lines.append(.heading(tr("invitations.title")))
            lines += invitations.isEmpty ? [.note(tr("invitations.none"))] : invitations.map(Line.invitation)
        }
        return lines
    }

    var selectedLine: Line? {
        let lines = lines
        return lines.indices.contains(list.selected) ? lines[list.selected] : nil
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear, .changed:
            return .run(load())
        case .event(Event.loaded(let spaces, let delegations)):
            let first = !loaded
            self.spaces = spaces
            self.delegations = delegations
            loaded = true
            reselect()
            return first ? .handled : .say(summary)
        case .event(Event.invitations(let invitations)):
            self.invitations = invitations
            reselect()
            return .say(trPlural("invitations.count", count: invitations.filter { $0.status == "pending" }.count))
        case .event(Event.done(let message)):
            var effects = [load()]
            if invitations != nil, let fetch = invitationsEffect() { effects.append(fetch) }
            return Update(effects: effects, announcement: message, requests: [ShellRequest.syncNow])
        case .event(Event.failed(let message)):
            return .say(message)
        case .event(let answer as Answer):
            return answered(answer)
        case .key(.enter), .key(.right):
            guard case .space(let space)? = selectedLine else { return .handled }
            return Update(requests: [ShellRequest.switchSpace(space.id)])
        case .key(.character("i")):
            guard let effect = invitationsEffect() else { return .say(tr("aidants.offline")) }
            return .run(effect, saying: tr("invitations.loading"))
        case .key(.character("r")):
            return confirmEnd()
        case .key(.character(let letter)) where letter == "a" || letter == "x":
            guard case .invitation(let invitation)? = selectedLine, invitation.status == "pending" else { return .say(tr("invitations.choose")) }
            let accept = letter == "a"
            let name = Sanitizer.sanitize(invitation.name, policy: .name)
            let question = tr(accept ? "invitations.accept.question" : "invitations.refuse.question", ["name": name])
            return .open(Dialog.confirm(title: tr(accept ? "invitations.accept.title" : "invitations.refuse.title"), message: question),
                         tag: Action.answer(id: invitation.id, name: name, accept: accept), saying: question)
        case .key(let key):
            guard let motion = key.motion, motion != .left, motion != .right else { return .ignored }
            let lines = lines
            list.move(motion, visibleRows: 15) { lines.indices.contains($0) && lines[$0].isSelectable }
            return .say(selectedLine.map { describe($0) + ", " + list.position })
        default:
            return .ignored
        }
    }

    private mutating func reselect() {
        let lines = lines
        let previous = list.selected
        let activeRow = lines.firstIndex { if case .space(let space) = $0 { space.id == activeID } else { false } }
        let selected = previous > 0 && lines.indices.contains(previous) && lines[previous].isSelectable ? previous : (activeRow ?? 1)
        list = ListState(count: lines.count, selected: selected)
    }

    private func load() -> Effect<any Sendable> {
        let (services, activeID) = (services, activeID)
        return Effect {
            do {
                return Event.loaded(try services.list(), try activeID.map { try services.delegations($0) } ?? [])
            } catch {
                return Event.failed(tr("spaces.failed"))
            }
        }
    }

    private func invitationsEffect() -> Effect<any Sendable>? {
        guard let fetch = services.invitations else { return nil }
        return Effect {
            do { return Event.invitations(try await fetch()) } catch { return Event.failed(Self.message(error)) }
        }
    }

    static func message(_ error: any Error) -> String {
        (error as? SpaceActionFailure)?.message ?? tr("aidants.offline")
    }

    /// `r`: revoke an aidant of the active space, or end one's own delegation.
    private func confirmEnd() -> Update {
        let target: (id: String, name: String, question: String)
        switch selectedLine {
        case .delegation(let delegation)? where delegation.status == .active || delegation.status == .proposed:
            let name = Sanitizer.sanitize(delegation.delegateName, policy: .name)
            target = (delegation.id, name, tr("aidants.revoke.question", ["name": name]))
        case .invitation(let invitation)? where invitation.status == "active":
            let name = Sanitizer.sanitize(invitation.name, policy: .name)
            target = (invitation.id, name, tr("aidants.end.question", ["name": name]))
        default:
            return .say(tr("aidants.revoke.choose"))
        }
        return .open(Dialog.confirm(title: tr("aidants.revoke.title"), message: target.question),
                     tag: Action.revoke(id: target.id, name: target.name), saying: target.question)
    }

    private func answered(_ answer: Answer) -> Update {
        guard let action = answer.tag as? Action else { return .ignored }
        guard case .accepted? = answer.value as? Dialog.Outcome else { return .say(tr("aidants.unchanged")) }
        switch action {
        case .revoke(let id, let name):
            guard let revoke = services.revoke else { return .say(tr("aidants.offline")) }
            return .run(Effect {
                do {
                    try await revoke(id)
                    return Event.done(tr("aidants.revoked", ["name": name]))
                } catch { return Event.failed(Self.message(error)) }
            }, saying: tr("aidants.sending"))
        case .answer(let id, let name, let accept):
            guard let send = services.answer else { return .say(tr("aidants.offline")) }
            return .run(Effect {
                do {
                    try await send(id, accept)
                    return Event.done(tr(accept ? "invitations.accepted" : "invitations.refused", ["name": name]))
                } catch { return Event.failed(Self.message(error)) }
            }, saying: tr("aidants.sending"))
        }
    }

    /// The line in words (what the screen shows and a screen reader says).
    func describe(_ line: Line) -> String {
        switch line {
        case .heading(let text), .note(let text): return text
        case .space(let space):
            var text = space.described
            if space.relation == .delegated {
                if let rubriques = space.rubriques {
                    text += ". " + tr("spaces.rubriques", ["list": SharingWording.sections(rubriques)])
                }
                if let until = space.until { text += ". " + tr("spaces.until", ["date": LocalFormat.date(until)]) }
            }
            if space.id == activeID { text += " " + tr("spaces.active") }
            return text
        case .delegation(let delegation):
            let role = delegation.role == .legalRepresentative ? tr("aidants.role.legal") : tr("aidants.role.aidant")
            var text = tr("aidants.line", ["name": Sanitizer.sanitize(delegation.delegateName, policy: .name), "role": role,
                                           "status": Self.status(delegation, now: clock())])
            if delegation.role == .caregiver { text += ". " + tr("spaces.rubriques", ["list": SharingWording.sections(delegation.sections)]) }
            if let end = delegation.end { text += ". " + tr("spaces.until", ["date": LocalFormat.date(end)]) }
            return text
        case .invitation(let invitation):
            var text = tr(invitation.legalRepresentative ? "invitations.line.legal" : "invitations.line",
                          ["name": Sanitizer.sanitize(invitation.name, policy: .name), "status": Self.word(invitation.status)])
            if !invitation.legalRepresentative { text += ". " + tr("spaces.rubriques", ["list": SharingWording.sections(invitation.rubriques)]) }
            if let until = invitation.until { text += ". " + tr("spaces.until", ["date": LocalFormat.date(until)]) }
            return text
        }
    }

    /// The state of a delegation in words (an end date past makes it expired).
    public static func status(_ delegation: Delegation, now: Date) -> String {
        switch delegation.status {
        case .proposed: word(delegation.end.map { $0 <= now } == true ? "expired" : "pending")
        case .active: word(delegation.end.map { $0 <= now } == true ? "expired" : "active")
        case .refused: word("refused")
        case .revoked: word("revoked")
        }
    }

    public static func word(_ status: String) -> String {
        switch status {
        case "pending": tr("aidants.status.pending")
        case "active": tr("aidants.status.active")
        case "refused": tr("aidants.status.refused")
        case "revoked": tr("aidants.status.revoked")
        default: tr("aidants.status.expired")
        }
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard loaded else {
            buffer.put(tr("spaces.title"), at: area.origin, style: context.style(.title), maxWidth: area.width)
            return Rendered(cursor: area.origin)
        }
        let lines = lines
        let cursor = ListView.render(list, rows: { index in
            switch lines[index] {
            case .heading(let text): ListRow.heading(text)
            case .note(let text): ListRow(text, role: .muted, isHeading: true)
            default: ListRow(describe(lines[index]))
            }
        }, into: &buffer, area: area, context: context, focused: context.focused)
        return Rendered(cursor: cursor)
    }
}
