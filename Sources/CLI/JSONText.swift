/// JSON for the terminal. JSON writers (Foundation's, the FHIR module's) escape C0 controls but
/// print the rest of Unicode raw, including characters a terminal or a viewer may obey rather
/// than show. Every JSON the programs print passes `escapingControls` first.
public enum JSONText {
    /// `json` with DEL, C1 controls (U+0080–U+009F: a UTF-8 terminal may take U+009B for CSI),
    /// bidi controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069) and the line and
    /// paragraph separators U+2028/U+2029 written as `\uXXXX`. Outside string literals valid
    /// JSON holds only ASCII, so this only ever rewrites inside strings, and every JSON reader
    /// decodes the escapes back to the same text. (Text that is not JSON must not be passed:
    /// use the sanitiser.)
    public static func escapingControls(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { mustEscape($0.value) }) else { return json }
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            guard mustEscape(scalar.value) else {
                result.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            result.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
        }
        return String(result)
    }

    /// The characters `escapingControls` rewrites.
    public static func mustEscape(_ value: UInt32) -> Bool {
        value == 0x7F || (0x80...0x9F).contains(value) || value == 0x061C || value == 0x200E || value == 0x200F
            || (0x2028...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}

extension JSONText {
    /// The version of the `--json` outputs' shape (Docs/json.md, Docs/json-schema.json). It
    /// changes only when a field is removed or changes meaning; new fields may appear in any
    /// version.
    public static let formatVersion = 1

    /// `payload` (JSON text) in the envelope every `--json` output has:
    /// `{"mes_json":1,"data":PAYLOAD}` — the version first, so a script can check it before
    /// reading on.
    public static func document(_ payload: String) -> String {
        "{\"mes_json\":\(formatVersion),\"data\":\(payload)}"
    }
}
