import Crypto
import FHIR
import Foundation
import HealthRecord
import SQLite

/// `mes-server import`: a space exported by `mes export --fhir` (a FHIR R4 `collection` Bundle)
/// restored into this server under a new holder account, in **one write transaction** (all or
/// nothing). The server creates the space (its `Patient` and the account), as it does for any
/// space; then:
///
/// - what the holder writes (documents and their content, the profile, measures, vaccinations,
///   agenda, wishes, …) goes **through the gate as the new holder**: the same structure check,
///   `WriteRules`, index and visibility flags as a write by the app. Each document's content is
///   checked against its `attachment.size` and SHA-1/SHA-256 (422 `hash-mismatch` otherwise);
/// - what only the server writes (reimbursements `ExplanationOfBenefit`, the activity history
///   `AuditEvent`, the messagerie's `Communication`s, the directory's `Practitioner`s) is stored
///   the way the server stores its own writes, after the same R4 structure check;
/// - the holder's policy Consents (oppositions, "mask all", masked documents in an emergency)
///   are stored **and applied** (`SpacePolicy`), and so are blocks of a professional; grants that
///   open the space to someone (access codes, emergency sessions, delegations, connected
///   services) are **not carried** when still active or proposed: nobody granted them on this
///   server. Ended ones are kept as the history they are.
struct SpaceImport {
    struct Report: Sendable {
        var patient: String
        var account: String
        /// Resources written, per type.
        var written: [String: Int] = [:]
        /// Entries left out, per reason (`grant`: an active grant; `duplicate`).
        var skipped: [String: Int] = [:]
        /// Resources the holder could not have written (someone else's word), restored by the server.
        var restoredByServer = 0
    }

    typealias ImportError = SpaceImportError

    let store: Store
    let clock: ServerClock
    let settings: ServerSettings

    /// The policy Consents, with the `SpacePolicy` member each one sets when active.
    static let policyKinds = ["opposition-bris-de-glace", "opposition-samu", "mask-all-documents", "opposition-masked-emergency"]

