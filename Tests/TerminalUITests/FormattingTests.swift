import Foundation
import L10n
import XCTest

/// Dates, numbers and units as each language writes them, in Europe/Paris.
final class FormattingTests: XCTestCase {
    func testDatesAreDayMonthYearInParisTime() {
        // 22 November 2026 at 23:30 UTC is already the 23rd in Paris (UTC+1).
        let instant = Date(timeIntervalSince1970: 1_795_390_200)
        XCTAssertEqual(LocalFormat.date(instant, language: .french), "23/11/2026")
        XCTAssertEqual(LocalFormat.time(instant), "00:30")
        XCTAssertEqual(LocalFormat.longDate(instant, language: .french), "lundi 23 novembre 2026")
        XCTAssertEqual(LocalFormat.longDate(instant, language: .english), "Monday, 23 November 2026")
        // Summer time: UTC+2.
        let summer = Date(timeIntervalSince1970: 1_784_550_600)  // 2026-07-20 12:30 UTC
        XCTAssertEqual(LocalFormat.dateTime(summer, language: .french), "20/07/2026 14:30")
        XCTAssertEqual(LocalFormat.monthAndYear(month: 11, year: 2026, language: .french), "novembre 2026")
        XCTAssertEqual(LocalFormat.monthAndYear(month: 11, year: 2026, language: .english), "November 2026")
        XCTAssertEqual(LocalFormat.weekdayInitials(language: .french), ["lu", "ma", "me", "je", "ve", "sa", "di"])
        XCTAssertEqual(LocalFormat.weekdayInitials(language: .english), ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])
    }

    func testDecimalCommasAndGroupingAndUnits() {
        XCTAssertEqual(LocalFormat.decimal(72.5, fractionDigits: 1, language: .french), "72,5")
        XCTAssertEqual(LocalFormat.decimal(72.5, fractionDigits: 1, language: .english), "72.5")
        XCTAssertEqual(LocalFormat.decimal(10_000, language: .french), "10\u{202F}000")
        XCTAssertEqual(LocalFormat.decimal(1_234.567, fractionDigits: 2, language: .english), "1,234.57")
        XCTAssertEqual(LocalFormat.decimal(-0.04, fractionDigits: 1, language: .french), "0,0")
        XCTAssertEqual(LocalFormat.quantity(1.05, .gramPerLitre, language: .french), "1,05\u{00A0}g/L")
        XCTAssertEqual(LocalFormat.quantity(37.2, .celsius, language: .french), "37,2\u{00A0}°C")
        XCTAssertEqual(LocalFormat.quantity(120, .millimetreOfMercury, language: .english), "120\u{00A0}mmHg")
        XCTAssertEqual(MeasureUnit.gramPerLitre.convert(1, to: .millimolePerLitre)!, 5.55, accuracy: 0.01)
        XCTAssertEqual(MeasureUnit.centimetre.convert(172, to: .metre), 1.72)
        XCTAssertNil(MeasureUnit.kilogram.convert(1, to: .metre))
    }

    func testParsingWhatUsersType() {
        XCTAssertEqual(LocalFormat.parseDecimal("72,5"), 72.5)
        XCTAssertEqual(LocalFormat.parseDecimal(" 72.5 "), 72.5)
        XCTAssertEqual(LocalFormat.parseDecimal("10 000"), 10_000)
        XCTAssertNil(LocalFormat.parseDecimal("7,2,5"))
        XCTAssertNil(LocalFormat.parseDecimal("abc"))
        XCTAssertEqual(LocalFormat.parseDate("22/11/2026"), DateComponents(year: 2026, month: 11, day: 22))
        XCTAssertEqual(LocalFormat.parseDate("29.02.2028"), DateComponents(year: 2028, month: 2, day: 29))
        XCTAssertNil(LocalFormat.parseDate("29/02/2026"))
        XCTAssertNil(LocalFormat.parseDate("22/11/26"))
        XCTAssertEqual(LocalFormat.parseTime("14h30"), DateComponents(hour: 14, minute: 30))
        XCTAssertNil(LocalFormat.parseTime("24:00"))
    }
}
