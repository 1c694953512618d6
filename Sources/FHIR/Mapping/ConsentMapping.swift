import Foundation
import HealthRecord

/// `Consent` resources: the holder's wishes (advance-directive category) and consents to
/// services, which the holder writes; and the consents the server manages through its
/// operations (delegations, access codes and emergency sessions, blocks and oppositions), which
/// the client only reads.
enum ConsentMapping {
    static let categoryCodes = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
    static let consentCategory = "urn:mes:consent-category"

    /// What a Consent is, from its category.
    enum Kind: Equatable {
        case wishes, service
        case delegation, accessGrant, block
        /// An opposition or block that no longer applies, or a kind mes does not know.
        case notKept
    }

    static func kind(of resource: Resource) -> Kind {
        let tokens = Concept.tokens(of: resource["category"])
        if tokens.contains(where: { $0.system == categoryCodes && $0.code == "acd" }) { return .wishes }
        if tokens.contains(where: { $0.system == consentCategory && $0.code == "service" }) { return .service }
        guard let managed = tokens.first(where: { $0.system == CodeSystem.mesConsentKind })?.code else { return .notKept }
        let active = resource["status"]?.stringValue == "active"
        switch managed {
        case "delegation": return .delegation
        case "access-code", "bris-de-glace", "samu": return .accessGrant
        case "block", "opposition-bris-de-glace", "opposition-samu": return active ? .block : .notKept
        default: return .notKept
        }
    }

    // MARK: Written by the holder

    static let wishes = ResourceCodec<Wishes>(
        resourceType: "Consent", members: ["extension", "status", "scope", "category", "patient", "dateTime", "sourceReference"],
        decode: { resource throws(FHIRError) in
            let organDonation = FHIRValue.extensionValue(resource.json, ExtensionURL.organDonation, "valueCode")?.stringValue
            return Wishes(id: try FHIRValue.require(resource.id, "Consent.id"),
                          profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Consent.patient"),
                          advanceDirectivesDocumentID: resource["sourceReference"]?["reference"]?.stringValue.flatMap(ResourceReference.init)?.id,
                          advanceDirectivesSummary: FHIRValue.extensionValue(resource.json, ExtensionURL.directivesSummary, "valueString")?.stringValue,
                          organDonation: organDonation.flatMap(Wishes.OrganDonation.init(rawValue:)) ?? .notStated,
                          trustedPerson: FHIRValue.extensionValue(resource.json, ExtensionURL.trustedPerson, "valueString")?.stringValue,
                          updated: try FHIRValue.require(FHIRValue.instant(resource["dateTime"]), "Consent.dateTime"),
                          organDonationInformedOn: FHIRValue.day(FHIRValue.extensionValue(resource.json, ExtensionURL.organDonationInformed, "valueDate")))
        },
        encodeFresh: { wishes in
            var resource = Resource(type: "Consent", id: wishes.id)
            resource["extension"] = FHIRValue.extensions([
                (ExtensionURL.organDonation, "valueCode", .string(wishes.organDonation.rawValue)),
                (ExtensionURL.trustedPerson, "valueString", FHIRValue.string(wishes.trustedPerson)),
                (ExtensionURL.directivesSummary, "valueString", FHIRValue.string(wishes.advanceDirectivesSummary)),
                (ExtensionURL.organDonationInformed, "valueDate", FHIRValue.day(wishes.organDonationInformedOn)),
            ])
            resource["status"] = "active"
            resource["scope"] = Concept.codeable(CodeSystem.consentScope, "adr")
            resource["category"] = [Concept.codeable(categoryCodes, "acd")]
            resource["patient"] = FHIRValue.patient(wishes.profileID)
            resource["dateTime"] = FHIRValue.instant(wishes.updated)
            resource["sourceReference"] = wishes.advanceDirectivesDocumentID.map { ["reference": .string("DocumentReference/\($0)")] }
            return resource
        })

