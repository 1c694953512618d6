import Foundation
import HealthRecord
import L10n

/// The reference curves a child's growth is drawn against: the WHO Child Growth Standards
/// (birth to 5 years) and the WHO Reference 2007 (5 to 19 years), as LMS parameters by measure,
/// sex and month (`Resources/growth/who-lms.tsv`, with its source and licence). The French 2018
/// curves (Inserm CRESS) are not published as open tables, so mes uses the WHO's and says so.
public struct GrowthReference: Sendable {
    public enum Measure: String, Sendable, CaseIterable {
        case weight, height, bmi, headCircumference = "head-circumference"

        public init?(_ type: MeasurementType) {
            switch type {
            case .weight: self = .weight
            case .height: self = .height
            case .bmi: self = .bmi
            case .headCircumference: self = .headCircumference
            default: return nil
            }
        }

        public var measurementType: MeasurementType {
            switch self {
            case .weight: .weight
            case .height: .height
            case .bmi: .bmi
            case .headCircumference: .headCircumference
            }
        }

        /// How the carnet de santé draws it: weight and BMI as percentiles (3, 50, 97), height
        /// and head circumference as standard deviations (−2, M, +2).
        public var curves: [Curve] {
            switch self {
            case .weight, .bmi: [.percentile(3), .percentile(50), .percentile(97)]
            case .height, .headCircumference: [.deviation(-2), .deviation(0), .deviation(2)]
            }
        }
    }

    public enum Sex: String, Sendable { case male = "M", female = "F" }

    /// One reference curve: a percentile, or a number of standard deviations.
    public enum Curve: Hashable, Sendable {
        case percentile(Int)
        case deviation(Int)

        /// The z-score of the curve.
        public var z: Double {
            switch self {
            case .percentile(3): -1.88079
            case .percentile(97): 1.88079
            case .percentile(let p): Self.probit(Double(p) / 100)
            case .deviation(let d): Double(d)
            }
        }

        /// `P3`, `P50`, `-2 DS`, `M`, `+2 DS`.
        public var label: String {
            switch self {
            case .percentile(let p): "P\(p)"
            case .deviation(0): "M"
            case .deviation(let d): (d > 0 ? "+" : "") + "\(d) " + tr("growth.sd")
            }
        }

        /// The normal quantile, good to 1e-4 for the percentiles charts use.
        static func probit(_ p: Double) -> Double {
            let t = sqrt(-2 * log(min(p, 1 - p)))
            let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
            return p < 0.5 ? -z : z
        }
    }

    public struct LMS: Sendable, Equatable {
        public var l: Double, m: Double, s: Double

        /// The measure at z standard deviations.
        public func value(z: Double) -> Double {
            abs(l) < 1e-9 ? m * exp(s * z) : m * pow(1 + l * s * z, 1 / l)
        }

        /// The z-score of a measure.
        public func zScore(_ value: Double) -> Double {
            abs(l) < 1e-9 ? log(value / m) / s : (pow(value / m, l) - 1) / (l * s)
        }
    }

    private let tables: [String: [(month: Int, lms: LMS)]]

    /// The share directory's table, read once, the first time a chart needs it (issue 20: not
    /// while the app starts).
    public static let standard = GrowthReference()

    /// Reads the table from the share directory (`ShareDirectory.locate()` when nil).
    public init(shareDirectory: URL? = ShareDirectory.locate()) {
        let text = shareDirectory.flatMap { FileManager.default.contents(atPath: $0.appendingPathComponent("Resources/growth/who-lms.tsv").path) }
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        self.init(tsv: text)
    }

    public init(tsv: String) {
        var tables: [String: [(month: Int, lms: LMS)]] = [:]
        for line in tsv.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t").map(String.init)
            guard columns.count == 6, let month = Int(columns[2]), let l = Double(columns[3]), let m = Double(columns[4]),
                  let s = Double(columns[5]) else { continue }
            tables["\(columns[0])|\(columns[1])", default: []].append((month, LMS(l: l, m: m, s: s)))
        }
        self.tables = tables.mapValues { $0.sorted { $0.month < $1.month } }
    }

    /// The reference's name, as the screen and the synthèse say it.
    public var name: String { tr("growth.reference.who") }

    /// The ages (in months) the reference covers for a measure.
    public func range(_ measure: Measure, _ sex: Sex) -> ClosedRange<Int>? {
        guard let rows = tables["\(measure.rawValue)|\(sex.rawValue)"], let first = rows.first, let last = rows.last else { return nil }
        return first.month...last.month
    }

    /// The LMS at an age in months (interpolated between whole months); nil outside the table.
    public func lms(_ measure: Measure, _ sex: Sex, months: Double) -> LMS? {
        guard let rows = tables["\(measure.rawValue)|\(sex.rawValue)"], let first = rows.first, let last = rows.last,
              months >= Double(first.month), months <= Double(last.month) else { return nil }
        // Rows are whole months with no holes but at the join of the two references.
        let index = rows.firstIndex { Double($0.month) >= months } ?? rows.count - 1
        let upper = rows[index]
        guard Double(upper.month) > months, index > 0 else { return upper.lms }
        let lower = rows[index - 1]
        let t = (months - Double(lower.month)) / Double(upper.month - lower.month)
        return LMS(l: lower.lms.l + (upper.lms.l - lower.lms.l) * t, m: lower.lms.m + (upper.lms.m - lower.lms.m) * t,
                   s: lower.lms.s + (upper.lms.s - lower.lms.s) * t)
    }

    /// A curve's values month by month over `months`.
    public func curve(_ measure: Measure, _ sex: Sex, _ curve: Curve, months: ClosedRange<Int>) -> [(months: Double, value: Double)] {
        months.compactMap { month in lms(measure, sex, months: Double(month)).map { (Double(month), $0.value(z: curve.z)) } }
    }

    /// Where a child's measure stands: its z-score against the reference.
    public func zScore(_ measure: Measure, _ sex: Sex, months: Double, value: Double) -> Double? {
        lms(measure, sex, months: months)?.zScore(value)
    }
}

extension GrowthReference.Sex {
    /// The reference a profile's gender reads from (nil when not said).
    public init?(_ gender: Profile.AdministrativeGender) {
        switch gender {
        case .male: self = .male
        case .female: self = .female
        default: return nil
        }
    }
}
