import L10n
import TerminalUI

/// The screen of a section whose issue has not landed yet: it says so, and what it will do.
public struct ComingSoonScreen: FeatureScreen {
    /// Settings and placeholders hold nothing from the vault: kept across a lock.
    public var holdsVaultData: Bool { false }
    public let section: AppSection

    public init(section: AppSection) { self.section = section }

    public var keyMap: KeyMap { KeyMap(title: section.title, bindings: []) }

    public var summary: String? { tr("screen.coming-soon") }

    public func update(_ input: ComponentInput) -> Update { .ignored }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        let view = context
        buffer.put(tr("screen.coming-soon"), at: area.origin, style: view.style(.accent), maxWidth: area.width)
        for (offset, line) in TextLayout.wrap(section.purpose, width: area.width).enumerated() where offset + 2 < area.height {
            buffer.put(line, at: Point(x: area.x, y: area.y + 2 + offset), style: view.style(.normal), maxWidth: area.width)
        }
        return Rendered(cursor: area.origin)
    }
}
