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
        let answer = try await post(API.Path.delegate(patient: patient),
                                    Self.body(invitee, rubriques: rubriques, until: until, legalRepresentative: legalRepresentative))
        guard let consent = answer["consent"]?.stringValue else { throw .protocolViolation("delegation answer without its consent") }
        return consent
    }

    /// The person the server matched, shown to the holder's side to confirm before inviting.
    public struct Match: Sendable, Equatable {
        /// "Julien MARTINEAU" (from the server: sanitise to draw).
        public var name: String
        public var identifier: String
        /// `YYYY-MM-DD`.
        public var birthDate: String
    }

    /// Asks the server who matches `invitee` and whether the invitation would pass its rules
    /// (limits, already invited, a minor's space): nothing is sent to anyone.
    public func check(_ invitee: Invitee, patient: String, until: Date, legalRepresentative: Bool = false) async throws(SyncError) -> Match {
        var body = Self.body(invitee, rubriques: [], until: until, legalRepresentative: legalRepresentative)
        body["check"] = .bool(true)
        let answer = try await post(API.Path.delegate(patient: patient), body)
        guard let name = answer["name"]?.stringValue else { throw .protocolViolation("match answer without a name") }
        return Match(name: name, identifier: answer["identifier"]?.stringValue ?? invitee.identifier,
                     birthDate: answer["birthDate"]?.stringValue ?? invitee.birthDate)
    }

    static func body(_ invitee: Invitee, rubriques: [Section], until: Date, legalRepresentative: Bool) -> JSON {
        var body: JSON = ["identifier": .string(invitee.identifier), "family": .string(invitee.family), "given": .string(invitee.given),
                          "birthDate": .string(invitee.birthDate), "until": .string(FHIRDateTime.instant(until)),
                          "rubriques": .array(rubriques.map { .string($0.rawValue) })]
        if legalRepresentative { body["kind"] = "legal-representation" }
        return body
    }

    /// Hands the changes kept from a lost space (`LostChangeStore`) to its holder: one document
    /// deposited in their space, once per ended delegation (`POST /Patient/{id}/$hand-over`).
    /// Returns the document's id.
    public func handOver(_ changes: [LostChange], patient: String) async throws(SyncError) -> String {
        let list: [JSON] = changes.map { change in
            var entry: JSON = ["kind": .string(change.kind), "id": .string(change.recordID), "operation": .string(change.operation),
                               "created": .string(FHIRDateTime.instant(change.created))]
            if let record = Self.readable(change) { entry["record"] = record }
            return entry
        }
        let answer = try await post(API.Path.handOver(patient: patient), ["changes": .array(list)])
        guard let document = answer["document"]?.stringValue else { throw .protocolViolation("hand-over answer without its document") }
        return document
    }

    /// A kept change's record as the holder will read it: its fields, dates written out
    /// (ISO 8601) rather than as the vault's numbers; nil for a deletion.
    static func readable(_ change: LostChange) -> JSON? {
        guard let payload = change.payload else { return nil }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        if let kind = RecordKind(rawValue: change.kind), let record = try? AnyRecord.decode(kind, Data(payload.utf8)),
           let data = try? encoder.encode(record), let json = try? JSON(parsing: Array(data)) {
            return json
        }
        return try? JSON(parsing: payload)
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