    func run(bundle bytes: [UInt8], login: String, password: String) throws -> Report {
        guard Accounts.isValidLogin(login) else { throw ImportError.invalidLogin }
        let bundle: FHIRBundle
        do { bundle = try FHIRBundle(Resource(parsing: bytes)) } catch { throw ImportError.notACollection }
        guard bundle.kind == .collection else { throw ImportError.notACollection }
        var resources: [Resource] = []
        var seen: Set<String> = []
        var report = Report(patient: "", account: "")
        for entry in bundle.entries {
            guard let resource = entry.resource else { continue }
            guard let id = resource.id, Resource.isValidID(id) else {
                throw ImportError.rejected(resource.resourceType, "an entry without a valid id")
            }
            guard ResourcePolicy.of(resource.resourceType) != nil else {
                throw ImportError.rejected("\(resource.resourceType)/\(id)", "a type this server does not serve")
            }
            guard seen.insert("\(resource.resourceType)/\(id)").inserted else {
                report.skipped["duplicate", default: 0] += 1
                continue
            }
            let issues = StructureValidator.validate(resource.json, type: resource.resourceType)
            guard issues.isEmpty else {
                throw ImportError.rejected("\(resource.resourceType)/\(id)", APIError.invalid(issues).outcome.issues.first?.diagnostics ?? "invalid")
            }
            resources.append(resource)
        }
        let patients = resources.filter { $0.resourceType == "Patient" }
        guard patients.count == 1, let patientResource = patients.first, let patient = patientResource.id else {
            throw ImportError.patientCount(patients.count)
        }
        report.patient = patient
        let hash = try Accounts.hashPassword(password, settings: settings)
        let accountID = "acc-" + Hex.encode(Random.bytes(8))
        report.account = accountID
        let displayName = Self.displayName(patientResource) ?? login
        let caller = Caller(accountID: accountID, kind: .patient, login: login, displayName: displayName, patientID: patient, practitionerID: nil)
        let gate = Gate(store: store, clock: clock)
        let now = clock.now

        try gate.write(caller) { transaction in
            let db = transaction.db
            if try ResourceRepository.fetch(db, type: "Patient", id: patient) != nil { throw ImportError.spaceExists(patient) }
            if try db.queryFirst("SELECT 1 FROM accounts WHERE login = ?", [login], map: { _ in true }) != nil { throw ImportError.loginTaken(login) }
            // The server creates the space, as for any holder; then the account that holds it.
            var space = patientResource
            try ResourceRepository.save(db, &space, index: ResourceIndex(resource: space, patient: patient), now: now)
            try Accounts.create(db, kind: .patient, login: login, passwordHash: hash, displayName: displayName, patientID: patient,
                                practitionerID: nil, id: accountID)
            report.written["Patient", default: 0] += 1

            // Shared directory entries first (documents and messages name them).
            for var practitioner in resources where practitioner.resourceType == "Practitioner" {
                guard try transaction.existing("Practitioner", practitioner.id ?? "") == nil else { continue }
                try ResourceRepository.save(db, &practitioner, index: ResourceIndex(resource: practitioner, patient: ""), now: now)
                report.written["Practitioner", default: 0] += 1
            }
            var planned = resources.filter { !["Patient", "Practitioner"].contains($0.resourceType) }
            try Self.checkDocumentsAgainstContent(&planned)
            for resource in planned {
                let reference = "\(resource.resourceType)/\(resource.id ?? "")"
                if resource.resourceType != "Binary", ResourceIndex.patientID(of: resource) != patient {
                    throw ImportError.rejected(reference, "it belongs to another space than Patient/\(patient)")
                }
            }
            // Documents, then their content, then the rest; messages in the order they were sent
            // (a reply after what it answers).
            planned.sort { Self.rank($0) < Self.rank($1) }
            transaction.pendingContent = Set(planned.filter { $0.resourceType == "Binary" }.map { "Binary/\($0.id ?? "")" })
            let scope = try transaction.holderScope(patient)
            var policy = SpacePolicy()
            // Documents the server restored itself (their content follows them).
            var serverDocuments: Set<String> = []
            for var resource in planned {
                let type = resource.resourceType
                let reference = "\(type)/\(resource.id ?? "")"
                do {
                    switch Self.route(resource, serverDocuments: serverDocuments) {
                    case .serverContent(let document):
                        // The content of a professional's document: stored as the server stores a
                        // document's content, with the document's visibility (a Binary follows it).
                        guard let stored = try transaction.existing("DocumentReference", document.id) else {
                            throw ImportError.rejected(reference, "its document is not in the Bundle")
                        }
                        let binary: Binary
                        do { binary = try Binary(resource) } catch { throw ImportError.rejected(reference, "\(error)") }
                        try ResourceRepository.saveContent(db, id: resource.id ?? "", contentType: binary.contentType, data: binary.data)
                        resource["data"] = nil
                        try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient, documentFlags:
                            (stored.flags, stored.authors.split(separator: " ").map(String.init))), now: now)
                    case .holder:
                        let original = resource
                        do {
                            try transaction.save(&resource)
                        } catch let error as APIError where error.status == 403 {
                            // The gate says the holder could not have written this in their own
                            // name (a professional's document or appointment, a service's
                            // measure): it is someone else's word, restored as the server stored
                            // it, its authors kept. Nothing was written by the refused save.
                            resource = original
                            try scope.saveServerResource(&resource)
                            if type == "DocumentReference" { serverDocuments.insert(reference) }
                            report.restoredByServer += 1
                        }
                    case .server:
                        try scope.saveServerResource(&resource)
                    case .policy(let kind):
                        let active = resource["status"]?.stringValue == "active"
                        switch kind {
                        case "opposition-bris-de-glace": policy.opposeEmergency = active
                        case "opposition-samu": policy.opposeSamu = active
                        case "mask-all-documents": policy.maskAllDocuments = active
                        default: policy.maskedVisibleInEmergency = !active
                        }
                        try scope.saveServerResource(&resource)
                    case .block(let practitioner):
                        if let practitioner, try transaction.existing("Practitioner", practitioner) != nil {
                            try db.run("INSERT INTO blocks (consent_id, patient_id, practitioner_id, active) VALUES (?, ?, ?, 1)",
                                       [resource.id ?? "", patient, practitioner])
                        }
                        try scope.saveServerResource(&resource)
                    case .grant:
                        report.skipped["grant", default: 0] += 1
                        continue
                    }
                } catch let error as APIError {
                    throw ImportError.rejected(reference, error.outcome.issues.first?.diagnostics ?? "\(error.status)")
                }
                report.written[type, default: 0] += 1
            }
            try policy.save(db, patient: patient)
        }
        return report
    }

    enum Route: Equatable {
        case holder, server, serverContent(ResourceReference), policy(String), block(String?), grant
    }

    /// How one resource is written: by the holder through the gate, by the server, or as a
    /// managed Consent (applied, kept as history, or not carried).
    static func route(_ resource: Resource, serverDocuments: Set<String>) -> Route {
        let type = resource.resourceType
        if type == "Binary", let context = (try? Binary(resource))?.securityContext.flatMap(ResourceReference.init),
           serverDocuments.contains(context.description) {
            return .serverContent(context)
        }
        if type == "Consent", let kind = Concept.tokens(of: resource["category"]).first(where: { $0.system == CodeSystem.mesConsentKind })?.code {
            if policyKinds.contains(kind) { return .policy(kind) }
            let status = resource["status"]?.stringValue ?? ""
            if kind == "block" {
                guard status == "active" else { return .server }
                let actor = resource["provision"]?["actor"]?[0]?["reference"]?["reference"]?.stringValue.flatMap(ResourceReference.init)
                return .block(actor?.type == "Practitioner" ? actor?.id : nil)
            }
            return status == "active" || status == "proposed" || status == "draft" ? .grant : .server
        }
        // A connected service's Consent (`urn:mes:consent-category|service`): open while active.
        if type == "Consent", Concept.tokens(of: resource["category"]).contains(where: { $0.system == "urn:mes:consent-category" && $0.code == "service" }) {
            return resource["status"]?.stringValue == "active" ? .grant : .server
        }
        if type == "Communication" { return .server }
        if ResourcePolicy.of(type)?.writers == .server { return .server }
        return .holder
    }

    private static func rank(_ resource: Resource) -> String {
        switch resource.resourceType {
        case "DocumentReference": "0"
        case "Binary": "1"
        case "Communication": "2" + (resource["sent"]?.stringValue ?? "")
        default: "3"
        }
    }

    /// Each document's content (a Binary of the Bundle) against the size and hashes the document
    /// declares: a copy altered in transit is refused, not imported.
    static func checkDocumentsAgainstContent(_ planned: inout [Resource]) throws {
        var binaries: [String: Resource] = [:]
        for resource in planned where resource.resourceType == "Binary" { binaries["Binary/\(resource.id ?? "")"] = resource }
        for resource in planned where resource.resourceType == "DocumentReference" {
            let reference = "DocumentReference/\(resource.id ?? "")"
            let document: DocumentReference
            do { document = try DocumentReference(resource) } catch { throw ImportError.rejected(reference, "\(error)") }
            for content in document.contents {
                guard let url = content.attachment.url, let binaryResource = binaries[url] else {
                    throw ImportError.rejected(reference, "its content \(content.attachment.url ?? "") is not in the Bundle")
                }
                let binary: Binary
                do { binary = try Binary(binaryResource) } catch { throw ImportError.rejected(url, "\(error)") }
                if let context = binary.securityContext, context != reference {
                    throw ImportError.rejected(url, "it belongs to \(context), not to \(reference)")
                }
                guard content.attachment.size != nil, content.attachment.sha256 != nil || content.attachment.sha1 != nil else {
                    throw ImportError.rejected(reference, "attachment.size and a hash are required to check the content")
                }
                do { try WriteRules.check(binary.data, against: content.attachment) } catch let error as APIError {
                    throw ImportError.rejected(reference, error.outcome.issues.first?.diagnostics ?? "hash-mismatch")
                }
            }
        }
    }

    static func displayName(_ patient: Resource) -> String? {
        guard let name = patient["name"]?[0] else { return nil }
        let given = (name["given"]?.elements ?? []).compactMap(\.stringValue).joined(separator: " ")
        let text = [given, name["family"]?.stringValue ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? name["text"]?.stringValue : text
    }
}

