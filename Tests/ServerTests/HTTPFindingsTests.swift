import FHIR
import Foundation
import HealthRecord
@testable import Server
import TestSupport
import XCTest

/// The HTTP and FHIR details the probe found wrong (issue 19, "Low").
final class HTTPFindingsTests: XCTestCase {
    func testLastModifiedIsAnHTTPDateAndIfModifiedSinceAnswers304() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let read = server.call("GET", "/Condition/cond-hta", token: holder)
        let lastModified = try XCTUnwrap(read.header("Last-Modified"))
        XCTAssertNotNil(HTTPDate.parse(lastModified), lastModified)
        XCTAssertTrue(lastModified.hasSuffix(" GMT"))
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta", token: holder, headers: ["If-Modified-Since": lastModified]).status, 304)
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta", token: holder, headers: ["If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"]).status, 200)
    }

    func testSearchsetsFollowFHIRJSON() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let empty = server.call("GET", "/Condition?patient=helene&code=nothing-has-this", token: holder)
        XCTAssertEqual(empty.status, 200)
        XCTAssertNil(empty.json["entry"], "no empty arrays in FHIR JSON: \(empty.text)")
        let count = server.call("GET", "/Observation?patient=helene&_summary=count", token: holder)
        XCTAssertGreaterThan(count.json["total"]?.intValue ?? 0, 10)
        XCTAssertFalse(count.json["link"]?.elements.contains { $0["relation"]?.stringValue == "next" } ?? true, "a count has no next page")
        XCTAssertEqual(server.call("GET", "/Observation?patient=helene&_summary=text", token: holder).status, 400, "not ignored silently")
    }

    func testOnlyJSONIsServedAndOtherFormatsAre406() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta?_format=xml", token: holder).status, 406)
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta", token: holder, headers: ["Accept": "application/fhir+xml"]).status, 406)
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta?_format=json", token: holder).status, 200)
        XCTAssertEqual(server.call("GET", "/Condition/cond-hta", token: holder, headers: ["Accept": "application/fhir+json, */*;q=0.1"]).status, 200)
    }

    func testHeadOptionsAndMethodNotAllowedSayWhatIsAllowed() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let head = server.call("HEAD", "/Condition/cond-hta", token: holder)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        XCTAssertNotNil(head.header("ETag"))
        let options = server.call("OPTIONS", "/Condition/cond-hta")
        XCTAssertEqual(options.status, 200)
        XCTAssertEqual(options.header("Allow"), "GET, HEAD, PUT, DELETE, OPTIONS")
        XCTAssertEqual(server.call("OPTIONS", "/Condition").header("Allow"), "GET, HEAD, POST, OPTIONS")
        let patch = server.call("PATCH", "/Condition/cond-hta", token: holder)
        XCTAssertEqual(patch.status, 405)
        XCTAssertEqual(patch.header("Allow"), "GET, HEAD, PUT, DELETE, OPTIONS")
    }

    /// The CapabilityStatement claims what the gate does, no more, no less.
    func testTheCapabilityStatementSaysWhatTheServerDoes() throws {
        let server = try InProcessServer()
        let statement = server.call("GET", "/metadata").json
        let resources = statement["rest"]?[0]?["resource"]?.elements ?? []
        XCTAssertEqual(Set(resources.compactMap { $0["type"]?.stringValue }), ResourceIndex.servedTypes)
        for entry in resources {
            let type = try XCTUnwrap(entry["type"]?.stringValue)
            let interactions = Set(entry["interaction"]?.elements.compactMap { $0["code"]?.stringValue } ?? [])
            let policy = try XCTUnwrap(ResourcePolicy.of(type))
            XCTAssertEqual(interactions.contains("delete"), policy.deletable && policy.writers != .server, type)
            XCTAssertEqual(interactions.contains("create"), policy.writers != .server && type != "Patient", type)
            XCTAssertEqual(interactions.contains("search-type"), type != "Binary", type)
            let parameters = Set(entry["searchParam"]?.elements.compactMap { $0["name"]?.stringValue } ?? [])
            if type != "Binary" { XCTAssertEqual(parameters, SearchEndpoint.allowed, type) }
        }
    }

    func testAStoredContentTypeIsNeverServedAsActiveContent() throws {
        let server = try InProcessServer()
        let holder = try server.token(login: "helene.martineau")
        let document = DocumentReference(typeSystem: CodeSystem.documentTypeFR, typeCode: "DOCPAT03", subject: "Patient/helene", title: "Page",
                                         attachment: .init(contentType: "text/html"))
        let published = server.publish(document, content: Array("<script>alert(1)</script>".utf8), token: holder)
        XCTAssertEqual(published.status, 200, published.text)
        let binary = try XCTUnwrap(published.json["entry"]?[1]?["response"]?["location"]?.stringValue).split(separator: "/").prefix(2).joined(separator: "/")
        let content = server.call("GET", "/\(binary)", token: holder, headers: ["Accept": "*/*"])
        XCTAssertEqual(content.status, 200)
        XCTAssertEqual(content.header("Content-Type"), "application/octet-stream")
        XCTAssertEqual(content.header("X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(ResourceEndpoints.servedContentType("text/plain; charset=utf-8"), "text/plain; charset=utf-8")
        XCTAssertEqual(ResourceEndpoints.servedContentType("text/plain\r\nX-Evil: 1"), "application/octet-stream")
    }

    /// Over a real socket: what MHD does with `%00` and the `Host` header.
    func testANulInThePathAndTheHostHeaderChangeNothing() async throws {
        let server = try ServerProcess()
        let holder = try await server.holder()
        let nul = try runProgram("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is",
                                                   "-H", "Authorization: Bearer \(holder)", server.url + "/Patient/helene%00junk"])
        XCTAssertEqual(nul, "400", "a NUL does not truncate the id")
        let search = try runProgram("/usr/bin/curl", ["-s", "-H", "Host: evil.example", "-H", "Authorization: Bearer \(holder)",
                                                      server.url + "/Condition?patient=helene"])
        XCTAssertFalse(search.contains("evil.example"), "the Host header is not reflected")
        XCTAssertTrue(search.contains(server.url + "/Condition"), search)
    }

    /// Found by fuzzing (`make fuzz TARGET=server-request`, input kept in
    /// Tests/Fuzz/server-request/): one request with `Accept: ;` — no login needed — trapped and
    /// killed the whole server. Odd Accept headers are answered, and the server stays up.
    func testAnOddAcceptHeaderIsAnsweredAndTheServerStaysUp() async throws {
        let server = try ServerProcess()
        for accept in [";", ";;", " ; , ;", ",", ";q=0.5", "application/fhir+json;", "text/html;"] {
            let status = try runProgram("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Accept: \(accept)",
                                                          server.url + "/metadata"])
            XCTAssertEqual(status, accept == "text/html;" ? "406" : "200", "Accept: \(accept)")
        }
        try await server.expectGet("/metadata", token: nil, status: 200)
    }

    /// An oversize body gets its 413 every time (answered before the body was read, the client
    /// often saw a reset connection instead).
    func testAnOversizeBodyAlwaysGetsIts413() async throws {
        let server = try ServerProcess(arguments: ["--seed", "demo", "--max-body-bytes", "65536"])
        let holder = try await server.holder()
        let body = Array(#"{"resourceType":"Observation","note":[{"text":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 300_000) + Array(#""}]}"#.utf8)
        for attempt in 0..<12 {
            let answer = try await server.request("POST", "/Observation", body: body, token: holder)
            XCTAssertEqual(answer.status, 413, "attempt \(attempt)")
        }
        try await server.expectGet("/metadata", token: nil, status: 200)
    }

    func testTheProfessionalCommandHasItsHelp() throws {
        let help = try runProgram(BuiltProducts.path("mes-server"), ["pro", "--help", "--lang", "en"])
        XCTAssertTrue(help.contains("pro redeem CODE"), help)
    }

    func runProgram(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
