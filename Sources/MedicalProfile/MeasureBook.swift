import Foundation
import HealthRecord
import L10n
import Vault

/// Why a measure was not added, changed or imported.
public enum MeasureBookError: Error, Equatable, Sendable {
    case unknownMeasure(String)
    case invalidValue(String)
    /// Outside what the measure can be (a typing mistake).
    case implausible(String)
    case unknownUnit(String)
    case invalidDate(String)
    case notFound(String)
    /// BMI is computed from the weight and the latest height.
    case computed
}

/// The *mesures de santé* of one space: listed by measure and period, added, edited and deleted,
/// the BMI computed from the weight and the latest height, targets kept per measure, and
/// imports (CSV, FHIR Bundle). Every change is one vault transaction with its outbox entry.
public struct MeasureBook: Sendable {
    public let vault: Vault
    public let profileID: String

    public init(vault: Vault, profileID: String) {
        self.vault = vault
        self.profileID = profileID
    }

    // MARK: Reading

    /// The measures of a space, oldest first, of one type and within a period when asked.
    public func measurements(_ type: MeasurementType? = nil, from: Date? = nil, to: Date? = nil) throws -> [HealthMeasurement] {
        let profileID = profileID
        let all = try vault.read { session in
            if let type {
                try session.measurements.filter(profile: profileID, "type", equals: type.rawValue, orderedBy: "effective_at")
            } else {
                try session.measurements.all(profile: profileID, orderedBy: "effective_at")
            }
        }
        return all.filter { measure in (from.map { measure.effective >= $0 } ?? true) && (to.map { measure.effective <= $0 } ?? true) }
    }

    /// How many measures of each type the space holds, the latest of each, and the values of the
    /// `recent` newest (for a sparkline): counted and picked in SQL, not by decoding every measure.
    public func overview(recent: Int = 1) throws -> [(type: MeasurementType, count: Int, latest: HealthMeasurement?, recent: [Double])] {
        let profileID = profileID
        let byType = try vault.read { try $0.measurements.overview(profile: profileID, recent: max(1, recent)) }
        return MeasurementType.allCases.map { type in
            let found = byType[type]
            return (type, found?.count ?? 0, found?.recent.last, (found?.recent ?? []).suffix(recent).compactMap(\.value))
        }
    }

    public func measurement(_ id: String) throws -> HealthMeasurement {
        guard let found = try vault.read({ try $0.measurements.find(id) }), found.profileID == profileID else {
            throw MeasureBookError.notFound(id)
        }
        return found
    }

    // MARK: Changes

    /// Adds a measure typed in `unit` (the stored unit when nil), at `date`. A weight also
    /// adds its BMI when a height is known. Returns what was saved (the measure first).
    @discardableResult
    public func add(_ type: MeasurementType, values: [Double], unit: String? = nil, at date: Date = Date(),
                    note: String? = nil) throws -> [HealthMeasurement] {
        guard type != .bmi else { throw MeasureBookError.computed }
        let measure = try Self.make(id: ProfileBook.newID(), profileID: profileID, type: type, values: values, unit: unit, at: date, note: note)
        let bmi = try bodyMassIndex(for: measure)
        try vault.write { session in
            try session.measurements.save(measure)
            if let bmi { try session.measurements.save(bmi) }
        }
        return [measure] + [bmi].compactMap { $0 }
    }

    /// Changes a measure's value (and date, unit or note when given).
    @discardableResult
    public func edit(_ id: String, values: [Double]? = nil, unit: String? = nil, at date: Date? = nil, note: String?? = .none) throws -> HealthMeasurement {
        let existing = try measurement(id)
        guard existing.type != .bmi else { throw MeasureBookError.computed }
        let currentValues = existing.type == .bloodPressure ? [existing.systolic ?? 0, existing.diastolic ?? 0] : [existing.value ?? 0]
        var changed = try Self.make(id: id, profileID: profileID, type: existing.type, values: values ?? currentValues,
                                    unit: values == nil ? existing.type.unit : unit, at: date ?? existing.effective, note: existing.note)
        if case .some(let note) = note { changed.note = note }
        let saved = changed
        try vault.write { try $0.measurements.save(saved) }
        return saved
    }

    public func delete(_ id: String) throws {
        _ = try measurement(id)
        try vault.write { _ = try $0.measurements.delete(id) }
    }

