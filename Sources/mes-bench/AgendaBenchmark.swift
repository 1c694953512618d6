import Agenda
import Crypto
import Foundation
import HealthRecord
import L10n
import Vault

/// `mes-bench agenda [N]`: a vault holding N agenda items (5,000 by default) over two years;
/// the time to open a month (the month's items with its busy days, the selected day, what is
/// coming), and to compute the recommendations for a full profile (a 76-year-old woman with a
/// complete carnet and marked steps). Budgets (issue 13): 30 ms and 5 ms.
enum AgendaBenchmark {
    static let runs = 25

    static func run(_ arguments: [String]) throws {
        let count = arguments.first.flatMap(Int.init) ?? 5_000
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-agenda-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        Localizer.shared.setLanguage(.french)
        let calendar = try PreventionCalendar.load()
        guard !calendar.rules.isEmpty else { throw BenchmarkFailure("no prevention calendar found (run from the checkout or set MES_SHARE_DIR)") }

        let (vault, _) = try Vault.create(in: VaultDirectory(workspace.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("benchmark".utf8)), keyDerivation: .fixed(.interactive))
        defer { vault.close() }
        let profile = Profile(id: "p", relation: .own, givenName: "Jeanne", familyName: "Bench", birthDate: CalendarDate(iso: "1950-01-05"),
                              gender: .female)
        let today = CalendarDate(Date())
        let first = today.adding(months: -12)
        try vault.write { session in
            try session.profiles.save(profile, origin: .remote)
            for index in 0..<count {
                let day = first.adding(days: index * 730 / count)
                let event = AgendaEvent(id: "bench-\(index)", profileID: "p", category: index % 3 == 0 ? .reminder : .appointment,
                                        title: "Rendez-vous \(index)", start: day.at(hour: 8 + index % 10, minute: 0),
                                        practitioner: Practitioner(name: "Dr Exemple \(index % 40)", specialty: "Médecine générale"),
                                        note: "Note \(index)")
                try session.agenda.save(event, origin: .remote)
            }
            for (index, vaccine) in ["Revaxis (dTP)", "Grippe (Vaxigrip)", "Prevenar 20", "Shingrix (zona)", "COVID-19", "ROR", "Hexavalent"].enumerated() {
                for year in 0..<4 {
                    try session.records(Vaccination.self).save(Vaccination(id: "v\(index)-\(year)", profileID: "p", vaccine: vaccine,
                                                                           date: today.adding(months: -12 * year - index)), origin: .remote)
                }
            }
        }
        let book = AgendaBook(vault: vault, profileID: "p", calendar: calendar)
        print("mes-bench agenda: \(count) items over two years, vault with interactive key derivation")

        var open: [Duration] = []
        var monthItems = 0
        for run in 0..<runs {
            let month = today.adding(months: run % 12 - 6)
            let start = ContinuousClock.now
            let (items, days) = try book.month(year: month.year, month: month.month)
            let selected = items.filter { CalendarDate($0.start) == month }
            let coming = try book.upcoming(from: Date(), limit: 50)
            open.append(ContinuousClock.now - start)
            monthItems = items.count
            _ = (days, selected, coming)
        }
        print("  open a month (\(monthItems) items):   \(DocumentsBenchmark.summary(open))  (budget 30 ms)")

        var compute: [Duration] = []
        var itemsCount = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            itemsCount = try book.recommendations(on: today).count
            compute.append(ContinuousClock.now - start)
        }
        print("  recommendations, vault read (\(itemsCount) items): \(DocumentsBenchmark.summary(compute))")
        let vaccinations = try vault.read { try $0.records(Vaccination.self).all(profile: "p") }
        let subject = PreventionSubject(birthDate: profile.birthDate!, gender: .female, vaccinations: vaccinations)
        var engine: [Duration] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            _ = PreventionEngine.items(calendar, for: subject, on: today)
            engine.append(ContinuousClock.now - start)
        }
        print("  recommendations, engine alone:  \(DocumentsBenchmark.summary(engine))  (budget 5 ms)")
    }
}
