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

/// The measures MES offers (ANS "mesures de santé" profiles), with their LOINC codes and UCUM units.
public enum MeasurementType: String, Codable, Sendable, CaseIterable {
    case weight, height, bmi, waist, temperature, glycaemia, pain, heartRate = "heart-rate"
    case steps, headCircumference = "head-circumference", bloodPressure = "blood-pressure"

    public static let systolicLOINC = "8480-6"
    public static let diastolicLOINC = "8462-4"

    public var loinc: String {
        switch self {
        case .weight: "29463-7"
        case .height: "8302-2"
        case .bmi: "39156-5"
        case .waist: "8280-0"
        case .temperature: "8310-5"
        case .glycaemia: "2339-0"
        case .pain: "72514-3"
        case .heartRate: "8867-4"
        case .steps: "41950-7"
        case .headCircumference: "8287-5"
        case .bloodPressure: "85354-9"
        }
    }

    /// The UCUM unit values are stored in.
    public var unit: String {
        switch self {
        case .weight: "kg"
        case .height, .waist, .headCircumference: "cm"
        case .bmi: "kg/m2"
        case .temperature: "Cel"
        case .glycaemia: "g/L"
        case .pain: "{score}"
        case .heartRate: "/min"
        case .steps: "/d"
        case .bloodPressure: "mm[Hg]"
        }
    }

    /// The type for a LOINC code (panel or single measure).
    public init?(loinc: String) {
        guard let type = Self.allCases.first(where: { $0.loinc == loinc }) else { return nil }
        self = type
    }

    /// Values outside this range are typing mistakes, not measures.
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .weight: 0.3...400
        case .height: 20...250
        case .bmi: 5...100
        case .waist: 20...300
        case .temperature: 30...45
        case .glycaemia: 0.1...10
        case .pain: 0...10
        case .heartRate: 20...300
        case .steps: 0...200_000
        case .headCircumference: 20...70
        case .bloodPressure: 20...300
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

    /// Body-mass index from weight (kg) and height (cm).
    public static func bodyMassIndex(weightKilograms: Double, heightCentimetres: Double) -> Double? {
        guard heightCentimetres > 0 else { return nil }
        let metres = heightCentimetres / 100
        return weightKilograms / (metres * metres)
    }
}
