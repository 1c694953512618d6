import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TestSupport
import XCTest

/// The growth reference's lookups, a measure chart's data and sentence.
final class ChartAndGrowthTests: XCTestCase {
    let reference = GrowthReference(shareDirectory: BuiltProducts.repository)

    /// The app's profile services read the table when a chart first needs it (issue 20: not
    /// before the first frame): `standard` is the share directory's table.
    func testTheStandardReferenceIsTheShareDirectorysTable() throws {
        for measure in GrowthReference.Measure.allCases {
            for sex in [GrowthReference.Sex.male, .female] {
                XCTAssertEqual(GrowthReference.standard.range(measure, sex), reference.range(measure, sex))
                XCTAssertEqual(GrowthReference.standard.lms(measure, sex, months: 24)?.m, reference.lms(measure, sex, months: 24)?.m)
            }
        }
        XCTAssertNotNil(GrowthReference.standard.lms(.weight, .male, months: 0))
    }

    func testGrowthLookupsMatchTheWHOTables() throws {
        // WHO weight-for-age, boys at birth: L 0.3487, M 3.3464, S 0.14602 (DOMAIN-FACTS §2.3).
        let birth = try XCTUnwrap(reference.lms(.weight, .male, months: 0))
        XCTAssertEqual(birth.m, 3.3464, accuracy: 1e-9)
        XCTAssertEqual(birth.value(z: GrowthReference.Curve.percentile(3).z), 2.5, accuracy: 0.05)
        XCTAssertEqual(birth.value(z: GrowthReference.Curve.percentile(97).z), 4.3, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(reference.lms(.weight, .female, months: 12)).value(z: 0), 8.9, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(reference.lms(.weight, .male, months: 36)).value(z: GrowthReference.Curve.percentile(97).z), 18.0, accuracy: 0.1)
        // Between two months: interpolated; beyond the table: nothing.
        let half = try XCTUnwrap(reference.lms(.height, .male, months: 0.5))
        XCTAssertGreaterThan(half.m, reference.lms(.height, .male, months: 0)!.m)
        XCTAssertLessThan(half.m, reference.lms(.height, .male, months: 1)!.m)
        XCTAssertNil(reference.lms(.headCircumference, .male, months: 61), "WHO head circumference stops at 5 years")
        XCTAssertEqual(reference.range(.height, .female), 0...228)
        // A z-score goes back to its value.
        let lms = try XCTUnwrap(reference.lms(.bmi, .female, months: 100))
        XCTAssertEqual(lms.zScore(lms.value(z: 1.3)), 1.3, accuracy: 1e-9)
        XCTAssertEqual(GrowthReference.Curve.percentile(50).z, 0, accuracy: 1e-3)
        XCTAssertEqual(GrowthReference.Measure.weight.curves.map(\.label), ["P3", "P50", "P97"])
    }

    func testAChildsChartAgainstTheReference() throws {
        let lucas = Profile(id: "lucas", relation: .child, givenName: "Lucas", familyName: "Martineau",
                            birthDate: CalendarDate(year: 2015, month: 9, day: 3), gender: .male)
        let born = try XCTUnwrap(LocalFormat.instant(DateComponents(year: 2015, month: 9, day: 3)))
        let heights = [(0.0, 50.5), (24.0, 87.0), (120.0, 138.0)].map { months, value in
            HealthMeasurement(id: "h\(months)", profileID: "lucas", type: .height, effective: born.addingTimeInterval(months * 30.4375 * 86400),
                              value: value)
        }
        let chart = try XCTUnwrap(GrowthChart(measure: .height, profile: lucas, measures: heights, reference: reference))
        XCTAssertEqual(chart.points.count, 3)
        XCTAssertEqual(chart.curves.map(\.curve.label).count, 3)
        XCTAssertEqual(chart.curves[1].points.last?.months, 126, "the curves reach six months past the last measure")
        XCTAssertEqual(try XCTUnwrap(chart.latestZ), 0.0, accuracy: 0.6, "138 cm at 10 years is near the median")
        XCTAssertEqual(GrowthChart.age(26), "2 ans 2 mois")
        XCTAssertEqual(GrowthChart.age(8), "8 mois")
        XCTAssertNil(GrowthChart(measure: .height, profile: Profile(id: "x", relation: .child, givenName: "X", familyName: "Y"),
                                 measures: heights, reference: reference), "no sex or birth date: no growth chart")
    }

    func testAMeasureChartInTheChosenUnitWithItsSentence() {
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        let measures = [1.32, 1.10, 1.05].enumerated().map { index, grams in
            HealthMeasurement(id: "g\(index)", profileID: "p", type: .glycaemia, effective: start.addingTimeInterval(Double(index) * 86400 * 30),
                              value: grams * 100)
        }
        let chart = MeasureChart(type: .glycaemia, measures: measures.reversed(), unit: "g/L", target: 70...110)
        XCTAssertEqual(chart.rows.map(\.values.first!), [1.32, 1.10, 1.05].map { $0 }, accuracy: 1e-9)
        XCTAssertEqual(chart.target!.lowerBound, 0.7, accuracy: 1e-9)
        XCTAssertEqual(chart.nextUnit, "mmol/L")
        XCTAssertEqual(chart.gap, 86400 * 90, accuracy: 1, "three times the usual spacing")
        let sentence = chart.sentence.replacingOccurrences(of: "\u{00A0}", with: " ")
        XCTAssertTrue(sentence.hasPrefix("Glycémie : dernière valeur 1,05 g/L"), sentence)
        XCTAssertTrue(sentence.contains("minimum 1,05 g/L, maximum 1,32 g/L"), sentence)
        XCTAssertTrue(sentence.contains("en baisse de 0,27 g/L"), sentence)
        XCTAssertTrue(sentence.contains("Objectif : de 0,70 g/L à 1,10 g/L."), sentence)
        let pressure = MeasureChart(type: .bloodPressure, measures: [.bloodPressure(id: "b", profileID: "p", effective: start, systolic: 130, diastolic: 85)])
        XCTAssertEqual(pressure.series.count, 2, "systolic and diastolic, one line each")
        XCTAssertTrue(MeasureChart(type: .weight, measures: []).sentence.contains("aucune mesure"))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
