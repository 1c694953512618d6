import L10n
import TerminalUI

/// The Accueil (and section 7 without a vault) before any space is there: no vault yet, a vault
/// not logged in, or an account left with no space (an aidant whose delegations all ended). It
/// says what to do, in steps, rather than "soon".
public struct SignInHintScreen: FeatureScreen {
    public var holdsVaultData: Bool { false }
    public let section: AppSection
    public enum Situation: Sendable {
        /// No vault on this computer yet.
        case noVault
        /// A vault, no account logged in (or never synchronised).
        case notLoggedIn
        /// Logged in, but no space is open to this account (any more).
        case noSpace
    }

    public let situation: Situation

    public init(section: AppSection, situation: Situation) {
        self.section = section
        self.situation = situation
    }

    var title: String {
        switch situation {
        case .noVault: tr("home.signin.title.none")
        case .notLoggedIn: tr("home.signin.title.vault")
        case .noSpace: tr("home.signin.title.no-space")
        }
    }

    var steps: [String] {
        switch situation {
        case .noVault: [tr("home.signin.step.vault"), tr("home.signin.step.login"), tr("home.signin.step.sync"), tr("home.signin.step.demo")]
        case .notLoggedIn: [tr("home.signin.step.login"), tr("home.signin.step.sync"), tr("home.signin.step.demo")]
        case .noSpace: [tr("home.signin.step.invitations"), tr("home.signin.step.lost")]
        }
    }

    public var keyMap: KeyMap { KeyMap(title: section.title, bindings: []) }

    /// What a screen reader says: the title, then each step.
    public var summary: String? { ([title] + steps).joined(separator: " ") }

    public func update(_ input: ComponentInput) -> Update { .ignored }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        var y = area.y
        for line in TextLayout.wrap(title, width: area.width) where y < area.maxY {
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.accent), maxWidth: area.width)
            y += 1
        }
        y += 1
        for (index, step) in steps.enumerated() {
            for (offset, line) in TextLayout.wrap("\(index + 1). " + step, width: area.width - 3).enumerated() where y < area.maxY {
                buffer.put(offset == 0 ? line : "   " + line, at: Point(x: area.x, y: y), style: context.style(.normal), maxWidth: area.width)
                y += 1
            }
        }
        return Rendered(cursor: area.origin)
    }
}