    /// A measure in the stored unit, checked for plausibility.
    static func make(id: String, profileID: String, type: MeasurementType, values: [Double], unit: String?, at date: Date,
                     note: String?) throws -> HealthMeasurement {
        let unit = unit ?? type.unit
        let converted = try values.map { value -> Double in
            guard let stored = UnitConversion.convert(value, from: MeasureUnits.ucum(unit), to: type.unit) else {
                throw MeasureBookError.unknownUnit(unit)
            }
            return stored
        }
        let measure: HealthMeasurement
        if type == .bloodPressure {
            guard converted.count == 2 else { throw MeasureBookError.invalidValue(values.map { String($0) }.joined(separator: "/")) }
            measure = .bloodPressure(id: id, profileID: profileID, effective: date, systolic: converted[0], diastolic: converted[1], note: note)
        } else {
            guard converted.count == 1 else { throw MeasureBookError.invalidValue(values.map { String($0) }.joined(separator: "/")) }
            measure = HealthMeasurement(id: id, profileID: profileID, type: type, effective: date, value: converted[0], note: note)
        }
        guard measure.isPlausible else {
            throw MeasureBookError.implausible(values.map { LocalFormat.decimal($0, fractionDigits: 1) }.joined(separator: "/"))
        }
        return measure
    }

    /// The BMI that goes with a new weight, from the latest height measured before it.
    func bodyMassIndex(for measure: HealthMeasurement) throws -> HealthMeasurement? {
        guard measure.type == .weight, let weight = measure.value else { return nil }
        let before = try measurements(.height, to: measure.effective).last
        let latest = try before ?? measurements(.height).first
        guard let height = latest?.value,
              let bmi = UnitConversion.bodyMassIndex(weightKilograms: weight, heightCentimetres: height) else { return nil }
        return HealthMeasurement(id: "\(measure.id)-bmi", profileID: measure.profileID, type: .bmi, effective: measure.effective,
                                 value: (bmi * 10).rounded() / 10)
    }

    // MARK: Targets

    static func targetKey(_ profileID: String, _ type: MeasurementType) -> String { "measures.target.\(profileID).\(type.rawValue)" }

    /// The target band of a measure (in the stored unit), when the holder set one.
    public func target(_ type: MeasurementType) throws -> ClosedRange<Double>? {
        let key = Self.targetKey(profileID, type)
        guard let bounds = try vault.read({ try $0.settings.value(key, as: [Double].self) }), bounds.count == 2, bounds[0] <= bounds[1] else {
            return nil
        }
        return bounds[0]...bounds[1]
    }

    /// Sets (or, with nil, removes) a measure's target, for the measures MES allows one.
    public func setTarget(_ type: MeasurementType, _ band: ClosedRange<Double>?) throws {
        guard type.allowsTarget else { throw MeasureBookError.unknownMeasure(type.rawValue) }
        let key = Self.targetKey(profileID, type)
        try vault.write { session in
            if let band { try session.settings.set([band.lowerBound, band.upperBound], for: key) } else { try session.settings.remove(key) }
        }
    }
}

/// Names of measures and units as people type them.
public enum MeasureUnits {
    /// The UCUM code of a unit as typed (`mmHg` → `mm[Hg]`, `°C` → `Cel`, `pas/j` → steps).
    public static func ucum(_ typed: String) -> String {
        switch typed.trimmingCharacters(in: .whitespaces).lowercased() {
        case "mmhg", "mm[hg]": "mm[Hg]"
        case "°c", "c", "cel": "Cel"
        case "bpm", "/min", "1/min": "/min"
        case "mg/dl": "mg/dL"
        case "g/l": "g/L"
        case "mmol/l": "mmol/L"
        case "kg/m2", "kg/m²": "kg/m2"
        case "pas/j", "steps", "pas", "1/(24.h)", "/d": "1/(24.h)"
        case "", "1", "{score}": "1"
        default: typed.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The measure a name, a code or a LOINC code names (French or English names too).
    public static func type(named text: String) -> MeasurementType? {
        let folded = VaccineCatalog.fold(text).replacingOccurrences(of: "_", with: "-")
        if let type = MeasurementType(rawValue: folded) ?? MeasurementType(loinc: text.trimmingCharacters(in: .whitespaces)) { return type }
        let aliases: [String: MeasurementType] = [
            "poids": .weight, "taille": .height, "imc": .bmi, "tour de taille": .waist, "temperature": .temperature,
            "glycemie": .glycaemia, "glucose": .glycaemia, "douleur": .pain, "frequence cardiaque": .heartRate, "pouls": .heartRate,
            "pas": .steps, "perimetre cranien": .headCircumference, "tension": .bloodPressure, "pression arterielle": .bloodPressure,
            "blood pressure": .bloodPressure, "heart rate": .heartRate, "head circumference": .headCircumference,
            "glucose interstitiel": .interstitialGlucose, "hemoglobine glyquee": .hba1c, "igg": .glucoseManagementIndicator,
            "bp": .bloodPressure, "waist": .waist, "weight": .weight, "height": .height, "pain": .pain,
        ]
        return aliases[folded]
    }
}
