import Foundation
import HealthRecord

/// The *profil médical*: conditions, treatments, allergies, vaccinations, family history.
enum MedicalProfileMapping {
    // MARK: Condition

    static let condition = ResourceCodec<HealthRecord.Condition>(
        resourceType: "Condition", members: ["clinicalStatus", "category", "code", "subject", "onsetDateTime", "abatementDateTime", "note"],
        decode: { resource throws(FHIRError) in
            let clinical = Concept.tokens(of: resource["clinicalStatus"]).first?.code
            return HealthRecord.Condition(
                id: try FHIRValue.require(resource.id, "Condition.id"),
                profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Condition.subject"),
                name: FHIRValue.text(resource["code"]) ?? "", code: FHIRValue.concept(resource["code"]),
                onset: FHIRValue.partialDate(resource["onsetDateTime"]), end: FHIRValue.partialDate(resource["abatementDateTime"]),
                status: ["resolved", "inactive", "remission"].contains(clinical ?? "") ? .resolved : .active,
                note: FHIRValue.note(resource["note"]), author: FHIRValue.practitioner(resource["recorder"]))
        },
        encodeFresh: { record in
            var resource = Resource(type: "Condition", id: record.id)
            resource["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", record.status.rawValue)
            resource["category"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")]
            resource["code"] = FHIRValue.codeable(record.code, text: record.name)
            resource["subject"] = FHIRValue.patient(record.profileID)
            resource["onsetDateTime"] = FHIRValue.partialDate(record.onset)
            resource["abatementDateTime"] = FHIRValue.partialDate(record.end)
            resource["note"] = FHIRValue.note(record.note)
            return resource
        })

    // MARK: MedicationStatement

    static let treatment = ResourceCodec<Treatment>(
        resourceType: "MedicationStatement",
        members: ["status", "medicationCodeableConcept", "subject", "effectivePeriod", "dosage", "informationSource", "reasonReference", "note"],
        decode: { resource throws(FHIRError) in
            let reason = resource["reasonReference"]?[0]?["reference"]?.stringValue.flatMap(ResourceReference.init)
            return Treatment(id: try FHIRValue.require(resource.id, "MedicationStatement.id"),
                             profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "MedicationStatement.subject"),
                             medication: FHIRValue.text(resource["medicationCodeableConcept"]) ?? "",
                             code: FHIRValue.concept(resource["medicationCodeableConcept"]),
                             dosage: resource["dosage"]?[0]?["text"]?.stringValue,
                             start: FHIRValue.partialDate(resource["effectivePeriod"]?["start"]),
                             end: FHIRValue.partialDate(resource["effectivePeriod"]?["end"]),
                             prescriber: FHIRValue.practitioner(resource["informationSource"]),
                             status: Treatment.Status(rawValue: resource["status"]?.stringValue ?? "") ?? .active,
                             conditionID: reason?.type == "Condition" ? reason?.id : nil,
                             note: FHIRValue.note(resource["note"]))
        },
        encodeFresh: { record in
            var resource = Resource(type: "MedicationStatement", id: record.id)
            resource["status"] = .string(record.status.rawValue)
            resource["medicationCodeableConcept"] = FHIRValue.codeable(record.code, text: record.medication)
            resource["subject"] = FHIRValue.patient(record.profileID)
            if record.start != nil || record.end != nil {
                resource["effectivePeriod"] = .compact(["start": FHIRValue.partialDate(record.start) ?? .null,
                                                        "end": FHIRValue.partialDate(record.end) ?? .null])
            }
            resource["dosage"] = record.dosage.map { [["text": .string($0)]] }
            resource["informationSource"] = FHIRValue.practitioner(record.prescriber)
            resource["reasonReference"] = record.conditionID.map { [["reference": .string("Condition/\($0)")]] }
            resource["note"] = FHIRValue.note(record.note)
            return resource
        })

    // MARK: AllergyIntolerance

