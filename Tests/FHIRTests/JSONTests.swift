@testable import FHIR
import XCTest

final class JSONTests: XCTestCase {
    func testRoundTripKeepsMemberOrderAndNumberLiterals() throws {
        let text = #"{"resourceType":"Observation","id":"a","valueQuantity":{"value":1.50,"unit":"g/L"},"z":[true,false,null,-0.5e3],"a":"\u00e9\n"}"#
        let json = try JSON(parsing: text)
        XCTAssertEqual(json["valueQuantity"]?["value"]?.doubleValue, 1.5)
        XCTAssertEqual(json.text, #"{"resourceType":"Observation","id":"a","valueQuantity":{"value":1.50,"unit":"g/L"},"z":[true,false,null,-0.5e3],"a":"é\n"}"#)
        XCTAssertEqual(try JSON(parsing: json.serialized()), json)
    }

    func testObjectEqualityIgnoresOrderButOutputDoesNot() throws {
        let a = try JSON(parsing: #"{"a":1,"b":2}"#)
        let b = try JSON(parsing: #"{"b":2,"a":1}"#)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.text, b.text)
    }

    func testStrictParsingRefusesWhatFHIRForbids() {
        let cases: [(String, JSONParseError.Reason)] = [
            (#"{"a":1,"a":2}"#, .duplicateKey),
            (#"{"a":1,}"#, .unexpectedCharacter),
            (#"[01]"#, .invalidNumber),
            (#"{"a":"\ud800"}"#, .invalidString),
            ("{\"a\":\"\u{01}\"}", .invalidString),
            (#"{"a":1} x"#, .trailingData),
            (#"{"a":"#, .unexpectedEnd),
            (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .tooDeep),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try JSON(parsing: text), text) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, reason, text)
            }
        }
        // Invalid UTF-8 of every shape, including a truncated sequence whose repair (one U+FFFD)
        // is as long as itself, and an escaped string.
        let invalid: [[UInt8]] = [[0xFF], [0xF0, 0x9F, 0x98], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80],
                                  [0x61, 0xF0, 0x9F, 0x98, 0x62], [0xF4, 0x90, 0x80, 0x80], [0x5C, 0x6E, 0xE2, 0x82],
                                  Array("0123456789".utf8) + [0xFF], [0xFF] + Array("0123456789abcdef".utf8), Array("01234567".utf8) + [0xC3]]
        for bytes in invalid {
            XCTAssertThrowsError(try JSON(parsing: [0x22] + bytes + [0x22]), "\(bytes)") { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, .invalidUTF8)
            }
        }
        // Valid text, with a literal U+FFFD among it, reads as itself.
        for text in ["", "abc", "é", "\u{FFFD}", "x\u{FFFD}y😀", "Hélène Martineau — CR d'IRM", "0123456789abcdef", "0123456789abcdeé",
                     "é0123456789abcdef", String(repeating: "ascii only, longer than a word ", count: 9)] {
            XCTAssertEqual(try JSON(parsing: Array("\"\(text)\"".utf8)), .string(text))
        }
    }

    func testKeptBytesAreEachResourceAsWrittenAndNothingElse() throws {
        // Spaces, escapes the writer would spell otherwise, nested and misplaced "resource"
        // members: only root.changes[n].resource is kept, byte for byte.
        let first = #"{ "resourceType" : "Observation", "id":"a", "note":[{"text":"caf\u00e9 \/ \"x\""}], "resource":{"x":1} }"#
        let second = #"[1, 2.50, {"resource":null}]"#
        let text = #"{"resource":{"no":1},"cursor":"c","changes":[ {"id":"1","resource":"# + first + #"}, {"id":"2"},"#
            + #" {"other":{"resource":{"no":2}},"resource":   "# + second + #" } ],"more":false,"x":[{"resource":{"no":3}}]}"#
        let bytes = Array(text.utf8)
        let (json, kept) = try JSON.parse(bytes, keepingBytesOf: "resource", in: "changes")
        XCTAssertEqual(json, try JSON(parsing: text))
        XCTAssertEqual(kept.map { String(decoding: $0, as: UTF8.self) }, [first, second])
        // Each kept span reads back as the value in the tree (the re-serialized resource).
        let values = json["changes"]?.elements.compactMap { $0["resource"] } ?? []
        XCTAssertEqual(values.count, 2)
        for (span, value) in zip(kept, values) {
            XCTAssertEqual(try JSON(parsing: span), value)
            XCTAssertEqual(try JSON(parsing: value.serialized()), try JSON(parsing: span))
        }
        // A compact text keeps exactly the compact form of each resource.
        let compact = json.serialized()
        let (_, compactKept) = try JSON.parse(compact, keepingBytesOf: "resource", in: "changes")
        XCTAssertEqual(compactKept.map(Array.init), values.map { $0.serialized() })
        // The strict checks hold while keeping.
        XCTAssertThrowsError(try JSON.parse(Array(#"{"changes":[{"resource":{"a":1,"a":2}}]}"#.utf8), keepingBytesOf: "resource", in: "changes"))
        XCTAssertThrowsError(try JSON.parse([0x7B, 0x22, 0x63, 0x68, 0x61, 0x6E, 0x67, 0x65, 0x73, 0x22, 0x3A, 0x5B, 0x22, 0xFF, 0x22, 0x5D, 0x7D],
                                            keepingBytesOf: "resource", in: "changes"))
    }

    func testNestedObjectsAndArraysAreEachTheirOwn() throws {
        // Members and elements of nested values are read on shared stacks: an inner object may
        // reuse an outer member's name, and each value ends up with exactly its own members.
        let text = #"{"a":1,"b":{"a":[{"a":2,"b":[]},[3,[4,{}]],{"c":{"a":null}}],"b":"x"},"c":[[],[[]]]}"#
        let expected: JSON = ["a": 1, "b": ["a": [["a": 2, "b": []], [3, [4, .object(JSONObject())]], ["c": ["a": .null]]], "b": "x"],
                              "c": [[], [[]]]]
        XCTAssertEqual(try JSON(parsing: text), expected)
        XCTAssertEqual(try JSON(parsing: text).text, text)
        XCTAssertThrowsError(try JSON(parsing: #"{"a":1,"b":{"a":2,"c":[{"d":1}],"a":3}}"#)) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .duplicateKey)
        }
        let wide = (0..<20).map { "\"k\($0)\":{\"k\($0)\":[\($0)]}" }.joined(separator: ",")
        XCTAssertEqual(try JSON(parsing: "{\(wide)}").objectValue?.count, 20)
        // More pending values than the stacks first hold, and a failure with many of them pending.
        let long = "[" + (0..<300).map { "[\($0),{\"k\($0)\":[" + (0..<70).map(String.init).joined(separator: ",") + "]}]" }.joined(separator: ",") + "]"
        let parsed = try JSON(parsing: long)
        XCTAssertEqual(parsed.arrayValue?.count, 300)
        XCTAssertEqual(parsed[299]?[1]?["k299"]?[69], 69)
        XCTAssertEqual(parsed.text, long)
        XCTAssertThrowsError(try JSON(parsing: String(long.dropLast(3))))
    }

    func testTextIsReadInPlaceFromAnyCollection() throws {
        // Arrays, Data, a Data slice (its indices do not start at 0) and a collection without
        // contiguous storage read the same, with the same error offsets.
        let text = #"{"changes":[{"resource":{"a":"é","b":[1.50]}}],"x":null}"#
        let bytes = Array(text.utf8)
        let padded = Data([0x20, 0x20, 0x20] + bytes)
        let expected = try JSON(parsing: bytes)
        XCTAssertEqual(try JSON(parsing: Data(bytes)), expected)
        XCTAssertEqual(try JSON(parsing: padded[3...]), expected)
        XCTAssertEqual(try JSON(parsing: bytes.lazy.map { $0 }), expected)
        let kept = try JSON.parse(padded[3...], keepingBytesOf: "resource", in: "changes").kept
        XCTAssertEqual(kept, [Array(#"{"a":"é","b":[1.50]}"#.utf8)])
        let broken = Array(#"{"a":[1,}"#.utf8)
        for input in [AnyCollection(broken), AnyCollection(Data(broken)), AnyCollection(Data([0x7B] + broken)[1...])] {
            XCTAssertThrowsError(try JSON(parsing: input)) { error in
                XCTAssertEqual(error as? JSONParseError, JSONParseError(reason: .unexpectedCharacter, offset: 8))
            }
        }
    }

    func testDuplicateKeysAreFoundInLargeObjectsToo() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        XCTAssertNoThrow(try JSON(parsing: "{\(members)}"))
        XCTAssertThrowsError(try JSON(parsing: "{\(members),\"k7\":0}"))
    }

    func testSurrogatePairsAndEscapes() throws {
        let json = try JSON(parsing: #"["\ud83d\ude00","\"\\\/\b\f\t"]"#)
        XCTAssertEqual(json[0]?.stringValue, "😀")
        XCTAssertEqual(json[1]?.stringValue, "\"\\/\u{08}\u{0C}\t")
        XCTAssertEqual(JSON.string("a\u{01}b").text, #""a\u0001b""#)
    }

    func testStringsAreWrittenByRunsWithEveryEscape() throws {
        // Plain runs copied at once, escapes in between, at the start and at the end (issue 20).
        let text = "\"début\" \\ é😀\n\r\t\u{01}\u{1F}fin\u{7F}\\"
        let written = JSON.string(text).text
        XCTAssertEqual(written, #""\"début\" \\ é😀\n\r\t\u0001\u001ffin\#u{7F}\\""#)
        XCTAssertEqual(try JSON(parsing: written).stringValue, text)
        XCTAssertEqual(JSON.string("").text, #""""#)
        XCTAssertEqual(JSON.string("plain").text, #""plain""#)
        let long = String(repeating: "abc\"", count: 5_000)
        XCTAssertEqual(try JSON(parsing: JSON.string(long).text).stringValue, long)
    }

    func testSHA256HexIsLowerCaseTwoDigitsPerByte() {
        XCTAssertEqual(DocumentMapping.hexString([0x00, 0x0f, 0xa0, 0xff, 0x12]), "000fa0ff12")
        XCTAssertEqual(DocumentMapping.hexString([]), "")
        let bytes = (0..<32).map { UInt8($0 * 8) }
        XCTAssertEqual(DocumentMapping.bytes(hex: DocumentMapping.hexString(bytes)), bytes)
    }

    func testBuildingWithLiteralsAndCompact() {
        let json: JSON = .compact(["b": 1, "a": .null, "c": .array([]), "d": "x"])
        XCTAssertEqual(json.text, #"{"b":1,"d":"x"}"#)
        var object: JSON = ["x": 1]
        object["y"] = true
        object["x"] = nil
        XCTAssertEqual(object.text, #"{"y":true}"#)
        XCTAssertEqual(JSON.double(2.0).text, "2")
        XCTAssertEqual(JSON.double(0.1).text, "0.1")
        XCTAssertNil(JSONNumber(literal: "1."))
        XCTAssertNotNil(JSONNumber(literal: "-12.5E+3"))
    }

    func testPrettyPrintingIsIndented() throws {
        let json: JSON = ["a": [1, 2], "b": ["c": "d"]]
        XCTAssertEqual(json.prettyPrinted(), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"d\"\n  }\n}\n")
    }
}
