import Crypto
import FHIR
import Foundation
import HealthRecord

/// A document's IHE MHD *Comprehensive Metadata* (the basis of the ANS's PDSm): what the DMP
/// needs of every DocumentReference. On a write, what a writer left out is completed —
/// `masterIdentifier` (uniqueId), `identifier` (entryUUID), `docStatus`, `date`, `custodian`,
/// each content's `format` and `attachment.language`, `context.sourcePatientInfo`,
/// `context.facilityType` and `context.practiceSetting` — and what a writer gave is checked
/// where the DMP requires a form (422 `invalid-metadata`, naming the element). Everything else
/// is kept as written. The seeded documents get the same metadata from `seed`.
enum MHDMetadata {
    static let rfc3986 = "urn:ietf:rfc:3986"
    static let formatSystem = "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode"
    static let mimeTypeSufficient = "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    static let facilityTypeSystem = "https://mos.esante.gouv.fr/NOS/JDV_J02-XdsHealthcareFacilityTypeCode-CISIS/FHIR/JDV-J02-XdsHealthcareFacilityTypeCode-CISIS"
    static let practiceSettingSystem = "https://mos.esante.gouv.fr/NOS/JDV_J04-XdsPracticeSettingCode-CISIS/FHIR/JDV-J04-XdsPracticeSettingCode-CISIS"
    static let confidentialityCodes: Set<String> = ["U", "L", "M", "N", "R", "V"]
    /// Where the documents are kept.
    static let custodian: JSON = ["display": "Mon espace santé (DMP)"]

    /// Where a document was produced (JDV_J02 healthcare facility type, JDV_J04 practice
    /// setting); a default when the writer does not say.
    struct Setting {
        var facility: (code: String, display: String)
        var practice: (code: String, display: String)
        static let office = Setting(facility: ("SA07", "Cabinet individuel"), practice: ("AMBULATOIRE", "Ambulatoire"))
        static let hospital = Setting(facility: ("SA01", "Établissement public de santé"), practice: ("ETABLISSEMENT", "Établissement de santé"))
    }

    static func invalid(_ path: String, _ message: String) -> APIError {
        var error = APIError.unprocessable("\(path): \(message)", detail: "invalid-metadata")
        error.outcome = OperationOutcome(issues: [OperationOutcome.Issue(code: .value, diagnostics: "\(path): \(message)", detailCode: "invalid-metadata",
                                                                         expression: [path])])
        return error
    }

    /// Completes and checks the metadata of `resource` (a DocumentReference).
    static func complete(_ resource: inout Resource, previous: Resource? = nil, now: Date, setting: Setting = .office) throws {
        let id = resource.id ?? Audit.newID()
        // A document's unique id does not change (XDS uniqueId): kept when left out, refused when changed.
        if let kept = previous?["masterIdentifier"] {
            if resource["masterIdentifier"] == nil { resource["masterIdentifier"] = kept }
            guard resource["masterIdentifier"] == kept else {
                throw invalid("DocumentReference.masterIdentifier", "a document's unique id does not change")
            }
        }
        for member in ["identifier", "custodian", "context"] where resource[member] == nil {
            resource[member] = previous?[member]
        }
        if let master = resource["masterIdentifier"] {
            guard let value = master["value"]?.stringValue, value.hasPrefix("urn:oid:") || value.hasPrefix("urn:uuid:") else {
                throw invalid("DocumentReference.masterIdentifier.value", "the document's unique id is urn:oid:… or urn:uuid:…")
            }
        } else {
            resource["masterIdentifier"] = ["system": .string(rfc3986), "value": .string("urn:uuid:" + Self.uuid(for: "master:" + id))]
        }
        if resource["identifier"] == nil {
            resource["identifier"] = [["use": "official", "system": .string(rfc3986), "value": .string("urn:uuid:" + Self.uuid(for: "entry:" + id))]]
        }
        if resource["docStatus"] == nil { resource["docStatus"] = "final" }
        if resource["date"] == nil {
            resource["date"] = resource["content"]?[0]?["attachment"]?["creation"] ?? .string(FHIRDateTime.instant(now))
        }
        if resource["custodian"] == nil { resource["custodian"] = custodian }
        let confidentiality = Concept.tokens(of: resource["securityLabel"]).filter { $0.system == CodeSystem.confidentiality }
        guard confidentiality.count <= 1, confidentiality.allSatisfy({ confidentialityCodes.contains($0.code) }) else {
            throw invalid("DocumentReference.securityLabel", "one confidentiality code of \(confidentialityCodes.sorted().joined(separator: ", "))")
        }
        var contents = resource["content"]?.elements ?? []
        for index in contents.indices {
            let path = "DocumentReference.content[\(index)]"
            if let format = contents[index]["format"] {
                guard format["system"]?.stringValue != nil, format["code"]?.stringValue != nil else {
                    throw invalid("\(path).format", "a format code has its system and code")
                }
            } else {
                contents[index]["format"] = ["system": .string(formatSystem), "code": .string(mimeTypeSufficient), "display": "Format from mimeType"]
            }
            if let language = contents[index]["attachment"]?["language"]?.stringValue {
                guard Self.isLanguage(language) else { throw invalid("\(path).attachment.language", "a language is like fr-FR") }
            } else {
                contents[index]["attachment"]?["language"] = "fr-FR"
            }
        }
        if !contents.isEmpty { resource["content"] = .array(contents) }
        var context = resource["context"] ?? .object(JSONObject())
        let subject = resource["subject"]?["reference"]?.stringValue
        if let source = context["sourcePatientInfo"] {
            guard source["reference"]?.stringValue == subject else {
                throw invalid("DocumentReference.context.sourcePatientInfo", "the source patient is the document's subject")
            }
        } else if let subject {
            context["sourcePatientInfo"] = ["reference": .string(subject)]
        }
        if context["facilityType"] == nil {
            context["facilityType"] = Concept.codeable(facilityTypeSystem, setting.facility.code, setting.facility.display)
        }
        if context["practiceSetting"] == nil {
            context["practiceSetting"] = Concept.codeable(practiceSettingSystem, setting.practice.code, setting.practice.display)
        }
        if let start = context["period"]?["start"]?.stringValue.flatMap(FHIRDateTime.range(of:))?.start,
           let end = context["period"]?["end"]?.stringValue.flatMap(FHIRDateTime.range(of:))?.start, end < start {
            throw invalid("DocumentReference.context.period", "the period ends before it starts")
        }
        resource["context"] = context
    }

    static func isLanguage(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return (1...3).contains(parts.count) && parts.allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// A stable UUID (version 5 style, from SHA-256) for a seed or a completion: the same
    /// document always gets the same identifiers.
    static func uuid(for name: String) -> String {
        var bytes = Array(SHA256.hash(Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
