import FHIR
import Foundation
import HealthRecord

/// `GET /metadata`: the CapabilityStatement of this server.
enum Capability {
    /// The search parameters every type answers (`SearchEndpoint.allowed`), with their kinds.
    static let searchParameters: [(String, String)] = [
        ("patient", "reference"), ("subject", "reference"), ("category", "token"), ("type", "token"), ("code", "token"),
        ("status", "token"), ("identifier", "token"), ("security-label", "token"), ("thread", "token"), ("date", "date"),
        ("_lastUpdated", "date"), ("_text", "string"), ("_content", "string"), ("title", "string"), ("name", "string"),
        ("_id", "token"), ("_count", "number"), ("_offset", "number"), ("_sort", "string"), ("_summary", "token"), ("_format", "token"),
    ]

    /// What the server does, type by type, as the gate's policies say (`ResourcePolicy`).
    static func statement(baseURL: String, now: Date) -> Resource {
        var resource = Resource(type: "CapabilityStatement", id: "mes-server")
        resource["status"] = "active"
        resource["date"] = .string(FHIRDateTime.date(now))
        resource["kind"] = "instance"
        resource["software"] = ["name": "mes-server", "version": "0.1.0"]
        resource["implementation"] = ["description": "mes reference DMP-compatible backend", "url": .string(baseURL)]
        resource["fhirVersion"] = "4.0.1"
        resource["format"] = ["application/fhir+json"]
        resource["instantiates"] = ["https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder"]
        let types = ResourceIndex.servedTypes.sorted()
        let resources: [JSON] = types.compactMap { type in
            guard let policy = ResourcePolicy.of(type) else { return nil }
            var interactions: [JSON] = [["code": "read"]]
            if type != "Binary" { interactions.append(["code": "search-type"]) }
            if policy.writers != .server {
                interactions.append(["code": "update"])
                if type != "Patient" { interactions.append(["code": "create"]) }
                if policy.deletable { interactions.append(["code": "delete"]) }
            }
            var entry: JSON = [
                "type": .string(type),
                "interaction": .array(interactions),
                "versioning": "versioned-update",
                "readHistory": false,
                "updateCreate": .bool(policy.writers != .server && type != "Patient"),
                "conditionalCreate": .bool(policy.writers != .server && type != "Patient"),
                "conditionalRead": "modified-since",
            ]
            if type != "Binary" { entry["searchParam"] = .array(searchParameters.map { ["name": .string($0.0), "type": .string($0.1)] }) }
            return entry
        }
        resource["rest"] = [[
            "mode": "server",
            "security": [
                "cors": false,
                "service": [Concept.codeable("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", text: "Bearer tokens from /auth/login")],
            ],
            "resource": .array(resources),
            "interaction": [["code": "transaction"]],
            "operation": [
                ["name": "changes", "definition": "urn:mes:operation:changes"],
                ["name": "access-code", "definition": "urn:mes:operation:access-code"],
                ["name": "redeem-access-code", "definition": "urn:mes:operation:redeem-access-code"],
                ["name": "emergency-access", "definition": "urn:mes:operation:emergency-access"],
                ["name": "access-policy", "definition": "urn:mes:operation:access-policy"],
                ["name": "block", "definition": "urn:mes:operation:block"],
                ["name": "delegate", "definition": "urn:mes:operation:delegate"],
                ["name": "revoke", "definition": "urn:mes:operation:revoke"],
            ],
        ]]
        return resource
    }
}
