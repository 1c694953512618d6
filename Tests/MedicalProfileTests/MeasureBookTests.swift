import FHIR
import Foundation
import HealthRecord
import MedicalProfile
import Vault
import XCTest

/// The mesures de santé over a real vault: units, BMI, targets, and the imports.
final class MeasureBookTests: XCTestCase {
    func testUnitsConvertWhereMESOffersTwo() {
        XCTAssertEqual(UnitConversion.convert(1.72, from: "m", to: "cm")!, 172, accuracy: 1e-9)
        XCTAssertEqual(UnitConversion.convert(1.05, from: "g/L", to: "mg/dL")!, 105, accuracy: 1e-9)
        XCTAssertEqual(UnitConversion.convert(5.551, from: "mmol/L", to: "mg/dL")!, 100, accuracy: 0.01)
        XCTAssertEqual(UnitConversion.convert(100, from: "mg/dL", to: "mmol/L")!, 5.55, accuracy: 0.01)
        XCTAssertNil(UnitConversion.convert(1, from: "kg", to: "cm"))
        XCTAssertEqual(UnitConversion.bodyMassIndex(weightKilograms: 72.5, heightCentimetres: 165)!, 26.63, accuracy: 0.01)
        XCTAssertNil(UnitConversion.bodyMassIndex(weightKilograms: 72.5, heightCentimetres: 0))
        XCTAssertEqual(MeasurementType.allCases.count + 2, 16, "MES's 16 measures: these and the two pressures of the panel")
        XCTAssertEqual(MeasurementType(loinc: "2339-0"), .glycaemia, "older glucose code reads as the glycaemia")
        XCTAssertEqual(MeasurementType.hba1c.loinc, "4548-4")
    }

