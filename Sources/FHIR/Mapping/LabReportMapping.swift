import HealthRecord

/// The wire form of a structured lab report: the content of a "CR d'examens biologiques" document
/// whose `contentType` is `application/fhir+json`, a FHIR `Bundle` of type `collection` holding one
/// `DiagnosticReport` followed by its `Observation`s; each Observation has a LOINC code, a
/// `valueQuantity` (UCUM) and a `referenceRange` (low and/or high).
extension LabReport {
    public static let contentType = "application/fhir+json"

    public var bundle: FHIRBundle {
        var report = Resource(type: "DiagnosticReport", id: "report")
        report["status"] = "final"
        report["code"] = .compact(["text": .string(title)])
        report["issued"] = .string(issued)
        report["result"] = .array(results.indices.map { ["reference": .string("Observation/result-\($0 + 1)")] })
        var entries = [FHIRBundle.Entry(fullUrl: "DiagnosticReport/report", resource: report)]
        for (offset, result) in results.enumerated() {
            var observation = Resource(type: "Observation", id: "result-\(offset + 1)")
            observation["status"] = "final"
            observation["code"] = Concept.codeable(CodeSystem.loinc, result.loinc, result.analyte, text: result.analyte)
            observation["valueQuantity"] = quantity(result.value, result.unit)
            var range: JSONObject = JSONObject()
            if let low = result.low { range["low"] = quantity(low, result.unit) }
            if let high = result.high { range["high"] = quantity(high, result.unit) }
            if !range.isEmpty { observation["referenceRange"] = [.object(range)] }
            observation["interpretation"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", result.interpretation)]
            entries.append(FHIRBundle.Entry(fullUrl: "Observation/result-\(offset + 1)", resource: observation))
        }
        return FHIRBundle(kind: .collection, entries: entries, timestamp: issued)
    }

    private func quantity(_ value: Double, _ unit: String) -> JSON {
        ["value": .double(value), "unit": .string(unit), "system": .string(CodeSystem.ucum), "code": .string(unit)]
    }

    /// Reads a report from its Bundle; results without a numeric value are skipped.
    public init(_ bundle: FHIRBundle) throws(FHIRError) {
        guard let report = bundle.entries.first(where: { $0.resource?.resourceType == "DiagnosticReport" })?.resource else {
            throw .invalid("a lab report bundle needs a DiagnosticReport")
        }
        let results: [Result] = bundle.entries.compactMap(\.resource).filter { $0.resourceType == "Observation" }.compactMap { observation in
            guard let value = observation["valueQuantity"]?["value"]?.doubleValue else { return nil }
            let code = Concept.tokens(of: observation["code"]).first { $0.system == CodeSystem.loinc }?.code ?? ""
            let range = observation["referenceRange"]?[0]
            return Result(loinc: code, analyte: observation["code"]?["text"]?.stringValue ?? code, value: value,
                          unit: observation["valueQuantity"]?["unit"]?.stringValue ?? "",
                          low: range?["low"]?["value"]?.doubleValue, high: range?["high"]?["value"]?.doubleValue)
        }
        self.init(title: report["code"]?["text"]?.stringValue ?? "", issued: report["issued"]?.stringValue ?? "", results: results)
    }

    /// Parses the bytes of a document's content.
    public init(parsing bytes: some Collection<UInt8>) throws(FHIRError) {
        try self.init(FHIRBundle(Resource(parsing: bytes)))
    }
}
