import Foundation
import HealthRecord
import L10n

/// The values a form or the command line gives for an entry, by field key, read into typed
/// values against the rubrique's fields. Only the keys given change an entry; an empty value
/// clears an optional field.
public struct FieldValues: Sendable, Equatable {
    public var raw: [String: String]
    let rubrique: ProfileRubrique

    public init(_ raw: [String: String], rubrique: ProfileRubrique) {
        self.raw = raw
        self.rubrique = rubrique
    }

    /// Refuses keys the rubrique does not have.
    func checkKeys() throws(ProfileBookError) {
        for key in raw.keys.sorted() where rubrique.field(key) == nil { throw .unknownField(key) }
    }

    func has(_ key: String) -> Bool { raw[key] != nil }

    /// The trimmed text of a field (nil when not given; "" when given empty).
    func text(_ key: String) -> String? {
        raw[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// An optional text: nil when given empty.
    func optionalText(_ key: String) -> String?? {
        guard let text = text(key) else { return .none }
        return .some(text.isEmpty ? nil : text)
    }

    func requiredText(_ key: String) throws(ProfileBookError) -> String? {
        guard let text = text(key) else { return nil }
        guard !text.isEmpty else { throw .missingField(key) }
        return text
    }

    func partialDate(_ key: String) throws(ProfileBookError) -> PartialDate?? {
        guard let text = text(key) else { return .none }
        if text.isEmpty { return .some(nil) }
        guard let date = PartialDate(typed: text) else { throw .invalidValue(field: key, value: text) }
        return .some(date)
    }

    func date(_ key: String) throws(ProfileBookError) -> CalendarDate?? {
        guard let text = text(key) else { return .none }
        if text.isEmpty { return .some(nil) }
        guard let date = PartialDate(typed: text)?.calendarDate else { throw .invalidValue(field: key, value: text) }
        return .some(date)
    }

    func integer(_ key: String) throws(ProfileBookError) -> Int?? {
        guard let text = text(key) else { return .none }
        if text.isEmpty { return .some(nil) }
        guard let value = Int(text), value >= 0 else { throw .invalidValue(field: key, value: text) }
        return .some(value)
    }

    /// A code of a choice field, matched without regard to case, `-` or `_`.
    func choice<Value: RawRepresentable>(_ key: String, _ type: Value.Type) throws(ProfileBookError) -> Value?? where Value.RawValue == String {
        guard let text = text(key) else { return .none }
        if text.isEmpty { return .some(nil) }
        guard let value = Self.matchCode(text, in: Self.codes(of: rubrique.field(key))).flatMap(Value.init(rawValue:)) else {
            throw .invalidValue(field: key, value: text)
        }
        return .some(value)
    }

    func choices<Value: RawRepresentable>(_ key: String, _ type: Value.Type) throws(ProfileBookError) -> [Value]? where Value.RawValue == String {
        guard let text = text(key) else { return nil }
        var values: [Value] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let value = Self.matchCode(item, in: Self.codes(of: rubrique.field(key))).flatMap(Value.init(rawValue:)) else {
                throw .invalidValue(field: key, value: item)
            }
            if !values.contains(where: { $0.rawValue == value.rawValue }) { values.append(value) }
        }
        return values
    }

    static func codes(of field: ProfileField?) -> [String] {
        switch field?.kind {
        case .choice(let codes), .choices(let codes): codes
        default: []
        }
    }

    /// The code `text` names: exact, or equal once case, accents, `-` and `_` are set aside, or
    /// the code whose label (in the current language) it is or uniquely begins.
    public static func matchCode(_ text: String, in codes: [String]) -> String? {
        if codes.contains(text) { return text }
        func fold(_ value: String) -> String { VaccineCatalog.fold(value).replacingOccurrences(of: "_", with: "-") }
        let wanted = fold(text)
        guard !wanted.isEmpty else { return nil }
        if let code = codes.first(where: { fold($0) == wanted || fold(ProfileWording.value($0)) == wanted }) { return code }
        let starts = codes.filter { fold(ProfileWording.value($0)).hasPrefix(wanted) || fold($0).hasPrefix(wanted) }
        return starts.count == 1 ? starts[0] : nil
    }
}

extension Optional {
    /// Applies a field that was given (`.some`), leaving the value as it is otherwise.
    func apply(to value: inout Wrapped) {
        if case .some(let new) = self { value = new }
    }
}
