import Foundation
import TestSupport
import XCTest

/// `mes-server` whose parent died outright (issue 21): its standard input closes and its output
/// pipes have no reader any more. It must still stop cleanly and remove its data
/// (`--remove-data-on-exit`) — it died with SIGILL writing its "stopping" line to the closed pipe.
final class ClosedPipeTests: XCTestCase {
    func testTheServerOutlivesAClosedPipeAndRemovesItsData() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mes-closed-pipe-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: data) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("mes-server"))
        process.arguments = ["--data", data.path, "--listen", "127.0.0.1:0", "--seed", "demo", "--exit-on-stdin-close", "--remove-data-on-exit"]
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        // Wait for the URL line: the server is up and its demo data written.
        var seen = Data()
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains(0x0a) && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("demo-accounts.json").path))
        // The parent goes away: nobody reads the output any more, and standard input ends.
        try output.fileHandleForReading.close()
        try input.fileHandleForWriting.close()
        let stopDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < stopDeadline { usleep(20_000) }
        XCTAssertFalse(process.isRunning, "the server stops when its standard input closes")
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "not killed by a signal (it was SIGILL)")
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.path), "the demo data (plain server.sqlite, passwords) is removed")
    }
}
