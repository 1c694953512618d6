import Foundation

/// Reads a `--json` answer of `mes` (Docs/json.md): checks the envelope's version field and
/// returns what is under `data`.
public enum MesJSON {
    public struct NotAnEnvelope: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "not a mes --json envelope: \(text.prefix(200))" }
    }

    public static let version = 1

    public static func data(_ output: String) throws -> Any {
        guard let envelope = try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed]) as? [String: Any],
              envelope["mes_json"] as? Int == version, envelope.keys.sorted() == ["data", "mes_json"], let data = envelope["data"] else {
            throw NotAnEnvelope(text: output)
        }
        return data
    }
}
