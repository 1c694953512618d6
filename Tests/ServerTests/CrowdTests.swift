import FHIR
import Foundation
import HealthRecord
import Glibc
import XCTest

/// A crowd of slow clients against a real `mes-server` on loopback: 2,000 connections that
/// trickle a header line every half second (what starved every client before: the idle timeout
/// never fired), spread over 40 loopback addresses, while a normal client keeps asking. Bounded:
/// 2,000 sockets, 8 seconds.
final class CrowdTests: XCTestCase {
    static let deadline = 2.0

    func testTwoThousandTricklingConnectionsDoNotStarveANormalClient() async throws {
        let count = 2000
        try Crowd.raiseOpenFileLimit(to: count + 512)
        let server = try ServerProcess(arguments: ["--seed", "demo", "--timeout", "\(Int(Self.deadline))", "--max-connections", "4096",
                                                   "--max-connections-per-address", "64"])
        let port = try XCTUnwrap(URL(string: server.url)?.port)
        let holder = try await server.holder()
        let crowd = Crowd(port: UInt16(port), count: count, addresses: 40)
        try crowd.open()
        crowd.startTrickling()
        defer { crowd.stop() }

        var slowest = 0.0
        var answered = 0
        let end = Date().addingTimeInterval(8)
        while Date() < end {
            let started = Date()
            let answer = try await server.get("/Condition?patient=helene", token: holder)
            let seconds = Date().timeIntervalSince(started)
            XCTAssertEqual(answer.status, 200)
            slowest = max(slowest, seconds)
            answered += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        let report = crowd.report()
        print("CrowdTests: \(answered) answers, slowest \(String(format: "%.3f", slowest)) s; \(report)")
        XCTAssertLessThan(slowest, 1.0, "a normal client waited more than a second among \(count) slow connections")
        XCTAssertGreaterThan(report.heldAtOnce, count * 9 / 10, "the crowd was not held at once: \(report)")
        XCTAssertGreaterThan(report.cut, count, "trickling connections must be cut at their deadline: \(report)")
        XCTAssertLessThan(report.longestLife, Self.deadline + 2.5, "a trickling client extended its deadline: \(report)")
    }

    func testOneAddressCannotTakeEverySlot() async throws {
        let server = try ServerProcess(arguments: ["--seed", "demo", "--max-connections-per-address", "16"])
        let port = try XCTUnwrap(URL(string: server.url)?.port)
        let crowd = Crowd(port: UInt16(port), count: 40, addresses: 1)
        try crowd.open()
        try await Task.sleep(for: .milliseconds(500))
        let open = crowd.stillOpen()
        crowd.stop()
        XCTAssertEqual(open, 16, "one address holds at most its share")
        try await server.expectGet("/metadata", token: nil, status: 200)
    }
}

/// Many raw loopback sockets that send a request's headers a line at a time, never finishing.
final class Crowd: @unchecked Sendable {
    struct Report: CustomStringConvertible {
        var heldAtOnce: Int
        var cut: Int
        var longestLife: Double
        var description: String { "held at once \(heldAtOnce), cut by the server \(cut), longest life \(String(format: "%.2f", longestLife)) s" }
    }

    let port: UInt16
    let count: Int
    let addresses: Int
    private let lock = NSLock()
    private var sockets: [(fd: Int32, address: Int, opened: Double)] = []
    private var running = false
    private var cut = 0
    private var longestLife = 0.0
    private var heldAtOnce = 0
    private var thread: Thread?

    init(port: UInt16, count: Int, addresses: Int) {
        self.port = port
        self.count = count
        self.addresses = addresses
    }

    static func raiseOpenFileLimit(to wanted: Int) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur >= rlim_t(wanted) else {
            throw NSError(domain: "Crowd", code: 1, userInfo: [NSLocalizedDescriptionKey: "ulimit -n is \(limit.rlim_cur); the crowd test needs \(wanted)"])
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A connected socket from 127.0.0.(2 + address), its request line sent.
    private func connectOne(address: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = UInt32(0x7F00_0002 + address).bigEndian
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = port.bigEndian
        remote.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else { close(fd); return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let line = Array("GET /metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
        _ = send(fd, line, line.count, Int32(MSG_NOSIGNAL))
        return fd
    }

    func open() throws {
        for index in 0..<count {
            let address = index % addresses
            guard let fd = connectOne(address: address) else { continue }
            sockets.append((fd, address, Self.now()))
        }
    }

    /// Whether the server ended the connection (end of file or an error).
    private static func isClosed(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let result = recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return result == 0 || (result < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    func stillOpen() -> Int { lock.withLock { sockets.filter { !Self.isClosed($0.fd) }.count } }

    /// Every half second each socket sends one more header line; a socket the server cut is
    /// counted (with how long it lived) and replaced by a new one from the same address.
    func startTrickling() {
        running = true
        let thread = Thread { [self] in
            var tick = 0
            while lock.withLock({ running }) {
                usleep(100_000)
                tick += 1
                lock.withLock {
                    let now = Self.now()
                    heldAtOnce = max(heldAtOnce, sockets.filter { !Self.isClosed($0.fd) }.count)
                    for index in sockets.indices {
                        let entry = sockets[index]
                        if Self.isClosed(entry.fd) {
                            close(entry.fd)
                            cut += 1
                            longestLife = max(longestLife, now - entry.opened)
                            if let fd = connectOne(address: entry.address) { sockets[index] = (fd, entry.address, Self.now()) }
                            continue
                        }
                        if tick % 5 == index % 5 {
                            let line = Array("X-Slow-\(tick): \(index)\r\n".utf8)
                            _ = send(entry.fd, line, line.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                        }
                    }
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    func report() -> Report { lock.withLock { Report(heldAtOnce: heldAtOnce, cut: cut, longestLife: longestLife) } }

    func stop() {
        lock.withLock {
            running = false
            for entry in sockets { close(entry.fd) }
            sockets = []
        }
    }
}