    func testAddWeightComputesTheBMIFromTheLatestHeight() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let measures = MeasureBook(vault: vault, profileID: "helene")
        let day = Date(timeIntervalSince1970: 1_760_000_000)
        try measures.add(.height, values: [1.65], unit: "m", at: day.addingTimeInterval(-86400 * 30))
        XCTAssertEqual(try measures.measurements(.height).first?.value, 165, "stored in cm")
        let saved = try measures.add(.weight, values: [72.5], at: day)
        XCTAssertEqual(saved.count, 2)
        XCTAssertEqual(saved[1].type, .bmi)
        XCTAssertEqual(saved[1].value, 26.6)
        XCTAssertThrowsError(try measures.add(.bmi, values: [20])) { XCTAssertEqual($0 as? MeasureBookError, .computed) }
        XCTAssertThrowsError(try measures.add(.weight, values: [725])) { XCTAssertEqual($0 as? MeasureBookError, .implausible("725,0")) }
        XCTAssertThrowsError(try measures.add(.weight, values: [72], unit: "cm")) { XCTAssertEqual($0 as? MeasureBookError, .unknownUnit("cm")) }
        let pressure = try measures.add(.bloodPressure, values: [128, 82], unit: "mmHg", at: day)[0]
        XCTAssertEqual(pressure.systolic, 128)
        XCTAssertEqual(pressure.diastolic, 82)
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 4, "each measure (and the BMI) is queued")

        let edited = try measures.edit(saved[0].id, values: [71.9])
        XCTAssertEqual(edited.value, 71.9)
        XCTAssertEqual(edited.effective, day)
        try measures.delete(saved[0].id)
        XCTAssertEqual(try measures.measurements(.weight), [])
        XCTAssertEqual(Set(try measures.measurements(from: day.addingTimeInterval(-60), to: day.addingTimeInterval(60)).map(\.type)), [.bmi, .bloodPressure])

        XCTAssertNil(try measures.target(.hba1c))
        try measures.setTarget(.hba1c, 6...7)
        XCTAssertEqual(try measures.target(.hba1c), 6...7)
        XCTAssertThrowsError(try measures.setTarget(.temperature, 36...37))
    }

    func testCSVImportReportsEveryBadLineAndSkipsDuplicates() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let measures = MeasureBook(vault: vault, profileID: "helene")
        let csv = """
            date,measure,value,unit
            2026-03-01 07:30,weight,72.4,kg
            2026-03-01 07:35,blood-pressure,131/84,mmHg
            02/03/2026 07:30;poids;72,1;kg
            2026-03-03,glycaemia,1.05,g/L
            2026-03-04,weight,abc,kg
            2026-13-04,weight,72,kg
            2026-03-05,sugar,1,g/L
            2026-03-06,weight,720,kg
            2026-03-07,height,1.64,km
            2026-03-08,weight
            2026-03-01 07:30,weight,72.4,kg
            """
        let preview = try measures.previewCSV(csv)
        XCTAssertEqual(preview.measures.count, 4)
        XCTAssertEqual(preview.duplicates, 1, "the same weight at the same minute, twice")
        XCTAssertEqual(preview.problems.map(\.line), [6, 7, 8, 9, 10, 11])
        XCTAssertEqual(preview.problems.map(\.reason), [.value("abc"), .date("2026-13-04"), .measure("sugar"), .implausible("720"), .unit("km"), .columns])
        XCTAssertEqual(preview.measures.first { $0.type == .glycaemia }?.value ?? 0, 105, accuracy: 1e-9, "converted to mg/dL")
        XCTAssertEqual(try vault.read { try $0.outbox.count() }, 0, "a preview saves nothing")
        try measures.commit(preview)
        XCTAssertEqual(try measures.measurements().count, 4)
        let again = try measures.previewCSV(csv)
        XCTAssertEqual(again.measures.count, 0)
        XCTAssertEqual(again.duplicates, 5, "an import run twice adds nothing")
    }

    func testFHIRBundleImport() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let measures = MeasureBook(vault: vault, profileID: "helene")
        let bundle = #"""
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"resource":{"resourceType":"Observation","id":"x1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
              "subject":{"reference":"Patient/someone-else"},"effectiveDateTime":"2026-03-01T07:30:00Z",
              "valueQuantity":{"value":72.4,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}},
             {"resource":{"resourceType":"Observation","id":"x2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
              "effectiveDateTime":"2026-03-01T07:35:00Z","component":[
               {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":131,"unit":"mm[Hg]"}},
               {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":84,"unit":"mm[Hg]"}}]}},
             {"resource":{"resourceType":"Patient","id":"p"}},
             {"resource":{"resourceType":"Observation","id":"x3","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1234-5"}]},
              "effectiveDateTime":"2026-03-01T07:35:00Z","valueQuantity":{"value":1}}}
            ]}
            """#
        let preview = try measures.previewBundle(Array(bundle.utf8))
        XCTAssertEqual(preview.measures.map(\.type), [.weight, .bloodPressure])
        XCTAssertTrue(preview.measures.allSatisfy { $0.profileID == "helene" && $0.id != "x1" }, "the space's own ids and subject")
        XCTAssertEqual(preview.problems.map(\.line), [3, 4])
        try measures.commit(preview)
        XCTAssertEqual(try measures.previewBundle(Array(bundle.utf8)).duplicates, 2)
        XCTAssertEqual(try measures.previewBundle(Array("not json".utf8)).problems.count, 1)
    }

    /// The overview is counted and picked in SQL: the counts, the latest and the recent values
    /// per measure agree with reading every measure.
    func testTheOverviewFromSQLAgreesWithEveryMeasure() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let measures = MeasureBook(vault: vault, profileID: "helene")
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        try measures.add(.height, values: [165], at: start.addingTimeInterval(-86400))
        for day in 0..<40 { try measures.add(.weight, values: [70 + Double(day % 7)], at: start.addingTimeInterval(Double(day) * 86400)) }
        for day in 0..<5 { try measures.add(.bloodPressure, values: [120 + Double(day), 80], at: start.addingTimeInterval(Double(day) * 3600)) }
        let overview = try measures.overview(recent: 12)
        let all = try measures.measurements()
        for item in overview {
            let list = all.filter { $0.type == item.type }
            XCTAssertEqual(item.count, list.count, "\(item.type)")
            XCTAssertEqual(item.latest, list.last, "\(item.type)")
            XCTAssertEqual(item.recent, list.suffix(12).compactMap(\.value), "\(item.type)")
        }
        XCTAssertEqual(overview.first { $0.type == .weight }?.count, 40)
        XCTAssertEqual(overview.first { $0.type == .bmi }?.count, 40, "each weight has its BMI")
    }
}
