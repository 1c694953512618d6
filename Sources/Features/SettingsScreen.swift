import L10n
import TerminalUI

/// Réglages: language, theme and screen-reader mode, applied at once and saved.
public struct SettingsScreen: FeatureScreen {
    /// Settings and placeholders hold nothing from the vault: kept across a lock.
    public var holdsVaultData: Bool { false }
    /// What a save reports back.
    public enum Saved: Sendable {
        case done
        case failed(String)
    }

    public private(set) var form: Form
    /// The settings in force (this screen is the only one that changes them).
    public private(set) var settings: AppSettings
    let store: SettingsStore?

    public init(settings: AppSettings, store: SettingsStore?) {
        self.store = store
        self.settings = settings
        form = Self.makeForm(settings, focus: 0)
    }

    static let languages: [Language] = [.french, .english]
    static let themes: [ThemeKind] = [.standard, .highContrast, .monochrome]

    /// The form in the current language (rebuilt after each change so its labels follow it).
    static func makeForm(_ settings: AppSettings, focus: Int) -> Form {
        Form([
            FormField(id: "language", label: tr("settings.language"), kind: .choice(
                options: languages.map { Self.languageName($0) },
                selected: languages.firstIndex(of: settings.language) ?? 0)),
            FormField(id: "theme", label: tr("settings.theme"), kind: .choice(
                options: themes.map { Self.themeName($0) },
                selected: themes.firstIndex(of: settings.theme) ?? 0)),
            FormField(id: "screen-reader", label: tr("settings.screen-reader"), kind: .checkbox(settings.screenReader)),
            FormField(id: "lock-after", label: tr("lock.settings.delay"), kind: .choice(
                options: lockDelays(settings).map(lockDelayName),
                selected: lockDelays(settings).firstIndex(of: settings.lockAfter) ?? 0)),
        ], focus: focus)
    }

    /// Never, 1, 5 or 15 minutes, and the current delay if it is another (set in settings.json).
    static func lockDelays(_ settings: AppSettings) -> [Duration?] {
        let standard: [Duration?] = [nil, .seconds(60), .seconds(300), .seconds(900)]
        return standard.contains(settings.lockAfter) ? standard : standard + [settings.lockAfter]
    }

    static func lockDelayName(_ delay: Duration?) -> String {
        guard let seconds = delay?.components.seconds else { return tr("lock.settings.never") }
        if seconds % 60 == 0 { return trPlural("lock.settings.minutes", count: Int(seconds / 60)) }
        return trPlural("lock.settings.seconds", count: Int(seconds))
    }

    /// Each language in its own words, so a visitor finds theirs.
    static func languageName(_ language: Language) -> String {
        switch language {
        case .french: "Français"
        case .english: "English"
        }
    }

    static func themeName(_ theme: ThemeKind) -> String {
        switch theme {
        case .standard: tr("settings.theme.default")
        case .highContrast: tr("settings.theme.high-contrast")
        case .monochrome: tr("settings.theme.monochrome")
        }
    }

    public var keyMap: KeyMap {
        KeyMap(title: tr("section.settings"), bindings: [
            KeyBinding([.up, .down, .character("k"), .character("j")], tr("settings.help.move")),
            KeyBinding([.left, .right, .character("h"), .character("l"), .character(" ")], tr("settings.help.change")),
        ])
    }

    public var summary: String? { tr("settings.summary") }

    public var keyHints: [KeyHint] {
        [KeyHint("↑↓", tr("settings.hint.move")), KeyHint("←→", tr("settings.hint.change"))]
    }

    public mutating func update(_ input: ComponentInput) -> Update {
        switch input {
        case .key(let key): return handle(key)
        case .event(let saved as Saved):
            guard case .failed(let reason) = saved else { return .handled }
            return .say(tr("settings.save-failed", ["reason": reason]))
        default: return .ignored
        }
    }

    private mutating func handle(_ key: Key) -> Update {
        switch form.handle(key) {
        case .ignored: return .ignored
        case .handled, .submitted: return .handled
        case .changed(let id):
            var changed = settings
            var announcement = ""
            switch form[id]?.kind {
            case .choice(_, let selected) where id == "lock-after":
                changed.lockAfter = Self.lockDelays(settings)[selected]
                announcement = tr("settings.changed", ["setting": tr("lock.settings.delay"),
                                                       "value": Self.lockDelayName(changed.lockAfter)])
            case .choice(_, let selected) where id == "language":
                changed.language = Self.languages[selected]
                Localizer.shared.setLanguage(changed.language)
                announcement = tr("settings.changed", ["setting": tr("settings.language"), "value": Self.languageName(changed.language)])
            case .choice(_, let selected):
                changed.theme = Self.themes[selected]
                announcement = tr("settings.changed", ["setting": tr("settings.theme"), "value": Self.themeName(changed.theme)])
            case .checkbox(let on):
                changed.screenReader = on
                announcement = tr("settings.changed", ["setting": tr("settings.screen-reader"), "value": tr(on ? "ui.form.on" : "ui.form.off")])
            default:
                return .handled
            }
            form = Self.makeForm(changed, focus: form.focus)
            settings = changed
            return Update(effects: save(changed), announcement: announcement, requests: [ShellRequest.apply(changed)])
        }
    }

    private func save(_ settings: AppSettings) -> [Effect<any Sendable>] {
        guard let store else { return [] }
        return [Effect {
            do {
                try store.save(settings)
                return Saved.done
            } catch {
                return Saved.failed(String(describing: error))
            }
        }]
    }

    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        var body = area
        if !context.colors && settings.theme != .monochrome {
            // Say why the theme shows no colours, rather than let the choice seem broken.
            buffer.put(tr("settings.no-color"), at: Point(x: area.x, y: area.maxY - 1), style: context.style(.muted),
                       maxWidth: area.width)
            body = body.inset(bottom: 1)
        }
        return form.render(into: &buffer, area: body, context: context)
    }
}
