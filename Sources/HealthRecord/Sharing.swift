import Foundation

/// Temporary access for a professional, opened by a code the holder gives (`Consent`).
public struct AccessGrant: ProfileRecord, Hashable {
    public static let kind = RecordKind.accessGrant

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Code created, not yet used.
        case pending
        /// A professional redeemed the code; the session runs until `expires`.
        case active
        case revoked
    }

    public var id: String
    public var profileID: String
    /// The code as shown to the holder (single use).
    public var code: String
    public var sections: Set<Section>
    public var created: Date
    public var expires: Date
    public var status: Status
    /// The professional who redeemed the code.
    public var professional: Practitioner?
    public var lastUsed: Date?
    /// How the professional came in: a code the holder gave, or an emergency.
    public var via: Via?
    /// The server's id of the professional (`Practitioner/<id>`), to block them.
    public var practitionerID: String?

    public enum Via: String, Codable, Sendable, CaseIterable {
        case code
        /// *Bris de glace*: a professional declared an emergency.
        case emergency = "bris-de-glace"
        /// The SAMU regulator.
        case samu
    }

    public init(id: String, profileID: String, code: String, sections: Set<Section>, created: Date, expires: Date,
                status: Status = .pending, professional: Practitioner? = nil, lastUsed: Date? = nil,
                via: Via? = .code, practitionerID: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.code = code
        self.sections = sections
        self.created = created
        self.expires = expires
        self.status = status
        self.professional = professional
        self.lastUsed = lastUsed
        self.via = via
        self.practitionerID = practitionerID
    }

    /// The status as it stands at `date`: a grant past its end is expired whatever was stored.
    public func effectiveStatus(at date: Date) -> EffectiveStatus {
        switch status {
        case .revoked: .revoked
        case _ where date >= expires: .expired
        case .pending: .pending
        case .active: .active
        }
    }

    public enum EffectiveStatus: String, Sendable, Equatable {
        case pending, active, expired, revoked
    }
}

/// Consent given to a referenced service of the MES catalogue.
public struct ServiceConsent: ProfileRecord, Hashable {
    public static let kind = RecordKind.serviceConsent

    public var id: String
    public var profileID: String
    public var serviceID: String
    public var serviceName: String
    public var sections: Set<Section>
    public var granted: Bool
    public var date: Date

    public init(id: String, profileID: String, serviceID: String, serviceName: String, sections: Set<Section>,
                granted: Bool, date: Date) {
        self.id = id
        self.profileID = profileID
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.sections = sections
        self.granted = granted
        self.date = date
    }
}

/// A professional the holder blocked: they see nothing of the space. Also the holder's
/// opposition to emergency access (*bris de glace*) or to the SAMU regulator.
public struct Block: ProfileRecord, Hashable {
    public static let kind = RecordKind.block

    public enum Target: Codable, Sendable, Hashable {
        case professional(Practitioner)
        case emergencyAccess
        case emergencyRegulator
    }

    public var id: String
    public var profileID: String
    public var target: Target
    public var created: Date
    /// The server's id of the blocked professional (`Practitioner/<id>`).
    public var practitionerID: String?

    public init(id: String, profileID: String, target: Target, created: Date, practitionerID: String? = nil) {
        self.id = id
        self.profileID = profileID
        self.target = target
        self.created = created
        self.practitionerID = practitionerID
    }

    /// True when this block keeps the professional with `rpps` out.
    public func blocks(rpps: String) -> Bool {
        if case .professional(let practitioner) = target { return practitioner.rpps == rpps }
        return false
    }
}

/// A line of the activity history (`AuditEvent`): who did what in the space, and when.
public struct AuditEntry: ProfileRecord, Hashable {
    public static let kind = RecordKind.auditEntry

    public enum Action: String, Codable, Sendable, CaseIterable {
        case read, create, update, delete, login, accessGranted = "access-granted", accessRevoked = "access-revoked"
        case emergencyAccess = "emergency-access"
        /// An attempt the server refused (a connected service outside its consent).
        case refused
    }

    public enum ActorRole: String, Codable, Sendable, CaseIterable {
        case holder, caregiver, professional, service, system
    }

    public var id: String
    public var profileID: String
    public var date: Date
    public var actorName: String
    public var actorRole: ActorRole
    public var actorRPPS: String?
    public var action: Action
    /// What was touched: its kind and id, and a title to show.
    public var targetKind: RecordKind?
    public var targetID: String?
    public var targetTitle: String?
    /// How an access came about, when it was an emergency (*bris de glace*, SAMU); nil otherwise.
    public var via: AccessGrant.Via?

    public init(id: String, profileID: String, date: Date, actorName: String, actorRole: ActorRole, actorRPPS: String? = nil,
                action: Action, targetKind: RecordKind? = nil, targetID: String? = nil, targetTitle: String? = nil,
                via: AccessGrant.Via? = nil) {
        self.via = via
        self.id = id
        self.profileID = profileID
        self.date = date
        self.actorName = actorName
        self.actorRole = actorRole
        self.actorRPPS = actorRPPS
        self.action = action
        self.targetKind = targetKind
        self.targetID = targetID
        self.targetTitle = targetTitle
    }

    /// Entries the holder should be told about: anything done by someone else.
    public var concernsSomeoneElse: Bool { actorRole != .holder }
}
