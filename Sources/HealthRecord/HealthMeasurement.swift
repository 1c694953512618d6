import Foundation

/// A health measure (*mesures de santé*, `Observation`; named so as not to clash with Foundation's `Measurement`): one value, or several components for a
/// panel (blood pressure: systolic and diastolic in one measurement).
public struct HealthMeasurement: ProfileRecord, Hashable {
    public static let kind = RecordKind.measurement

    public var id: String
    public var profileID: String
    public var type: MeasurementType
    public var effective: Date
    public var components: [MeasurementComponent]
    public var note: String?

    public init(id: String, profileID: String, type: MeasurementType, effective: Date,
                components: [MeasurementComponent], note: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.type = type
        self.effective = effective
        self.components = components
        self.note = note
    }

    /// A single-valued measure in the type's unit.
    public init(id: String, profileID: String, type: MeasurementType, effective: Date, value: Double, note: String? = nil) {
        self.init(id: id, profileID: profileID, type: type, effective: effective,
                  components: [MeasurementComponent(loinc: type.loinc, value: value, unit: type.unit)], note: note)
    }

    /// A blood pressure panel (85354-9) with systolic (8480-6) and diastolic (8462-4) in mm[Hg].
    public static func bloodPressure(id: String, profileID: String, effective: Date, systolic: Double, diastolic: Double,
                                     note: String? = nil) -> HealthMeasurement {
        HealthMeasurement(id: id, profileID: profileID, type: .bloodPressure, effective: effective, components: [
            MeasurementComponent(loinc: MeasurementType.systolicLOINC, value: systolic, unit: "mm[Hg]"),
            MeasurementComponent(loinc: MeasurementType.diastolicLOINC, value: diastolic, unit: "mm[Hg]"),
        ], note: note)
    }

    /// The value of a single-valued measure (the first component).
    public var value: Double? { components.first?.value }

    public var systolic: Double? { components.first { $0.loinc == MeasurementType.systolicLOINC }?.value }
    public var diastolic: Double? { components.first { $0.loinc == MeasurementType.diastolicLOINC }?.value }

    /// True when every component carries a plausible value for its type.
    public var isPlausible: Bool {
        !components.isEmpty && components.allSatisfy { type.plausibleRange.contains($0.value) }
    }
}

/// One value of a measurement, coded in LOINC with a UCUM unit.
public struct MeasurementComponent: Codable, Sendable, Hashable {
    public var loinc: String
    public var value: Double
    public var unit: String

    public init(loinc: String, value: Double, unit: String) {
        self.loinc = loinc
        self.value = value
        self.unit = unit
    }
}

/// The measures MES offers (ANS "mesures de santé" profiles), with their codes and UCUM units:
/// the 16 of MES are these 14 plus the systolic and diastolic pressures, which travel as the
/// components of the blood-pressure panel.
public enum MeasurementType: String, Codable, Sendable, CaseIterable {
    case weight, height, bmi, waist, temperature, glycaemia, pain, heartRate = "heart-rate"
    case steps, headCircumference = "head-circumference", bloodPressure = "blood-pressure"
    case interstitialGlucose = "interstitial-glucose", hba1c, glucoseManagementIndicator = "gmi"

    public static let systolicLOINC = "8480-6"
    public static let diastolicLOINC = "8462-4"
    /// The system of the two measures MES codes in TAASIP rather than LOINC (its URL was not
    /// found in the ANS IG; mes names it so).
    public static let taasipSystem = "urn:mes:taasip"

    /// The measure's code: LOINC, or TAASIP for interstitial glucose and the GMI.
    public var loinc: String {
        switch self {
        case .weight: "29463-7"
        case .height: "8302-2"
        case .bmi: "39156-5"
        case .waist: "8280-0"
        case .temperature: "8310-5"
        case .glycaemia: "2345-7"
        case .pain: "72514-3"
        case .heartRate: "8867-4"
        case .steps: "41950-7"
        case .headCircumference: "8287-5"
        case .bloodPressure: "85354-9"
        case .interstitialGlucose: "MED-969"
        case .hba1c: "4548-4"
        case .glucoseManagementIndicator: "MED-972"
        }
    }

