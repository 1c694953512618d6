import CLI
import Crypto
import Foundation
@testable import mes
import Sync
import TestSupport
import Vault
import XCTest

/// Every `--json` output of the real `mes`, on a vault synced with a real `mes-server` (the demo
/// world), checked against the schema Docs/json-schema.json — the machine-readable half of
/// Docs/json.md — so that the documentation and the programs cannot drift: a command that has
/// `--json` but no schema, no section in Docs/json.md or no invocation here fails; a field the
/// schema does not name, a required one missing or of another type fails.
final class CommandJSONSchemaTests: XCTestCase, @unchecked Sendable {
    /// How each command with `--json` is run here (besides `--json`).
    static let invocations: [String: [String]] = [
        "documents list": ["documents", "list"],
        "documents search": ["documents", "search", "bilan"],
        "documents show": ["documents", "show", "doc-bio-recent"],
        "documents history": ["documents", "history", "doc-bio-recent"],
        "status": ["status"],
        "conflicts": ["conflicts"],
        "access code": ["access", "code", "--rubriques", "documents,vaccinations"],
        "access list": ["access", "list"],
        "access blocked": ["access", "blocked"],
        "access directory": ["access", "directory", "Bernard"],
        "access emergency": ["access", "emergency"],
        "access masked": ["access", "masked"],
        "history": ["history"],
        "services list": ["services", "list"],
        "agenda list": ["agenda", "list", "--from", "2000-01-01", "--to", "2099-12-31"],
        "prevention list": ["prevention", "list"],
        "messages list": ["messages", "list"],
        "messages show": ["messages", "show", "msg-bio"],
        "messages drafts": ["messages", "drafts"],
        "messages pharmacy list": ["messages", "pharmacy", "list"],
        "profile show": ["profile", "show"],
        "measures list": ["measures", "list"],
        "config list": ["config", "list"],
        "spaces list": ["spaces", "list"],
        "spaces lost": ["spaces", "lost"],
        "aidants list": ["aidants", "list"],
        "invitations list": ["invitations", "list"],
        "version": ["version"],
    ]

    /// Outputs the demo world leaves empty (their items are still checked by the schema's shape
    /// when there are some; here only the envelope and the empty list are).
    static let mayBeEmpty: Set<String> = ["conflicts", "spaces lost", "invitations list"]

    var server: TestServer!
    var home: TemporaryDirectory!

    override func setUp() async throws {
        server = try TestServer()
        home = try TemporaryDirectory(prefix: "mes-json")
        let (vault, _) = try Vault.create(in: VaultDirectory(home.url.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("phrase de test".utf8)), keyDerivation: .fixed(.minimumForTests))
        let account = try await Account.login(server: server.url, identifier: Demo.holder.identifier, password: Demo.holder.password,
                                              oneTimeCode: { [server] in try server!.oneTimeCode(for: Demo.holder.identifier) })
        try account.save(in: vault)
        let report = await SyncEngine(vault: vault).sync()
        XCTAssertEqual(report.outcome, .complete)
        vault.close()
        try Data("phrase de test\n".utf8).write(to: home.url.appendingPathComponent("passphrase"))
    }

    override func tearDown() {
        server = nil
        home?.remove()
    }

    func mes(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(BuiltProducts.path("mes"), arguments + ["--home", home.url.appendingPathComponent("vault").path,
                                                                       "--passphrase-file", home.url.appendingPathComponent("passphrase").path],
                              environment: ProcessRunner.environment(["LANG": "fr_FR.UTF-8", "MES_SHARE_DIR": BuiltProducts.repository.path,
                                                                      "XDG_CONFIG_HOME": home.url.appendingPathComponent("config").path]))
    }

