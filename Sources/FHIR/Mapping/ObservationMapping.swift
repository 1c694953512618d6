import Foundation
import HealthRecord

/// *Mesures de santé* as vital-sign `Observation`s (ANS profiles): the measure's LOINC code,
/// a UCUM `valueQuantity`, and blood pressure as one panel (85354-9) whose components are the
/// systolic (8480-6) and diastolic (8462-4) pressures.
enum ObservationMapping {
    static let codec = ResourceCodec<HealthMeasurement>(
        resourceType: "Observation",
        members: ["status", "category", "code", "subject", "effectiveDateTime", "valueQuantity", "component", "note"],
        decode: decode, encodeFresh: encode)

    /// True when the resource is a measure mes keeps (a LOINC code it knows).
    static func isMeasure(_ resource: Resource) -> Bool {
        measurementType(resource) != nil
    }

    private static func measurementType(_ resource: Resource) -> MeasurementType? {
        Concept.tokens(of: resource["code"]).lazy.compactMap { token in
            MeasurementType(loinc: token.code).flatMap { token.system == $0.codeSystem || token.code == "2339-0" ? $0 : nil }
        }.first
    }

    static func decode(_ resource: Resource) throws(FHIRError) -> HealthMeasurement {
        guard let type = measurementType(resource) else { throw .invalid("Observation.code is not a measure mes knows") }
        var components: [MeasurementComponent] = []
        if let quantity = resource["valueQuantity"], let value = quantity["value"]?.doubleValue {
            components.append(MeasurementComponent(loinc: type.loinc, value: value, unit: unit(quantity) ?? type.unit))
        }
        for component in resource["component"]?.elements ?? [] {
            guard let code = Concept.tokens(of: component["code"]).first(where: { $0.system == CodeSystem.loinc })?.code,
                  let quantity = component["valueQuantity"], let value = quantity["value"]?.doubleValue else { continue }
            components.append(MeasurementComponent(loinc: code, value: value, unit: unit(quantity) ?? type.unit))
        }
        return HealthMeasurement(id: try FHIRValue.require(resource.id, "Observation.id"),
                                 profileID: try FHIRValue.require(FHIRValue.patientID(resource["subject"]), "Observation.subject"),
                                 type: type,
                                 effective: try FHIRValue.require(FHIRValue.instant(resource["effectiveDateTime"]), "Observation.effectiveDateTime"),
                                 components: components, note: FHIRValue.note(resource["note"]))
    }

    static func encode(_ record: HealthMeasurement) -> Resource {
        var resource = Resource(type: "Observation", id: record.id)
        resource["status"] = "final"
        resource["category"] = [Concept.codeable(CodeSystem.observationCategory, "vital-signs")]
        resource["code"] = Concept.codeable(record.type.codeSystem, record.type.loinc)
        resource["subject"] = FHIRValue.patient(record.profileID)
        resource["effectiveDateTime"] = FHIRValue.instant(record.effective)
        if record.type == .bloodPressure || record.components.count != 1 || record.components.first?.loinc != record.type.loinc {
            resource["component"] = .array(record.components.map { component in
                ["code": Concept.codeable(CodeSystem.loinc, component.loinc), "valueQuantity": quantity(component.value, component.unit)]
            })
        } else if let only = record.components.first {
            resource["valueQuantity"] = quantity(only.value, only.unit)
        }
        resource["note"] = FHIRValue.note(record.note)
        return resource
    }

    private static func unit(_ quantity: JSON) -> String? {
        quantity["code"]?.stringValue ?? quantity["unit"]?.stringValue
    }

    private static func quantity(_ value: Double, _ unit: String) -> JSON {
        ["value": .double(value), "unit": .string(unit), "system": .string(CodeSystem.ucum), "code": .string(unit)]
    }
}
