import Crypto
import Foundation
import HealthRecord
import L10n
import MedicalProfile
import TerminalUI
import Vault

/// `mes-bench profile`: a measure's line chart of 3,650 daily values at 200x60 (budget: under
/// 5 ms a frame), and reading what section 3 opens on — every rubrique of a full profile and the
/// overview of 10,000 measures — from an encrypted vault (budget: under 50 ms).
enum ProfileBenchmark {
    static let size = Size(width: 200, height: 60)

    static func run(_ arguments: [String]) throws {
        Localizer.shared.setLanguage(.french)
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("mes-bench-profile-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: workspace) }
        let (vault, _) = try Vault.create(in: VaultDirectory(workspace.appendingPathComponent("vault")),
                                          passphrase: SecureBytes(copying: Array("benchmark".utf8)), keyDerivation: .fixed(.interactive))
        defer { vault.close() }
        try fill(vault)
        print("mes-bench profile: a full profile and 10,000 measures in an encrypted vault; charts at \(size)")
        try measureChart(vault)
        try measureOpening(vault)
    }

    /// Every rubrique filled, 10,000 measures of which 3,650 daily weights.
    static func fill(_ vault: Vault) throws {
        try vault.write { try $0.profiles.save(Profile(id: "bench", relation: .own, givenName: "Hélène", familyName: "Martineau",
                                                       birthDate: CalendarDate(year: 1966, month: 4, day: 12), gender: .female), origin: .remote) }
        let book = ProfileBook(vault: vault, profileID: "bench", vaccines: VaccineCatalog(tsv: ""))
        for index in 0..<20 {
            try book.add(.conditions, ["name": "Maladie \(index)", "start": "0\(index % 9 + 1)/20\(10 + index % 10)"])
            try book.add(.treatments, ["name": "Traitement \(index)", "dosage": "1 comprimé matin et soir"])
            try book.add(.allergies, ["name": "Allergie \(index)"])
            try book.add(.vaccinations, ["vaccine": "Vaccin \(index)", "date": "2024-01-\(String(format: "%02d", index + 1))"])
            try book.add(.familyHistory, ["relative": "MOTHER", "name": "Antécédent \(index)"])
            try book.add(.hospitalizations, ["name": "Séjour \(index)", "start": "20\(10 + index % 10)"])
        }
        let start = Date(timeIntervalSince1970: 1_450_000_000)
        try vault.write { session in
            for day in 0..<3_650 {
                try session.measurements.save(HealthMeasurement(id: "w\(day)", profileID: "bench", type: .weight,
                                                                effective: start.addingTimeInterval(Double(day) * 86400),
                                                                value: 72 + sin(Double(day) / 60) * 3), origin: .remote)
            }
            for index in 0..<6_350 {
                let effective = start.addingTimeInterval(Double(index) * 86400 / 2)
                let measure = index % 2 == 0
                    ? HealthMeasurement.bloodPressure(id: "bp\(index)", profileID: "bench", effective: effective, systolic: 130, diastolic: 80)
                    : HealthMeasurement(id: "hr\(index)", profileID: "bench", type: .heartRate, effective: effective, value: 70)
                try session.measurements.save(measure, origin: .remote)
            }
        }
    }

    static func measureChart(_ vault: Vault) throws {
        let measures = MeasureBook(vault: vault, profileID: "bench")
        let chart = MeasureChart(type: .weight, measures: try measures.measurements(.weight), target: 70...74)
        let context = ViewContext(size: size, theme: Theme(.standard), symbols: .unicode)
        var timings: [Double] = []
        for _ in 0..<300 {
            let begin = DispatchTime.now().uptimeNanoseconds
            var buffer = CellBuffer(size: size, style: context.style(.normal))
            let plot = PlotChart(series: chart.series.map { PlotChart.Series(xs: $0.xs, ys: $0.ys) }, band: chart.target, gap: chart.gap,
                                 yLabel: { chart.label($0) }, xLabel: { LocalFormat.date(Date(timeIntervalSince1970: $0)) })
            plot.render(into: &buffer, area: buffer.bounds, context: context)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1_000_000)
        }
        timings.sort()
        let p95 = timings[timings.count * 95 / 100]
        print(String(format: "profile.chart  %d daily values at %dx%d: median %.3f ms, p95 %.3f ms (budget 5 ms: %@)",
                     chart.rows.count, size.width, size.height, timings[timings.count / 2], p95, p95 < 5 ? "within" : "OVER"))
    }

    static func measureOpening(_ vault: Vault) throws {
        var timings: [Double] = []
        var entries = 0
        for _ in 0..<30 {
            let begin = DispatchTime.now().uptimeNanoseconds
            guard let book = try ProfileBook.open(vault) else { throw BenchmarkError(description: "no profile") }
            entries = try book.allEntries().reduce(0) { $0 + $1.entries.count }
            _ = try MeasureBook(vault: vault, profileID: book.profileID).overview(recent: 12)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1_000_000)
        }
        timings.sort()
        let p95 = timings[timings.count * 95 / 100]
        print(String(format: "profile.open   %d entries and the overview of 10,000 measures: median %.1f ms, p95 %.1f ms (budget 50 ms: %@)",
                     entries, timings[timings.count / 2], p95, p95 < 50 ? "within" : "OVER"))
    }
}
