import Foundation
import LocalServer

/// `mes-bench server [DOCUMENTS]`: a release `mes-server` with `synthetic:DOCUMENTS` (10,000 by
/// default), measured with `wrk` (2 threads, 16 connections, 8 s) on a read by id, a 50-entry
/// search page and a 50-entry category search — and, in the same run, `nginx` serving static
/// files of the same sizes, for the ratio. The machine's load (`/proc/loadavg`) is printed
/// before and after: other work on the machine moves the figures. The target: 3,000 requests/s
/// with p99 under 25 ms at 16 connections for both searches.
enum ServerBenchmark {
    static let target = 3000.0
    static let p99Budget = 25.0

    struct Figures {
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        var bytes: Int
    }

    static func run(_ arguments: [String]) throws {
        let documents = arguments.first.flatMap(Int.init) ?? 10_000
        guard let wrk = which("wrk") else {
            print("wrk is not installed: `make bench BENCH=server` installs it")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-server-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: root) }
        print("load before: \(load())")
        print("seeding mes-server with synthetic:\(documents)…")
        let server = try LocalServer.start(dataDirectory: root.appendingPathComponent("server"),
                                           arguments: ["--seed", "synthetic:\(documents)", "--max-connections-per-address", "256"],
                                           timeout: .seconds(600))
        defer { server.stop() }
        let base = server.url.absoluteString.hasSuffix("/") ? String(server.url.absoluteString.dropLast()) : server.url.absoluteString
        let token = try login(base: base, data: root.appendingPathComponent("server"), secrets: root)
        // The token reaches curl and wrk through private files (a header file, a wrk script).
        try privateWrite(Data("Authorization: Bearer \(token)\n".utf8), to: root.appendingPathComponent("authorization.header"))
        try privateWrite(Data("wrk.headers[\"Authorization\"] = \"Bearer \(token)\"\n".utf8), to: root.appendingPathComponent("authorization.lua"))
        let cases = [("read by id", "/DocumentReference/syn-42"),
                     ("search, 50 entries", "/DocumentReference?patient=helene&_count=50"),
                     ("category search, 50 entries", "/DocumentReference?patient=helene&category=biologie&_count=50")]
        // nginx's workers drop to an unprivileged user: the static copies live in a directory
        // they can read (the private one holds the token), or nginx answers 403 to every request.
        let www = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-www-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: www) }
        var results: [(String, Figures, Figures?)] = []
        let nginx = try Nginx(root: root, www: www)
        defer { nginx?.stop() }
        if nginx == nil { print("nginx is not installed: `make bench BENCH=server` installs it; no comparison this time") }
        for (index, (name, path)) in cases.enumerated() {
            let body = try fetch(base + path, secrets: root)
            let copy = www.appendingPathComponent("case\(index).json")
            try Data(body).write(to: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy.path)
            var figures = try measure(wrk: wrk, url: base + path, script: root.appendingPathComponent("authorization.lua"))
            figures.bytes = body.count
            var reference: Figures?
            if let nginx {
                reference = try measure(wrk: wrk, url: "http://127.0.0.1:\(nginx.port)/case\(index).json", script: nil)
                reference?.bytes = body.count
            }
            results.append((name, figures, reference))
        }
        print("")
        print("wrk -t2 -c16 -d8s, release build, \(documents) synthetic documents")
        for (name, figures, reference) in results {
            var line = "\(name) (\(figures.bytes) bytes): mes-server \(format(figures))"
            if let reference {
                line += "; nginx \(format(reference)); ratio \(String(format: "%.1f", reference.requestsPerSecond / max(figures.requestsPerSecond, 1)))×"
            }
            if name.contains("search") {
                let met = figures.requestsPerSecond >= target && figures.p99 < p99Budget
                line += " — target \(Int(target)) req/s, p99 < \(Int(p99Budget)) ms: \(met ? "OK" : "MISSED")"
            }
            print(line)
        }
        // The same searches with the search cache off: every request runs its SQL.
        let uncachedRoot = root.appendingPathComponent("uncached")
        let uncached = try LocalServer.start(dataDirectory: uncachedRoot, arguments: ["--seed", "synthetic:\(documents)", "--search-cache", "0",
                                                                                  "--max-connections-per-address", "256"], timeout: .seconds(600))
        defer { uncached.stop() }
        let uncachedBase = uncached.url.absoluteString.hasSuffix("/") ? String(uncached.url.absoluteString.dropLast()) : uncached.url.absoluteString
        let uncachedToken = try login(base: uncachedBase, data: uncachedRoot, secrets: root)
        try privateWrite(Data("wrk.headers[\"Authorization\"] = \"Bearer \(uncachedToken)\"\n".utf8), to: root.appendingPathComponent("uncached.lua"))
        for (name, path) in cases.dropFirst() {
            let figures = try measure(wrk: wrk, url: uncachedBase + path, script: root.appendingPathComponent("uncached.lua"))
            print("\(name), search cache off (--search-cache 0): mes-server \(format(figures))")
        }
        print("load after: \(load())")
    }

    static func format(_ figures: Figures) -> String {
        String(format: "%.0f req/s, p50 %.2f ms, p99 %.2f ms", figures.requestsPerSecond, figures.p50, figures.p99)
    }

    static func load() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    static func which(_ program: String) -> String? {
        for directory in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"] {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The holder's token: password, then the one-time code the demo server wrote.
    static func login(base: String, data: URL, secrets: URL) throws -> String {
        let first = try post(base + "/auth/login", ["identifier": "helene.martineau", "password": "demo-helene"], secrets: secrets)
        guard let challenge = first["challenge"] as? String else { throw BenchmarkError(description: "login refused") }
        let code = try String(contentsOf: data.appendingPathComponent("otp/helene.martineau.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let second = try post(base + "/auth/otp", ["challenge": challenge, "code": code], secrets: secrets)
        guard let token = second["access_token"] as? String else { throw BenchmarkError(description: "one-time code refused") }
        return token
    }

    /// HTTP through curl (the benchmark's requests are few; wrk makes the load). Secrets go
    /// through files of the benchmark's private directory, never on a command line.
    static func post(_ url: String, _ body: [String: String], secrets: URL) throws -> [String: Any] {
        let file = secrets.appendingPathComponent("body.json")
        try privateWrite(try JSONSerialization.data(withJSONObject: body), to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try runProgram("/usr/bin/curl", ["-s", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + file.path, url])
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]) ?? [:]
    }

    static func fetch(_ url: String, secrets: URL) throws -> [UInt8] {
        Array(try runProgram("/usr/bin/curl", ["-s", "-H", "@" + secrets.appendingPathComponent("authorization.header").path, url]).utf8)
    }

    static func privateWrite(_ data: Data, to file: URL) throws {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try data.write(to: file)
    }

    /// `wrk --latency`: requests per second and the 50th and 99th percentiles.
    static func measure(wrk: String, url: String, script: URL?) throws -> Figures {
        var arguments = ["-t2", "-c16", "-d8s", "--latency"]
        if let script { arguments += ["-s", script.path] }
        let output = try runProgram(wrk, arguments + [url])
        func value(after label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }?
                .split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
        }
        func milliseconds(_ text: String?) -> Double {
            guard let text else { return .nan }
            if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? .nan) / 1000 }
            if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? .nan }
            if text.hasSuffix("s") { return (Double(text.dropLast()) ?? .nan) * 1000 }
            return .nan
        }
        let rate = value(after: "Requests/sec:").flatMap(Double.init) ?? 0
        if output.contains("Non-2xx") {
            print("  warning: non-2xx answers from \(url): figures not counted")
            return Figures(requestsPerSecond: 0, p50: .nan, p99: .nan, bytes: 0)
        }
        return Figures(requestsPerSecond: rate, p50: milliseconds(value(after: "50%")), p99: milliseconds(value(after: "99%")), bytes: 0)
    }

    static func runProgram(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// nginx serving a directory on a free loopback port, as an unprivileged process.
    final class Nginx {
        let process = Process()
        let port: Int

        init?(root: URL, www: URL) throws {
            guard let binary = ServerBenchmark.which("nginx") else { return nil }
            port = 20_000 + Int.random(in: 0..<20_000)
            let directory = root.appendingPathComponent("nginx")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let configuration = """
                worker_processes 2;
                daemon off;
                master_process on;
                pid \(directory.path)/nginx.pid;
                error_log \(directory.path)/error.log;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path \(directory.path)/body;
                    proxy_temp_path \(directory.path)/proxy;
                    fastcgi_temp_path \(directory.path)/fastcgi;
                    uwsgi_temp_path \(directory.path)/uwsgi;
                    scgi_temp_path \(directory.path)/scgi;
                    server {
                        listen 127.0.0.1:\(port);
                        root \(www.path);
                        default_type application/fhir+json;
                    }
                }
                """
            let file = directory.appendingPathComponent("nginx.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-p", directory.path, "-c", file.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.5)
            guard process.isRunning else { return nil }
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
