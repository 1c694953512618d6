import FHIR
import Foundation

/// The catalogue de services and the holder's consents to them (Docs/server-api.md,
/// "Connected services"). Disconnecting is revoking the connection's Consent
/// (`POST /Consent/{id}/$revoke`).
struct ServiceEndpoints {
    let router: Router

    /// `GET /$services`: the catalogue, for anyone logged in.
    func catalogue(caller: Caller) throws -> HTTPResponse {
        let services = try router.store.read { db in try ServiceCatalogue.all(db) }
        return .fhir(200, ["services": .array(services.map(\.json))])
    }

    /// `GET /Patient/{id}/$services` (holder side): the catalogue with what the holder consented
    /// to, and whether a service waits for a new approval (it asked for more, or the holder came
    /// of age since a parent approved it).
    func connections(patient: String, caller: Caller) throws -> HTTPResponse {
        let services = try router.gate.read(caller) { transaction in
            let scope = try transaction.holderScope(patient)
            return try ServiceCatalogue.connections(scope.db, patient: patient, now: scope.now)
        }
        return .fhir(200, ["services": .array(services.map(\.json))])
    }

    /// `POST /Patient/{id}/$connect-service` {service, finalities}: connects (or approves again)
    /// a service for the chosen finalités → 201 with the service and its connection.
    func connect(_ request: HTTPRequest, patient: String, caller: Caller) throws -> HTTPResponse {
        let body = try router.jsonBody(request)
        guard let service = body["service"]?.stringValue, let list = body["finalities"]?.arrayValue else {
            throw APIError.badRequest("service and finalities are required", detail: "invalid-parameter")
        }
        let finalities = try list.map { item in
            guard let id = item.stringValue else { throw APIError.badRequest("finalities must be strings", detail: "invalid-parameter") }
            return id
        }
        let entry = try router.gate.write(caller) { transaction in
            try ServiceCatalogue.connect(try transaction.holderScope(patient), service: service, finalities: finalities)
        }
        return .fhir(201, entry.json)
    }
}
