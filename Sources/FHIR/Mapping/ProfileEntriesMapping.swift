import Foundation
import HealthRecord

/// The rubriques of the *profil médical* beyond the classic five: hospitalisations
/// (`Encounter`), handicaps (`Condition` of mes's category `disability`), the blood group
/// (`Observation` LOINC 882-1) and the *habitudes de vie* (`Observation` of category
/// `social-history`), and what they share with the others (partial dates, who wrote a vaccination).
public enum ProfileEntriesMapping {
    static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
    static let conditionCategory = "urn:mes:condition-category"
    static let bloodGroupSystem = "urn:mes:blood-group"
    static let lifestyleSystem = "urn:mes:lifestyle"
    /// A habit's question (`smoking`, `cigarettes-per-day`: `LifestyleCatalog`'s keys) and MES's answer codes.
    static let lifestyleQuestionSystem = "urn:mes:lifestyle-question"
    static let lifestyleAnswerSystem = "urn:mes:lifestyle-answer"
    static let bloodGroupLOINC = "882-1"

    /// Who wrote an entry: its `recorder`, or on an Immunization the recorder extension.
    public static func recorder(_ resource: Resource) -> JSON? {
        resource["recorder"] ?? FHIRValue.extensionValue(resource.json, ExtensionURL.recorder, "valueReference")
    }

    /// Names `reference` as the writer of a vaccination (the recorder extension, replaced if present).
    public static func setImmunizationRecorder(_ resource: inout Resource, _ reference: JSON) {
        var extensions = (resource["extension"]?.elements ?? []).filter { $0["url"]?.stringValue != ExtensionURL.recorder }
        extensions.append(.object(JSONObject([("url", .string(ExtensionURL.recorder)), ("valueReference", reference)])))
        resource["extension"] = .array(extensions)
    }

    /// True when a professional wrote the vaccination: its recorder, or a performer, is a
    /// `Practitioner` reference (the patient's own entries name the vaccinator by text only).
    static func isWrittenByProfessional(_ resource: Resource) -> Bool {
        var references = [recorder(resource)?["reference"]?.stringValue]
        references += (resource["performer"]?.elements ?? []).map { $0["actor"]?["reference"]?.stringValue }
        return references.contains { $0.flatMap(ResourceReference.init)?.type == "Practitioner" }
    }

    // MARK: Encounter (hospitalisations)

    static let hospitalization = ResourceCodec<Hospitalization>(
        resourceType: "Encounter", members: ["status", "class", "subject", "period", "length", "reasonCode", "extension"],
        decode: { resource throws(FHIRError) in
            let length = resource["length"]
            return Hospitalization(
                id: try FHIRValue.require(resource.id, "Encounter.id"),
                profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Encounter.subject"),
                name: FHIRValue.text(resource["reasonCode"]?[0]) ?? "",
                start: try FHIRValue.require(FHIRValue.partialDate(resource["period"]?["start"]), "Encounter.period.start"),
                duration: length?["value"]?.intValue,
                durationUnit: length?["code"]?.stringValue.flatMap(Hospitalization.DurationUnit.init(ucum:)),
                note: FHIRValue.extensionValue(resource.json, ExtensionURL.holderNote, "valueString")?.stringValue)
        },
        encodeFresh: { record in
            var resource = Resource(type: "Encounter", id: record.id)
            resource["status"] = "finished"
            resource["class"] = Concept.coding(actCode, "IMP", "inpatient encounter")
            resource["subject"] = FHIRValue.patient(record.profileID)
            resource["period"] = ["start": FHIRValue.partialDate(record.start) ?? .null]
            if let duration = record.duration, let unit = record.durationUnit {
                resource["length"] = ["value": .int(duration), "unit": .string(unit.ucum), "system": .string(CodeSystem.ucum), "code": .string(unit.ucum)]
            }
            resource["reasonCode"] = [["text": .string(record.name)]]
            resource["extension"] = FHIRValue.extensions([(ExtensionURL.holderNote, "valueString", FHIRValue.string(record.note))])
            return resource
        })

    // MARK: Condition (handicaps)

    static func isDisability(_ resource: Resource) -> Bool {
        Concept.tokens(of: resource["category"]).contains { $0.system == conditionCategory && $0.code == "disability" }
    }

