import L10n
import TerminalUI
import XCTest

/// One way of showing a widget: a size, a theme, screen-reader mode or not.
struct Variant: CustomStringConvertible {
    var size: Size
    var theme: ThemeKind
    var screenReader: Bool

    var context: ViewContext {
        ViewContext(size: size, theme: Theme(theme), symbols: .unicode, screenReader: screenReader)
    }

    var description: String { "\(size) \(theme.rawValue)\(screenReader ? " screen-reader" : "")" }

    /// 80x24 and 200x60, default and monochrome themes, with and without screen-reader mode.
    static let all: [Variant] = [Size(width: 80, height: 24), Size(width: 200, height: 60)].flatMap { size in
        [ThemeKind.standard, .monochrome].flatMap { theme in
            [false, true].map { Variant(size: size, theme: theme, screenReader: $0) }
        }
    }
}

/// Draws into a fresh buffer of the variant's size and returns what the virtual terminal shows.
func draw(_ variant: Variant, _ body: (inout CellBuffer, Rect, ViewContext) -> Point?) -> ScreenSnapshot {
    var buffer = CellBuffer(size: variant.size)
    let cursor = body(&buffer, buffer.bounds, variant.context)
    return ScreenSnapshot(Frame(buffer: buffer, cursor: cursor))
}

extension XCTestCase {
    /// Checks what every variant must respect: monochrome uses no colour, screen-reader mode
    /// draws no frame, and the cursor (if any) is on the screen.
    func assertCommonRules(_ screen: ScreenSnapshot, _ variant: Variant, file: StaticString = #filePath, line: UInt = #line) {
        if variant.theme == .monochrome {
            XCTAssertFalse(screen.styles.contains { $0.hasColor }, "\(variant): colour in monochrome", file: file, line: line)
        }
        if variant.screenReader {
            XCTAssertFalse(screen.text.contains("┌") || screen.text.contains("└") || screen.text.contains("│"),
                           "\(variant): a frame in screen-reader mode", file: file, line: line)
        }
        if let cursor = screen.cursor {
            XCTAssertTrue(Rect(size: variant.size).contains(cursor), "\(variant): cursor off screen", file: file, line: line)
        }
    }
}
