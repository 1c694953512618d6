import Foundation
import HealthRecord
import L10n

/// What a measure's chart shows, in the unit the user chose: the values by date, the target
/// band, where the gaps are; and the same in words for a screen reader (last value, minimum,
/// maximum, the trend over the period) followed by the table.
public struct MeasureChart: Sendable {
    public struct Row: Sendable, Equatable {
        public var id: String
        public var date: Date
        /// In the chosen unit (systolic then diastolic for a blood pressure).
        public var values: [Double]
        public var text: String
    }

    public let type: MeasurementType
    public let unit: String
    public let rows: [Row]
    public let target: ClosedRange<Double>?

    public init(type: MeasurementType, measures: [HealthMeasurement], unit: String? = nil, target: ClosedRange<Double>? = nil) {
        let unit = unit.flatMap { type.displayUnits.contains($0) ? $0 : nil } ?? type.unit
        self.type = type
        self.unit = unit
        self.rows = measures.sorted { $0.effective < $1.effective }.map { measure in
            Row(id: measure.id, date: measure.effective,
                values: measure.components.map { UnitConversion.convert($0.value, from: $0.unit, to: unit) ?? $0.value },
                text: ProfileWording.value(of: measure, unit: unit))
        }
        self.target = target.flatMap { band in
            guard let low = UnitConversion.convert(band.lowerBound, from: type.unit, to: unit),
                  let high = UnitConversion.convert(band.upperBound, from: type.unit, to: unit) else { return nil }
            return low...high
        }
    }

    /// The next unit MES offers for this measure (the screens' unit key).
    public var nextUnit: String {
        let units = type.displayUnits
        return units[((units.firstIndex(of: unit) ?? 0) + 1) % units.count]
    }

    /// Points further apart than this (seconds) are not joined: three times the usual spacing,
    /// at least two days.
    public var gap: Double {
        let spacings = zip(rows.dropFirst(), rows).map { $0.date.timeIntervalSince($1.date) }.sorted()
        guard !spacings.isEmpty else { return 86400 * 2 }
        return max(3 * spacings[spacings.count / 2], 86400 * 2)
    }

    /// The series a chart draws: one per component (systolic and diastolic for a blood pressure).
    public var series: [(xs: [Double], ys: [Double])] {
        let components = rows.map(\.values.count).max() ?? 0
        return (0..<components).map { index in
            let kept = rows.filter { $0.values.count > index }
            return (kept.map { $0.date.timeIntervalSince1970 }, kept.map { $0.values[index] })
        }
    }

    /// A value with the chart's unit: "72,5 kg".
    public func label(_ value: Double) -> String { ProfileWording.quantity(value, unit: unit) }

    /// The chart in one sentence: "Poids : dernière valeur 72,5 kg le 30/11/2026 ; minimum …,
    /// maximum … ; en baisse de 5,9 kg sur la période (12 mesures du … au …)."
    public var sentence: String {
        guard let first = rows.first, let last = rows.last else {
            return tr("measures.chart.none", ["measure": ProfileWording.measure(type)])
        }
        let values = rows.compactMap(\.values.first)
        let low = values.min() ?? 0, high = values.max() ?? 0
        let change = (last.values.first ?? 0) - (first.values.first ?? 0)
        let trend: String
        if rows.count < 2 || abs(change) < max(1e-9, (high - low) * 0.05) {
            trend = tr("measures.trend.stable")
        } else if change > 0 {
            trend = tr("measures.trend.up", ["change": label(abs(change))])
        } else {
            trend = tr("measures.trend.down", ["change": label(abs(change))])
        }
        var sentence = tr("measures.chart.sentence", [
            "measure": ProfileWording.measure(type), "last": last.text, "date": LocalFormat.date(last.date),
            "min": label(low), "max": label(high), "trend": trend, "count": String(rows.count),
            "first": LocalFormat.date(first.date),
        ])
        if let target {
            sentence += " " + tr("measures.chart.target", ["low": label(target.lowerBound), "high": label(target.upperBound)])
        }
        return sentence
    }
}

/// A child's growth against the reference: the child's points by age in months, the reference
/// curves over the same ages, and where the latest value stands.
public struct GrowthChart: Sendable {
    public let measure: GrowthReference.Measure
    public let referenceName: String
    /// The child's values by age in months.
    public let points: [(months: Double, value: Double)]
    public let curves: [(curve: GrowthReference.Curve, points: [(months: Double, value: Double)])]
    /// The z-score of the latest value (nil outside the reference's ages).
    public let latestZ: Double?

    /// Nil when the child's sex or birth date is unknown, or the reference has no such curve.
    public init?(measure: GrowthReference.Measure, profile: Profile, measures: [HealthMeasurement], reference: GrowthReference) {
        guard let sex = GrowthReference.Sex(profile.gender), let birth = profile.birthDate,
              let born = LocalFormat.instant(DateComponents(year: birth.year, month: birth.month, day: birth.day)),
              let covered = reference.range(measure, sex) else { return nil }
        self.measure = measure
        self.referenceName = reference.name
        let points = measures.sorted { $0.effective < $1.effective }.compactMap { item -> (months: Double, value: Double)? in
            guard let value = item.value else { return nil }
            return (item.effective.timeIntervalSince(born) / (30.4375 * 86400), value)
        }.filter { $0.months >= 0 }
        self.points = points
        let last = Int((points.last?.months ?? 24).rounded(.up))
        let span = max(covered.lowerBound, 0)...min(covered.upperBound, max(last + 6, 24))
        curves = measure.curves.map { curve in (curve, reference.curve(measure, sex, curve, months: span)) }
        latestZ = points.last.flatMap { reference.zScore(measure, sex, months: $0.months, value: $0.value) }
    }

    /// "Taille à 11 ans 2 mois : 138 cm, −0,8 DS (référence : OMS …)".
    public var sentence: String {
        guard let last = points.last else { return tr("measures.chart.none", ["measure": ProfileWording.measure(measure.measurementType)]) }
        let age = Self.age(last.months)
        let value = ProfileWording.quantity(last.value, unit: measure.measurementType.unit)
        let position = latestZ.map { tr("growth.position", ["z": LocalFormat.decimal($0, fractionDigits: 1)]) } ?? tr("growth.outside")
        return tr("growth.sentence", ["measure": ProfileWording.measure(measure.measurementType), "age": age, "value": value,
                                      "position": position, "count": String(points.count), "reference": referenceName])
    }

    /// An age in months as people say it: "8 mois", "2 ans 3 mois".
    public static func age(_ months: Double) -> String {
        let whole = Int(months)
        let years = whole / 12, rest = whole % 12
        if years == 0 { return trPlural("growth.age.months", count: rest, ["count": String(rest)]) }
        let yearText = trPlural("growth.age.years", count: years, ["count": String(years)])
        return rest == 0 ? yearText : yearText + " " + trPlural("growth.age.months", count: rest, ["count": String(rest)])
    }
}
