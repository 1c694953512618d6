import Foundation
import Synchronization

/// Looks up user-facing text in the catalogues of `Localization/<language>/*.po`.
///
/// Every word a user sees goes through here. The language can change at run time (a kiosk
/// switches per visitor), so the current language sits behind a mutex.
public final class Localizer: Sendable {
    /// The process-wide localizer, reading the share directory's catalogues as they are needed.
    public static let shared = Localizer(loadingFrom: ShareDirectory.locate())

    /// Where the catalogues of a language not loaded yet come from (nil: only those given).
    private let root: URL?
    /// The catalogues loaded so far. Each language is read the first time it is asked for, so
    /// a start in French does not parse the English catalogues (issue 20: start time); a
    /// language switched to at run time is read then, once.
    private let loaded: Mutex<[Language: POCatalogue]>
    private let current: Mutex<Language>

    public init(catalogues: [Language: POCatalogue], language: Language = .default) {
        self.root = nil
        self.loaded = Mutex(catalogues)
        self.current = Mutex(language)
    }

    /// Reads the `*.po` files of `shareDirectory/Localization/<language>/`, each language the
    /// first time it is needed. A catalogue that does not parse is reported on standard error
    /// and skipped, so the program still starts (showing keys) rather than failing to explain
    /// itself.
    public init(loadingFrom shareDirectory: URL?, language: Language = .default) {
        self.root = shareDirectory?.appendingPathComponent("Localization", isDirectory: true)
        self.loaded = Mutex([:])
        self.current = Mutex(language)
    }

    public static func loadCatalogue(in folder: URL) -> POCatalogue {
        var catalogue = POCatalogue()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".po") {
            let url = folder.appendingPathComponent(file)
            do {
                let text = try String(contentsOf: url, encoding: .utf8)
                catalogue.merge(try POCatalogue(parsing: text))
            } catch {
                FileHandle.standardError.write(Data("mes: \(url.path): \(error)\n".utf8))
            }
        }
        return catalogue
    }

    public var language: Language {
        get { current.withLock { $0 } }
    }

    public func setLanguage(_ language: Language) {
        current.withLock { $0 = language }
    }

    public func catalogue(for language: Language) -> POCatalogue {
        loaded.withLock { catalogues in
            if let catalogue = catalogues[language] { return catalogue }
            let catalogue = root.map { Self.loadCatalogue(in: $0.appendingPathComponent(language.rawValue, isDirectory: true)) } ?? POCatalogue()
            catalogues[language] = catalogue
            return catalogue
        }
    }

    /// The languages whose catalogues have been read so far (tests of the lazy loading).
    public var loadedLanguages: Set<Language> {
        loaded.withLock { Set($0.keys) }
    }

    /// The text for `key`, with `{name}` placeholders replaced. Falls back to French, then
    /// to the key itself, so a missing translation shows up visibly instead of as a blank.
    public func text(_ key: String, _ arguments: [String: String] = [:], language: Language? = nil) -> String {
        let language = language ?? self.language
        let form = entry(key, language: language)?.forms.first
        return Self.substitute(form ?? key, arguments)
    }

    /// The plural form of `key` for `count`; `{count}` is replaced by the count.
    public func plural(_ key: String, count: Int, _ arguments: [String: String] = [:], language: Language? = nil) -> String {
        let language = language ?? self.language
        var arguments = arguments
        arguments["count"] = arguments["count"] ?? String(count)
        guard let forms = entry(key, language: language)?.forms, !forms.isEmpty else {
            return Self.substitute(key, arguments)
        }
        let index = min(language.pluralIndex(for: count), forms.count - 1)
        return Self.substitute(forms[index], arguments)
    }

    private func entry(_ key: String, language: Language) -> POCatalogue.Entry? {
        if let entry = catalogue(for: language)[key], entry.forms.contains(where: { !$0.isEmpty }) { return entry }
        // French is read only when a key is missing from the language asked for.
        if language != .default, let entry = catalogue(for: .default)[key], entry.forms.contains(where: { !$0.isEmpty }) { return entry }
        return nil
    }

    static func substitute(_ template: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty, template.contains("{") else { return template }
        var result = template
        for (name, value) in arguments {
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return result
    }
}

/// Shorthand for `Localizer.shared.text`.
public func tr(_ key: String, _ arguments: [String: String] = [:]) -> String {
    Localizer.shared.text(key, arguments)
}

/// Shorthand for `Localizer.shared.plural`.
public func trPlural(_ key: String, count: Int, _ arguments: [String: String] = [:]) -> String {
    Localizer.shared.plural(key, count: count, arguments)
}
