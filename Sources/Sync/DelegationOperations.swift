import FHIR
import Foundation
import HealthRecord
import Vault

/// Aidants and invitations (issue 16): the holder's side invites and revokes, the invited
/// person accepts, refuses or ends their own delegation. Each needs the server, like the
/// access operations; the delegation's `Consent` reaches the holder's vault at the next sync,
/// and the space reaches the aidant's once they accepted.
public struct DelegationOperations: Sendable {
    let client: BackendClient

    /// The operations of the account logged in on `vault` (sent once, as the access operations are).
    public init(vault: Vault, transport: (@Sendable (URL) -> any Transport)? = nil, requestTimeout: TimeInterval = 15) throws {
        client = try AccessOperations(vault: vault, transport: transport, requestTimeout: requestTimeout).client
    }

    /// Who is invited: the server matches all three against the person's account.
    public struct Invitee: Sendable, Equatable {
        public var identifier: String
        public var family: String
        public var given: String
        /// `YYYY-MM-DD`.
        public var birthDate: String

        public init(identifier: String, family: String, given: String, birthDate: String) {
            self.identifier = identifier
            self.family = family
            self.given = given
            self.birthDate = birthDate
        }
    }

    /// Invites an aidant into `patient`'s space (or, `legalRepresentative`, a minor's second
    /// legal representative, who gets the whole space). Returns the delegation's Consent id.
    public func invite(_ invitee: Invitee, patient: String, rubriques: [Section], until: Date,
                       legalRepresentative: Bool = false) async throws(SyncError) -> String {
        var body: JSON = ["identifier": .string(invitee.identifier), "family": .string(invitee.family), "given": .string(invitee.given),
                          "birthDate": .string(invitee.birthDate), "until": .string(FHIRDateTime.instant(until)),
                          "rubriques": .array(rubriques.map { .string($0.rawValue) })]
        if legalRepresentative { body["kind"] = "legal-representation" }
        let answer = try await post(API.Path.delegate(patient: patient), body)
        guard let consent = answer["consent"]?.stringValue else { throw .protocolViolation("delegation answer without its consent") }
        return consent
    }

    /// One delegation made to this account, as the server lists it.
    public struct Invitation: Sendable, Equatable {
        public var consent: String
        public var patient: String
        public var name: String
        public var legalRepresentation: Bool
        /// pending, active, refused, revoked or expired.
        public var status: String
        public var rubriques: [Section]
        public var until: Date?
    }

    /// The delegations made to this account (pending invitations first).
    public func invitations() async throws(SyncError) -> [Invitation] {
        let answer = try await client.json(BackendRequest(path: API.Path.invitations))
        let list = (answer["invitations"]?.elements ?? []).compactMap { entry -> Invitation? in
            guard let consent = entry["consent"]?.stringValue, let patient = entry["patient"]?.stringValue else { return nil }
            return Invitation(consent: consent, patient: patient, name: entry["name"]?.stringValue ?? "",
                              legalRepresentation: entry["kind"]?.stringValue == "legal-representation",
                              status: entry["status"]?.stringValue ?? "", rubriques: entry["rubriques"]?.elements
                                .compactMap { $0.stringValue.flatMap(Section.init(rawValue:)) } ?? [],
                              until: entry["until"]?.stringValue.flatMap(FHIRDateTime.parse))
        }
        return list.filter { $0.status == "pending" } + list.filter { $0.status != "pending" }
    }

    /// Accepts or refuses an invitation made to this account.
    public func answer(consent: String, accept: Bool) async throws(SyncError) {
        _ = try await post(accept ? API.Path.accept(consent: consent) : API.Path.refuse(consent: consent), JSON.object(JSONObject()))
    }

    /// Ends a delegation: the holder's side revokes it, or the aidant ends their own.
    public func revoke(consent: String) async throws(SyncError) {
        _ = try await post(API.Path.revoke(consent: consent), JSON.object(JSONObject()))
    }

    private func post(_ path: String, _ body: JSON) async throws(SyncError) -> JSON {
        try await client.json(BackendRequest(method: "POST", path: path, body: BackendClient.body(body)))
    }
}