    static let service = ResourceCodec<ServiceConsent>(
        resourceType: "Consent", members: ["extension", "status", "scope", "category", "patient", "dateTime", "provision"],
        decode: { resource throws(FHIRError) in
            ServiceConsent(id: try FHIRValue.require(resource.id, "Consent.id"),
                           profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Consent.patient"),
                           serviceID: FHIRValue.extensionValue(resource.json, ExtensionURL.serviceID, "valueString")?.stringValue ?? "",
                           serviceName: FHIRValue.extensionValue(resource.json, ExtensionURL.serviceName, "valueString")?.stringValue ?? "",
                           sections: sections(resource),
                           granted: resource["provision"]?["type"]?.stringValue != "deny",
                           date: try FHIRValue.require(FHIRValue.instant(resource["dateTime"]), "Consent.dateTime"))
        },
        encodeFresh: { consent in
            var resource = Resource(type: "Consent", id: consent.id)
            resource["extension"] = FHIRValue.extensions([(ExtensionURL.serviceID, "valueString", .string(consent.serviceID)),
                                                          (ExtensionURL.serviceName, "valueString", .string(consent.serviceName))])
            resource["status"] = "active"
            resource["scope"] = Concept.codeable(CodeSystem.consentScope, "patient-privacy")
            resource["category"] = [Concept.codeable(consentCategory, "service")]
            resource["patient"] = FHIRValue.patient(consent.profileID)
            resource["dateTime"] = FHIRValue.instant(consent.date)
            resource["provision"] = .compact([
                "type": .string(consent.granted ? "permit" : "deny"),
                "code": .array(consent.sections.sorted().map { ["coding": [$0.coding]] }),
            ])
            return resource
        })

    // MARK: Managed by the server (read only)

    static func delegation(_ resource: Resource) throws(FHIRError) -> Delegation {
        let actor = resource["provision"]?["actor"]?[0]
        let role = Concept.tokens(of: actor?["role"]).contains { $0.code == "GUARD" } ? Delegation.Role.legalRepresentative : .caregiver
        let status: Delegation.Status = switch resource["status"]?.stringValue {
        case "active": .active
        case "proposed", "draft": .proposed
        case "rejected": .refused
        default: .revoked
        }
        return Delegation(id: try FHIRValue.require(resource.id, "Consent.id"),
                          profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Consent.patient"),
                          delegateName: actor?["reference"]?["display"]?.stringValue ?? "",
                          delegateAccount: actor?["reference"]?["identifier"]?["value"]?.stringValue, role: role,
                          sections: sections(resource), start: period(resource).start, end: period(resource).end, status: status)
    }

    static func accessGrant(_ resource: Resource) throws(FHIRError) -> AccessGrant {
        let status: AccessGrant.Status = switch resource["status"]?.stringValue {
        case "active": .active
        case "proposed", "draft": .pending
        default: .revoked
        }
        let (start, end) = period(resource)
        let kind = Concept.tokens(of: resource["category"]).first { $0.system == CodeSystem.mesConsentKind }?.code
        let actor = resource["provision"]?["actor"]?[0]?["reference"]
        return AccessGrant(id: try FHIRValue.require(resource.id, "Consent.id"),
                           profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Consent.patient"),
                           code: FHIRValue.extensionValue(resource.json, ExtensionURL.accessCode, "valueString")?.stringValue ?? "",
                           sections: sections(resource), created: start, expires: end ?? start, status: status,
                           professional: FHIRValue.practitioner(actor),
                           via: kind == "access-code" ? .code : kind.flatMap(AccessGrant.Via.init(rawValue:)),
                           practitionerID: practitionerID(actor))
    }

    /// The id of the professional a managed consent names (`Practitioner/<id>`).
    private static func practitionerID(_ actor: JSON?) -> String? {
        guard let reference = actor?["reference"]?.stringValue.flatMap(ResourceReference.init), reference.type == "Practitioner" else { return nil }
        return reference.id
    }

    static func block(_ resource: Resource) throws(FHIRError) -> Block {
        let kind = Concept.tokens(of: resource["category"]).first { $0.system == CodeSystem.mesConsentKind }?.code
        let target: Block.Target
        let actor = resource["provision"]?["actor"]?[0]?["reference"]
        switch kind {
        case "opposition-bris-de-glace": target = .emergencyAccess
        case "opposition-samu": target = .emergencyRegulator
        default:
            target = .professional(FHIRValue.practitioner(actor) ?? Practitioner(name: ""))
        }
        return Block(id: try FHIRValue.require(resource.id, "Consent.id"),
                     profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Consent.patient"),
                     target: target, created: FHIRValue.instant(resource["dateTime"]) ?? Date(timeIntervalSince1970: 0),
                     practitionerID: practitionerID(actor))
    }

    private static func period(_ resource: Resource) -> (start: Date, end: Date?) {
        let provision = resource["provision"]?["period"]
        let start = FHIRValue.instant(provision?["start"]) ?? FHIRValue.instant(resource["dateTime"]) ?? Date(timeIntervalSince1970: 0)
        return (start, FHIRValue.instant(provision?["end"]))
    }

    /// The sections (rubriques) a consent opens.
    private static func sections(_ resource: Resource) -> Set<Section> {
        Set(Concept.tokens(of: resource["provision"]?["code"]).filter { $0.system == CodeSystem.mesRubrique }
            .compactMap { Section(rawValue: $0.code) })
    }
}
