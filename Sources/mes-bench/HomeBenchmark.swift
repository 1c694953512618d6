import Crypto
import Features
import Foundation
import HealthRecord
import L10n
import TerminalUI
import Vault

/// `mes-bench home [DOCUMENTS]`: a vault holding 10,000 documents, 5,000 threads (50,000
/// messages, two unread in each), 5,000 agenda items over two years and 2,000 activity entries
/// in one space; then, on the virtual terminal at 80x24, the time from the Accueil appearing to
/// its first full frame (every block's count and top rows read from the vault in SQL, drawn).
/// Budget (issue 16): 50 ms.
enum HomeBenchmark {
    static let runs = 15

    static func run(_ arguments: [String]) throws {
        let documents = arguments.first.flatMap(Int.init) ?? 10_000
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-home-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        Localizer.shared.setLanguage(.french)
        print("mes-bench home: \(documents) documents, 5000 threads (50000 messages), 5000 agenda items, 2000 accesses; 80x24")
        let (vault, _) = try Vault.create(in: VaultDirectory(workspace.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("benchmark".utf8)), keyDerivation: .fixed(.interactive))
        defer { vault.close() }
        let fillStart = ContinuousClock.now
        try MessagesBenchmark.fill(vault, threads: 5_000)
        try fill(vault, documents: documents)
        print("  vault filled:                  \(DocumentsBenchmark.format(ContinuousClock.now - fillStart))")
        // The last visit a week ago: a week of documents is new.
        let since = Date().addingTimeInterval(-7 * 86400)
        let services = HomeServices { try vault.read { try $0.homeDigest(profile: "helene", since: since, now: Date()) } }
        var digest = HomeDigest()
        var query: [Duration] = []
        for _ in 0..<runs { query.append(try ContinuousClock().measure { digest = try services.digest() }) }
        print("  digest read (SQL):             \(DocumentsBenchmark.summary(query))")
        print("    \(digest.newDocuments) new documents, \(digest.unreadMessages) unread messages, \(digest.upcomingAppointments) rendez-vous ahead, "
              + "\(digest.dueReminders) rappels due, \(digest.recentAccesses) accesses")
        try MainActor.assumeIsolated {
            var frames: [Duration] = []
            for _ in 0..<runs {
                let terminal = VirtualTerminal(size: Size(width: 80, height: 24))
                let space = SpaceSummary(id: "helene", name: "Hélène MARTINEAU", relation: .own)
                let runtime = Runtime(app: AppShell(section: .documents, home: services, activeSpace: space), backend: terminal)
                runtime.send(.resized(Size(width: 80, height: 24)))
                frames.append(ContinuousClock().measure { DocumentsBenchmark.press(.character("1"), runtime) })
                guard terminal.screen.text.contains(trPlural("home.messages.unread", count: digest.unreadMessages)) else {
                    throw BenchmarkFailure("no Accueil drawn:\n\(terminal.screen.text)")
                }
            }
            print("  Accueil key → first frame:     \(DocumentsBenchmark.summary(frames)) (budget 50 ms)")
        }
    }

    static func fill(_ vault: Vault, documents: Int) throws {
        let now = Date()
        for batch in stride(from: 0, to: documents, by: 1_000) {
            try vault.write { session in
                for index in batch..<min(documents, batch + 1_000) {
                    var document = VaultBenchmark.document(index)
                    document.profileID = "helene"
                    document.isRead = index % 3 != 0
                    try session.documents.save(document, origin: .remote)
                }
            }
        }
        let first = now.addingTimeInterval(-365 * 86400)
        try vault.write { session in
            for index in 0..<5_000 {
                let start = first.addingTimeInterval(Double(index) * 730 * 86400 / 5_000)
                try session.agenda.save(AgendaEvent(id: "agenda-\(index)", profileID: "helene", category: index % 3 == 0 ? .reminder : .appointment,
                                                    title: "Rendez-vous \(index)", start: start,
                                                    practitioner: Practitioner(name: "Dr Exemple \(index % 40)")), origin: .remote)
            }
            for index in 0..<2_000 {
                try session.auditEntries.save(AuditEntry(id: "audit-\(index)", profileID: "helene", date: now.addingTimeInterval(-Double(index) * 3600),
                                                         actorName: "Dr Praticien \(index % 30)", actorRole: index % 4 == 0 ? .holder : .professional,
                                                         action: .read), origin: .remote)
            }
        }
    }
}
