import Foundation

/// Dates, times, numbers and units the way each language writes them, in France's time zone.
///
/// French: `22/11/2026`, `14:30`, `72,5 kg` (decimal comma, a no-break space before the unit).
/// English (as written in the UK, where mes's English speakers live): `22/11/2026`, `14:30`,
/// `72.5 kg`.
public enum LocalFormat {
    /// Every date and time is shown in Europe/Paris time, whatever the machine's zone.
    public static let timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!

    /// The Gregorian calendar in Europe/Paris, weeks starting on Monday.
    public static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.locale = Locale(identifier: "fr_FR")
        return calendar
    }

    /// The locale whose words (month and day names) a language uses.
    public static func locale(_ language: Language) -> Locale {
        switch language {
        case .french: Locale(identifier: "fr_FR")
        case .english: Locale(identifier: "en_GB")
        }
    }

    /// `22/11/2026`.
    public static func date(_ value: Date, language: Language = Localizer.shared.language) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: value)
        return date(day: parts.day ?? 1, month: parts.month ?? 1, year: parts.year ?? 1970, language: language)
    }

    /// `22/11/2026` from its parts.
    public static func date(day: Int, month: Int, year: Int, language: Language = Localizer.shared.language) -> String {
        "\(twoDigits(day))/\(twoDigits(month))/\(year)"
    }

    /// `14:30`.
    public static func time(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return "\(twoDigits(parts.hour ?? 0)):\(twoDigits(parts.minute ?? 0))"
    }

    /// `22/11/2026 14:30`.
    public static func dateTime(_ value: Date, language: Language = Localizer.shared.language) -> String {
        date(value, language: language) + " " + time(value)
    }

    /// `dimanche 22 novembre 2026` / `Sunday 22 November 2026`.
    public static func longDate(_ date: Date, language: Language = Localizer.shared.language) -> String {
        formatter(language, template: "EEEE d MMMM y").string(from: date)
    }

    /// `novembre 2026` / `November 2026`.
    public static func monthAndYear(month: Int, year: Int, language: Language = Localizer.shared.language) -> String {
        let names = formatter(language, template: "MMMM").standaloneMonthSymbols
        let name = month >= 1 && month <= names.count ? names[month - 1] : String(month)
        return "\(name) \(year)"
    }

    /// `janv.`, `nov.` / `Jan`, `Nov`: short month names, January first.
    public static func shortMonthNames(language: Language = Localizer.shared.language) -> [String] {
        formatter(language, template: "MMM").shortStandaloneMonthSymbols
    }

    /// Two-letter weekday names, Monday first: `lu ma me je ve sa di` / `Mo Tu We Th Fr Sa Su`.
    public static func weekdayInitials(language: Language = Localizer.shared.language) -> [String] {
        let symbols = formatter(language, template: "EEEE").standaloneWeekdaySymbols  // Sunday first
        guard symbols.count == 7 else { return ["1", "2", "3", "4", "5", "6", "7"] }
        let mondayFirst = Array(symbols[1...]) + [symbols[0]]
        return mondayFirst.map { String($0.prefix(2)) }
    }

    /// A decimal number with a fixed number of fraction digits: `72,5` / `72.5`; thousands are
    /// grouped with a narrow no-break space in French (`10 000`) and a comma in English.
    public static func decimal(_ value: Double, fractionDigits: Int = 0, language: Language = Localizer.shared.language) -> String {
        guard value.isFinite else { return "—" }
        let negative = value < 0
        let scale = pow(10, Double(max(0, fractionDigits)))
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded.truncatingRemainder(dividingBy: scale))
        var digits = String(whole)
        let separator = language == .french ? "\u{202F}" : ","
        if whole >= 10_000 || (language == .english && whole >= 1_000) {
            var grouped = ""
            for (index, digit) in digits.reversed().enumerated() {
                if index > 0 && index % 3 == 0 { grouped.append(contentsOf: separator) }
                grouped.append(digit)
            }
            digits = String(grouped.reversed())
        }
        var text = (negative && rounded > 0 ? "-" : "") + digits
        if fractionDigits > 0 {
            let fractionText = String(fraction)
            text += (language == .french ? "," : ".")
                + String(repeating: "0", count: max(0, fractionDigits - fractionText.count)) + fractionText
        }
        return text
    }

    /// A number and its unit: `72,5 kg`, `1,05 g/L`, `37,2 °C`.
    public static func quantity(_ value: Double, _ unit: MeasureUnit, fractionDigits: Int? = nil,
                                language: Language = Localizer.shared.language) -> String {
        let number = decimal(value, fractionDigits: fractionDigits ?? unit.fractionDigits, language: language)
        return unit.symbol.isEmpty ? number : number + "\u{00A0}" + unit.symbol
    }

    /// Reads a number typed by a user: a decimal comma or point, spaces ignored. Nil if not a number.
    public static func parseDecimal(_ text: String) -> Double? {
        var cleaned = ""
        for character in text where !character.isWhitespace {
            cleaned.append(character == "," ? "." : character)
        }
        guard !cleaned.isEmpty, cleaned.filter({ $0 == "." }).count <= 1,
              cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
              let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// Reads a date typed as `22/11/2026` (also `22-11-2026`, `22.11.2026`). Nil unless it is a real day.
    public static func parseDate(_ text: String) -> DateComponents? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
              parts[2].count == 4, (1...12).contains(month), day >= 1,
              day <= daysInMonth(month: month, year: year) else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }

    /// Reads a time typed as `14:30` (also `14h30`). Nil unless valid.
    public static func parseTime(_ text: String) -> DateComponents? {
        let parts = text.trimmingCharacters(in: .whitespaces).lowercased().split(whereSeparator: { $0 == ":" || $0 == "h" })
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return DateComponents(hour: hour, minute: minute)
    }

    /// The instant of a day and time in Europe/Paris.
    public static func instant(_ day: DateComponents, time: DateComponents? = nil) -> Date? {
        var parts = day
        parts.hour = time?.hour ?? 0
        parts.minute = time?.minute ?? 0
        parts.timeZone = timeZone
        return calendar.date(from: parts)
    }

    public static func daysInMonth(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    private static func formatter(_ language: Language, template: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = locale(language)
        formatter.timeZone = timeZone
        formatter.setLocalizedDateFormatFromTemplate(template)
        return formatter
    }
}