    static func schema() throws -> [String: Any] {
        let url = BuiltProducts.repository.appendingPathComponent("Docs/json-schema.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The commands whose spec has `--json`: `mes`'s own and the built-in ones.
    static var commandsWithJSON: [String] {
        (MesCommands.all.map(\.spec) + Program.builtInCommands).filter { $0.options.contains { $0.name == "--json" } }.map(\.name)
    }

    func testTheSchemaTheDocAndTheCommandTableAgree() throws {
        let schema = try Self.schema()
        XCTAssertEqual(schema["mes_json"] as? Int, MesJSON.version)
        let documented = Set(try XCTUnwrap(schema["commands"] as? [String: Any]).keys)
        let withJSON = Set(Self.commandsWithJSON)
        XCTAssertEqual(withJSON.subtracting(documented), [], "commands with --json missing from Docs/json-schema.json")
        XCTAssertEqual(documented.subtracting(withJSON), [], "Docs/json-schema.json names commands without --json")
        XCTAssertEqual(withJSON.subtracting(Self.invocations.keys), [], "commands with --json this test does not run")
        let doc = try String(contentsOf: BuiltProducts.repository.appendingPathComponent("Docs/json.md"), encoding: .utf8)
        for name in withJSON.sorted() {
            guard let section = Self.section(of: name, in: doc) else {
                XCTFail("Docs/json.md has no section \"### `mes \(name) --json`\"")
                continue
            }
            let commands = try XCTUnwrap(schema["commands"] as? [String: Any])
            for field in Self.fieldNames(commands[name]) where !section.contains("`\(field)`") && !section.contains(".\(field)`") {
                XCTFail("Docs/json.md, `mes \(name) --json`, does not describe the field \(field)")
            }
        }
    }

    func testEveryJSONOutputMatchesTheDocumentedSchema() throws {
        // Something in the lists that the demo world leaves empty.
        XCTAssertEqual(try mes(["access", "block", "10003456782"]).status, 0)
        try Data("Merci, à bientôt.\n".utf8).write(to: home.url.appendingPathComponent("reply.txt"))
        XCTAssertEqual(try mes(["messages", "reply", "msg-bio", "--draft", "--body-file", home.url.appendingPathComponent("reply.txt").path]).status, 0)
        XCTAssertEqual(try mes(["sync"]).status, 0)

        let commands = try XCTUnwrap(try Self.schema()["commands"] as? [String: Any])
        // `access code` first: `access list` then shows the code waiting to be used.
        for name in ["access code"] + Self.invocations.keys.sorted().filter({ $0 != "access code" }) {
            let arguments = try XCTUnwrap(Self.invocations[name])
            let result = try mes(arguments + ["--json"])
            XCTAssertEqual(result.status, 0, "\(name): \(result.standardError)")
            let data: Any
            do { data = try MesJSON.data(result.standardOutput) } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            let problems = Self.problems(data, against: try XCTUnwrap(commands[name] as? [String: Any]), at: name)
            XCTAssertEqual(problems, [], "\(name): \(result.standardOutput.prefix(600))")
            if let list = data as? [Any], list.isEmpty, !Self.mayBeEmpty.contains(name) {
                XCTFail("\(name): an empty list checks nothing")
            }
        }
    }

    func testTheValidatorRefusesWhatTheSchemaDoesNotSay() throws {
        let commands = try XCTUnwrap(try Self.schema()["commands"] as? [String: Any])
        let spaces = try XCTUnwrap(commands["spaces list"] as? [String: Any])
        let good: [String: Any] = ["id": "helene", "name": "H", "relation": "own", "active": true, "rubriques": NSNull(), "until": NSNull()]
        XCTAssertEqual(Self.problems([good], against: spaces, at: "s"), [])
        var extra = good
        extra["secret"] = "x"
        XCTAssertEqual(Self.problems([extra], against: spaces, at: "s"), ["s[0]: field secret is not documented"])
        var missing = good
        missing["name"] = nil
        XCTAssertEqual(Self.problems([missing], against: spaces, at: "s"), ["s[0]: required field name is missing"])
        var wrong = good
        wrong["active"] = "yes"
        XCTAssertEqual(Self.problems([wrong], against: spaces, at: "s"), ["s[0].active: string where the schema says boolean"])
    }

    func testQuietSilencesProgressAndInformationButNotErrors() throws {
        let sync = try mes(["sync", "--quiet"])
        XCTAssertEqual(sync.status, 0, sync.standardError)
        XCTAssertEqual(sync.standardOutput, "", "no summary with --quiet")
        XCTAssertEqual(sync.standardError, "", "no progress off a terminal, nothing informational")
        let loud = try mes(["sync"])
        XCTAssertTrue(loud.standardOutput.contains("Reçus"), loud.standardOutput)
        XCTAssertEqual(loud.standardError, "", "progress only on a terminal")
        let missing = try mes(["documents", "show", "no-such-document", "--quiet"])
        XCTAssertEqual(missing.status, 8)
        XCTAssertFalse(missing.standardError.isEmpty, "errors are still shown")
        let json = try mes(["status", "--json", "--quiet"])
        XCTAssertEqual(json.status, 0)
        XCTAssertNoThrow(try MesJSON.data(json.standardOutput), "the answer itself is not silenced")
        // A change confirms in words; quiet, a creating command prints only the new id.
        let added = try mes(["agenda", "add", "--type", "rappel", "--title", "Tension", "--date", "2027-01-05", "--quiet"])
        XCTAssertEqual(added.status, 0, added.standardError)
        let id = added.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(id.isEmpty || id.contains(" "), "only the id: \(added.standardOutput)")
        let deleted = try mes(["agenda", "delete", id, "--quiet"])
        XCTAssertEqual(deleted.status, 0, deleted.standardError)
        XCTAssertEqual(deleted.standardOutput, "", "a confirmation is silenced")
        let loudDelete = try mes(["agenda", "delete", id])
        XCTAssertNotEqual(loudDelete.status, 0, "already deleted")
    }

    // MARK: The schema subset

    /// Checks `value` against `schema` (type, properties, required, additionalProperties,
    /// items): one line per problem.
    static func problems(_ value: Any, against schema: [String: Any], at path: String) -> [String] {
        let types = (schema["type"] as? [String]) ?? [(schema["type"] as? String) ?? "any"]
        let actual = typeName(value)
        guard types.contains("any") || types.contains(actual) || (actual == "integer" && types.contains("number")) else {
            return ["\(path): \(actual) where the schema says \(types.joined(separator: " or "))"]
        }
        var problems: [String] = []
        if let object = value as? [String: Any], actual == "object" {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for required in (schema["required"] as? [String] ?? []) where object[required] == nil {
                problems.append("\(path): required field \(required) is missing")
            }
            for (key, item) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    problems += Self.problems(item, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += Self.problems(item, against: additional, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): field \(key) is not documented")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { problems += Self.problems(item, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            // JSONSerialization's booleans are NSNumbers of type `c`; its fractions `d`.
            switch String(cString: number.objCType) {
            case "c", "B": return "boolean"
            case "d", "f": return "number"
            default: return "integer"
            }
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    /// Every property name in a schema, nested ones included.
    static func fieldNames(_ schema: Any?) -> Set<String> {
        guard let schema = schema as? [String: Any] else { return [] }
        var names: Set<String> = []
        if let properties = schema["properties"] as? [String: Any] {
            for (key, value) in properties { names.insert(key); names.formUnion(fieldNames(value)) }
        }
        names.formUnion(fieldNames(schema["items"]))
        return names
    }

    /// The text of Docs/json.md under "### `mes NAME --json`", up to the next heading.
    static func section(of name: String, in doc: String) -> String? {
        guard let start = doc.range(of: "### `mes \(name) --json`\n") else { return nil }
        let rest = doc[start.upperBound...]
        let end = rest.range(of: "\n#")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }
}
