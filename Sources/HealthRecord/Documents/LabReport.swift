/// A structured laboratory report: the results of a "CR d'examens biologiques", each with its LOINC
/// code, value, UCUM unit and reference range, so values out of range are flagged without parsing
/// prose. The domain's value; its wire form (a FHIR `Bundle`) is FHIR's `LabReport+FHIR`.
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

    public var title: String
    public var issued: String
    public var results: [Result]

    public init(title: String, issued: String, results: [Result]) {
        self.title = title
        self.issued = issued
        self.results = results
    }
}