    /// The system of `loinc`.
    public var codeSystem: String {
        switch self {
        case .interstitialGlucose, .glucoseManagementIndicator: Self.taasipSystem
        default: CodeSystem.loinc
        }
    }

    /// The UCUM unit values are stored in (ANS IG).
    public var unit: String {
        switch self {
        case .weight: "kg"
        case .height, .waist, .headCircumference: "cm"
        case .bmi: "kg/m2"
        case .temperature: "Cel"
        case .glycaemia, .interstitialGlucose: "mg/dL"
        case .pain: "1"
        case .heartRate: "/min"
        case .steps: "1/(24.h)"
        case .bloodPressure: "mm[Hg]"
        case .hba1c, .glucoseManagementIndicator: "%"
        }
    }

    /// The type for a code (panel or single measure). 2339-0 (glucose, older mes data) reads
    /// as the glycaemia.
    public init?(loinc: String) {
        if loinc == "2339-0" {
            self = .glycaemia
            return
        }
        guard let type = Self.allCases.first(where: { $0.loinc == loinc }) else { return nil }
        self = type
    }

    /// Values outside this range (in the type's unit) are typing mistakes, not measures.
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .weight: 0.3...400
        case .height: 20...250
        case .bmi: 5...100
        case .waist: 20...300
        case .temperature: 30...45
        case .glycaemia, .interstitialGlucose: 10...1000
        case .pain: 0...10
        case .heartRate: 20...300
        case .steps: 0...200_000
        case .headCircumference: 20...70
        case .bloodPressure: 20...300
        case .hba1c, .glucoseManagementIndicator: 2...25
        }
    }

    /// The measures MES lets the holder set a target for.
    public var allowsTarget: Bool {
        switch self {
        case .hba1c, .glycaemia, .weight, .steps, .glucoseManagementIndicator: true
        default: false
        }
    }

    /// The units the screens offer for this measure, the stored one first.
    public var displayUnits: [String] {
        switch self {
        case .height: ["cm", "m"]
        case .glycaemia, .interstitialGlucose: ["mg/dL", "g/L", "mmol/L"]
        default: [unit]
        }
    }
}

/// Unit conversions the screens offer.
public enum UnitConversion {
    /// Molar mass of glucose (g/mol): 1 g/L = 1000/180.16 mmol/L.
    static let glucoseMolarMass = 180.16

    public static func glycaemiaMillimolesPerLitre(fromGramsPerLitre value: Double) -> Double {
        value * 1000 / glucoseMolarMass
    }

    public static func glycaemiaGramsPerLitre(fromMillimolesPerLitre value: Double) -> Double {
        value * glucoseMolarMass / 1000
    }

    /// How many of `unit` make one of the canonical unit of its kind (kg, cm, mg/dL, …); nil
    /// for a unit mes does not convert.
    private static func factor(_ unit: String) -> (kind: String, perCanonical: Double)? {
        switch unit {
        case "kg": ("mass", 1)
        case "g": ("mass", 1000)
        case "cm": ("length", 1)
        case "m": ("length", 0.01)
        case "mm": ("length", 10)
        case "mg/dL": ("glucose", 1)
        case "g/L": ("glucose", 0.01)
        case "mmol/L": ("glucose", 10 / glucoseMolarMass)
        default: nil
        }
    }

    /// `value` in `from` converted to `to`; the same value when the units agree; nil when they
    /// cannot be converted.
    public static func convert(_ value: Double, from: String, to: String) -> Double? {
        if from == to { return value }
        guard let source = factor(from), let target = factor(to), source.kind == target.kind else { return nil }
        return value / source.perCanonical * target.perCanonical
    }

    /// Body-mass index from weight (kg) and height (cm).
    public static func bodyMassIndex(weightKilograms: Double, heightCentimetres: Double) -> Double? {
        guard heightCentimetres > 0 else { return nil }
        let metres = heightCentimetres / 100
        return weightKilograms / (metres * metres)
    }
}
