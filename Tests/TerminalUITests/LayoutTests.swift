import TerminalUI
import XCTest

final class LayoutTests: XCTestCase {
    func testSplitsGiveFixedPartsFirstThenShareTheRest() {
        let rows = Rect(x: 0, y: 0, width: 80, height: 24).splitRows([.fixed(1), .fill(1), .fixed(1)])
        XCTAssertEqual(rows.map(\.height), [1, 22, 1])
        XCTAssertEqual(rows.map(\.y), [0, 1, 23])
        let columns = Rect(x: 2, y: 0, width: 10, height: 1).splitColumns([.fill(1), .fill(2), .fixed(1)])
        XCTAssertEqual(columns.map(\.width), [3, 6, 1])
        XCTAssertEqual(columns.map(\.x), [2, 5, 11])
    }

    func testTooLittleRoomShrinksFixedParts() {
        let rows = Rect(x: 0, y: 0, width: 1, height: 3).splitRows([.fixed(2), .fixed(2), .fill(1)])
        XCTAssertEqual(rows.map(\.height), [2, 1, 0])
    }

    func testCenteringAndInsets() {
        let area = Rect(x: 0, y: 0, width: 80, height: 24)
        XCTAssertEqual(area.centered(Size(width: 40, height: 10)), Rect(x: 20, y: 7, width: 40, height: 10))
        XCTAssertEqual(area.inset(by: 1), Rect(x: 1, y: 1, width: 78, height: 22))
        XCTAssertTrue(Rect(x: 0, y: 0, width: 2, height: 2).inset(by: 2).isEmpty)
    }
}
