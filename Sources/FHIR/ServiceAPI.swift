import HealthRecord

/// The catalogue de services (Docs/server-api.md, "Connected services"), shared by client and
/// server: referenced services, their finalités, and per finalité the data exchanges it asks for.
extension API {
    /// One data exchange a finalité asks for: a rubrique, read or written.
    public struct ServiceExchange: Sendable, Hashable {
        public var section: Section
        public var write: Bool

        public init(_ section: Section, write: Bool = false) {
            self.section = section
            self.write = write
        }

        public init?(json: JSON) {
            guard let section = json["rubrique"]?.stringValue.flatMap(Section.init(rawValue:)),
                  let action = json["action"]?.stringValue, ["read", "write"].contains(action) else { return nil }
            self.init(section, write: action == "write")
        }

        public var json: JSON { ["rubrique": .string(section.rawValue), "action": .string(write ? "write" : "read")] }
    }

    /// A purpose the user consents to on its own (a service may have several).
    public struct ServiceFinality: Sendable, Hashable {
        public var id: String
        public var title: String
        public var summary: String
        public var exchanges: [ServiceExchange]

        public init(id: String, title: String, summary: String, exchanges: [ServiceExchange]) {
            self.id = id
            self.title = title
            self.summary = summary
            self.exchanges = exchanges
        }

        public init?(json: JSON) {
            guard let id = json["id"]?.stringValue, let title = json["title"]?.stringValue else { return nil }
            self.init(id: id, title: title, summary: json["summary"]?.stringValue ?? "",
                      exchanges: (json["exchanges"]?.elements ?? []).compactMap(ServiceExchange.init(json:)))
        }

        public var json: JSON {
            ["id": .string(id), "title": .string(title), "summary": .string(summary), "exchanges": .array(exchanges.map(\.json))]
        }
    }

    /// Why a connected service waits for the holder to approve it again.
    public enum ApprovalReason: String, Sendable, Hashable {
        /// The service asked for more than the holder approved (its catalogue version rose).
        case serviceAskedForMore = "service-version"
        /// A parent approved it for the child, who is now 18 and decides.
        case cameOfAge = "majority"
    }

    /// What the holder consented to for one service in one space.
    public struct ServiceConnection: Sendable, Hashable {
        /// The Consent that records it (revoke it to disconnect).
        public var consent: String
        public var finalities: [String]
        /// The catalogue version the holder approved.
        public var approvedVersion: Int
        /// Set while the service reaches nothing until the holder approves again, and why.
        public var approval: ApprovalReason?

        public var needsApproval: Bool { approval != nil }

        public init(consent: String, finalities: [String], approvedVersion: Int, approval: ApprovalReason?) {
            self.consent = consent
            self.finalities = finalities
            self.approvedVersion = approvedVersion
            self.approval = approval
        }

        /// `needsApproval` alone (a server before the reason was sent) reads as a new version.
        public init?(json: JSON) {
            guard let consent = json["consent"]?.stringValue else { return nil }
            let reason = json["approvalReason"]?.stringValue.flatMap(ApprovalReason.init(rawValue:))
            self.init(consent: consent, finalities: (json["finalities"]?.elements ?? []).compactMap(\.stringValue),
                      approvedVersion: json["approvedVersion"]?.intValue ?? 0,
                      approval: reason ?? (json["needsApproval"]?.boolValue == true ? .serviceAskedForMore : nil))
        }

        public var json: JSON {
            var json: JSON = ["consent": .string(consent), "finalities": .array(finalities.map { .string($0) }),
                              "approvedVersion": .int(approvedVersion), "needsApproval": .bool(needsApproval)]
            if let approval { json["approvalReason"] = .string(approval.rawValue) }
            return json
        }
    }

    /// A referenced service of the catalogue, with (for a space) what its holder consented to.
    public struct ServiceEntry: Sendable, Hashable {
        public var id: String
        public var name: String
        public var publisher: String
        public var summary: String
        /// Raised each time the service asks for more.
        public var version: Int
        public var finalities: [ServiceFinality]
        public var connection: ServiceConnection?

        public init(id: String, name: String, publisher: String, summary: String, version: Int, finalities: [ServiceFinality],
                    connection: ServiceConnection? = nil) {
            self.id = id
            self.name = name
            self.publisher = publisher
            self.summary = summary
            self.version = version
            self.finalities = finalities
            self.connection = connection
        }

        public init?(json: JSON) {
            guard let id = json["id"]?.stringValue, let name = json["name"]?.stringValue else { return nil }
            self.init(id: id, name: name, publisher: json["publisher"]?.stringValue ?? "", summary: json["summary"]?.stringValue ?? "",
                      version: json["version"]?.intValue ?? 1, finalities: (json["finalities"]?.elements ?? []).compactMap(ServiceFinality.init(json:)),
                      connection: json["connection"].flatMap(ServiceConnection.init(json:)))
        }

        public var json: JSON {
            .compact(["id": .string(id), "name": .string(name), "publisher": .string(publisher), "summary": .string(summary),
                      "version": .int(version), "finalities": .array(finalities.map(\.json)), "connection": connection.map(\.json) ?? .null])
        }

        /// The rubriques the chosen finalités read and write (a write does not imply a read).
        public func sections(of finalities: some Sequence<String>) -> (read: Set<Section>, write: Set<Section>) {
            let chosen = Set(finalities)
            let exchanges = self.finalities.filter { chosen.contains($0.id) }.flatMap(\.exchanges)
            return (Set(exchanges.filter { !$0.write }.map(\.section)), Set(exchanges.filter(\.write).map(\.section)))
        }

        /// Whether the service is connected and reaches what it was given.
        public var isConnected: Bool { connection.map { !$0.needsApproval } ?? false }
    }
}