/// The units of health measures (UCUM code as raw value) and how they are written.
public enum MeasureUnit: String, Sendable, CaseIterable {
    case kilogram = "kg"
    case centimetre = "cm"
    case metre = "m"
    case gramPerLitre = "g/L"
    case millimolePerLitre = "mmol/L"
    case millimetreOfMercury = "mm[Hg]"
    case perMinute = "/min"
    case celsius = "Cel"
    case kilogramPerSquareMetre = "kg/m2"
    case percent = "%"
    case steps = "1/(24.h)"
    case none = "1"
    case milligramPerDecilitre = "mg/dL"

    /// The symbol shown after a number.
    public var symbol: String {
        switch self {
        case .kilogram: "kg"
        case .centimetre: "cm"
        case .metre: "m"
        case .gramPerLitre: "g/L"
        case .millimolePerLitre: "mmol/L"
        case .millimetreOfMercury: "mmHg"
        case .perMinute: "/min"
        case .celsius: "°C"
        case .kilogramPerSquareMetre: "kg/m²"
        case .percent: "%"
        case .steps: tr("unit.steps-per-day")
        case .none: ""
        case .milligramPerDecilitre: "mg/dL"
        }
    }

    /// How many decimals a value in this unit is shown with.
    public var fractionDigits: Int {
        switch self {
        case .kilogram, .celsius, .kilogramPerSquareMetre, .percent: 1
        case .gramPerLitre, .metre: 2
        case .millimolePerLitre: 1
        default: 0
        }
    }

    /// Converts a value to another unit of the same quantity (nil when they measure different things).
    /// Glycaemia: 1 g/L of glucose is 5.551 mmol/L (molar mass 180.16 g/mol).
    public func convert(_ value: Double, to other: MeasureUnit) -> Double? {
        if self == other { return value }
        switch (self, other) {
        case (.centimetre, .metre): return value / 100
        case (.metre, .centimetre): return value * 100
        case (.gramPerLitre, .millimolePerLitre): return value * 1000 / 180.16
        case (.millimolePerLitre, .gramPerLitre): return value * 180.16 / 1000
        default: return nil
        }
    }
}
