import CLI
import Foundation
import XCTest

/// Where passphrases come from: descriptors that are closed or endless, FIFOs and pipes as
/// files (issue 21).
final class SecretInputTests: XCTestCase {
    func text(_ source: SecretSource) throws -> String {
        try SecretInput.read(from: source, promptText: "").withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    func testAClosedDescriptorIsSaidClosedNotEmpty() {
        var descriptors: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&descriptors), 0)
        close(descriptors[0]); close(descriptors[1])
        XCTAssertThrowsError(try text(.fileDescriptor(descriptors[0]))) {
            XCTAssertEqual($0 as? SecretInputError, .closedDescriptor(descriptors[0]))
        }
    }

    func testAnEndlessSourceIsRefusedAfterABoundedRead() throws {
        let zero = open("/dev/zero", O_RDONLY)
        defer { close(zero) }
        let started = ContinuousClock.now
        XCTAssertThrowsError(try text(.fileDescriptor(zero))) { XCTAssertEqual($0 as? SecretInputError, .tooLong) }
        XCTAssertThrowsError(try text(.file("/dev/zero"))) { XCTAssertEqual($0 as? SecretInputError, .tooLong) }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
    }

    func testAFIFOIsAPassphraseFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mes-fifo-\(UUID().uuidString.prefix(8))").path
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        defer { unlink(path) }
        let writer = Thread {
            let descriptor = open(path, O_WRONLY)
            _ = "phrase par fifo\nsuite\n".withCString { write(descriptor, $0, strlen($0)) }
            close(descriptor)
        }
        writer.start()
        XCTAssertEqual(try text(.file(path)), "phrase par fifo")
    }

    func testARegularFileGivesItsFirstLineWithoutCarriageReturn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mes-secret-\(UUID().uuidString.prefix(8))").path
        try Data("première\r\nseconde\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        XCTAssertEqual(try text(.file(path)), "première")
        XCTAssertThrowsError(try text(.file("/"))) { XCTAssertEqual($0 as? SecretInputError, .unreadable("/")) }
    }

    /// A closed pipe loses the line and nothing else (FileHandle.write stopped the process).
    func testWritingToAClosedPipeDoesNotStopTheProcess() {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var descriptors: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&descriptors), 0)
        close(descriptors[0])
        Console.write("mes-server: arrêt\n", to: descriptors[1])
        close(descriptors[1])
    }
}
