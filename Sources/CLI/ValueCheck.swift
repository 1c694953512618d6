import Foundation
import L10n

/// Checks and normalises option values: choices by key or screen name (case, accents and
/// punctuation aside), dates in ISO or French order, times as `14:30` or `14h30`, whole numbers.
public enum ValueCheck {
    /// The value handlers receive, or nil when `value` is not valid for `kind`.
    public static func normalise(_ value: String, for kind: ValueKind) -> String? {
        switch kind {
        case .flag, .text, .file, .directory: value
        case .integer: !value.isEmpty && value.allSatisfy { $0.isASCII && $0.isNumber } ? value : nil
        case .date: date(value)
        case .time: time(value)
        case .choice(let choices): choice(value, in: choices)?.value
        case .list(let choices):
            value.split(separator: ",", omittingEmptySubsequences: false).map { part -> String? in
                choice(part.trimmingCharacters(in: .whitespaces), in: choices)?.value
            }.reduce(into: [String]?.some([])) { keys, key in
                if let key, keys != nil { keys?.append(key) } else { keys = nil }
            }?.joined(separator: ",")
        }
    }

    /// The choice `text` names: its key, or its screen name in any language.
    public static func choice(_ text: String, in choices: [ValueChoice]) -> ValueChoice? {
        if let exact = choices.first(where: { $0.value == text }) { return exact }
        let wanted = fold(text)
        guard !wanted.isEmpty else { return nil }
        return choices.first { choice in
            if fold(choice.value) == wanted { return true }
            guard let key = choice.labelKey else { return false }
            return Language.allCases.contains { fold(Localizer.shared.text(key, language: $0)) == wanted }
        }
    }

    /// Lower case, without accents, every run of other characters than letters and digits one
    /// hyphen: "Radio, écho, scanner, IRM" → "radio-echo-scanner-irm".
    public static func fold(_ text: String) -> String {
        let plain = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var result = ""
        var pendingHyphen = false
        for character in plain {
            if character.isLetter || character.isNumber {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return result.lowercased()
    }

    /// `2026-11-22` or `22/11/2026` (also `22-11-2026`, `22.11.2026`) as `2026-11-22`, if such a day exists.
    public static func date(_ text: String) -> String? {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let year: Int, month: Int, day: Int
        if parts[0].count == 4 && text.contains("-") && !text.contains("/") {
            guard let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[1].count <= 2, parts[2].count <= 2 else { return nil }
            (year, month, day) = (y, m, d)
        } else if parts[2].count == 4 {
            guard let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[0].count <= 2, parts[1].count <= 2 else { return nil }
            (year, month, day) = (y, m, d)
        } else {
            return nil
        }
        guard (1...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// `14:30`, `14h30`, `14h` or `9:05` as `HH:MM`.
    public static func time(_ text: String) -> String? {
        let lower = text.lowercased()
        let separator: Character = lower.contains(":") ? ":" : "h"
        let parts = lower.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2 || (separator == "h" && parts[1].isEmpty),
              let hour = Int(parts[0]), (0...23).contains(hour) else { return nil }
        let minute = parts[1].isEmpty ? 0 : Int(parts[1]) ?? -1
        guard (0...59).contains(minute), parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return String(format: "%02d:%02d", hour, minute)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
