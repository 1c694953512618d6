import CLI
import XCTest

final class ProgressReporterTests: XCTestCase {
    final class Sink: @unchecked Sendable { var text = "" }

    func testTerminalDrawsABarInPlace() {
        let sink = Sink()
        let reporter = ProgressReporter(isTerminal: true, width: 10) { sink.text += $0 }
        reporter.update("Réception", done: 5, total: 10)
        reporter.finish()
        XCTAssertEqual(sink.text, "\r\u{1B}[2KRéception [#####-----] 5/10\n")
    }

    func testPipeGetsThrottledPlainLines() {
        let sink = Sink()
        let reporter = ProgressReporter(isTerminal: false, lineInterval: 3600) { sink.text += $0 }
        reporter.update("Réception", done: 1, total: 10, bytes: 2048)
        reporter.update("Réception", done: 2, total: 10)
        reporter.update("Réception", done: 10, total: 10, force: true)
        reporter.finish()
        XCTAssertEqual(sink.text, "Réception: 1/10 · 2.0 KiB\nRéception: 10/10\n")
        XCTAssertFalse(sink.text.contains("\u{1B}"))
    }
}
