import Foundation
import HealthRecord
import Vault
import XCTest

/// Issue 12 in tmux at 80x24 on a home synced from a real `mes-server`: a condition with a
/// partial date and a weight added in the app reach the server while it runs; the weight shows
/// in the chart and the table; a child's growth chart names its reference; in screen-reader
/// mode the chart is a sentence followed by the table.
final class ProfileE2ETests: XCTestCase {
    /// The server's records of a kind, as a fresh client syncing the same account sees them.
    func serverRecords<Record: StoredRecord>(_ type: Record.Type, _ home: SyncedHome) async throws -> [Record] {
        let copy = home.directory.url.appendingPathComponent("copy-\(UUID().uuidString.prefix(6))")
        let vault = try await SyncedHome.syncedVault(server: home.server, in: copy)
        defer { vault.close() }
        return try vault.read { try $0.records(type).all() }
    }

    func testAConditionWithAPartialDateAndAWeightReachTheServerAndTheChart() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("3")
        try terminal.waitFor("▸ Maladies et sujets de santé (3)", "Mesures de santé", "Suivi médical")
        try terminal.send("Enter")
        try terminal.waitFor("Hypertension artérielle — ", "[écrit par Dr Paul Lefèvre]")
        try terminal.send("a")
        try terminal.waitFor("nouvelle entrée", "2019, 03/2019 ou 12/03/2019")
        try terminal.send("Asthme", "Tab", "03/2019", "Tab", "Tab", "Tab", "à l'effort", "Enter")
        try terminal.waitFor("▸ Asthme — 03/2019", "Ajouté : Asthme")
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let conditions = try await serverRecords(HealthRecord.Condition.self, home)
        let asthma = try XCTUnwrap(conditions.first { $0.name == "Asthme" }, "the server has it while the app runs")
        XCTAssertEqual(asthma.onset?.iso, "2019-03")
        XCTAssertEqual(asthma.note, "à l'effort")

        try terminal.send("Escape")
        try terminal.waitFor("Maladies et sujets de santé (4)")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("▸ Poids (12)")
        try terminal.send("Enter")
        try terminal.waitFor("• vos mesures (12)", "kg │")
        try terminal.send("a")
        try terminal.waitFor("nouvelle entrée", "Heure")
        try terminal.send("72,5", "Enter", "Enter", "Enter")
        try terminal.waitFor("Ajouté : Poids 72,5", "IMC calculé", "• vos mesures (13)")
        try terminal.send("t")
        let table = try terminal.waitFor("Poids : dernière valeur 72,5", "▸ ")
        XCTAssertTrue(table.contains("en baisse"), table)
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let weights = try await serverRecords(HealthMeasurement.self, home).filter { $0.type == .weight }
        XCTAssertTrue(weights.contains { $0.value == 72.5 }, "the weight reached the server")

