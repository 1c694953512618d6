/// A structured laboratory report: the content of a "CR d'examens biologiques" document when its
/// `contentType` is `application/fhir+json`. The content is a FHIR `Bundle` of type `collection`
/// holding one `DiagnosticReport` followed by its `Observation`s; each Observation has a LOINC
/// code, a `valueQuantity` (UCUM) and a `referenceRange` (low and/or high), so a client can flag
/// values out of range without parsing prose.
public struct LabReport: Sendable, Equatable {
    public struct Result: Sendable, Equatable {
        public var loinc: String
        public var analyte: String
        public var value: Double
        public var unit: String
        public var low: Double?
        public var high: Double?

        public init(loinc: String, analyte: String, value: Double, unit: String, low: Double? = nil, high: Double? = nil) {
            self.loinc = loinc
            self.analyte = analyte
            self.value = value
            self.unit = unit
            self.low = low
            self.high = high
        }

        /// `L` below the range, `H` above it, `N` within it (HL7 ObservationInterpretation).
        public var interpretation: String {
            if let low, value < low { return "L" }
            if let high, value > high { return "H" }
            return "N"
        }

        public var isOutOfRange: Bool { interpretation != "N" }
    }

    public static let contentType = "application/fhir+json"

    public var title: String
    public var issued: String
    public var results: [Result]

    public init(title: String, issued: String, results: [Result]) {
        self.title = title
        self.issued = issued
        self.results = results
    }

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
        title = report["code"]?["text"]?.stringValue ?? ""
        issued = report["issued"]?.stringValue ?? ""
        results = bundle.entries.compactMap(\.resource).filter { $0.resourceType == "Observation" }.compactMap { observation in
            guard let value = observation["valueQuantity"]?["value"]?.doubleValue else { return nil }
            let code = Concept.tokens(of: observation["code"]).first { $0.system == CodeSystem.loinc }?.code ?? ""
            let range = observation["referenceRange"]?[0]
            return Result(loinc: code, analyte: observation["code"]?["text"]?.stringValue ?? code, value: value,
                          unit: observation["valueQuantity"]?["unit"]?.stringValue ?? "",
                          low: range?["low"]?["value"]?.doubleValue, high: range?["high"]?["value"]?.doubleValue)
        }
    }

    /// Parses the bytes of a document's content.
    public init(parsing bytes: some Collection<UInt8>) throws(FHIRError) {
        try self.init(FHIRBundle(Resource(parsing: bytes)))
    }
}
