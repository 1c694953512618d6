import FHIR
import Foundation
import HealthRecord

/// The FHIR R4 structure of the types the server keeps, read from the table generated from the
/// official 4.0.1 StructureDefinitions (`Resources/fhir/generate.py` → `R4Structure.table`).
enum R4Structure {
    struct Element: Sendable {
        var path: String
        var min: Int
        var repeats: Bool
        /// Type codes (`string`, `CodeableConcept`, `BackboneElement`…); for a content
        /// reference, the path whose children it has.
        var types: [String]
        var contentReference: String?
        /// For a required binding: the codes allowed.
        var codes: Set<String>?
    }

    /// A member an object may have: its JSON name, its element, and for a choice (`value[x]`)
    /// the one type that name stands for.
    struct Member: Sendable {
        var element: Element
        var type: String?
        /// `value[x]` for every `valueQuantity`, `valueString`…: one per object.
        var choice: String?
    }

    struct Index: Sendable {
        /// Children of each path (a type name, or an element path for a backbone element).
        var members: [String: [String: Member]] = [:]
        var resources: Set<String> = []
    }

    static let index: Index = {
        var index = Index()
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5 else { continue }
            if fields[1] == "resource" { index.resources.insert(fields[0]); continue }
            let path = fields[0]
            guard let dot = path.lastIndex(of: ".") else { continue }
            let parent = String(path[..<dot])
            let name = String(path[path.index(after: dot)...])
            var element = Element(path: path, min: Int(fields[1]) ?? 0, repeats: fields[2] == "*", types: [], contentReference: nil,
                                  codes: fields[4].isEmpty ? nil : Set(fields[4].split(separator: ",").map(String.init)))
            if fields[3].hasPrefix("@") {
                element.contentReference = String(fields[3].dropFirst())
            } else {
                element.types = fields[3].split(separator: ",").map(String.init)
            }
            if name.hasSuffix("[x]") {
                let base = String(name.dropLast(3))
                for type in element.types {
                    index.members[parent, default: [:]][base + type.prefix(1).uppercased() + type.dropFirst()] = Member(element: element, type: type, choice: name)
                }
            } else {
                index.members[parent, default: [:]][name] = Member(element: element, type: nil, choice: nil)
            }
        }
        return index
    }()
}

/// Checks a resource against the R4 structure of its type: known elements only, cardinality
/// (required elements, arrays exactly where an element repeats), one `value[x]`, primitive
/// formats, no `null` nor empty values, required-binding codes. Each problem names its path
/// (`Observation.valueQuantity.value`, `DocumentReference.content[0].attachment.contentType`).
struct StructureValidator {
    struct Issue: Equatable, Sendable, CustomStringConvertible {
        var path: String
        var message: String
        var description: String { "\(path): \(message)" }
    }

    private(set) var issues: [Issue] = []

    /// The issues of `json` as a resource of `type` (empty when valid).
    static func validate(_ json: JSON, type: String) -> [Issue] {
        var validator = StructureValidator()
        guard R4Structure.index.resources.contains(type) else {
            return [Issue(path: type, message: "not a resource type this server keeps")]
        }
        guard case .object(let object) = json else { return [Issue(path: type, message: "a resource is a JSON object")] }
        validator.object(object, definition: type, path: type, isResource: true)
        return validator.issues
    }

    private mutating func fail(_ path: String, _ message: String) {
        if issues.count < 20 { issues.append(Issue(path: path, message: message)) }
    }

    private mutating func object(_ object: JSONObject, definition: String, path: String, isResource: Bool = false) {
        guard let members = R4Structure.index.members[definition] else { return }
        var choices: [String: String] = [:]
        var present: Set<String> = []
        for (key, value) in object {
            if isResource, key == "resourceType" { continue }
            if key.hasPrefix("_"), members[String(key.dropFirst())] != nil {
                // A primitive's id and extensions: an object (or an array of them, or nulls).
                continue
            }
            guard let member = members[key] else {
                fail("\(path).\(key)", "unknown element")
                continue
            }
            if let choice = member.choice {
                if let other = choices[choice] {
                    fail("\(path).\(key)", "only one of \(choice) is allowed (also \(other))")
                    continue
                }
                choices[choice] = key
            }
            present.insert(member.choice ?? key)
            let elementPath = "\(path).\(key)"
            switch value {
            case .null:
                fail(elementPath, "null is not a value")
            case .array(let items):
                guard member.element.repeats else {
                    fail(elementPath, "a single value is expected, not an array")
                    continue
                }
                if items.isEmpty { fail(elementPath, "an empty array is not a value (leave the element out)") }
                for (offset, item) in items.enumerated() {
                    self.value(item, member: member, path: "\(elementPath)[\(offset)]")
                }
            default:
                if member.element.repeats {
                    fail(elementPath, "an array is expected (the element repeats)")
                    continue
                }
                self.value(value, member: member, path: elementPath)
            }
        }
        var required: Set<String> = []
        for (name, member) in members where member.element.min > 0 { required.insert(member.choice ?? name) }
        for name in required.subtracting(present).sorted() {
            fail("\(path).\(name)", "required element missing")
        }
    }

