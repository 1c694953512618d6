import FHIR
import Foundation
import HealthRecord

/// What the server extracts from a resource to search and authorize without parsing it again.
struct ResourceIndex: Sendable, Equatable {
    /// The id of the patient whose space holds the resource ("" for shared ones: Practitioner).
    var patient: String
    var date: String?
    var status: String?
    /// `param=system|code` and `param=code` entries.
    var tokens: [String]
    var text: String
    var flags: VisibilityFlags
    /// References of the people who wrote it (`Practitioner/…`, `Patient/…`).
    var authors: [String]

    var tokenColumn: String { " " + tokens.joined(separator: " ") + " " }
    /// What the token side table holds: the tokens and the status.
    var searchTokens: [String] { tokens + (status.map { ["status=\($0.replacingOccurrences(of: " ", with: "_"))"] } ?? []) }
    var authorColumn: String { " " + authors.joined(separator: " ") + " " }

    /// The types mes serves, with the member that points at the patient.
    static let patientMember: [String: String] = [
        "DocumentReference": "subject", "Condition": "subject", "MedicationStatement": "subject",
        "Observation": "subject", "Communication": "subject", "List": "subject",
        "AllergyIntolerance": "patient", "Immunization": "patient", "FamilyMemberHistory": "patient",
        "Consent": "patient", "ExplanationOfBenefit": "patient", "RelatedPerson": "patient",
        "Task": "for", "Encounter": "subject",
    ]

    /// The documents « entourage et volontés » opens (TRE_A05): volontés et droits du patient,
    /// directives anticipées.
    static let wishesDocumentTypes: Set<String> = ["EXPPAT_1", "EXPPAT_3"]
    static let consentCategories = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"

    static let servedTypes: Set<String> = Set(patientMember.keys).union(["Patient", "Practitioner", "Appointment", "AuditEvent", "Binary"])

    /// The patient id a resource belongs to, from its own members (nil when it names none).
    static func patientID(of resource: Resource) -> String? {
        switch resource.resourceType {
        case "Patient": return resource.id
        case "Practitioner": return ""
        case "Appointment":
            return resource["participant"]?.elements.lazy
                .compactMap { $0["actor"]?["reference"]?.stringValue.flatMap(ResourceReference.init) }
                .first { $0.type == "Patient" }?.id
        case "AuditEvent":
            return resource["entity"]?.elements.lazy
                .compactMap { $0["what"]?["reference"]?.stringValue.flatMap(ResourceReference.init) }
                .first { $0.type == "Patient" }?.id
        default:
            guard let member = patientMember[resource.resourceType],
                  let reference = resource[member]?["reference"]?.stringValue.flatMap(ResourceReference.init),
                  reference.type == "Patient" else { return nil }
            return reference.id
        }
    }

