import Foundation
import HealthRecord

/// A space's `Patient` (FR Core patient): the profile and its contacts travel together.
public struct PatientRecord: Equatable, Sendable {
    public var profile: Profile
    public var contacts: [EmergencyContact]

    public init(profile: Profile, contacts: [EmergencyContact]) {
        self.profile = profile
        self.contacts = contacts.sorted { $0.id < $1.id }
    }
}

enum PatientMapping {
    static let codec = ResourceCodec<PatientRecord>(
        resourceType: "Patient",
        members: ["identifier", "name", "gender", "birthDate", "telecom", "address", "generalPractitioner", "contact", "extension"],
        decode: decode,
        encodeFresh: encode,
        withoutLocalState: { record in
            var record = record
            record.profile.relation = .own
            return record
        })

    static func decode(_ resource: Resource) throws(FHIRError) -> PatientRecord {
        let id = try FHIRValue.require(resource.id, "Patient.id")
        let name = resource["name"]?.elements.first { $0["use"]?.stringValue == "official" } ?? resource["name"]?[0]
        let insSystems: Set<String> = [IdentifierSystem.insNIR, IdentifierSystem.insNIA, IdentifierSystem.insTest, IdentifierSystem.insDemo]
        let ins = resource["identifier"]?.elements.first { insSystems.contains($0["system"]?.stringValue ?? "") }.flatMap { identifier in
            identifier["value"]?.stringValue.map { PatientIdentifier(system: identifier["system"]?.stringValue ?? "", value: $0) }
        }
        let telecom = resource["telecom"]?.elements ?? []
        var profile = Profile(
            id: id, relation: .own,
            givenName: (name?["given"]?.elements.compactMap(\.stringValue) ?? []).joined(separator: " "),
            familyName: name?["family"]?.stringValue ?? "",
            birthDate: FHIRValue.day(resource["birthDate"]),
            gender: resource["gender"]?.stringValue.flatMap(Profile.AdministrativeGender.init(rawValue:)) ?? .unknown,
            ins: ins,
            generalPractitioner: FHIRValue.practitioner(resource["generalPractitioner"]?[0]),
            phone: value(of: "phone", in: telecom), email: value(of: "email", in: telecom),
            address: address(resource["address"]?[0]))
        profile.referentMidwife = FHIRValue.practitioner(FHIRValue.extensionValue(resource.json, ExtensionURL.referentMidwife, "valueReference"))
        profile.correspondingPharmacist = FHIRValue.practitioner(
            FHIRValue.extensionValue(resource.json, ExtensionURL.correspondingPharmacist, "valueReference"))
        profile.measureTargets = decodeTargets(resource.json)
        let contacts = (resource["contact"]?.elements ?? []).enumerated().map { index, contact in
            decodeContact(contact, index: index, profileID: id)
        }
        return PatientRecord(profile: profile, contacts: contacts)
    }

    static func encode(_ record: PatientRecord) -> Resource {
        let profile = record.profile
        var resource = Resource(type: "Patient", id: profile.id)
        resource["identifier"] = profile.ins.map { [["system": .string($0.system), "value": .string($0.value)]] }
        var given: [JSON] = []
        if !profile.givenName.isEmpty { given.append(.string(profile.givenName)) }
        resource["name"] = [.compact(["use": "official", "family": .string(profile.familyName), "given": .array(given)])]
        resource["gender"] = .string(profile.gender.rawValue)
        resource["birthDate"] = FHIRValue.day(profile.birthDate)
        resource["telecom"] = telecom(phone: profile.phone, email: profile.email)
        resource["address"] = profile.address.map { [["text": .string($0)]] }
        resource["generalPractitioner"] = FHIRValue.practitioner(profile.generalPractitioner).map { [$0] }
        resource["contact"] = record.contacts.isEmpty ? nil : .array(record.contacts.map(encodeContact))
        resource["extension"] = FHIRValue.extensions([
            (ExtensionURL.referentMidwife, "valueReference", FHIRValue.practitioner(profile.referentMidwife)),
            (ExtensionURL.correspondingPharmacist, "valueReference", FHIRValue.practitioner(profile.correspondingPharmacist)),
        ])
        let targets = encodeTargets(profile.measureTargets)
        if !targets.isEmpty { resource["extension"] = .array((resource["extension"]?.elements ?? []) + targets) }
        return resource
    }

    // MARK: Measure targets