    private mutating func value(_ value: JSON, member: R4Structure.Member, path: String) {
        let element = member.element
        if case .null = value { fail(path, "null is not a value"); return }
        if let reference = element.contentReference {
            guard case .object(let object) = value else { fail(path, "an object is expected"); return }
            self.object(object, definition: reference, path: path)
            return
        }
        let types = member.type.map { [$0] } ?? element.types
        guard let type = types.first else { return }
        if let kind = Primitive(rawValue: type) {
            if let problem = kind.problem(with: value) { fail(path, problem); return }
            if let codes = element.codes, let code = value.stringValue, !codes.contains(code) {
                fail(path, "\(code) is not one of \(codes.sorted().joined(separator: ", "))")
            }
            return
        }
        guard case .object(let object) = value else { fail(path, "an object (\(type)) is expected"); return }
        if object.isEmpty { fail(path, "an empty object is not a value") }
        switch type {
        case "BackboneElement", "Element":
            self.object(object, definition: element.path, path: path)
        case "Resource":
            guard let contained = object["resourceType"]?.stringValue else { fail(path, "a contained resource needs its resourceType"); return }
            if R4Structure.index.resources.contains(contained) { self.object(object, definition: contained, path: path, isResource: true) }
        default:
            self.object(object, definition: type, path: path)
            if let codes = element.codes {
                let given = type == "Coding" ? [value] : (object["coding"]?.elements ?? [])
                let known = given.compactMap { $0["code"]?.stringValue }
                if !known.contains(where: codes.contains) {
                    fail(path, "a code of \(codes.sorted().joined(separator: ", ")) is required")
                }
            }
        }
    }
}

/// The R4 primitive types and their JSON form (FHIR R4 §2.24.0.1 and the JSON representation).
enum Primitive: String {
    case base64Binary, boolean, canonical, code, date, dateTime, decimal, id, instant, integer, markdown, oid, positiveInt
    case string, time, unsignedInt, uri, url, uuid, xhtml

    func problem(with value: JSON) -> String? {
        switch self {
        case .boolean:
            return value.boolValue == nil ? "true or false is expected" : nil
        case .decimal:
            return value.doubleValue == nil || value.stringValue != nil ? "a number is expected" : nil
        case .integer, .positiveInt, .unsignedInt:
            guard let number = value.intValue, abs(number) <= 2_147_483_647 else { return "an integer is expected" }
            if self == .positiveInt, number < 1 { return "a positive integer is expected" }
            if self == .unsignedInt, number < 0 { return "a non-negative integer is expected" }
            return nil
        default:
            guard let text = value.stringValue else { return "a string is expected" }
            guard !text.isEmpty else { return "an empty string is not a value (leave the element out)" }
            return textProblem(text)
        }
    }

    private func textProblem(_ text: String) -> String? {
        switch self {
        case .string, .markdown:
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "a string of spaces is not a value" : nil
        case .code:
            return text.first == " " || text.last == " " || text.contains("  ") || text.contains(where: { $0.isNewline || $0 == "\t" })
                ? "a code has no leading, trailing or repeated spaces" : nil
        case .id:
            return text.count <= 64 && text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) ? nil : "not an id"
        case .uri, .url, .canonical:
            return text.contains(where: { $0.isWhitespace }) ? "a URI has no spaces" : nil
        case .oid:
            return text.hasPrefix("urn:oid:") ? nil : "an OID is urn:oid:…"
        case .uuid:
            return text.hasPrefix("urn:uuid:") ? nil : "a UUID is urn:uuid:…"
        case .base64Binary:
            return Data(base64Encoded: text) == nil ? "not base64" : nil
        case .xhtml:
            return text.hasPrefix("<div") ? nil : "narrative XHTML is a <div>"
        case .date:
            return Self.isDate(text, allowTime: false, requireTime: false) ? nil : "not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"
        case .dateTime:
            return Self.isDate(text, allowTime: true, requireTime: false) ? nil : "not a FHIR dateTime"
        case .instant:
            return Self.isDate(text, allowTime: true, requireTime: true) ? nil : "not a FHIR instant (date, time to the second, zone)"
        case .time:
            return Self.isTime(Substring(text)) ? nil : "not a FHIR time (hh:mm:ss)"
        default:
            return nil
        }
    }

    private static func digits(_ text: Substring, _ count: Int) -> Bool { text.count == count && text.allSatisfy { $0.isASCII && $0.isNumber } }

    static func isTime(_ text: Substring) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, digits(parts[0], 2), digits(parts[1], 2), let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60 else {
            return false
        }
        let seconds = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard digits(seconds[0], 2), let second = Int(seconds[0]), second <= 60 else { return false }
        return seconds.count == 1 || (!seconds[1].isEmpty && seconds[1].allSatisfy { $0.isASCII && $0.isNumber })
    }

    /// `YYYY[-MM[-DD[Thh:mm:ss[.s](Z|±hh:mm)]]]`, months and days in range.
    static func isDate(_ text: String, allowTime: Bool, requireTime: Bool) -> Bool {
        let halves = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(date.count), digits(date[0], 4), let year = Int(date[0]), year > 0 else { return false }
        if date.count >= 2 { guard digits(date[1], 2), let month = Int(date[1]), (1...12).contains(month) else { return false } }
        if date.count == 3 { guard digits(date[2], 2), let day = Int(date[2]), (1...31).contains(day) else { return false } }
        guard halves.count == 2 else { return !requireTime }
        guard allowTime, date.count == 3 else { return false }
        var time = halves[1]
        if time.hasSuffix("Z") {
            time = time.dropLast()
        } else {
            guard time.count > 6 else { return false }
            let zone = time.suffix(6)
            guard zone.first == "+" || zone.first == "-", zone.dropFirst(3).first == ":",
                  digits(zone.dropFirst().prefix(2), 2), digits(zone.suffix(2), 2) else { return false }
            time = time.dropLast(6)
        }
        return isTime(time)
    }
}
