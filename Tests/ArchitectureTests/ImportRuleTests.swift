import Foundation
import XCTest

/// The module dependency rules of `Docs/architecture.md`, enforced: every Swift file under
/// `Sources/<Module>/` may import only what its module's row below allows, `Package.swift`
/// declares no dependency outside that row, and every module it imports is declared. A new
/// module gets a row here and a line in `Docs/architecture.md`.
final class ImportRuleTests: XCTestCase {
    /// What each module may import, besides the platform (`platform` below). Arrows point down:
    /// nothing imports upward. C library and shim targets hold no Swift.
    static let allowed: [String: Set<String>] = [
        // Debian's C libraries and the shims.
        "CSodium": [], "CSQLite": [], "CNcursesw": [], "CMicroHTTPD": [], "CQREncode": [], "CICal": [], "CKeyutils": [],
        "SystemShim": [], "CursesShim": ["CNcursesw"], "MicroHTTPDShim": ["CMicroHTTPD"], "PDFShim": [],
        // Shared low level.
        "Crypto": ["CSodium"],
        "SQLite": ["CSQLite"],
        "L10n": [],
        "CLI": ["L10n", "Crypto"],
        "LocalServer": [],
        "ChildProcess": [],
        // The domain and the wire.
        "HealthRecord": [],
        "FHIR": ["HealthRecord"],
        "ICalendar": ["CICal", "HealthRecord"],
        // The client's core.
        "Vault": ["HealthRecord", "SQLite", "CSQLite", "CKeyutils", "Crypto", "L10n"],
        // Sync indexes contents as Documents' reader shows them.
        "Sync": ["Vault", "FHIR", "HealthRecord", "Crypto", "Documents", "FoundationNetworking"],
        // Use cases shared by the screens and the command line.
        "Documents": ["Vault", "FHIR", "HealthRecord", "L10n", "Crypto"],
        "Sharing": ["Sync", "Vault", "FHIR", "HealthRecord", "L10n", "Documents"],
        "Agenda": ["Vault", "HealthRecord", "ICalendar", "L10n", "Crypto"],
        "MedicalProfile": ["Vault", "HealthRecord", "L10n", "Documents", "FHIR", "PDFShim"],
        "Messaging": ["Documents", "Vault", "HealthRecord", "L10n"],
        // The terminal front: the toolkit knows nothing of health; the screens know the domain and
        // the use cases, never the vault, the wire or the sync engine (the program hands them closures).
        "TerminalUI": ["CNcursesw", "CursesShim", "CQREncode", "L10n"],
        "Features": ["TerminalUI", "L10n", "HealthRecord", "Crypto", "Documents", "Sharing", "Agenda", "Messaging", "MedicalProfile"],
        // The reference backend.
        "Server": ["FHIR", "HealthRecord", "SQLite", "Crypto", "L10n", "CMicroHTTPD", "MicroHTTPDShim", "PDFShim"],
        // Programs: they wire the modules together.
        "mes": ["CLI", "L10n", "SystemShim", "Crypto", "HealthRecord", "FHIR", "Vault", "Sync", "LocalServer",
                "Documents", "Sharing", "Agenda", "Messaging", "ICalendar", "TerminalUI", "Features", "MedicalProfile"],
        "mes-server": ["CLI", "L10n", "Server", "FHIR", "HealthRecord", "FoundationNetworking"],
        "mes-bench": ["Crypto", "SQLite", "L10n", "HealthRecord", "FHIR", "Vault", "Sync", "LocalServer", "Documents", "Agenda",
                      "Messaging", "TerminalUI", "CursesShim", "Features", "MedicalProfile", "ChildProcess"],
        "vault-crash-writer": ["Vault", "HealthRecord", "Crypto"],
        // libFuzzer harnesses (`make fuzz`): the parsers of every side, the server's included.
        "mes-fuzz": ["Documents", "FHIR", "ICalendar", "L10n", "MedicalProfile", "Server", "TerminalUI", "Vault"],
    ]

