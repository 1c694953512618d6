import HealthRecord

/// The non-FHIR parts of the mes API, shared by client and server so both agree on the wire
/// (Docs/server-api.md describes them): login, tokens, the changes feed, access codes.
public enum API {
    /// Paths of the non-FHIR endpoints.
    public enum Path {
        public static let login = "/auth/login"
        public static let verifyCode = "/auth/otp"
        public static let logout = "/auth/logout"
        public static let me = "/auth/me"
        public static let redeem = "/$redeem-access-code"
        public static func changes(patient: String) -> String { "/Patient/\(patient)/$changes" }
        public static func accessCode(patient: String) -> String { "/Patient/\(patient)/$access-code" }
        public static func emergencyAccess(patient: String) -> String { "/Patient/\(patient)/$emergency-access" }
        public static func accessPolicy(patient: String) -> String { "/Patient/\(patient)/$access-policy" }
        public static func block(patient: String) -> String { "/Patient/\(patient)/$block" }
        public static func revoke(consent: String) -> String { "/Consent/\(consent)/$revoke" }
        /// The catalogue de services with the space's consents (`GET`), and connecting one (`POST`).
        public static func services(patient: String) -> String { "/Patient/\(patient)/$services" }
        public static func connectService(patient: String) -> String { "/Patient/\(patient)/$connect-service" }
        public static func delegate(patient: String) -> String { "/Patient/\(patient)/$delegate" }
        public static func accept(consent: String) -> String { "/Consent/\(consent)/$accept" }
        public static func refuse(consent: String) -> String { "/Consent/\(consent)/$refuse" }
        public static let invitations = "/$invitations"
        public static func handOver(patient: String) -> String { "/Patient/\(patient)/$hand-over" }
    }

    /// The answer to a login: either a token (professionals) or a one-time-code challenge (patients, aidants).
    public struct LoginResult: Sendable, Equatable {
        public var challenge: String?
        public var token: Token?

        public init(json: JSON) throws(FHIRError) {
            challenge = json["challenge"]?.stringValue
            token = json["access_token"] == nil ? nil : try Token(json: json)
            if challenge == nil && token == nil { throw .invalid("a login answer needs a challenge or a token") }
        }
    }

    /// A bearer token and when it expires.
    public struct Token: Sendable, Equatable {
        public var accessToken: String
        public var expiresIn: Int
        public var accountID: String

        public init(accessToken: String, expiresIn: Int, accountID: String) {
            self.accessToken = accessToken
            self.expiresIn = expiresIn
            self.accountID = accountID
        }

        public init(json: JSON) throws(FHIRError) {
            guard let token = json["access_token"]?.stringValue, let expires = json["expires_in"]?.intValue,
                  let account = json["account"]?.stringValue else { throw .invalid("token answer incomplete") }
            self.init(accessToken: token, expiresIn: expires, accountID: account)
        }

        public var json: JSON {
            ["access_token": .string(accessToken), "token_type": "Bearer", "expires_in": .int(expiresIn), "account": .string(accountID)]
        }
    }

    /// One change of the feed: the resource's current state, or a tombstone.
    public struct Change: Sendable, Equatable {
        public var resourceType: String
        public var id: String
        public var versionId: String
        public var deleted: Bool
        /// The resource (nil for a tombstone).
        public var resource: Resource?
        /// The resource's JSON exactly as the server sent it, when the page was read with
        /// `ChangesPage.keptMember` kept (nil otherwise).
        public var resourceBytes: [UInt8]?

        public var reference: String { "\(resourceType)/\(id)" }
    }

    /// A page of the changes feed (`GET /Patient/{id}/$changes?since=CURSOR&_count=N`).
    public struct ChangesPage: Sendable, Equatable {
        /// The cursor to store once this page is applied, and to send as `since` next time.
        public var cursor: String
        /// True when more changes follow: ask again at once with `cursor`.
        public var more: Bool
        public var changes: [Change]

        /// The member kept as bytes when a page is parsed: `changes[n].resource`.
        public static let keptMember = (inner: "resource", outer: "changes")

        public init(json: JSON) throws(FHIRError) {
            try self.init(json: json, resourceBytes: nil)
        }

        /// A page whose text was parsed with `JSON.parse(_:keepingBytesOf:in:)` and
        /// `keptMember`: `resourceBytes` are the spans it kept, one per change with a resource,
        /// in order; each change keeps its resource's bytes.
        public init(json: JSON, resourceBytes: [[UInt8]]?) throws(FHIRError) {
            guard let cursor = json["cursor"]?.stringValue, let more = json["more"]?.boolValue,
                  let list = json["changes"]?.arrayValue else { throw .invalid("a changes page needs cursor, more and changes") }
            self.cursor = cursor
            self.more = more
            var changes: [Change] = []
            changes.reserveCapacity(list.count)
            var spans = resourceBytes?.makeIterator()
            for item in list {
                guard let type = item["type"]?.stringValue, let id = item["id"]?.stringValue,
                      let version = item["versionId"]?.stringValue else { throw .invalid("a change needs type, id and versionId") }
                let deleted = item["deleted"]?.boolValue ?? false
                let member = item["resource"]
                let span = member == nil ? nil : spans?.next()
                if member != nil, spans != nil, span == nil { throw .invalid("a kept resource is missing") }
                let resource = deleted ? nil : try member.map { json throws(FHIRError) in try Resource(json) }
                changes.append(Change(resourceType: type, id: id, versionId: version, deleted: deleted, resource: resource,
                                      resourceBytes: resource == nil ? nil : span))
            }
            self.changes = changes
        }
    }

    /// A temporary access code, as its creator receives it once.
    public struct AccessCode: Sendable, Equatable {
        public var code: String
        /// The `Consent` that records the grant (revoke it to end the access).
        public var consentID: String
        /// Until when the code may be redeemed.
        public var redeemBy: String
        public var durationMinutes: Int
        public var rubriques: [Section]

        public init(json: JSON) throws(FHIRError) {
            guard let code = json["code"]?.stringValue, let consent = json["consent"]?.stringValue,
                  let redeemBy = json["redeemBy"]?.stringValue, let minutes = json["durationMinutes"]?.intValue
            else { throw .invalid("access code answer incomplete") }
            self.code = code
            consentID = consent
            self.redeemBy = redeemBy
            durationMinutes = minutes
            rubriques = json["rubriques"]?.elements.compactMap { $0.stringValue.flatMap(Section.init(rawValue:)) } ?? []
        }
    }

    /// What a professional gets for redeeming a code (or opening an emergency access).
    public struct AccessSession: Sendable, Equatable {
        public var patient: String
        public var consentID: String
        public var expiresAt: String
        public var rubriques: [Section]

        public init(json: JSON) throws(FHIRError) {
            guard let patient = json["patient"]?.stringValue, let consent = json["consent"]?.stringValue,
                  let expires = json["expiresAt"]?.stringValue else { throw .invalid("access session answer incomplete") }
            self.patient = patient
            consentID = consent
            expiresAt = expires
            rubriques = json["rubriques"]?.elements.compactMap { $0.stringValue.flatMap(Section.init(rawValue:)) } ?? []
        }
    }
}