/// Why `mes-server import` refused a Bundle (nothing was written).
public enum SpaceImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case notACollection
    /// The Bundle holds no Patient or more than one (a space export holds exactly one).
    case patientCount(Int)
    case spaceExists(String)
    case loginTaken(String)
    case invalidLogin
    /// An entry the server refuses: its reference and why.
    case rejected(String, String)

    public var description: String {
        switch self {
        case .notACollection: "not a FHIR R4 Bundle of type collection"
        case .patientCount(let count): "a space export holds exactly one Patient, this one \(count)"
        case .spaceExists(let id): "Patient/\(id) already exists on this server"
        case .loginTaken(let login): "the login \(login) is taken"
        case .invalidLogin: "a login is 1 to 64 letters, digits and .-_@"
        case .rejected(let reference, let reason): "\(reference) refused: \(reason)"
        }
    }
}

extension ServerApp {
    /// Restores a space exported by `mes export --fhir` under a new holder account (see
    /// `SpaceImport`). Returns the space's id, the resources written per type, what was left out, and
    /// how many of them the server restored itself (someone else's word).
    public func importSpace(bundle: [UInt8], login: String, password: String) throws
        -> (patient: String, written: [String: Int], skipped: [String: Int], restoredByServer: Int) {
        let report = try SpaceImport(store: store, clock: clock, settings: settings).run(bundle: bundle, login: login, password: password)
        return (report.patient, report.written, report.skipped, report.restoredByServer)
    }
}
