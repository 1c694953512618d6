import FHIR
import Foundation

/// `/_test/*`: controls for tests, answered only when the server was started with
/// `--enable-test-clock` (`POST /_test/clock` {advanceSeconds}) or `--enable-fault-injection`
/// (`POST /_test/faults` {fault, count, stallSeconds?, path?}, `DELETE /_test/faults`).
/// Without the flag they do not exist (404).
struct TestEndpoints {
    let router: Router

    func handle(_ request: HTTPRequest, segments: [String]) throws -> HTTPResponse {
        let settings = router.settings
        switch (request.method, segments.count > 1 ? segments[1] : "") {
        case ("POST", "clock") where settings.testClockEnabled:
            let body = try router.jsonBody(request)
            guard let seconds = body["advanceSeconds"]?.doubleValue, seconds >= 0, seconds <= 10 * 365 * 86400 else {
                throw APIError.badRequest("advanceSeconds must be a non-negative number", detail: "invalid-parameter")
            }
            router.context.clock.advance(by: seconds)
            return .fhir(200, ["now": .string(FHIRDateTime.instant(router.context.clock.now)), "offsetSeconds": .double(router.context.clock.currentOffset)])
        case ("GET", "clock") where settings.testClockEnabled:
            return .fhir(200, ["now": .string(FHIRDateTime.instant(router.context.clock.now)), "offsetSeconds": .double(router.context.clock.currentOffset)])
        case ("POST", "faults") where settings.faultInjectionEnabled:
            let body = try router.jsonBody(request)
            guard let name = body["fault"]?.stringValue, let fault = FaultInjector.Fault(rawValue: name) else {
                throw APIError.badRequest("fault must be one of \(FaultInjector.Fault.allCases.map(\.rawValue).joined(separator: ", "))", detail: "invalid-parameter")
            }
            let count = body["count"]?.intValue ?? 1
            guard (1...10_000).contains(count) else { throw APIError.badRequest("count must be 1…10000", detail: "invalid-parameter") }
            let stall = body["stallSeconds"]?.doubleValue ?? 5
            guard (0...120).contains(stall) else { throw APIError.badRequest("stallSeconds must be 0…120", detail: "invalid-parameter") }
            router.context.faults.arm(.init(fault: fault, remaining: count, stallSeconds: stall, pathPrefix: body["path"]?.stringValue))
            return .fhir(200, ["fault": .string(fault.rawValue), "remaining": .int(count)])
        case ("DELETE", "faults") where settings.faultInjectionEnabled:
            router.context.faults.arm(nil)
            return .fhir(200, ["remaining": 0])
        case ("GET", "faults") where settings.faultInjectionEnabled:
            return .fhir(200, ["remaining": .int(router.context.faults.remaining)])
        default:
            throw APIError.notFound("unknown path \(request.path)")
        }
    }
}
