/// The languages mes speaks. French is the default everywhere.
public enum Language: String, CaseIterable, Sendable {
    case french = "fr"
    case english = "en"

    public static let `default` = Language.french

    /// The language a locale identifier such as `en_US.UTF-8` asks for, if we have it.
    public init?(localeIdentifier: String) {
        let code = localeIdentifier.prefix { $0.isLetter }.lowercased()
        guard let language = Language(rawValue: code) else { return nil }
        self = language
    }

    /// The language the environment asks for (LC_ALL, then LC_MESSAGES, then LANG), else French.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for variable in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[variable], !value.isEmpty {
                return Language(localeIdentifier: value) ?? .default
            }
        }
        return .default
    }

    /// The index of the plural form to use for `count` (the catalogues' `Plural-Forms`).
    public func pluralIndex(for count: Int) -> Int {
        switch self {
        case .french: count > 1 ? 1 : 0   // 0 and 1 are singular in French
        case .english: count == 1 ? 0 : 1
        }
    }

    /// The `Plural-Forms` header a catalogue of this language must declare.
    public var pluralFormsHeader: String {
        switch self {
        case .french: "nplurals=2; plural=(n > 1);"
        case .english: "nplurals=2; plural=(n != 1);"
        }
    }
}
