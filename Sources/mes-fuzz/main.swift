// mes-fuzz: libFuzzer harnesses (issue 21). Built only by `make fuzz`, with `-sanitize=address`,
// coverage instrumentation and `-D FUZZING`; libFuzzer's driver (`LLVMFuzzerRunDriver`, from
// `libclang_rt.fuzzer_no_main`) runs the harness named by `MES_FUZZ_TARGET`. An ordinary build
// compiles a program that only says how to build it.
#if FUZZING
@testable import Documents
import FHIR
import Foundation
import ICalendar
import L10n
import MedicalProfile
@testable import Server
import TerminalUI
@testable import Vault

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// Each harness takes the fuzzer's bytes; anything but a crash, a hang or a sanitizer report passes.
enum Harness {
    static func fhirJSON(_ bytes: [UInt8]) {
        guard let json = try? JSON(parsing: bytes) else { return }
        _ = json.serialized()
        _ = try? JSON(parsing: json.serialized())
        guard let resource = try? Resource(parsing: bytes) else { return }
        _ = try? DocumentReference(resource)
        _ = try? FHIRBundle(resource)
        _ = OperationOutcome(resource)
        _ = resource.serialized()
    }

    static func poCatalogue(_ bytes: [UInt8]) {
        _ = try? POCatalogue(parsing: String(decoding: bytes, as: UTF8.self))
    }

    static func sanitizer(_ bytes: [UInt8]) {
        let text = Sanitizer.sanitize(bytes: bytes)
        _ = Sanitizer.sanitize(bytes: bytes, policy: .name)
        _ = Sanitizer.lines(String(decoding: bytes, as: UTF8.self))
        _ = DisplayWidth.of(text)
        for character in text { _ = DisplayWidth.of(character) }
        // The sanitiser's promise: nothing it returns is a control.
        precondition(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E })
    }

    static func rtf(_ bytes: [UInt8]) {
        _ = RTFText.plainText(bytes)
    }

    /// "METHOD PATH?QUERY\n", header lines, a blank line, then the body.
    static func serverRequest(_ bytes: [UInt8]) {
        let split = bytes.firstRange(of: [0x0A, 0x0A])
        let head = String(decoding: bytes[..<(split?.lowerBound ?? bytes.endIndex)], as: UTF8.self)
        let body = split.map { Array(bytes[$0.upperBound...]) } ?? []
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return }
        let requestLine = lines.removeFirst().split(separator: " ", maxSplits: 1).map(String.init)
        guard requestLine.count == 2 else { return }
        // (Empty pieces kept: "U ?" and a bare "=" trapped the harness itself.)
        let target = requestLine[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let query = target.count > 1 ? target[1].split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        } : []
        var headers: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let request = HTTPRequest(method: requestLine[0], path: target[0], query: query, headers: headers, body: body)
        _ = ServerUnderFuzz.router.handle(request)
    }

    static func keySlots(_ bytes: [UInt8]) {
        _ = try? KeyFile.decode(bytes)
    }

    /// The iCalendar importer (libical underneath): a `.ics` file, recurrences expanded.
    static func iCalendar(_ bytes: [UInt8]) {
        _ = try? ICalendar.read(bytes, from: Date(timeIntervalSince1970: 1_767_225_600), to: Date(timeIntervalSince1970: 1_798_761_600))
    }

    /// The measures importer: the same bytes as a CSV file and as a FHIR Bundle.
    static func measuresImport(_ bytes: [UInt8]) {
        _ = try? MeasuresUnderFuzz.book.previewCSV(String(decoding: bytes, as: UTF8.self))
        _ = try? MeasuresUnderFuzz.book.previewBundle(bytes)
    }

    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "fhir-json": fhirJSON, "po": poCatalogue, "sanitizer": sanitizer, "rtf": rtf, "server-request": serverRequest,
        "key-slots": keySlots, "icalendar": iCalendar, "measures-import": measuresImport,
    ]
}

/// One server on a private data directory (seeded with the demo world), shared by all runs.
enum ServerUnderFuzz {
    static let router: Router = {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mes-fuzz-server-\(getpid())")
        // Removed when libFuzzer exits (its run ends, or it stops at a crash through exit()).
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("mes-fuzz-server-\(getpid())")) }
        let app = try! ServerApp(dataDirectory: data, settings: ServerSettings())
        _ = try! app.seed(SeedPlan("demo")!)
        return Router(context: ServerContext(store: app.store, clock: app.clock, settings: app.settings, dataDirectory: data),
                      scheme: "http")
    }()
}

/// An ephemeral vault (key in memory, files removed at exit) the measures importer reads for
/// duplicates.
enum MeasuresUnderFuzz {
    static let book = MeasureBook(vault: try! Vault.ephemeral(), profileID: "fuzz")
}

nonisolated(unsafe) var selected: ([UInt8]) -> Void = { _ in }

let name = ProcessInfo.processInfo.environment["MES_FUZZ_TARGET"] ?? ""
guard let harness = Harness.all[name] else {
    FileHandle.standardError.write(Data("MES_FUZZ_TARGET must be one of: \(Harness.all.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}
selected = harness
if name == "server-request" { _ = ServerUnderFuzz.router }
if name == "measures-import" { _ = MeasuresUnderFuzz.book }
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})
#else
print("mes-fuzz is built by `make fuzz TARGET=… SECONDS=…` (libFuzzer, address sanitizer).")
#endif
