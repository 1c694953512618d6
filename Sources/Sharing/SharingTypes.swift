import FHIR
import Foundation
import Sync

/// The wire and sync types the screens work with, under the names of this module (the screens
/// import `Sharing`, not the wire or the sync engine).
public typealias AccessPolicy = API.AccessPolicy
public typealias AccessCode = API.AccessCode
public typealias DirectoryEntry = Sync.DirectoryEntry

extension API.AccessCode {
    /// What its QR code carries (`MES-ACCES:1:<code>`, Docs/server-api.md).
    public var qrPayload: String { API.AccessCodePayload.encode(code: code) }

    /// Until when it may be redeemed.
    public var redeemDeadline: Date? { FHIRDateTime.parse(redeemBy) }
}

/// The catalogue de services, as the screens and the command line show it.
public typealias ConnectedService = API.ServiceEntry
public typealias ServiceFinality = API.ServiceFinality
