import Foundation
import HealthRecord
import MedicalProfile
import Vault
import XCTest

/// The profil médical's use cases over a real vault: every rubrique added, edited and deleted,
/// each change one transaction with its outbox entry; the rules MES keeps.
final class ProfileBookTests: XCTestCase {
    func testPartialDatesAsPeopleTypeThem() throws {
        XCTAssertEqual(PartialDate(typed: "2019")?.iso, "2019")
        XCTAssertEqual(PartialDate(typed: "03/2019")?.iso, "2019-03")
        XCTAssertEqual(PartialDate(typed: "3/2019")?.iso, "2019-03")
        XCTAssertEqual(PartialDate(typed: "12/03/2019")?.iso, "2019-03-12")
        XCTAssertEqual(PartialDate(typed: "2019-03-12")?.typed, "12/03/2019")
        XCTAssertEqual(PartialDate(typed: "2019-03")?.typed, "03/2019")
        for bad in ["", "19", "13/2019", "31/02/2019", "2019-3", "03/19", "abc", "1/1/1/2019", "00/2019"] {
            XCTAssertNil(PartialDate(typed: bad), bad)
        }
        XCTAssertLessThan(PartialDate(iso: "2019")!, PartialDate(iso: "2019-01")!)
        XCTAssertLessThan(PartialDate(iso: "2019-12-31")!, PartialDate(iso: "2020")!)
        let decoded = try JSONDecoder().decode([PartialDate].self, from: Data(#"["2019","2019-03","2019-03-12"]"#.utf8))
        XCTAssertEqual(decoded.map(\.typed), ["2019", "03/2019", "12/03/2019"])
        XCTAssertThrowsError(try JSONDecoder().decode([PartialDate].self, from: Data(#"["2019-13"]"#.utf8)))
        let treatment = Treatment(id: "t", profileID: "p", medication: "M", start: PartialDate(iso: "2024"), end: PartialDate(iso: "2024-03"))
        XCTAssertTrue(treatment.isOngoing(on: CalendarDate(year: 2024, month: 3, day: 31)!), "a month's end covers the whole month")
        XCTAssertFalse(treatment.isOngoing(on: CalendarDate(year: 2024, month: 4, day: 1)!))
    }

    /// Issue 12: the habits as MES keeps them: one section at a time, each question answered by
    /// one of its codes or a number in its range; a question of another section is refused; an
    /// answer MES would no longer ask is dropped; one record per section, with its outbox entry.
    func testHabitsAreMESStructuredQuestions() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let book = ProfileBook(vault: vault, profileID: "helene", vaccines: repositoryVaccines)
        let added = try book.add(.lifestyle, ["topic": "tobacco", "smoking": "yes-every-day", "cigarettes-per-day": "12", "vaping": "NO"])
        XCTAssertEqual(added.values, ["topic": "TOBACCO", "smoking": "YES_EVERY_DAY", "cigarettes-per-day": "12", "vaping": "NO"])
        XCTAssertEqual(ProfileWording.summary(added, vaccines: repositoryVaccines),
                       "Je fume : Oui, tous les jours · Nombre de cigarettes que je fume par jour : 12 · Je vapote : Non")
        let pending = try vault.read { try $0.outbox.pending(limit: 10) }
        XCTAssertEqual(pending.map(\.kind), [.lifestyle])

        // Out of range, not a code, another section's question: refused, nothing written.
        for bad in [["cigarettes-per-day": "120"], ["smoking": "SOMETIMES"], ["sleep": "GOOD"], ["cigarettes-per-day": "dix"]] {
            XCTAssertThrowsError(try book.edit(.lifestyle, id: added.id, bad), "\(bad)") { error in
                guard case ProfileBookError.invalidValue = error else { return XCTFail("\(error)") }
            }
        }
        // Stopped smoking: the count is no longer asked, so it goes; the stop is asked now.
        let edited = try book.edit(.lifestyle, id: added.id, ["smoking": "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST", "stopped-smoking": "SINCE_MORE_THAN_FIVE_YEARS"])
        XCTAssertEqual(edited.values, ["topic": "TOBACCO", "smoking": "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST", "stopped-smoking": "SINCE_MORE_THAN_FIVE_YEARS",
                                       "vaping": "NO"])
        // A stop given while smoking every day is not asked: dropped.
        let alcohol = try book.add(.lifestyle, ["topic": "ALCOHOL", "alcohol-days": "2", "alcohol-glasses": "3", "binge-drinking": "NO"])
        XCTAssertEqual(alcohol.values["alcohol-glasses"], "3")
        XCTAssertThrowsError(try book.add(.lifestyle, ["topic": "SLEEP"]), "a section with no answer is refused")
        XCTAssertEqual(try book.entries(.lifestyle).map(\.values["topic"]), ["TOBACCO", "ALCOHOL"])
        XCTAssertEqual(LifestyleCatalog.questions.count, 16)
        XCTAssertEqual(Set(LifestyleCatalog.questions.map(\.section)), Set(Lifestyle.Topic.allCases), "every MES section has its questions")
    }

    func testEveryRubriqueAddedEditedAndDeletedWithItsOutboxEntry() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let book = ProfileBook(vault: vault, profileID: "helene", vaccines: repositoryVaccines)
        let samples: [(ProfileRubrique, [String: String], [String: String])] = [
            (.conditions, ["name": "Asthme", "start": "03/2019", "status": "active"], ["end": "2024", "status": "resolved"]),
            (.treatments, ["name": "Ventoline", "dosage": "2 bouffées", "start": "2019"], ["end": "06/2024"]),
            (.hospitalizations, ["name": "Fracture du poignet", "start": "2021", "duration": "2", "unit": "WEEK"], ["start": "05/2021"]),
            (.disabilities, ["name": "Surdité", "types": "SENSORY", "cdaph": "BETWEEN_50_AND_79"], ["human-help": "YES", "technical-help": "Appareil auditif"]),
            (.bloodGroup, ["group": "O-"], ["group": "AB+"]),
            (.allergies, ["name": "Arachide", "comment": "œdème"], ["comment": ""]),
            (.familyHistory, ["relative": "MOTHER", "name": "Diabète de type 2"], ["relative": "father"]),
            (.vaccinations, ["vaccine": "J07BB02", "date": "15/10/2025", "dose": "BOOSTER", "lot": "L1"], ["lot": "L2"]),
            (.lifestyle, ["topic": "TOBACCO", "answer": "Non-fumeuse"], ["answer": "Non-fumeuse depuis 2009"]),
            (.professionals, ["role": "SAGE_FEMME_REFERENTE", "name": "Inès Moreau"], ["organization": "Maternité de Lyon"]),
            (.entourage, ["role": "TRUSTED_PERSON", "name": "Julien Martineau", "relation": "CHILD", "mobile": "06 00 00 00 02"],
             ["email": "julien@example.org"]),
        ]
        var outbox = 0
        for (rubrique, values, changes) in samples {
            let added = try book.add(rubrique, values)
            outbox += 1
            XCTAssertEqual(try vault.read { try $0.outbox.count() }, outbox, "\(rubrique): one outbox entry per change")
            for (key, value) in values where rubrique.field(key)?.kind != .partialDate && rubrique.field(key)?.kind != .date {
                XCTAssertEqual(added.values[key], value, "\(rubrique).\(key)")
            }
            let edited = try book.edit(rubrique, id: added.id, changes)
            outbox += 1
            for (key, value) in changes where !value.isEmpty && rubrique.field(key)?.kind == .text {
                XCTAssertEqual(edited.values[key], value, "\(rubrique).\(key) edited")
            }
            for key in values.keys where changes[key] == nil {
                XCTAssertEqual(edited.values[key], added.values[key], "\(rubrique).\(key) is kept by an edit that does not name it")
            }
            XCTAssertEqual(try book.entries(rubrique).map(\.id), [added.id])
        }
        XCTAssertEqual(try book.entry(.conditions, id: book.entries(.conditions)[0].id).values["start"], "03/2019")
        XCTAssertEqual(try book.entries(.hospitalizations)[0].values["start"], "05/2021")
        XCTAssertNil(try book.entries(.allergies)[0].values["comment"], "an empty value clears the field")
        XCTAssertEqual(try book.entries(.familyHistory)[0].values["relative"], "FATHER", "choices match whatever the case")
        XCTAssertEqual(try book.entries(.vaccinations)[0].title, "Grippe saisonnière", "a vaccine of the list is named as people know it")
        XCTAssertEqual(try vault.read { try $0.profiles.find("helene") }?.referentMidwife?.organization, "Maternité de Lyon")

        for (rubrique, _, _) in samples {
            let id = try book.entries(rubrique)[0].id
            try book.delete(rubrique, id: id)
            XCTAssertEqual(try book.entries(rubrique), [], "\(rubrique) deleted")
        }
        XCTAssertGreaterThanOrEqual(try vault.read { try $0.outbox.count() }, outbox + samples.count)
    }

    func testWhatMESRefuses() throws {
        let (vault, directory) = try makeProfileVault()
        defer { vault.close(); directory.remove() }
        let book = ProfileBook(vault: vault, profileID: "helene", vaccines: repositoryVaccines)
        XCTAssertThrowsError(try book.add(.conditions, ["start": "2019"])) { XCTAssertEqual($0 as? ProfileBookError, .missingField("name")) }
        XCTAssertThrowsError(try book.add(.conditions, ["name": "X", "start": "13/2019"])) {
            XCTAssertEqual($0 as? ProfileBookError, .invalidValue(field: "start", value: "13/2019"))
        }
        XCTAssertThrowsError(try book.add(.conditions, ["name": "X", "colour": "red"])) { XCTAssertEqual($0 as? ProfileBookError, .unknownField("colour")) }
        XCTAssertThrowsError(try book.add(.hospitalizations, ["name": "X"])) { XCTAssertEqual($0 as? ProfileBookError, .missingField("start")) }
        XCTAssertThrowsError(try book.add(.vaccinations, ["vaccine": "Grippe", "date": "2025"]), "a vaccination has a full day") {
            XCTAssertEqual($0 as? ProfileBookError, .invalidValue(field: "date", value: "2025"))
        }
        XCTAssertThrowsError(try book.add(.treatments, ["name": "X", "condition": "nope"])) {
            XCTAssertEqual($0 as? ProfileBookError, .invalidValue(field: "condition", value: "nope"))
        }

        // One personne de confiance.
        try book.add(.entourage, ["role": "TRUSTED_PERSON", "name": "Julien"])
        XCTAssertThrowsError(try book.add(.entourage, ["role": "TRUSTED_PERSON", "name": "Agnès"])) {
            XCTAssertEqual($0 as? ProfileBookError, .oneTrustedPerson)
        }
        try book.add(.entourage, ["role": "EMERGENCY_CONTACT", "name": "Agnès"])

        // "Non concerné" only without allergies; an allergy ends it.
        try book.declareNotConcernedByAllergies()
        XCTAssertTrue(try book.isNotConcernedByAllergies())
        XCTAssertEqual(try book.entries(.allergies), [], "the declaration is not an allergy")
        try book.add(.allergies, ["name": "Pénicilline"])
        XCTAssertFalse(try book.isNotConcernedByAllergies())
        XCTAssertThrowsError(try book.declareNotConcernedByAllergies()) { XCTAssertEqual($0 as? ProfileBookError, .hasAllergies) }

        // A treatment names the condition it treats.
        let condition = try book.add(.conditions, ["name": "Asthme"])
        let treatment = try book.add(.treatments, ["name": "Ventoline", "condition": condition.id])
        XCTAssertEqual(treatment.values["condition"], condition.id)

        // A professional's vaccination is read-only.
        try vault.write {
            try $0.records(Vaccination.self).save(Vaccination(id: "vac-pro", profileID: "helene", vaccine: "Zona", date: CalendarDate(year: 2025, month: 1, day: 2)!,
                                                              performer: Practitioner(name: "Dr Paul Lefèvre"), isWrittenByProfessional: true),
                                                  origin: .remote)
        }
        let written = try book.entry(.vaccinations, id: "vac-pro")
        XCTAssertTrue(written.isReadOnly)
        XCTAssertEqual(written.author, "Dr Paul Lefèvre")
        XCTAssertThrowsError(try book.edit(.vaccinations, id: "vac-pro", ["lot": "X"])) { XCTAssertEqual($0 as? ProfileBookError, .readOnly) }
        XCTAssertThrowsError(try book.delete(.vaccinations, id: "vac-pro")) { XCTAssertEqual($0 as? ProfileBookError, .readOnly) }

        // Organ donation: the "j'ai pris connaissance" declaration, dated.
        let wishes = try book.add(.wishes, ["organ-donation-informed": "yes"])
        XCTAssertEqual(wishes.values["organ-donation-informed"], "yes")
        XCTAssertNotNil(try vault.read { try $0.records(Wishes.self).find("helene") }?.organDonationInformedOn)
    }

    func testVaccinesByTheNamesPeopleKnow() {
        XCTAssertGreaterThanOrEqual(repositoryVaccines.vaccines.count, 20)
        XCTAssertEqual(repositoryVaccines.code(matching: "rougeole"), nil, "a name is matched whole")
        XCTAssertEqual(repositoryVaccines.code(matching: "ROR (rougeole, oreillons, rubéole)"), "J07BD52")
        XCTAssertEqual(repositoryVaccines.code(matching: "shingles"), "J07BK03")
        XCTAssertEqual(repositoryVaccines.code(matching: "j07bb02"), "J07BB02")
        XCTAssertEqual(repositoryVaccines.name(of: "J07BB02", french: false), "Seasonal influenza")
    }
}
