import FHIR
import Foundation
import HealthRecord
import TestSupport
import XCTest

/// Hostile input against a real `mes-server`: random and mangled JSON bodies, deep nesting, huge
/// numbers, invalid UTF-8, bad query parameters, odd methods, raw protocol garbage, oversized
/// headers and slow clients. The server must stay up, never answer 5xx, and refuse with an
/// OperationOutcome. Bounded: a few hundred requests, a seed (printed, to replay a failure), a few seconds.
final class AbuseTests: XCTestCase {
    func testHostileRequestsAreRefusedCleanlyAndTheServerStaysUp() async throws {
        let server = try ServerProcess(arguments: ["--seed", "demo", "--max-body-bytes", "65536", "--timeout", "2", "--threads", "2"])
        defer { server.stop() }
        let token = try await server.holder()
        let seed = UInt64(Date().timeIntervalSince1970)
        print("AbuseTests seed: \(seed)")
        var random = SeededGenerator(seed: seed)

        // JSON bodies, posted where the server reads one.
        let targets: [(String, String)] = [
            ("POST", "/Observation"), ("PUT", "/Observation/abuse-1"), ("POST", "/"), ("POST", "/auth/login"), ("POST", "/auth/otp"),
            ("POST", "/Patient/helene/$access-code"), ("PUT", "/Patient/helene/$access-policy"), ("POST", "/Patient/helene/$delegate"),
            ("POST", "/Patient/helene/$block"), ("POST", "/DocumentReference"), ("PUT", "/Binary/abuse-2"), ("POST", "/Communication"),
        ]
        for round in 0..<160 {
            let (method, path) = targets[round % targets.count]
            let body = Self.hostileBody(&random)
            let answer = try await server.request(method, path, body: body, token: token)
            try Self.assertClean(answer, "\(method) \(path) round \(round)")
        }

        // Query parameters.
        let parameters = ["_count=99999999999999999999", "_count=-1", "_offset=1e9", "date=ge9999-99-99", "date=xx2024",
                          "_sort=evil", "_text=%00%FF%FE", "patient=..%2F..%2Fetc", "patient=", "_id=" + String(repeating: "a,", count: 2000),
                          "category=,,,", "code=%C0%80", "_lastUpdated=gt2024-01-01T25:61:61Z", "title=%25%5F%5C", "name=" + String(repeating: "x+", count: 500)]
        for parameter in parameters {
            for path in ["/DocumentReference", "/Observation", "/Patient/helene/$changes"] {
                let answer = try await server.get("\(path)?\(parameter)", token: token)
                try Self.assertClean(answer, "GET \(path)?\(parameter)")
            }
        }
        for cursor in ["1.zzzzzzzzzzzzzzzzzzzzzz", "1.-5", "2.1", "1.", "%FF"] {
            let answer = try await server.get("/Patient/helene/$changes?since=\(cursor)", token: token)
            XCTAssertEqual(answer.status, 400, cursor)
            try Self.assertClean(answer, "cursor \(cursor)")
        }

        // Methods.
        for method in ["PATCH", "OPTIONS", "TRACE", "BREW", "DELETE", "PUT"] {
            for path in ["/metadata", "/DocumentReference", "/Patient/helene/$changes", "/Observation/x/_history/1", "/", "/auth/me"] {
                let answer = try await server.request(method, path, token: token)
                try Self.assertClean(answer, "\(method) \(path)")
            }
        }

        // Raw protocol abuse: garbage, bad lengths, invalid UTF-8 in the path, oversized headers.
        let port = UInt16(server.url.split(separator: ":").last!)!
        let raw: [[UInt8]] = [
            Array("GARBAGE\r\n\r\n".utf8),
            Array("GET /metadata HTTP/9.9\r\nHost: x\r\n\r\n".utf8),
            Array("POST /Observation HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n".utf8),
            Array("POST /Observation HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n".utf8),
            Array("POST /Observation HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n".utf8),
            Array("GET /Patient/".utf8) + [0xFF, 0xC0, 0x80] + Array("/$changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n".utf8),
            Array("GET /metadata HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\nConnection: close\r\n\r\n".utf8),
            Array("GET /DocumentReference HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u{1}\u{7f}\r\nConnection: close\r\n\r\n".utf8),
        ]
        for bytes in raw {
            let socket = try RawSocket(port: port)
            try? socket.send(bytes)
            if let status = socket.readStatus(seconds: 5) {
                XCTAssertTrue((400..<500).contains(status) || status == 505, "raw request answered \(status)")
            }
        }

        // Slow clients hold connections open, trickling bytes; others are still served.
        let slow = try (0..<24).map { _ in try RawSocket(port: port) }
        for socket in slow { try? socket.send(Array("POST /auth/login HTTP/1.1\r\nHost: x\r\n".utf8)) }
        for step in 0..<6 {
            for socket in slow { try? socket.send(Array("X-Slow-\(step): 1\r\n".utf8)) }
            let answer = try await server.get("/metadata", token: nil)
            XCTAssertEqual(answer.status, 200, "served while slow clients hang on")
        }

        // Still up, still right.
        XCTAssertTrue(server.server.isRunning, "mes-server died:\n\(server.server.recentLog)")
        let after = try await server.get("/Condition", token: token)
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(ServerProcess.ids(after).count, 3)
    }