        // The child's space: a growth chart against the WHO curves.
        try terminal.send("Escape", "Escape")
        try terminal.waitFor("▸ Maladies et sujets de santé")
        try terminal.send("p")
        try terminal.waitFor("Lucas MARTINEAU")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("▸ Poids (")
        try terminal.send("Down", "Enter")
        let growth = try terminal.waitFor("Référence : OMS", "+2 DS", "-2 DS")
        XCTAssertTrue(growth.contains("Taille (1 sur"), growth)
    }

    /// Issue 12: a habit section answered with MES's questions, and an HbA1c target set on the
    /// measure's page, both reach the server while the app runs; the chart shows the band.
    func testAHabitSectionAndAMeasureTargetReachTheServer() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("3")
        try terminal.waitFor("▸ Maladies et sujets de santé (3)", "Habitudes de vie (4)")
        try terminal.send("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down")
        try terminal.waitFor("▸ Habitudes de vie (4)")
        try terminal.send("Enter")
        try terminal.waitFor("Tabac — Je fume : Non, mais j’ai fumé dans le passé", "J’ai arrêté de fumer : Depuis plus de 5 ans")
        try terminal.send("a")
        try terminal.waitFor("Quelle habitude de vie renseigner ?", "Alimentation")
        try terminal.send("Down", "Down", "Down", "Down", "Enter")
        try terminal.waitFor("Je suis devant un écran avant de m’endormir")
        try terminal.send("Right", "Right", "Enter", "Enter")
        try terminal.waitFor("Ajouté : Écrans", "Je suis devant un écran avant de m’endormir : Plusieurs fois par mois")
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let habits = try await serverRecords(Lifestyle.self, home)
        XCTAssertEqual(habits.first { $0.topic == .screens }?.answers, ["screen-before-sleep": "SEVERAL_TIMES_MONTH"])
        XCTAssertEqual(habits.first { $0.topic == .tobacco }?.answers["smoking"], "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST")

        try terminal.send("Escape")
        try terminal.waitFor("Habitudes de vie (5)", "▸ Maladies et sujets de santé")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("▸ Poids (12)")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("Hémoglobine glyquée (HbA1c) (1 sur 5)", "o objectif")
        try terminal.send("o")
        try terminal.waitFor("Valeur basse de l’objectif")
        try terminal.send("6", "Enter", "7,5", "Enter")
        try terminal.waitFor("Objectif enregistré", "Objectif : de 6,0")
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let profiles = try await serverRecords(Profile.self, home)
        XCTAssertEqual(profiles.first { $0.relation == .own }?.measureTargets?["hba1c"], [6, 7.5], "the target is on the server")
    }

    /// Issue 12: measures imported from the screen as from the command line: a preview with the
    /// duplicates skipped and every bad line by its number, « Non » first, then saved and synced.
    func testMeasuresAreImportedFromTheScreenAfterAPreview() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let file = home.directory.url.appendingPathComponent("tension.csv")
        try """
        date,measure,value,unit
        2025-11-20 07:30,weight,71.3,kg
        2025-11-20 07:35,blood-pressure,131/84,mmHg
        2025-11-21,glycaemia,abc,g/L
        2025-13-01,weight,70,kg
        2025-11-22 07:30,weight,71.9,kg
        2025-11-22 07:30,weight,71.9,kg
        """.write(to: file, atomically: true, encoding: .utf8)
        let terminal = try home.terminal()
        defer { terminal.close() }
        try terminal.waitFor("[1 Accueil]", "Synchro : à jour", timeout: 20)
        try terminal.send("3")
        try terminal.waitFor("▸ Maladies et sujets de santé (3)")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("▸ Poids (12)", "i importer")
        try terminal.send("i")
        try terminal.waitFor("Chemin du fichier de mesures")
        try terminal.send("-l", file.path)
        try terminal.send("Enter")
        let preview = try terminal.waitFor("Importer tension.csv ?", "3 mesures à ajouter, 1 déjà présente ignorée", "ligne 4 : valeur illisible « abc »",
                                           "ligne 5 : date illisible « 2025-13-01 »", "[▸Non (n)]")
        XCTAssertTrue(preview.contains("Ajouter ces mesures ?"), preview)
        try terminal.send("o")
        try terminal.waitFor("3 mesures ajoutées", "▸ Poids (14)")
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        let weights = try await serverRecords(HealthMeasurement.self, home).filter { $0.type == .weight }
        XCTAssertEqual(weights.filter { $0.value == 71.9 }.count, 1, "the duplicate line was skipped")
        XCTAssertTrue(weights.contains { $0.value == 71.3 })
    }

    func testInScreenReaderModeTheChartIsASentenceThenTheTable() async throws {
        let home = try await SyncedHome()
        defer { home.close() }
        let terminal = try home.terminal(arguments: ["--screen-reader"])
        defer { terminal.close() }
        try terminal.waitFor("Synchro : à jour", timeout: 20)
        try terminal.send("3")
        try terminal.waitFor("Maladies et sujets de santé (3)")
        try terminal.send("End", "Up", "Enter")
        try terminal.waitFor("Poids (12)")
        try terminal.send("Enter")
        let screen = try terminal.waitFor("Poids : dernière valeur", "minimum", "maximum", "en baisse de")
        XCTAssertFalse(screen.contains("│"), "no drawn axes in screen-reader mode:\n\(screen)")
    }
}
