/// What a piece of the screen is, so a theme can decide how it looks. Every role that carries
/// meaning also carries a word or a symbol in the views: colour is never the only signal.
public enum Role: Hashable, Sendable, CaseIterable {
    case normal
    case header
    case navigation
    case navigationSelected
    case title
    case muted
    case border
    /// The item that has the keyboard focus.
    case focus
    /// A selected item that does not have the focus.
    case selection
    case input
    case error
    case warning
    case success
    case accent
    case status
    case dialog
    case chart
}

/// The themes a user can choose in the settings.
public enum ThemeKind: String, Hashable, Sendable, CaseIterable {
    case standard = "default"
    case highContrast = "high-contrast"
    case monochrome
}

/// Maps roles to styles.
public struct Theme: Hashable, Sendable {
    public var kind: ThemeKind
    /// False when `NO_COLOR` is set or the terminal has no colours: every style loses its colours.
    public var usesColor: Bool

    public init(_ kind: ThemeKind, usesColor: Bool = true) {
        self.kind = kind
        self.usesColor = usesColor && kind != .monochrome
    }

    public func style(_ role: Role) -> Style {
        let style: Style
        switch kind {
        case .standard: style = Self.standard(role)
        case .highContrast: style = Self.highContrast(role)
        case .monochrome: style = Self.monochrome(role)
        }
        // Without colour, a role takes its monochrome look so that it stays distinct.
        return usesColor ? style : Self.monochrome(role)
    }

    private static func standard(_ role: Role) -> Style {
        switch role {
        case .normal, .dialog: Style()
        case .header: Style(foreground: .white, background: .blue, attributes: [.bold])
        case .navigation: Style()
        case .navigationSelected: Style(foreground: .black, background: .cyan, attributes: [.bold])
        case .title: Style(foreground: .blue, attributes: [.bold])
        case .muted: Style(attributes: [.dim])
        case .border: Style(foreground: .cyan)
        case .focus: Style(foreground: .black, background: .cyan)
        case .selection: Style(attributes: [.reverse])
        case .input: Style(attributes: [.underline])
        case .error: Style(foreground: .red, attributes: [.bold])
        case .warning: Style(foreground: .yellow, attributes: [.bold])
        case .success: Style(foreground: .green, attributes: [.bold])
        case .accent: Style(foreground: .magenta, attributes: [.bold])
        case .status: Style(foreground: .black, background: .white)
        case .chart: Style(foreground: .cyan)
        }
    }

    private static func highContrast(_ role: Role) -> Style {
        switch role {
        case .normal, .navigation, .dialog: Style(foreground: .white, background: .black)
        case .header, .status: Style(foreground: .black, background: .white, attributes: [.bold])
        case .navigationSelected, .focus: Style(foreground: .black, background: .yellow, attributes: [.bold])
        case .title: Style(foreground: .yellow, background: .black, attributes: [.bold, .underline])
        case .muted, .border, .chart: Style(foreground: .white, background: .black, attributes: [.bold])
        case .selection: Style(foreground: .black, background: .white, attributes: [.bold])
        case .input: Style(foreground: .white, background: .black, attributes: [.underline, .bold])
        case .error: Style(foreground: .yellow, background: .black, attributes: [.bold, .underline])
        case .warning, .accent: Style(foreground: .yellow, background: .black, attributes: [.bold])
        case .success: Style(foreground: .white, background: .black, attributes: [.bold])
        }
    }

    private static func monochrome(_ role: Role) -> Style {
        switch role {
        case .normal, .navigation, .dialog, .border, .chart: Style()
        case .header, .status, .navigationSelected, .focus: Style(attributes: [.reverse, .bold])
        case .title, .accent, .warning: Style(attributes: [.bold])
        case .muted: Style(attributes: [.dim])
        case .selection: Style(attributes: [.reverse])
        case .input: Style(attributes: [.underline])
        case .error: Style(attributes: [.bold, .underline])
        case .success: Style(attributes: [.bold])
        }
    }
}
