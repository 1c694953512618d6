import L10n
import TerminalUI
import XCTest

final class ListAndTableTests: XCTestCase {
    override func setUp() { Localizer.shared.setLanguage(.french) }

    func testAListOf10000RowsAsksOnlyForTheVisibleRows() {
        for variant in Variant.all {
            var state = ListState(count: 10_000)
            state.move(.pageDown, visibleRows: variant.size.height)
            var asked = Set<Int>()
            let screen = draw(variant) { buffer, area, context in
                ListView.render(state, row: { asked.insert($0); return "Document n° \($0 + 1)" },
                                into: &buffer, area: area, context: context, focused: true)
            }
            XCTAssertLessThanOrEqual(asked.count, variant.size.height, "\(variant)")
            XCTAssertTrue(screen.contains("▸ Document n° \(state.selected + 1)"), "\(variant)")
            XCTAssertEqual(screen.cursor?.y, state.selected - state.firstVisible(variant.size.height))
            assertCommonRules(screen, variant)
        }
    }

    func testJumpingToTheEndAndBackIsInstantAndKeepsTheSelectionVisible() {
        var state = ListState(count: 10_000)
        state.move(.last, visibleRows: 20)
        XCTAssertEqual(state.selected, 9_999)
        XCTAssertEqual(state.offset, 9_980)
        state.move(.up, visibleRows: 20)
        XCTAssertEqual(state.offset, 9_980, "moving inside the page does not scroll")
        state.move(.pageUp, visibleRows: 20)
        XCTAssertEqual(state.selected, 9_979)
        XCTAssertEqual(state.offset, 9_979)
        state.move(.first, visibleRows: 20)
        XCTAssertEqual(state.selected, 0)
        XCTAssertEqual(state.position, "1 sur 10\u{202F}000")
        XCTAssertEqual(state.nextMatch { $0 % 1_000 == 999 }, 999)
    }

    func testTheSelectedRowIsMarkedBySymbolAndStyle() {
        let variant = Variant(size: .minimum, theme: .monochrome, screenReader: false)
        let screen = draw(variant) { buffer, area, context in
            ListView.render(ListState(count: 3, selected: 1), row: { "ligne \($0)" }, into: &buffer, area: area,
                            context: context, focused: true)
        }
        XCTAssertEqual(screen.lines[1], "▸ ligne 1" + String(repeating: " ", count: 0))
        XCTAssertEqual(screen.style(at: Point(x: 2, y: 1)), Style(attributes: [.reverse, .bold]))
        XCTAssertEqual(screen.style(at: Point(x: 2, y: 0)), Style())
    }

    func testATableAlignsColumnsAndReadsAsSentencesForScreenReaders() {
        let columns = [TableColumn("Date", width: .fixed(10)), TableColumn("Titre", width: .fill(1)),
                       TableColumn("Taille", width: .fixed(8), alignRight: true)]
        for variant in Variant.all {
            var state = ListState(count: 10_000)
            state.jump(to: 5_000, visibleRows: variant.size.height - 1)
            var asked = Set<Int>()
            let screen = draw(variant) { buffer, area, context in
                TableView.render(state, columns: columns, cell: { row, column in
                    asked.insert(row)
                    return [LocalFormat.date(day: 22, month: 11, year: 2026), "Compte rendu \(row)", "\(row % 97) Ko"][column]
                }, into: &buffer, area: area, context: context, focused: true)
            }
            XCTAssertLessThanOrEqual(asked.count, variant.size.height)
            if variant.screenReader {
                XCTAssertTrue(screen.contains("▸ Date : 22/11/2026, Titre : Compte rendu 5000, Taille : 53 Ko"), "\(variant)\n\(screen.text)")
            } else {
                XCTAssertTrue(screen.lines[0].hasPrefix("  Date       Titre"), "\(variant)")
                XCTAssertTrue(screen.lines[0].hasSuffix("Taille"))
                let row = screen.lines.first { $0.contains("Compte rendu 5000") }!
                XCTAssertTrue(row.hasPrefix("▸ 22/11/2026 Compte rendu 5000"))
                XCTAssertTrue(row.hasSuffix(" 53 Ko↓"), "right aligned, before the scroll mark: \(row)")
            }
            assertCommonRules(screen, variant)
        }
    }

    func testTableCellsAreCutByDisplayWidth() {
        let variant = Variant(size: Size(width: 30, height: 3), theme: .standard, screenReader: false)
        let screen = draw(variant) { buffer, area, context in
            TableView.render(ListState(count: 1), columns: [TableColumn("Nom", width: .fixed(8)), TableColumn("X", width: .fill(1))],
                             cell: { _, column in column == 0 ? "医生医生医生" : "ok" }, into: &buffer, area: area,
                             context: context, focused: false)
        }
        XCTAssertEqual(screen.lines[1], "▸ 医生医…  ok")
    }
}