    static let allergy = ResourceCodec<Allergy>(
        resourceType: "AllergyIntolerance",
        members: ["clinicalStatus", "category", "criticality", "code", "patient", "recordedDate", "reaction", "note"],
        decode: { resource throws(FHIRError) in
            Allergy(id: try FHIRValue.require(resource.id, "AllergyIntolerance.id"),
                    profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "AllergyIntolerance.patient"),
                    substance: FHIRValue.concept(resource["code"]).map { $0.sameCode(as: Allergy.noKnownAllergy) } == true ? ""
                        : FHIRValue.text(resource["code"]) ?? "",
                    code: FHIRValue.concept(resource["code"]),
                    category: resource["category"]?[0]?.stringValue.flatMap(Allergy.Category.init(rawValue:)),
                    criticality: resource["criticality"]?.stringValue.flatMap(Allergy.Criticality.init(rawValue:)),
                    reaction: resource["reaction"]?[0]?["description"]?.stringValue,
                    recorded: FHIRValue.day(resource["recordedDate"]), note: FHIRValue.note(resource["note"]))
        },
        encodeFresh: { record in
            var resource = Resource(type: "AllergyIntolerance", id: record.id)
            resource["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active")
            resource["category"] = record.category.map { [.string($0.rawValue)] }
            resource["criticality"] = record.criticality.map { .string($0.rawValue) }
            resource["code"] = FHIRValue.codeable(record.code, text: record.substance.isEmpty ? nil : record.substance)
            resource["patient"] = FHIRValue.patient(record.profileID)
            resource["recordedDate"] = FHIRValue.day(record.recorded)
            // R4 requires a manifestation in every reaction: the description doubles as its text.
            resource["reaction"] = record.reaction.map { [["description": .string($0), "manifestation": [["text": .string($0)]]]] }
            resource["note"] = FHIRValue.note(record.note)
            return resource
        })

    // MARK: Immunization

    static let vaccination = ResourceCodec<Vaccination>(
        resourceType: "Immunization",
        members: ["status", "vaccineCode", "patient", "occurrenceDateTime", "lotNumber", "performer", "protocolApplied", "extension"],
        decode: { resource throws(FHIRError) in
            Vaccination(id: try FHIRValue.require(resource.id, "Immunization.id"),
                        profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "Immunization.patient"),
                        vaccine: FHIRValue.text(resource["vaccineCode"]) ?? "", code: FHIRValue.concept(resource["vaccineCode"]),
                        date: try FHIRValue.require(FHIRValue.day(resource["occurrenceDateTime"]), "Immunization.occurrenceDateTime"),
                        doseNumber: resource["protocolApplied"]?[0]?["doseNumberPositiveInt"]?.intValue,
                        lotNumber: resource["lotNumber"]?.stringValue,
                        performer: FHIRValue.practitioner(resource["performer"]?[0]?["actor"]), doseType: FHIRValue.extensionValue(resource.json, ExtensionURL.administrationType, "valueCoding")?["code"]?.stringValue
                            .flatMap(Vaccination.DoseType.init(rawValue:)),
                        isWrittenByProfessional: ProfileEntriesMapping.isWrittenByProfessional(resource),
                        recorder: FHIRValue.practitioner(ProfileEntriesMapping.recorder(resource)))
        },
        encodeFresh: { record in
            var resource = Resource(type: "Immunization", id: record.id)
            resource["status"] = "completed"
            resource["vaccineCode"] = FHIRValue.codeable(record.code, text: record.vaccine)
            resource["patient"] = FHIRValue.patient(record.profileID)
            resource["occurrenceDateTime"] = FHIRValue.day(record.date)
            resource["lotNumber"] = FHIRValue.string(record.lotNumber)
            resource["performer"] = FHIRValue.practitioner(record.performer).map { [["actor": $0]] }
            resource["protocolApplied"] = record.doseNumber.map { [["doseNumberPositiveInt": .int($0)]] }
            resource["extension"] = FHIRValue.extensions([
                (ExtensionURL.administrationType, "valueCoding", record.doseType.map { Concept.coding(ProfileEntriesMapping.actCode, $0.rawValue) }),
            ])
            return resource
        })

    // MARK: FamilyMemberHistory

    static let familyHistory = ResourceCodec<FamilyHistory>(
        resourceType: "FamilyMemberHistory", members: ["status", "patient", "relationship", "condition", "note"],
        decode: { resource throws(FHIRError) in
            let condition = resource["condition"]?[0]
            return FamilyHistory(id: try FHIRValue.require(resource.id, "FamilyMemberHistory.id"),
                                 profileID: try FHIRValue.require(FHIRValue.patientID(resource["patient"]), "FamilyMemberHistory.patient"),
                                 relationship: Concept.tokens(of: resource["relationship"]).lazy.compactMap { FamilyHistory.Relative(roleCode: $0.code) }
                                    .first?.rawValue ?? FHIRValue.text(resource["relationship"]) ?? "",
                                 condition: FHIRValue.text(condition?["code"]) ?? "", code: FHIRValue.concept(condition?["code"]),
                                 onsetAge: condition?["onsetAge"]?["value"]?.intValue, note: FHIRValue.note(resource["note"]))
        },
        encodeFresh: { record in
            var resource = Resource(type: "FamilyMemberHistory", id: record.id)
            resource["status"] = "completed"
            resource["patient"] = FHIRValue.patient(record.profileID)
            resource["relationship"] = record.relative.map { Concept.codeable(ProfileEntriesMapping.roleCode, $0.roleCode, text: $0.rawValue) }
                ?? ["text": .string(record.relationship)]
            resource["condition"] = [.compact([
                "code": FHIRValue.codeable(record.code, text: record.condition) ?? .null,
                "onsetAge": record.onsetAge.map { ["value": .int($0), "unit": "a", "system": .string(CodeSystem.ucum), "code": "a"] } ?? .null,
            ])]
            resource["note"] = FHIRValue.note(record.note)
            return resource
        })
}
