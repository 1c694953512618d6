import TerminalUI
import XCTest

/// Asserts the whole screen, row by row, as ratatui's `assert_buffer_lines`: `expected` holds
/// one string per row (trailing blanks do not count; rows left out must be blank). On failure
/// the message shows both screens with the differing rows marked.
func assertScreen(_ screen: ScreenSnapshot, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    if let difference = screen.difference(from: expected) {
        XCTFail(difference, file: file, line: line)
    }
}