    /// The toolchain's own modules any module may use.
    static let platform: Set<String> = ["Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryImportIsAllowedForItsModule() throws {
        var broken: [String] = []
        for (module, files) in try Self.swiftFilesByModule() {
            guard let allowed = Self.allowed[module] else { continue }
            for file in files {
                for imported in try Self.imports(of: file) where !allowed.contains(imported) && !Self.platform.contains(imported) {
                    broken.append("\(file.path.dropFirst(Self.root.path.count + 1)) imports \(imported), outside \(module)'s list")
                }
            }
        }
        XCTAssertEqual(broken, [], "see Docs/architecture.md for what each module may import")
    }

    func testEveryModuleHasARule() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
            .filter { !$0.hasPrefix(".") }
        XCTAssertEqual(Set(modules).subtracting(Self.allowed.keys).sorted(), [],
                       "a new module needs its row in ImportRuleTests.allowed and in Docs/architecture.md")
        XCTAssertEqual(Set(Self.allowed.keys).subtracting(modules).sorted(), [], "a row for a module that no longer exists")
    }

    /// Package.swift agrees: a target declares nothing its row forbids, and declares every module
    /// its files import (so the graph SwiftPM builds is the one drawn).
    func testPackageDependenciesAgreeWithTheRules() throws {
        let declared = try Self.packageDependencies()
        XCTAssertGreaterThan(declared.count, 10, "Package.swift's targets were read")
        var broken: [String] = []
        for (module, dependencies) in declared where !module.hasSuffix("Tests") && module != "TestSupport" {
            guard let allowed = Self.allowed[module] else {
                broken.append("\(module) has no rule")
                continue
            }
            for dependency in dependencies.subtracting(allowed).sorted() {
                broken.append("Package.swift: \(module) depends on \(dependency), outside its list")
            }
        }
        for (module, files) in try Self.swiftFilesByModule() {
            let dependencies = declared[module] ?? []
            let imported = try files.reduce(into: Set<String>()) { $0.formUnion(try Self.imports(of: $1)) }
            for missing in imported.subtracting(dependencies).subtracting(Self.platform).subtracting(["FoundationNetworking"]).sorted() {
                broken.append("\(module) imports \(missing) without declaring it in Package.swift")
            }
        }
        XCTAssertEqual(broken, [])
    }

    /// The rule reader itself: every import form is seen, comments and strings are not imports.
    func testTheImportReaderSeesEveryForm() {
        let source = """
            import Foundation
            @testable import Vault
            @_implementationOnly import CSQLite
            public import FHIR
            import struct Sync.SyncEngine
            // import Server
              import   TerminalUI
            let text = "import Features"
            """
        XCTAssertEqual(Self.imports(in: source), ["Foundation", "Vault", "CSQLite", "FHIR", "Sync", "TerminalUI"])
    }

    // MARK: Reading the sources

    static func swiftFilesByModule() throws -> [String: [URL]] {
        let sources = root.appendingPathComponent("Sources")
        var result: [String: [URL]] = [:]
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) where !module.hasPrefix(".") {
            let folder = sources.appendingPathComponent(module)
            guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            result[module] = walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        }
        return result
    }

    static func imports(of file: URL) throws -> [String] {
        imports(in: try String(contentsOf: file, encoding: .utf8))
    }

    static func imports(in source: String) -> [String] {
        let pattern = #/^\s*(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?(\w+)/#
        return source.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            (try? pattern.prefixMatch(in: line)).map { String($0.1) }
        }
    }

    /// Each target of Package.swift and the names in its `dependencies` list.
    static func packageDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = #/\.(?:target|executableTarget|testTarget)\(\s*name:\s*"([^"]+)"(?:\s*,\s*dependencies:\s*\[([^\]]*)\])?/#
        let system = #/systemLibrary\("([^"]+)"/#
        var result: [String: Set<String>] = [:]
        for match in manifest.matches(of: target) {
            let names = (match.2.map(String.init) ?? "").matches(of: #/"([^"]+)"/#).map { String($0.1) }
            result[String(match.1)] = Set(names)
        }
        for match in manifest.matches(of: system) { result[String(match.1)] = [] }
        return result
    }
}
