import Foundation
import L10n
import TerminalUI
import XCTest

final class DisplayWidgetTests: XCTestCase {
    override func setUp() { Localizer.shared.setLanguage(.french) }

    private func day(_ day: Int, _ month: Int, _ year: Int) -> Date {
        LocalFormat.instant(DateComponents(year: year, month: month, day: day))!
    }

    func testTheTextViewerWrapsScrollsAndSearches() {
        let text = (1...60).map { "Ligne \($0) : résultat de la glycémie à jeun, valeurs normales." }.joined(separator: "\n")
            + "\nFin du compte rendu\u{1B}[2J."
        var viewer = TextViewer(text: text, width: 40)
        XCTAssertEqual(viewer.lines.count, 121, "each long line wraps in two at 40 columns")
        XCTAssertTrue(viewer.handle(.pageDown, visibleRows: 10))
        XCTAssertEqual(viewer.top, 9)
        XCTAssertTrue(viewer.search("GLYCEMIE"), "case and accents ignored")
        XCTAssertEqual(viewer.matches.count, 60)
        XCTAssertEqual(viewer.position, "Ligne 11 sur 121 — 60 résultats", "the first match from the top shown")
        XCTAssertTrue(viewer.handle(.character("n"), visibleRows: 10))
        XCTAssertEqual(viewer.top, 12)
        XCTAssertTrue(viewer.handle(.character("N"), visibleRows: 10))
        XCTAssertEqual(viewer.top, 10)
        XCTAssertTrue(viewer.handle(.character("G"), visibleRows: 10))
        XCTAssertEqual(viewer.top, 111)
        XCTAssertTrue(viewer.search("fin du"))
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in viewer.render(into: &buffer, area: area, context: context) }
            XCTAssertTrue(screen.contains("Fin du compte rendu^[[2J."), "\(variant): sanitised\n\(screen.text)")
            let match = screen.find("Fin du")!
            XCTAssertTrue(screen.style(at: match).attributes.contains(.reverse), "a match is shown by more than colour")
            assertCommonRules(screen, variant)
        }
    }

    func testTabsAndProgressBar() {
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in
                let cursor = Tabs.render(["Résumé", "Traitements", "Allergies"], selected: 1, into: &buffer, area: area.row(0),
                                         context: context, focused: true)
                ProgressBar.render(fraction: 0.45, label: "Synchronisation", into: &buffer, area: area.row(2), context: context)
                return cursor
            }
            if variant.screenReader {
                XCTAssertEqual(screen.lines[0], "Onglet 2 sur 3 : Traitements")
                XCTAssertEqual(screen.lines[2], "Synchronisation 45 %")
            } else {
                XCTAssertEqual(screen.lines[0], " Résumé  [Traitements]  Allergies")
                XCTAssertTrue(screen.lines[2].hasPrefix("[█"))
                XCTAssertTrue(screen.lines[2].hasSuffix("] Synchronisation 45 %"))
                let filled = screen.lines[2].filter { $0 == "█" }.count
                let empty = screen.lines[2].filter { $0 == "░" }.count
                XCTAssertEqual(Double(filled) / Double(filled + empty), 0.45, accuracy: 0.02)
            }
            assertCommonRules(screen, variant)
        }
    }

    func testSparklineAndLineChartShowUnitsAndDates() {
        let kg = "\u{00A0}kg"
        let weights = [74.0, 73.5, 73.1, 72.8, 72.5]
        XCTAssertEqual(Sparkline.text([1, 2, 3, 4, 5, 6, 7, 8], symbols: .unicode), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline.text([1, 8], symbols: .ascii), "_#")
        let points = weights.enumerated().map { DataPoint(date: day(1 + $0.offset * 7, 11, 2026), value: $0.element) }
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in
                Sparkline.render(weights, unit: .kilogram, into: &buffer, area: area.row(0), context: context)
                LineChart.render(points, unit: .kilogram, into: &buffer, area: area.inset(top: 2), context: context)
                return nil
            }
            if variant.screenReader {
                XCTAssertEqual(screen.lines[0], "minimum 72,5\(kg), maximum 74,0\(kg), dernière 72,5\(kg)")
                XCTAssertEqual(screen.lines[2], "5 mesures du 01/11/2026 au 29/11/2026")
            } else {
                XCTAssertTrue(screen.lines[0].hasPrefix("█▆▄▂▁ 72,5\(kg)"), screen.lines[0])
                XCTAssertTrue(screen.lines[2].hasPrefix("74,0\(kg) │•"), screen.lines[2])
                let bottom = screen.lines[variant.size.height - 3]
                XCTAssertTrue(bottom.hasPrefix("72,5\(kg) │"))
                XCTAssertTrue(bottom.hasSuffix("•"), bottom)
                let axis = screen.lines[variant.size.height - 1]
                XCTAssertTrue(axis.contains("01/11/2026") && axis.hasSuffix("29/11/2026"), axis)
            }
            assertCommonRules(screen, variant)
        }
    }

    func testTheMonthGridStartsOnMondayAndMarksDaysWithSymbols() {
        // November 2026 begins on a Sunday: the 1st sits in the seventh column.
        var calendar = MonthCalendar(year: 2026, month: 11, day: 22, today: DateComponents(year: 2026, month: 11, day: 24),
                                     markedDays: [3, 22])
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in calendar.render(into: &buffer, area: area, context: context, focused: true) }
            XCTAssertEqual(screen.lines[0], "novembre 2026")
            let offset = variant.screenReader ? 1 : 0
            if variant.screenReader { XCTAssertEqual(screen.lines[1], "dimanche 22 novembre 2026, jour avec des événements") }
            XCTAssertEqual(screen.lines[1 + offset], " lu   ma   me   je   ve   sa   di")
            XCTAssertEqual(screen.lines[2 + offset], String(repeating: " ", count: 30) + "  1")
            XCTAssertTrue(screen.lines[3 + offset].contains("  3 •"), "a marked day")
            XCTAssertTrue(screen.lines[5 + offset].contains("[22]•"), "the selected day")
            XCTAssertTrue(screen.lines[6 + offset].contains("*24"), "today")
            XCTAssertEqual(screen.cursor, Point(x: 31, y: 5 + offset))
            assertCommonRules(screen, variant)
        }
        XCTAssertTrue(calendar.handle(.character("j")))
        XCTAssertEqual(calendar.selection, DateComponents(year: 2026, month: 11, day: 29))
        XCTAssertTrue(calendar.handle(.right))
        XCTAssertEqual(calendar.selection, DateComponents(year: 2026, month: 11, day: 30))
        XCTAssertTrue(calendar.handle(.right))
        XCTAssertEqual(calendar.selection, DateComponents(year: 2026, month: 12, day: 1))
        XCTAssertTrue(calendar.markedDays.isEmpty, "marks belong to the month they were given for")
        XCTAssertTrue(calendar.handle(.pageDown))
        XCTAssertEqual(calendar.selection, DateComponents(year: 2027, month: 1, day: 1))
    }

    func testAQRCodeIsDrawnWithHalfBlocks() throws {
        let matrix = try XCTUnwrap(QRMatrix("MES-ACCESS-7Q4K-9DPX"))
        XCTAssertEqual(matrix.size, 21 + 4 * ((matrix.size - 21) / 4))
        XCTAssertTrue(matrix[0, 0] && matrix[6, 6] && !matrix[7, 7], "finder pattern")
        for variant in Variant.all {
            let screen = draw(variant) { buffer, area, context in
                QRCodeBlock.render(matrix, into: &buffer, area: area, context: context)
                return nil
            }
            let size = QRCodeBlock.size(of: matrix, symbols: .unicode)
            XCTAssertEqual(size.height, (matrix.size + 5) / 2)
            XCTAssertTrue(screen.lines.prefix(size.height).joined().contains("▀"))
            XCTAssertTrue(screen.lines[size.height].isEmpty)
            let style = screen.style(at: Point(x: 3, y: 2))
            XCTAssertEqual(style, variant.theme == .monochrome ? Style() : Style(foreground: .black, background: .white))
        }
        var ascii = CellBuffer(size: Size(width: 120, height: 40))
        let context = ViewContext(size: ascii.size, theme: Theme(.standard), symbols: .ascii)
        XCTAssertTrue(QRCodeBlock.render(matrix, into: &ascii, area: ascii.bounds, context: context))
        XCTAssertTrue(ascii.text(row: 2).hasPrefix("    ##############"))
        var small = CellBuffer(size: Size(width: 10, height: 5))
        XCTAssertFalse(QRCodeBlock.render(matrix, into: &small, area: small.bounds, context: context))
    }
}
