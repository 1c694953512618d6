import Foundation
import HealthRecord
import L10n
import TerminalUI

/// Section 7, Aidants et profils: the spaces this account opens (its own, its children's, the
/// people it is aidant for), the active one marked in words; Enter opens one.
public struct CaregiversScreen: FeatureScreen {
    enum Event: Sendable {
        case loaded([SpaceSummary])
        case failed(String)
    }

    let services: SpacesServices
    /// The space open now (marked "actif").
    let activeID: String?
    var spaces: [SpaceSummary] = []
    var list = ListState(count: 0)
    var loaded = false

    public init(services: SpacesServices, activeID: String?) {
        self.services = services
        self.activeID = activeID
    }

    public var summary: String? {
        loaded ? trPlural("spaces.count", count: spaces.count) : nil
    }

    public var keyMap: KeyMap {
        KeyMap(title: tr("section.caregivers"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("spaces.help.move")),
            KeyBinding([.enter], tr("spaces.help.open")),
            KeyBinding([AppShell.spaceKey], tr("spaces.help.switch")),
        ])
    }

    public var keyHints: [KeyHint] { [KeyHint(.enter, tr("spaces.hint.open"))] }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .appear, .changed:
            let services = services
            return .run(Effect {
                do { return Event.loaded(try services.list()) } catch { return Event.failed(tr("spaces.failed")) }
            })
        case .event(Event.loaded(let spaces)):
            let first = !loaded
            self.spaces = spaces
            loaded = true
            list = ListState(count: spaces.count, selected: spaces.firstIndex { $0.id == activeID } ?? 0)
            return first ? .handled : .say(summary)
        case .event(Event.failed(let message)):
            return .say(message)
        case .key(.enter), .key(.right):
            guard spaces.indices.contains(list.selected) else { return .handled }
            return Update(requests: [ShellRequest.switchSpace(spaces[list.selected].id)])
        case .key(let key):
            guard let motion = key.motion, motion != .left, motion != .right else { return .ignored }
            list.move(motion, visibleRows: 15)
            guard spaces.indices.contains(list.selected) else { return .handled }
            return .say(line(spaces[list.selected]) + ", " + list.position)
        default:
            return .ignored
        }
    }

    /// "Lucas MARTINEAU, enfant (actif)" and, for a delegation, its rubriques and end.
    func line(_ space: SpaceSummary) -> String {
        var text = space.described
        if space.relation == .delegated {
            if let rubriques = space.rubriques {
                text += ". " + tr("spaces.rubriques", ["list": rubriques.sorted().map(SpaceSummary.rubriqueName).joined(separator: ", ")])
            }
            if let until = space.until { text += ". " + tr("spaces.until", ["date": LocalFormat.date(until)]) }
        }
        if space.id == activeID { text += " " + tr("spaces.active") }
        return text
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        buffer.put(tr("spaces.title"), at: area.origin, style: context.style(.title), maxWidth: area.width)
        guard loaded else { return Rendered(cursor: area.origin) }
        let spaces = spaces
        let cursor = ListView.render(list, row: { line(spaces[$0]) }, into: &buffer, area: area.inset(top: 1),
                                     context: context, focused: context.focused)
        return Rendered(cursor: cursor)
    }
}
