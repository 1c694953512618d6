import L10n
import TerminalUI

/// The Accueil (and section 7) before any space is there: no vault yet, or a vault whose
/// account never synchronised. It says how to log in, in steps, rather than "soon".
public struct SignInHintScreen: FeatureScreen {
    public var holdsVaultData: Bool { false }
    public let section: AppSection
    /// A vault is open (only the login and the first sync are missing).
    public let hasVault: Bool

    public init(section: AppSection, hasVault: Bool) {
        self.section = section
        self.hasVault = hasVault
    }

    var title: String { tr(hasVault ? "home.signin.title.vault" : "home.signin.title.none") }

    var steps: [String] {
        (hasVault ? [] : [tr("home.signin.step.vault")]) + [tr("home.signin.step.login"), tr("home.signin.step.sync"), tr("home.signin.step.demo")]
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
