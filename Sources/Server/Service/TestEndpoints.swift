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
        case ("POST", "accounts") where settings.testClockEnabled:
            return try createAccount(request)
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

    /// `POST /_test/accounts` {login, password, family, given, birthDate, holder?}: a patient
    /// account (with a space of its own when `holder`), so tests can reach the limits of
    /// delegations with people of their own.
    private func createAccount(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let login = body["login"]?.stringValue, Accounts.isValidLogin(login), let password = body["password"]?.stringValue,
              let family = body["family"]?.stringValue, let given = body["given"]?.stringValue, let birthDate = body["birthDate"]?.stringValue else {
            throw APIError.badRequest("login, password, family, given and birthDate are required", detail: "invalid-parameter")
        }
        let hash = try Accounts.hashPassword(password, settings: router.settings)
        let now = router.context.clock.now
        let holder = body["holder"]?.boolValue ?? false
        let patientID = holder ? "p-" + login.replacingOccurrences(of: "@", with: "-") : nil
        let account = try router.store.write { db -> String in
            if let patientID {
                var patient = Resource(type: "Patient", id: patientID)
                patient["name"] = [["family": .string(family), "given": [.string(given)]]]
                patient["birthDate"] = .string(birthDate)
                var writer = SeedWriter(db: db, now: now)
                try writer.save(patient, patient: patientID)
            }
            let id = try Accounts.create(db, kind: .patient, login: login, passwordHash: hash, displayName: "\(given) \(family)",
                                         patientID: patientID, practitionerID: nil)
            try db.run("INSERT OR REPLACE INTO account_identities (account_id, family, given, birth_date) VALUES (?, ?, ?, ?)",
                       [id, family, given, birthDate])
            return id
        }
        return .fhir(201, .compact(["account": .string(account), "patient": .optional(patientID)]))
    }
}
