import CLI
import XCTest

final class ProgressReporterTests: XCTestCase {
    final class Sink: @unchecked Sendable { var text = "" }

    func testTerminalDrawsABarInPlace() {
        let sink = Sink()
        let reporter = ProgressReporter(isTerminal: true, width: 10, quiet: false) { sink.text += $0 }
        reporter.update("Réception", done: 5, total: 10)
        reporter.finish()
        XCTAssertEqual(sink.text, "\r\u{1B}[2KRéception [#####-----] 5/10\n")
    }

    func testNothingOffATerminalNorWhenQuiet() {
        let sink = Sink()
        let piped = ProgressReporter(isTerminal: false) { sink.text += $0 }
        piped.update("Réception", done: 1, total: 10, force: true)
        piped.finish()
        let quiet = ProgressReporter(isTerminal: true, quiet: true) { sink.text += $0 }
        quiet.update("Réception", done: 1, total: 10, force: true)
        quiet.finish()
        XCTAssertEqual(sink.text, "", "progress only on a terminal, and never with --quiet")
    }

    func testPlainLinesWhenAskedGetThrottled() {
        let sink = Sink()
        let reporter = ProgressReporter(isTerminal: false, lineInterval: 3600, plainLines: true) { sink.text += $0 }
        reporter.update("Réception", done: 1, total: 10, bytes: 2048)
        reporter.update("Réception", done: 2, total: 10)
        reporter.update("Réception", done: 10, total: 10, force: true)
        reporter.finish()
        XCTAssertEqual(sink.text, "Réception: 1/10 · 2.0 KiB\nRéception: 10/10\n")
        XCTAssertFalse(sink.text.contains("\u{1B}"))
    }
}