    init(resource: Resource, patient: String, documentFlags: (VisibilityFlags, [String])? = nil) {
        self.patient = patient
        let json = resource.json
        let type = resource.resourceType
        date = Self.dateValue(of: resource).flatMap(FHIRDateTime.range(of:)).map { FHIRDateTime.instant($0.start) }
        switch type {
        case "Condition", "AllergyIntolerance":
            status = Concept.tokens(of: json["clinicalStatus"]).first?.code
        default:
            status = json["status"]?.stringValue
        }
        var tokens: [String] = []
        func add(_ parameter: String, _ concept: JSON?) {
            for token in Concept.tokens(of: concept) {
                if let system = token.system { tokens.append("\(parameter)=\(system)|\(token.code)") }
                tokens.append("\(parameter)=\(token.code)")
            }
        }
        func addCodes(_ parameter: String, _ codes: JSON?) {
            for code in codes?.elements ?? [] { if let code = code.stringValue { tokens.append("\(parameter)=\(code)") } }
        }
        add("category", json["category"])
        add("category", json["serviceCategory"])
        addCodes("category", type == "AllergyIntolerance" ? json["category"] : nil)
        add("type", json["type"])
        add("type", json["appointmentType"])
        if type == "AuditEvent", let coding = json["type"] { add("type", ["coding": [coding]]) }
        for member in ["code", "vaccineCode", "medicationCodeableConcept", "relationship"] { add("code", json[member]) }
        add("security-label", json["securityLabel"])
        for identifier in json["identifier"]?.elements ?? [] {
            guard let value = identifier["value"]?.stringValue else { continue }
            if let system = identifier["system"]?.stringValue { tokens.append("identifier=\(system)|\(value)") }
            tokens.append("identifier=\(value)")
        }
        for ext in json["extension"]?.elements ?? [] where ext["url"]?.stringValue == ExtensionURL.thread {
            if let thread = ext["valueString"]?.stringValue { tokens.append("thread=\(thread)") }
        }
        self.tokens = tokens.map { $0.replacingOccurrences(of: " ", with: "_") }

        var words: [String] = []
        for member in ["description", "title", "name"] { if let text = json[member]?.stringValue { words.append(text) } }
        for member in ["type", "code", "vaccineCode", "medicationCodeableConcept"] {
            if let text = json[member]?["text"]?.stringValue { words.append(text) }
            if let display = json[member]?["coding"]?[0]?["display"]?.stringValue { words.append(display) }
        }
        for content in json["content"]?.elements ?? [] { if let title = content["attachment"]?["title"]?.stringValue { words.append(title) } }
        for payload in json["payload"]?.elements ?? [] { if let text = payload["contentString"]?.stringValue { words.append(text) } }
        for name in json["name"]?.elements ?? [] {
            words.append(contentsOf: (name["given"]?.elements ?? []).compactMap(\.stringValue))
            if let family = name["family"]?.stringValue { words.append(family) }
        }
        text = Self.fold(words.joined(separator: " "))

        var flags: VisibilityFlags = []
        var authors: [String] = []
        if type == "DocumentReference" {
            for label in Concept.tokens(of: json["securityLabel"]) where label.system == CodeSystem.visibility || label.system == CodeSystem.visibilityOID {
                if let code = VisibilityCode(rawValue: label.code) { flags.insert(VisibilityFlags(code)) }
            }
        }
        if type == "DocumentReference", Concept.tokens(of: json["type"]).contains(where: { Self.wishesDocumentTypes.contains($0.code) }) {
            flags.insert(.wishes)
        }
        if type == "Consent", Concept.tokens(of: json["category"]).contains(where: { $0.system == Self.consentCategories && $0.code == "acd" }) { flags.insert(.wishes) }
        if type == "Communication", Concept.tokens(of: json["category"]).contains(where: { $0.system == CodeSystem.mesCommunicationKind && $0.code == "notification" }) {
            flags.insert(.holderOnly)
        }
        for member in ["author", "sender", "recorder", "asserter", "requester", "informationSource"] {
            for value in json[member].map({ $0.arrayValue ?? [$0] }) ?? [] {
                if let reference = value["reference"]?.stringValue { authors.append(reference) }
            }
        }
        for performer in json["performer"]?.elements ?? [] {
            if let reference = (performer["actor"] ?? performer)["reference"]?.stringValue { authors.append(reference) }
        }
        if let documentFlags {
            flags = documentFlags.0
            authors = documentFlags.1
        }
        self.flags = flags
        self.authors = authors.compactMap { ResourceReference($0)?.description }
    }

    /// The date a search by `date` looks at, per type.
    static func dateValue(of resource: Resource) -> String? {
        let json = resource.json
        let candidates: [JSON?]
        switch resource.resourceType {
        case "DocumentReference", "FamilyMemberHistory", "List": candidates = [json["date"]]
        case "Condition": candidates = [json["onsetDateTime"], json["recordedDate"]]
        case "MedicationStatement": candidates = [json["effectiveDateTime"], json["effectivePeriod"]?["start"], json["dateAsserted"]]
        case "AllergyIntolerance": candidates = [json["recordedDate"], json["onsetDateTime"]]
        case "Immunization": candidates = [json["occurrenceDateTime"]]
        case "Observation": candidates = [json["effectiveDateTime"], json["effectivePeriod"]?["start"], json["issued"]]
        case "Consent": candidates = [json["dateTime"]]
        case "ExplanationOfBenefit": candidates = [json["billablePeriod"]?["start"], json["created"]]
        case "Appointment": candidates = [json["start"]]
        case "Task": candidates = [json["executionPeriod"]?["start"], json["authoredOn"]]
        case "Communication": candidates = [json["sent"]]
        case "AuditEvent": candidates = [json["recorded"]]
        case "Patient": candidates = [json["birthDate"]]
        case "Encounter": candidates = [json["period"]?["start"]]
        default: candidates = []
        }
        return candidates.lazy.compactMap { $0?.stringValue }.first
    }

    /// Lower case without diacritics, for `_text` searches.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}