    /// Never a 5xx; every refusal is an OperationOutcome.
    static func assertClean(_ answer: ServerProcess.Answer, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertLessThan(answer.status, 500, "\(what): \(String(decoding: answer.body.prefix(300), as: UTF8.self))", file: file, line: line)
        if answer.status >= 400 {
            XCTAssertEqual(answer.json["resourceType"]?.stringValue, "OperationOutcome", what, file: file, line: line)
        }
    }

    /// A body meant to hurt: random bytes, a valid resource mangled, deep nesting, huge numbers,
    /// invalid UTF-8, escapes of NUL and lone surrogates, long strings.
    static func hostileBody(_ random: inout SeededGenerator) -> [UInt8] {
        let valid = Array(#"{"resourceType":"Observation","status":"final","code":{"text":"Poids"},"subject":{"reference":"Patient/helene"},"valueQuantity":{"value":72.5,"unit":"kg"}}"#.utf8)
        switch random.next() % 9 {
        case 0:
            return (0..<Int(random.next() % 512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 1:
            var bytes = valid
            for _ in 0..<(1 + random.next() % 6) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            return bytes
        case 2:
            return Array(valid.prefix(Int(random.next() % UInt64(valid.count))))
        case 3:
            let depth = 10 + Int(random.next() % 3000)
            let open = random.next() % 2 == 0 ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            return Array((String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)).utf8)
        case 4:
            let numbers = ["1e999", "-1e999", "99999999999999999999999999999", "1" + String(repeating: "0", count: 400), "-0.0000000000000000001e-400",
                           "NaN", "Infinity", "0x10", "01", "1.", ".5"]
            let number = numbers[Int(random.next() % UInt64(numbers.count))]
            return Array(#"{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/helene"},"valueQuantity":{"value":\#(number)},"durationMinutes":\#(number),"count":\#(number),"advanceSeconds":\#(number)}"#.utf8)
        case 5:
            return Array(#"{"resourceType":"Observation","identifier":"#.utf8) + [0x22, 0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80, 0x22] + Array("}".utf8)
        case 6:
            let escapes = [#"\u0000"#, #"\ud800"#, #"\udc00\ud800"#, #"\u001b[2J"#, #"\x41"#, #"\"#]
            let escape = escapes[Int(random.next() % UInt64(escapes.count))]
            return Array(#"{"resourceType":"Observation","status":"final","code":{"text":"\#(escape)"},"subject":{"reference":"Patient/helene\#(escape)"},"identifier":"\#(escape)","password":"\#(escape)","code":"\#(escape)"}"#.utf8)
        case 7:
            let long = String(repeating: "é", count: 20_000)
            return Array(#"{"resourceType":"Observation","status":"\#(long)","subject":{"reference":"Patient/\#(long)"},"rubriques":["\#(long)"],"identifier":"\#(long)","password":"\#(long)"}"#.utf8)
        default:
            let shapes = [#"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Binary"},"request":{"method":"PUT","url":"Binary/../../x"}}]}"#,
                          #"{"resourceType":"Bundle","type":"transaction","entry":[{}]}"#, #"{"resourceType":null}"#, #"{"resourceType":42}"#,
                          #"{"resourceType":"Observation","id":"../../etc/passwd","subject":{"reference":"Patient/helene"}}"#,
                          #"{"rubriques":"documents","durationMinutes":60}"#, #"{"rubriques":[],"durationMinutes":0}"#,
                          #"{"identifier":"julien.martineau","rubriques":["documents"],"until":"9999-99-99"}"#,
                          #"{"practitioner":"Practitioner/"}"#, #"{"opposeSamu":"yes"}"#, #"{"challenge":123,"code":[]}"#, "null", "\"\"", "[]", "{}"]
            return Array(shapes[Int(random.next() % UInt64(shapes.count))].utf8)
        }
    }
}


extension RawSocket {
    func send(_ bytes: [UInt8]) throws {
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// The status code of the answer, or nil when the server closed without one in `seconds`.
    func readStatus(seconds: Double) -> Int? {
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, received.count < 64 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) >= 0 else { return nil }
            guard poller.revents != 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer.prefix(count))
        }
        let line = String(decoding: received, as: UTF8.self)
        guard line.hasPrefix("HTTP/1."), line.count >= 12 else { return nil }
        return Int(line.dropFirst(9).prefix(3))
    }
}