    /// One complex extension per measure target: `measure` (its LOINC code) and `range` (a
    /// UCUM `Range`). FHIR's own place would be a `Goal`; it rides on the Patient so that no new
    /// resource type and no vault migration are needed (see the issue 12 report).
    static func encodeTargets(_ targets: [String: [Double]]?) -> [JSON] {
        (targets ?? [:]).sorted { $0.key < $1.key }.compactMap { key, bounds -> JSON? in
            guard let type = MeasurementType(rawValue: key), bounds.count == 2 else { return nil }
            func quantity(_ value: Double) -> JSON {
                ["value": .number(JSONNumber(value)), "unit": .string(type.unit), "system": "http://unitsofmeasure.org", "code": .string(type.unit)]
            }
            return ["url": .string(ExtensionURL.measureTarget), "extension": [
                ["url": "measure", "valueCoding": Concept.coding(CodeSystem.loinc, type.loinc)],
                ["url": "range", "valueRange": ["low": quantity(bounds[0]), "high": quantity(bounds[1])]],
            ]]
        }
    }

    static func decodeTargets(_ json: JSON) -> [String: [Double]]? {
        var targets: [String: [Double]] = [:]
        for item in json["extension"]?.elements ?? [] where item["url"]?.stringValue == ExtensionURL.measureTarget {
            let parts = item["extension"]?.elements ?? []
            let code = parts.first { $0["url"]?.stringValue == "measure" }?["valueCoding"]?["code"]?.stringValue
            let range = parts.first { $0["url"]?.stringValue == "range" }?["valueRange"]
            guard let type = MeasurementType.allCases.first(where: { $0.loinc == code }),
                  let low = range?["low"]?["value"]?.doubleValue, let high = range?["high"]?["value"]?.doubleValue, low <= high else { continue }
            targets[type.rawValue] = [low, high]
        }
        return targets.isEmpty ? nil : targets
    }

    private static func value(of system: String, in telecom: [JSON]) -> String? {
        telecom.first { $0["system"]?.stringValue == system }?["value"]?.stringValue
    }

    private static func telecom(phone: String?, email: String?) -> JSON? {
        var list: [JSON] = []
        if let phone { list.append(["system": "phone", "value": .string(phone)]) }
        if let email { list.append(["system": "email", "value": .string(email)]) }
        return list.isEmpty ? nil : .array(list)
    }

    /// An Address as one line of text: `text`, else its lines, postal code and city.
    private static func address(_ json: JSON?) -> String? {
        guard let json else { return nil }
        if let text = json["text"]?.stringValue { return text }
        let lines = (json["line"]?.elements ?? []).compactMap(\.stringValue)
        let city = [json["postalCode"]?.stringValue, json["city"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let parts = lines + (city.isEmpty ? [] : [city])
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    // MARK: Contacts (TRE_R260 roles)

    static func decodeContact(_ json: JSON, index: Int, profileID: String) -> EmergencyContact {
        var roles: [EmergencyContact.Role] = []
        var relationship: String?
        for concept in json["relationship"]?.elements ?? [] {
            let codes = Concept.tokens(of: concept).filter { $0.system == CodeSystem.contactRole || $0.system == CodeSystem.mesContactRole }
                .compactMap { EmergencyContact.Role(rawValue: $0.code) }
            if codes.isEmpty {
                relationship = relationship ?? concept["text"]?.stringValue
            } else {
                roles += codes
            }
        }
        let name = json["name"]?["text"]?.stringValue
            ?? ((json["name"]?["given"]?.elements.compactMap(\.stringValue) ?? []) + [json["name"]?["family"]?.stringValue].compactMap { $0 })
                .joined(separator: " ")
        let telecom = json["telecom"]?.elements ?? []
        let mobile = telecom.first { $0["system"]?.stringValue == "phone" && $0["use"]?.stringValue == "mobile" }?["value"]?.stringValue
        let phone = telecom.first { $0["system"]?.stringValue == "phone" && $0["use"]?.stringValue != "mobile" }?["value"]?.stringValue
        return EmergencyContact(id: json["id"]?.stringValue ?? "\(profileID)-contact-\(index + 1)", profileID: profileID, name: name,
                                roles: roles, relationship: relationship, phone: phone,
                                email: value(of: "email", in: telecom), mobile: mobile, address: address(json["address"]))
    }

    static func encodeContact(_ contact: EmergencyContact) -> JSON {
        var relationships: [JSON] = contact.roles.map {
            Concept.codeable($0 == .helpedPerson ? CodeSystem.mesContactRole : CodeSystem.contactRole, $0.rawValue)
        }
        if let relationship = contact.relationship { relationships.append(["text": .string(relationship)]) }
        var telecoms = telecom(phone: contact.phone, email: contact.email)?.elements ?? []
        if let mobile = contact.mobile { telecoms.append(["system": "phone", "value": .string(mobile), "use": "mobile"]) }
        return .compact([
            "id": .string(contact.id),
            "relationship": .array(relationships),
            "name": ["text": .string(contact.name)],
            "telecom": telecoms.isEmpty ? .null : .array(telecoms),
            "address": contact.address.map { ["text": .string($0)] } ?? .null,
        ])
    }
}