    static let disability = ResourceCodec<Disability>(
        resourceType: "Condition", members: ["clinicalStatus", "category", "code", "subject", "note", "extension"],
        decode: { resource throws(FHIRError) in
            func values(_ url: String, _ type: String) -> [String] {
                (resource["extension"]?.elements ?? []).filter { $0["url"]?.stringValue == url }.compactMap { $0[type]?.stringValue }
            }
            return Disability(
                id: try FHIRValue.require(resource.id, "Condition.id"),
                profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Condition.subject"),
                name: FHIRValue.text(resource["code"]) ?? "",
                types: values(ExtensionURL.disabilityType, "valueCode").compactMap(Disability.DisabilityType.init(rawValue:)),
                cdaphRate: values(ExtensionURL.cdaphRate, "valueCode").first.flatMap(Disability.CDAPHRate.init(rawValue:)),
                technicalHelp: values(ExtensionURL.technicalHelp, "valueString").first,
                humanHelp: values(ExtensionURL.humanHelp, "valueCode").first.flatMap(Disability.HumanHelp.init(rawValue:)),
                note: FHIRValue.note(resource["note"]))
        },
        encodeFresh: { record in
            var resource = Resource(type: "Condition", id: record.id)
            resource["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")
            resource["category"] = [Concept.codeable(conditionCategory, "disability")]
            resource["code"] = ["text": .string(record.name)]
            resource["subject"] = FHIRValue.patient(record.profileID)
            resource["note"] = FHIRValue.note(record.note)
            resource["extension"] = FHIRValue.extensions(
                record.types.map { (ExtensionURL.disabilityType, "valueCode", JSON.string($0.rawValue)) } + [
                    (ExtensionURL.cdaphRate, "valueCode", record.cdaphRate.map { .string($0.rawValue) }),
                    (ExtensionURL.technicalHelp, "valueString", FHIRValue.string(record.technicalHelp)),
                    (ExtensionURL.humanHelp, "valueCode", record.humanHelp.map { .string($0.rawValue) }),
                ])
            return resource
        })

    // MARK: Observation (blood group, habits)

    enum ObservationKind { case measurement, bloodGroup, lifestyle, notKept }

    static func kind(ofObservation resource: Resource) -> ObservationKind {
        let tokens = Concept.tokens(of: resource["code"])
        if tokens.contains(where: { $0.system == CodeSystem.loinc && $0.code == bloodGroupLOINC }) { return .bloodGroup }
        if tokens.contains(where: { $0.system == lifestyleSystem }) { return .lifestyle }
        return ObservationMapping.isMeasure(resource) ? .measurement : .notKept
    }

    static let bloodGroup = ResourceCodec<BloodGroup>(
        resourceType: "Observation", members: ["status", "category", "code", "subject", "valueCodeableConcept"],
        decode: { resource throws(FHIRError) in
            let value = Concept.tokens(of: resource["valueCodeableConcept"]).lazy.compactMap { BloodGroup.Value(rawValue: $0.code) }.first
                ?? resource["valueCodeableConcept"]?["text"]?.stringValue.flatMap(BloodGroup.Value.init(rawValue:))
            return BloodGroup(id: try FHIRValue.require(resource.id, "Observation.id"),
                              profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Observation.subject"),
                              value: try FHIRValue.require(value, "Observation.valueCodeableConcept (blood group)"))
        },
        encodeFresh: { record in
            var resource = Resource(type: "Observation", id: record.id)
            resource["status"] = "final"
            resource["category"] = [Concept.codeable(CodeSystem.observationCategory, "laboratory")]
            resource["code"] = Concept.codeable(CodeSystem.loinc, bloodGroupLOINC, "ABO and Rh group")
            resource["subject"] = FHIRValue.patient(record.profileID)
            resource["valueCodeableConcept"] = Concept.codeable(bloodGroupSystem, record.value.rawValue, text: record.value.rawValue)
            return resource
        })

