import Crypto
import Documents
import FHIR
import Foundation
import HealthRecord
import LocalServer
import Sync
import TestSupport
import Vault
import XCTest

/// A fresh vault in a temporary directory (cheap key derivation: these tests are not about it).
func makeDocumentsVault() throws -> (Vault, TemporaryDirectory) {
    let directory = try TemporaryDirectory(prefix: "mes-documents")
    let (vault, _) = try Vault.create(in: VaultDirectory(directory.url.appendingPathComponent("vault")),
                                      passphrase: SecureBytes(copying: Array("phrase secrète de test".utf8)),
                                      keyDerivation: .fixed(.minimumForTests))
    return (vault, directory)
}

/// The holder's profile, as sync stores it.
func saveHolderProfile(_ vault: Vault, id: String = "helene") throws {
    try vault.write { try $0.profiles.save(Profile(id: id, relation: .own, givenName: "Hélène", familyName: "Martineau"), origin: .remote) }
}

/// The catalogue of the repository's `Resources/`.
let repositoryCatalog = DocumentCatalog(shareDirectory: BuiltProducts.repository)

/// A `mes-server` with the demo world, and the calls the tests make to it.
final class DemoServer: Sendable {
    let server: LocalServer
    let transport: URLSessionTransport

    init(seed: String = "demo") throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mes-documents-server-\(UUID().uuidString.prefix(8))")
        server = try LocalServer.start(executable: BuiltProducts.path("mes-server"), dataDirectory: data, arguments: ["--seed", seed])
        transport = URLSessionTransport(baseURL: server.url)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: server.dataDirectory)
    }

    func post(_ path: String, _ json: JSON, token: String? = nil) async throws -> (Int, JSON) {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let response = try await transport.send(BackendRequest(method: "POST", path: path, headers: headers, body: Data(json.serialized())))
        return (response.status, (try? JSON(parsing: response.body)) ?? .null)
    }

    /// A patient's token: identifier, password, then the one-time code the server wrote to its data directory.
    func patientToken(_ identifier: String = "helene.martineau", password: String = "demo-helene") async throws -> String {
        try await token(identifier, ["identifier": .string(identifier), "password": .string(password)])
    }

    /// Password login, then the one-time code (both factors, for patients and professionals alike).
    private func token(_ identifier: String, _ credentials: JSON) async throws -> String {
        let (_, login) = try await post(API.Path.login, credentials)
        let challenge = try XCTUnwrap(login["challenge"]?.stringValue)
        let otpFile = server.dataDirectory.appendingPathComponent("otp/\(identifier).txt")
        let code = try String(contentsOf: otpFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, answer) = try await post(API.Path.verifyCode, ["challenge": .string(challenge), "code": .string(code)])
        XCTAssertEqual(status, 200)
        return try XCTUnwrap(answer["access_token"]?.stringValue)
    }

    /// A professional's token (RPPS + password, then the one-time code).
    func professionalToken(rpps: String, password: String) async throws -> String {
        try await token(rpps, ["rpps": .string(rpps), "password": .string(password)])
    }

    /// The status of a professional's (or anyone's) GET.
    func status(_ path: String, token: String) async throws -> Int {
        try await transport.send(BackendRequest(path: path, headers: ["Authorization": "Bearer \(token)"])).status
    }

    /// A fresh vault logged in as the holder, not synced yet.
    func loggedInHolder() async throws -> (vault: Vault, directory: TemporaryDirectory) {
        let (vault, directory) = try makeDocumentsVault()
        let otpFile = server.dataDirectory.appendingPathComponent("otp/helene.martineau.txt")
        let account = try await Account.login(server: server.url, identifier: "helene.martineau", password: "demo-helene", oneTimeCode: {
            try String(contentsOf: otpFile, encoding: .utf8)
        })
        try account.save(in: vault)
        return (vault, directory)
    }

    /// A fresh vault logged in as the holder and synced with the server; by default no content
    /// is fetched (each test fetches what it reads).
    func syncedHolder(contents: SyncEngine.ContentBudget = .none) async throws -> (vault: Vault, directory: TemporaryDirectory, engine: SyncEngine) {
        let (vault, directory) = try await loggedInHolder()
        var options = SyncEngine.Options()
        options.contentBudget = contents
        let engine = SyncEngine(vault: vault, options: options)
        let report = await engine.sync()
        XCTAssertEqual(report.outcome, .complete)
        return (vault, directory, engine)
    }

    /// The server's DocumentReference as the holder reads it.
    func reference(_ id: String, token: String) async throws -> DocumentReference? {
        let response = try await transport.send(BackendRequest(path: "/DocumentReference/\(id)", headers: ["Authorization": "Bearer \(token)"]))
        guard response.status == 200 else { return nil }
        return try DocumentReference(Resource(parsing: response.body))
    }
}

/// A lab report with one high, one low and one normal value.
enum LabReportSample {
    static let report = LabReport(title: "Bilan biologique", issued: "2026-03-01T08:00:00Z", results: [
        .init(loinc: "4548-4", analyte: "Hémoglobine glyquée (HbA1c)", value: 7.4, unit: "%", low: 4.0, high: 6.0),
        .init(loinc: "2823-3", analyte: "Potassium", value: 3.1, unit: "mmol/L", low: 3.5, high: 5.0),
        .init(loinc: "2160-0", analyte: "Créatinine", value: 72, unit: "umol/L", low: 45, high: 90),
    ])
}

/// A minimal valid PDF showing one line of text (Helvetica), with a correct cross-reference table.
enum PDFSample {
    static func bytes(text: String) -> [UInt8] {
        let stream = "BT /F1 12 Tf 72 720 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { output += String(format: "%010d 00000 n \n", offset) }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(output.utf8)
    }
}