    static let lifestyle = ResourceCodec<Lifestyle>(
        resourceType: "Observation", members: ["status", "category", "code", "subject", "effectiveDateTime", "valueString", "component"],
        decode: { resource throws(FHIRError) in
            let topic = Concept.tokens(of: resource["code"]).lazy.filter { $0.system == lifestyleSystem }
                .compactMap { Lifestyle.Topic(rawValue: $0.code) }.first
            var answers: [String: String] = [:]
            for component in resource["component"]?.elements ?? [] {
                guard let key = Concept.tokens(of: component["code"]).first(where: { $0.system == lifestyleQuestionSystem })?.code else { continue }
                if let code = Concept.tokens(of: component["valueCodeableConcept"]).first(where: { $0.system == lifestyleAnswerSystem })?.code {
                    answers[key] = code
                } else if let number = component["valueInteger"]?.doubleValue {
                    answers[key] = String(Int(number))
                }
            }
            return Lifestyle(id: try FHIRValue.require(resource.id, "Observation.id"),
                             profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Observation.subject"),
                             topic: try FHIRValue.require(topic, "Observation.code (habit)"),
                             answer: resource["valueString"]?.stringValue ?? "",
                             updated: try FHIRValue.require(FHIRValue.day(resource["effectiveDateTime"]), "Observation.effectiveDateTime"),
                             answers: answers)
        },
        encodeFresh: { record in
            var resource = Resource(type: "Observation", id: record.id)
            resource["status"] = "final"
            resource["category"] = [Concept.codeable(CodeSystem.observationCategory, "social-history")]
            var code = Concept.codeable(lifestyleSystem, record.topic.rawValue)
            // Tobacco also carries LOINC's "Tobacco smoking status" (DOMAIN-FACTS §2's example).
            if record.topic == .tobacco { code["coding"] = .array((code["coding"]?.elements ?? []) + [Concept.coding(CodeSystem.loinc, "72166-2")]) }
            resource["code"] = code
            resource["subject"] = FHIRValue.patient(record.profileID)
            resource["effectiveDateTime"] = FHIRValue.day(record.updated)
            if !record.answer.isEmpty || record.answers.isEmpty { resource["valueString"] = .string(record.answer) }
            if !record.answers.isEmpty {
                // One component per answered question: a MES code, or a whole number (cigarettes a day…).
                resource["component"] = .array(record.answers.sorted { $0.key < $1.key }.map { key, value in
                    var component: JSON = ["code": Concept.codeable(lifestyleQuestionSystem, key)]
                    if let number = Int(value) { component["valueInteger"] = .number(JSONNumber(number)) } else {
                        component["valueCodeableConcept"] = Concept.codeable(lifestyleAnswerSystem, value)
                    }
                    return component
                })
            }
            return resource
        })
}

extension FHIRValue {
    /// A partial date from a FHIR `date` or `dateTime` (`YYYY`, `YYYY-MM`, or the day of a full one).
    static func partialDate(_ json: JSON?) -> PartialDate? {
        guard let text = json?.stringValue else { return nil }
        return PartialDate(iso: String(text.prefix(10)))
    }

    static func partialDate(_ date: PartialDate?) -> JSON? { date.map { .string($0.iso) } }
}

extension CodeSystem {
    /// Roles of the entourage that TRE_R260 has no code for (`HELPED`: a *proche aidé*).
    public static let mesContactRole = "urn:mes:contact-role"
}

extension ExtensionURL {
    /// On `Immunization`: primo-vaccination or booster (HL7 v3 ActCode `INITIMMUNIZ`/`BOOSTER`).
    public static let administrationType = "urn:mes:extension:administration-type"
    /// On `Immunization` (which has no `recorder` element in R4): the professional who wrote it.
    public static let recorder = "urn:mes:extension:recorder"
    /// On a handicap's `Condition`: its types, CDAPH rate band, technical and human help.
    public static let disabilityType = "urn:mes:extension:disability-type"
    public static let cdaphRate = "urn:mes:extension:cdaph-rate"
    public static let technicalHelp = "urn:mes:extension:technical-help"
    public static let humanHelp = "urn:mes:extension:human-help"
    /// On `Patient`: the sage-femme référente and the pharmacien correspondant.
    public static let referentMidwife = "urn:mes:extension:referent-midwife"
    public static let correspondingPharmacist = "urn:mes:extension:corresponding-pharmacist"
    /// On `Consent` (wishes): the day the holder declared having read the organ-donation rules.
    public static let organDonationInformed = "urn:mes:extension:organ-donation-informed"
    /// On `Patient`: a measure's target band (issue 12), `measure` + `range` sub-extensions.
    public static let measureTarget = "urn:mes:extension:measure-target"
}
