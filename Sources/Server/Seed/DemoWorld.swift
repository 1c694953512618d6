import FHIR
import Foundation
import HealthRecord

/// The demo world: Hélène Martineau (58, hypertensive and diabetic) with a rich record, her son
/// Lucas (a minor in her care), her elder son Julien (her aidant), another holder, and five
/// professionals. Every name is fictional; identities use the demo INS system, never a NIR.
/// Dates are relative to the seeding time, so "past" and "future" stay true.
struct DemoWorld {
    let now: Date

    static let holderID = "helene"
    static let childID = "lucas"
    static let otherHolderID = "bruno"
    static let aidantLogin = "julien.martineau"
    /// Who the people behind accounts without a space of their own are (to invite them by name).
    static let identities: [String: (family: String, given: String, birthDate: String)] = [
        aidantLogin: ("Martineau", "Julien", "1994-03-12"),
    ]

    struct Professional {
        var id: String, rpps: String, given: String, family: String, specialty: String, password: String
        var display: String { "Dr \(given) \(family)" }
        var reference: String { "Practitioner/\(id)" }
    }

    static let professionals = [
        Professional(id: "lefevre", rpps: "10003456781", given: "Paul", family: "Lefèvre", specialty: "Médecine générale", password: "demo-lefevre"),
        Professional(id: "bernard", rpps: "10003456782", given: "Sophie", family: "Bernard", specialty: "Cardiologie", password: "demo-bernard"),
        Professional(id: "garnier", rpps: "10003456783", given: "Amélie", family: "Garnier", specialty: "Biologie médicale", password: "demo-garnier"),
        Professional(id: "renaud", rpps: "10003456784", given: "Marc", family: "Renaud", specialty: "Radiologie", password: "demo-renaud"),
        Professional(id: "haddad", rpps: "10003456785", given: "Nadia", family: "Haddad", specialty: "Médecine d'urgence", password: "demo-haddad"),
    ]
    static var gp: Professional { professionals[0] }
    static var cardiologist: Professional { professionals[1] }
    static var biologist: Professional { professionals[2] }
    static var radiologist: Professional { professionals[3] }

    var accounts: [DemoAccount] {
        [
            DemoAccount(role: "holder", identifier: "helene.martineau", password: "demo-helene", displayName: "Hélène Martineau", resource: Self.holderID),
            DemoAccount(role: "child", identifier: "lucas.martineau", password: "(espace géré par Hélène Martineau)", displayName: "Lucas Martineau", resource: Self.childID),
            DemoAccount(role: "aidant", identifier: Self.aidantLogin, password: "demo-julien", displayName: "Julien Martineau", resource: nil),
            DemoAccount(role: "holder", identifier: "bruno.caradec", password: "demo-bruno", displayName: "Bruno Caradec", resource: Self.otherHolderID),
        ] + (Self.professionals + Self.pharmacists).map {
            DemoAccount(role: "professional", identifier: $0.rpps, password: $0.password, displayName: $0.display, resource: $0.id)
        }
    }

    func day(_ offset: Double, hour: Int = 9) -> String {
        let start = Calendar(identifier: .gregorian).startOfDay(for: now.addingTimeInterval(offset * 86400))
        return FHIRDateTime.instant(start.addingTimeInterval(Double(hour) * 3600))
    }

    func date(_ offset: Double) -> String { String(day(offset).prefix(10)) }

    func write(into writer: inout SeedWriter) throws {
        for professional in Self.professionals { try writer.save(practitioner(professional), patient: "") }
        try writer.save(holder(), patient: Self.holderID)
        try writer.save(child(), patient: Self.childID)
        try writer.save(otherHolder(), patient: Self.otherHolderID)
        try writeProfile(into: &writer)
        try writeMeasures(into: &writer)
        try writeVaccinations(into: &writer)
        try writeAgenda(into: &writer)
        try writeAgendaItems(into: &writer)
        try writeDocuments(into: &writer)
        try writeMessages(into: &writer)
        try writePharmacies(into: &writer)
        try writeReimbursements(into: &writer)
        try writeChild(into: &writer)
        try writeProfileRubriques(into: &writer)
    }

    // MARK: - People

    private func practitioner(_ professional: Professional) -> Resource {
        var resource = Resource(type: "Practitioner", id: professional.id)
        resource["identifier"] = [["system": .string(IdentifierSystem.rpps), "value": .string(professional.rpps)]]
        resource["name"] = [["family": .string(professional.family), "given": [.string(professional.given)], "prefix": ["Dr"]]]
        resource["qualification"] = [["code": ["text": .string(professional.specialty)]]]
        resource["telecom"] = [["system": "email", "value": .string("\(professional.id)@demo.mssante.fr")]]
        return resource
    }

    private func patient(id: String, ins: String, family: String, given: String, gender: String, birthDate: String) -> Resource {
        var resource = Resource(type: "Patient", id: id)
        resource["identifier"] = [
            ["system": .string(IdentifierSystem.insDemo), "value": .string(ins),
             "type": Concept.codeable("https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "INS-NIR-TEST")],
        ]
        resource["name"] = [["use": "official", "family": .string(family), "given": [.string(given)]]]
        resource["gender"] = .string(gender)
        resource["birthDate"] = .string(birthDate)
        return resource
    }

    private func holder() -> Resource {
        var resource = patient(id: Self.holderID, ins: "266049900000011", family: "Martineau", given: "Hélène", gender: "female", birthDate: "1966-04-12")
        resource["telecom"] = [
            ["system": "phone", "value": "06 00 00 00 01", "use": "mobile"],
            ["system": "email", "value": "266049900000011@patient.mssante.fr"],
        ]
        resource["address"] = [["line": ["12 rue des Tilleuls"], "postalCode": "69003", "city": "Lyon", "country": "FR"]]
        resource["contact"] = [
            ["relationship": [Concept.codeable(CodeSystem.contactRole, "QUAL", "Personne de confiance")],
             "name": ["family": "Martineau", "given": ["Julien"]], "telecom": [["system": "phone", "value": "06 00 00 00 02"]]],
            ["relationship": [Concept.codeable(CodeSystem.contactRole, "ECON", "Contact en cas d'urgence")],
             "name": ["family": "Roussel", "given": ["Agnès"]], "telecom": [["system": "phone", "value": "06 00 00 00 03"]]],
        ]
        resource["generalPractitioner"] = [["reference": .string(Self.gp.reference), "display": .string(Self.gp.display)]]
        resource["extension"] = [Self.pharmacistExtension()]
        return resource
    }

    private func child() -> Resource {
        var resource = patient(id: Self.childID, ins: "115099900000022", family: "Martineau", given: "Lucas", gender: "male", birthDate: "2015-09-03")
        resource["contact"] = [["relationship": [Concept.codeable(CodeSystem.contactRole, "GUARD", "Responsable légal")],
                                "name": ["family": "Martineau", "given": ["Hélène"]]]]
        resource["generalPractitioner"] = [["reference": .string(Self.gp.reference), "display": .string(Self.gp.display)]]
        return resource
    }

    private func otherHolder() -> Resource {
        var resource = patient(id: Self.otherHolderID, ins: "172039900000033", family: "Caradec", given: "Bruno", gender: "male", birthDate: "1972-03-21")
        resource["generalPractitioner"] = [["reference": .string(Self.gp.reference), "display": .string(Self.gp.display)]]
        return resource
    }

    private var subject: JSON { ["reference": .string("Patient/\(Self.holderID)")] }

    // MARK: - Profile

    private func writeProfile(into writer: inout SeedWriter) throws {
        let conditions: [(String, String, String, Double)] = [
            ("hta", "38341003", "Hypertension artérielle", -3650),
            ("diabete", "44054006", "Diabète de type 2", -2200),
            ("cholesterol", "55822004", "Hypercholestérolémie", -1500),
        ]
        for (id, code, text, onset) in conditions {
            var resource = Resource(type: "Condition", id: "cond-\(id)")
            resource["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")
            resource["category"] = [Concept.codeable("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")]
            resource["code"] = Concept.codeable(CodeSystem.snomed, code, text, text: text)
            resource["subject"] = subject
            resource["onsetDateTime"] = .string(date(onset))
            resource["recorder"] = ["reference": .string(Self.gp.reference), "display": .string(Self.gp.display)]
            try writer.save(resource, patient: Self.holderID)
        }
        let treatments: [(String, String, String)] = [
            ("amlodipine", "Amlodipine 5 mg", "1 comprimé le matin"),
            ("metformine", "Metformine 1000 mg", "1 comprimé matin et soir, au cours du repas"),
            ("atorvastatine", "Atorvastatine 20 mg", "1 comprimé le soir"),
        ]
        for (id, text, dosage) in treatments {
            var resource = Resource(type: "MedicationStatement", id: "med-\(id)")
            resource["status"] = "active"
            resource["medicationCodeableConcept"] = ["text": .string(text)]
            resource["subject"] = subject
            resource["effectivePeriod"] = ["start": .string(date(-900))]
            resource["dosage"] = [["text": .string(dosage)]]
            resource["informationSource"] = ["reference": .string(Self.gp.reference), "display": .string(Self.gp.display)]
            try writer.save(resource, patient: Self.holderID)
        }
        let allergies: [(String, String, String, String)] = [
            ("penicilline", "Pénicilline", "medication", "high"),
            ("bouleau", "Pollen de bouleau", "environment", "low"),
        ]
        for (id, text, category, criticality) in allergies {
            var resource = Resource(type: "AllergyIntolerance", id: "allergy-\(id)")
            resource["clinicalStatus"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active")
            resource["category"] = [.string(category)]
            resource["criticality"] = .string(criticality)
            resource["code"] = ["text": .string(text)]
            resource["patient"] = subject
            resource["recordedDate"] = .string(date(-1200))
            try writer.save(resource, patient: Self.holderID)
        }
        let family: [(String, String, String, String)] = [
            ("pere", "FTH", "Père", "Infarctus du myocarde à 62 ans"),
            ("mere", "MTH", "Mère", "Diabète de type 2"),
        ]
        for (id, code, relation, text) in family {
            var resource = Resource(type: "FamilyMemberHistory", id: "family-\(id)")
            resource["status"] = "completed"
            resource["patient"] = subject
            resource["date"] = .string(date(-800))
            resource["relationship"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/v3-RoleCode", code, relation, text: relation)
            resource["condition"] = [["code": ["text": .string(text)]]]
            try writer.save(resource, patient: Self.holderID)
        }
    }

    // MARK: - Measures over a year

    /// A vital-sign Observation without its value.
    static func vitalSign(id: String, patient: String, loinc: String, display: String, at: String) -> Resource {
        var resource = Resource(type: "Observation", id: id)
        resource["status"] = "final"
        resource["category"] = [Concept.codeable(CodeSystem.observationCategory, "vital-signs")]
        resource["code"] = Concept.codeable(CodeSystem.loinc, loinc, display, text: display)
        resource["subject"] = ["reference": .string("Patient/\(patient)")]
        resource["effectiveDateTime"] = .string(at)
        return resource
    }

    static func quantity(_ value: Double, _ unit: String) -> JSON {
        ["value": .double(value), "unit": .string(unit), "system": .string(CodeSystem.ucum), "code": .string(unit)]
    }

    static func observation(id: String, patient: String, loinc: String, display: String, value: Double, unit: String, at: String) -> Resource {
        var resource = vitalSign(id: id, patient: patient, loinc: loinc, display: display, at: at)
        resource["valueQuantity"] = quantity(value, unit)
        return resource
    }

    /// Blood pressure as one panel with two components (ANS "mesures de santé").
    static func bloodPressure(id: String, patient: String, systolic: Int, diastolic: Int, at: String) -> Resource {
        var resource = vitalSign(id: id, patient: patient, loinc: "85354-9", display: "Tension artérielle", at: at)
        resource["component"] = [
            ["code": Concept.codeable(CodeSystem.loinc, "8480-6", "Systolique"), "valueQuantity": quantity(Double(systolic), "mm[Hg]")],
            ["code": Concept.codeable(CodeSystem.loinc, "8462-4", "Diastolique"), "valueQuantity": quantity(Double(diastolic), "mm[Hg]")],
        ]
        return resource
    }

    private func writeMeasures(into writer: inout SeedWriter) throws {
        let patient = Self.holderID
        try writer.save(Self.observation(id: "obs-height", patient: patient, loinc: "8302-2", display: "Taille", value: 165, unit: "cm", at: day(-360)), patient: patient)
        for month in 0..<12 {
            let offset = Double(-360 + month * 30)
            let weight = 78.4 - Double(month) * 0.35
            try writer.save(Self.observation(id: "obs-weight-\(month)", patient: patient, loinc: "29463-7", display: "Poids",
                                             value: (weight * 10).rounded() / 10, unit: "kg", at: day(offset, hour: 8)), patient: patient)
            try writer.save(Self.observation(id: "obs-bmi-\(month)", patient: patient, loinc: "39156-5", display: "IMC",
                                             value: (weight / (1.65 * 1.65) * 10).rounded() / 10, unit: "kg/m2", at: day(offset, hour: 8)), patient: patient)
            try writer.save(Self.observation(id: "obs-glyc-\(month)", patient: patient, loinc: "2345-7", display: "Glycémie à jeun",
                                             value: [132, 128, 141, 122, 118, 125, 130, 112, 109, 115, 121, 108][month], unit: "mg/dL",
                                             at: day(offset + 2, hour: 7)), patient: patient)
            try writer.save(Self.observation(id: "obs-steps-\(month)", patient: patient, loinc: "41950-7", display: "Nombre de pas par jour",
                                             value: Double(4200 + month * 310), unit: "1/(24.h)", at: day(offset + 5, hour: 21)), patient: patient)
        }
        for week in 0..<52 {
            let offset = Double(-364 + week * 7)
            try writer.save(Self.bloodPressure(id: "obs-bp-\(week)", patient: patient, systolic: 152 - week / 3, diastolic: 94 - week / 6,
                                               at: day(offset, hour: 8)), patient: patient)
            if week % 4 == 0 {
                try writer.save(Self.observation(id: "obs-hr-\(week)", patient: patient, loinc: "8867-4", display: "Fréquence cardiaque",
                                                 value: Double(72 + week % 7), unit: "/min", at: day(offset, hour: 8)), patient: patient)
            }
        }
    }

    // MARK: - Vaccinations

    static func immunization(id: String, patient: String, text: String, at: String, lot: String, performer: Professional?) -> Resource {
        var resource = Resource(type: "Immunization", id: id)
        resource["status"] = "completed"
        resource["vaccineCode"] = ["text": .string(text)]
        resource["patient"] = ["reference": .string("Patient/\(patient)")]
        resource["occurrenceDateTime"] = .string(at)
        resource["lotNumber"] = .string(lot)
        if let performer { resource["performer"] = [["actor": ["reference": .string(performer.reference), "display": .string(performer.display)]]] }
        return resource
    }

    private func writeVaccinations(into writer: inout SeedWriter) throws {
        let list: [(String, String, Double)] = [
            ("dtp", "Diphtérie, tétanos, poliomyélite (rappel)", -1300), ("pneumo", "Pneumocoque", -700),
            ("grippe", "Grippe saisonnière", -200), ("covid", "COVID-19 (rappel)", -195), ("zona", "Zona", -90),
        ]
        for (id, text, offset) in list {
            try writer.save(Self.immunization(id: "vac-\(id)", patient: Self.holderID, text: text, at: day(offset, hour: 10),
                                              lot: "LOT\(id.uppercased())24", performer: Self.gp), patient: Self.holderID)
        }
    }

    // MARK: - Agenda

    private func writeAgenda(into writer: inout SeedWriter) throws {
        let appointments: [(String, String, Double, Int, Professional, String)] = [
            ("consult-gp-past", "Consultation de suivi (diabète)", -45, 10, Self.gp, "fulfilled"),
            ("cardio-past", "Consultation de cardiologie", -120, 14, Self.cardiologist, "fulfilled"),
            ("echo-past", "Échographie abdominale", -60, 11, Self.radiologist, "fulfilled"),
            ("cardio-next", "Consultation de cardiologie", 21, 15, Self.cardiologist, "booked"),
            ("bilan-next", "Bilan sanguin (HbA1c, lipides)", 40, 8, Self.biologist, "booked"),
            ("gp-next", "Renouvellement d'ordonnance", 75, 17, Self.gp, "booked"),
        ]
        for (id, text, offset, hour, professional, status) in appointments {
            var resource = Resource(type: "Appointment", id: "appt-\(id)")
            resource["status"] = .string(status)
            resource["description"] = .string(text)
            resource["start"] = .string(day(offset, hour: hour))
            resource["end"] = .string(day(offset, hour: hour).replacingOccurrences(of: ":00:00.000Z", with: ":30:00.000Z"))
            resource["participant"] = [
                ["actor": subject, "status": "accepted"],
                ["actor": ["reference": .string(professional.reference), "display": .string(professional.display)], "status": "accepted"],
            ]
            try writer.save(resource, patient: Self.holderID)
        }
        let tasks: [(String, String, Double)] = [
            ("depistage", "Faire le test de dépistage du cancer colorectal", 14),
            ("ordonnance", "Renouveler l'ordonnance de metformine", 70),
            ("fond-oeil", "Prendre rendez-vous pour le fond d'œil annuel", 30),
        ]
        for (id, text, offset) in tasks {
            var resource = Resource(type: "Task", id: "task-\(id)")
            resource["status"] = "requested"
            resource["intent"] = "plan"
            resource["description"] = .string(text)
            resource["for"] = subject
            resource["authoredOn"] = .string(day(-3))
            resource["executionPeriod"] = ["start": .string(day(offset))]
            try writer.save(resource, patient: Self.holderID)
        }
    }

    // MARK: - Documents

    struct DocumentSeed {
        var id: String, title: String, typeSystem: String, typeCode: String, classCode: String, category: DocumentCategory
        var author: Professional?, daysAgo: Double, text: String
        var visibility: Set<VisibilityCode> = []
        var contentType = "text/plain; charset=utf-8"
    }

    func document(_ seed: DocumentSeed, patient: String) -> DocumentReference {
        let authors = seed.author.map { [DocumentReference.Author(reference: $0.reference, display: $0.display)] }
            ?? [DocumentReference.Author(reference: "Patient/\(patient)", display: nil)]
        return DocumentReference(id: seed.id, typeSystem: seed.typeSystem, typeCode: seed.typeCode, typeDisplay: seed.title,
                                 classCode: seed.classCode, category: seed.category, subject: "Patient/\(patient)",
                                 date: day(-seed.daysAgo, hour: 11), authors: authors, title: seed.title, visibility: seed.visibility,
                                 attachment: .init(contentType: seed.contentType, title: seed.title, creation: day(-seed.daysAgo, hour: 11)))
    }

    private func writeDocuments(into writer: inout SeedWriter) throws {
        let loinc = CodeSystem.loinc, tre = CodeSystem.documentTypeFR
        let seeds: [DocumentSeed] = [
            DocumentSeed(id: "doc-profil", title: "Ma santé en résumé", typeSystem: tre, typeCode: "DOCPAT08", classCode: "90", category: .summary,
                         author: nil, daysAgo: 10, text: "Hypertension artérielle, diabète de type 2, hypercholestérolémie.\nAllergie : pénicilline."),
            DocumentSeed(id: "doc-ordonnance", title: "Ordonnance — traitement chronique", typeSystem: loinc, typeCode: "57833-6", classCode: "42",
                         category: .prescriptions, author: Self.gp, daysAgo: 45,
                         text: "Dr Paul Lefèvre — Médecine générale\nOrdonnance pour 3 mois, renouvelable.\n\n1. Amlodipine 5 mg : 1 comprimé le matin.\n2. Metformine 1000 mg : 1 comprimé matin et soir, au cours du repas.\n3. Atorvastatine 20 mg : 1 comprimé le soir.\n"),
            DocumentSeed(id: "doc-echo", title: "Échographie abdominale", typeSystem: loinc, typeCode: "18748-4", classCode: "31", category: .imaging,
                         author: Self.radiologist, daysAgo: 60, text: "Foie de taille normale, discrètement hyperéchogène (stéatose modérée). Pas de lésion focale. Vésicule alithiasique."),
            DocumentSeed(id: "doc-hospit", title: "Compte rendu d'hospitalisation", typeSystem: loinc, typeCode: "34112-3", classCode: "10", category: .reports,
                         author: Self.cardiologist, daysAgo: 400, text: "Hospitalisation de 48 h pour poussée hypertensive. Adaptation du traitement. Retour à domicile."),
            DocumentSeed(id: "doc-depistage", title: "Dépistage du cancer du sein — résultat", typeSystem: tre, typeCode: "DOCPAT06", classCode: "90",
                         category: .prevention, author: nil, daysAgo: 150, text: "Mammographie de dépistage organisé : pas d'anomalie (ACR 1)."),
            DocumentSeed(id: "doc-certificat", title: "Certificat d'aptitude à la marche nordique", typeSystem: tre, typeCode: "DOCPAT07", classCode: "52",
                         category: .certificates, author: nil, daysAgo: 200, text: "Certificat de non contre-indication à la pratique de la marche nordique."),
            DocumentSeed(id: "doc-mutuelle", title: "Attestation de complémentaire santé", typeSystem: tre, typeCode: "DOCPAT09", classCode: "95",
                         category: .administrative, author: nil, daysAgo: 30, text: "Attestation de droits — complémentaire santé (exemple fictif)."),
            DocumentSeed(id: "doc-directives", title: "Mes directives anticipées", typeSystem: tre, typeCode: "EXPPAT_3", classCode: "90",
                         category: .advanceDirectives, author: nil, daysAgo: 300, text: "Je souhaite que ma personne de confiance, Julien Martineau, soit consultée."),
            DocumentSeed(id: "doc-synthese", title: "Synthèse médicale", typeSystem: loinc, typeCode: "60591-5", classCode: "11", category: .medicalSummary,
                         author: Self.gp, daysAgo: 90, text: "Patiente de 58 ans. HTA depuis 10 ans, diabète de type 2 depuis 6 ans, sous trithérapie. Objectif HbA1c < 7 %."),
            DocumentSeed(id: "doc-questionnaire", title: "Questionnaire de santé", typeSystem: loinc, typeCode: "74465-6", classCode: "90",
                         category: .questionnaire, author: nil, daysAgo: 20, text: "Activité physique : 3 fois par semaine. Tabac : non. Alcool : occasionnel."),
            DocumentSeed(id: "doc-autre", title: "Photo de la carte de groupe sanguin", typeSystem: tre, typeCode: "DOCPAT03", classCode: "90",
                         category: .other, author: nil, daysAgo: 500, text: "Groupe sanguin : A Rh+ (document déposé par la patiente)."),
            DocumentSeed(id: "doc-vaccins", title: "Historique des vaccinations", typeSystem: loinc, typeCode: "11369-6", classCode: "11",
                         category: .prevention, author: Self.gp, daysAgo: 85, text: "DTP 2021, pneumocoque 2023, grippe et COVID-19 (automne), zona."),
            DocumentSeed(id: "doc-cardio-psy", title: "Consultation — retentissement psychologique", typeSystem: loinc, typeCode: "11488-4", classCode: "10",
                         category: .reports, author: Self.cardiologist, daysAgo: 110, text: "Note confidentielle : anxiété liée à la maladie, suivi proposé.",
                         visibility: [.maskedFromProfessionals]),
            DocumentSeed(id: "doc-attente", title: "Compte rendu en attente d'annonce", typeSystem: loinc, typeCode: "18748-4", classCode: "31",
                         category: .imaging, author: Self.radiologist, daysAgo: 2, text: "Résultat à annoncer en consultation.",
                         visibility: [.invisibleToPatient]),
        ]
        for seed in seeds {
            try writer.saveDocument(document(seed, patient: Self.holderID), content: Array(seed.text.utf8))
        }
        // Structured lab reports (application/fhir+json, see LabReport).
        let labs: [(String, Double, [LabReport.Result])] = [
            ("doc-bio-recent", 50, [
                .init(loinc: "4548-4", analyte: "Hémoglobine glyquée (HbA1c)", value: 7.4, unit: "%", low: 4.0, high: 6.0),
                .init(loinc: "2339-0", analyte: "Glycémie à jeun", value: 1.32, unit: "g/L", low: 0.70, high: 1.10),
                .init(loinc: "13457-7", analyte: "Cholestérol LDL", value: 1.45, unit: "g/L", high: 1.30),
                .init(loinc: "2160-0", analyte: "Créatinine", value: 72, unit: "umol/L", low: 45, high: 90),
                .init(loinc: "2823-3", analyte: "Potassium", value: 4.2, unit: "mmol/L", low: 3.5, high: 5.0),
            ]),
            ("doc-bio-old", 230, [
                .init(loinc: "4548-4", analyte: "Hémoglobine glyquée (HbA1c)", value: 7.9, unit: "%", low: 4.0, high: 6.0),
                .init(loinc: "2339-0", analyte: "Glycémie à jeun", value: 1.41, unit: "g/L", low: 0.70, high: 1.10),
                .init(loinc: "2093-3", analyte: "Cholestérol total", value: 2.35, unit: "g/L", high: 2.00),
            ]),
        ]
        for (id, daysAgo, results) in labs {
            let report = LabReport(title: "Bilan biologique", issued: day(-daysAgo, hour: 16), results: results)
            let seed = DocumentSeed(id: id, title: "Compte rendu d'examens biologiques", typeSystem: loinc, typeCode: "11502-2", classCode: "10",
                                    category: .laboratory, author: Self.biologist, daysAgo: daysAgo, text: "", contentType: LabReport.contentType)
            try writer.saveDocument(document(seed, patient: Self.holderID), content: report.bundle.resource.serialized())
        }
    }

    // MARK: - Reimbursements

    private func writeReimbursements(into writer: inout SeedWriter) throws {
        let items: [(String, String, Double, Double)] = [
            ("Consultation de médecine générale", "professional", 26.5, 18.55), ("Pharmacie — traitement chronique", "pharmacy", 48.2, 31.33),
            ("Analyses de biologie", "professional", 39.6, 23.76), ("Consultation de cardiologie", "professional", 51.0, 35.7),
            ("Échographie abdominale", "professional", 56.7, 39.69), ("Pharmacie — traitement chronique", "pharmacy", 48.2, 31.33),
        ]
        for month in 0..<12 {
            let item = items[month % items.count]
            var resource = Resource(type: "ExplanationOfBenefit", id: "eob-\(month)")
            resource["status"] = "active"
            resource["type"] = Concept.codeable("http://terminology.hl7.org/CodeSystem/claim-type", item.1)
            resource["use"] = "claim"
            resource["patient"] = subject
            resource["billablePeriod"] = ["start": .string(date(Double(-350 + month * 29)))]
            resource["created"] = .string(day(Double(-345 + month * 29)))
            resource["insurer"] = ["display": "Assurance Maladie (CPAM du Rhône)"]
            resource["provider"] = ["display": .string(month % 3 == 0 ? Self.gp.display : "Pharmacie des Tilleuls")]
            resource["outcome"] = "complete"
            // R4 requires the coverage the claim went through (the holder's Assurance Maladie).
            resource["insurance"] = [["focal": true, "coverage": ["display": "Assurance Maladie obligatoire"]]]
            resource["item"] = [["sequence": 1, "productOrService": ["text": .string(item.0)]]]
            resource["total"] = [
                ["category": Concept.codeable("http://terminology.hl7.org/CodeSystem/adjudication", "submitted"), "amount": ["value": .double(item.2), "currency": "EUR"]],
                ["category": Concept.codeable("http://terminology.hl7.org/CodeSystem/adjudication", "benefit"), "amount": ["value": .double(item.3), "currency": "EUR"]],
            ]
            try writer.save(resource, patient: Self.holderID)
        }
    }

    // MARK: - The child

    private func writeChild(into writer: inout SeedWriter) throws {
        let patient = Self.childID
        let vaccines: [(String, String, Double)] = [
            ("hexa", "Hexavalent (DTP, coqueluche, Hib, hépatite B)", -3200), ("ror", "Rougeole, oreillons, rubéole", -3000),
            ("meningo", "Méningocoque C", -2950), ("dtp6", "DTP coqueluche (rappel 6 ans)", -1150),
        ]
        for (id, text, offset) in vaccines {
            try writer.save(Self.immunization(id: "vac-lucas-\(id)", patient: patient, text: text, at: day(offset, hour: 10),
                                              lot: "LOT\(id.uppercased())", performer: Self.gp), patient: patient)
        }
        for (index, (height, weight, days)) in [(128.0, 26.5, -500.0), (133.0, 29.0, -300.0), (138.0, 32.1, -60.0)].enumerated() {
            try writer.save(Self.observation(id: "obs-lucas-height-\(index)", patient: patient, loinc: "8302-2", display: "Taille",
                                             value: height, unit: "cm", at: day(days)), patient: patient)
            try writer.save(Self.observation(id: "obs-lucas-weight-\(index)", patient: patient, loinc: "29463-7", display: "Poids",
                                             value: weight, unit: "kg", at: day(days)), patient: patient)
        }
        try writer.saveDocument(document(DocumentSeed(id: "doc-lucas-bilan", title: "Bilan de santé de l'enfant", typeSystem: CodeSystem.loinc,
                                                      typeCode: "11488-4", classCode: "10", category: .reports, author: Self.gp, daysAgo: 60,
                                                      text: "Croissance harmonieuse. Vaccinations à jour."), patient: patient),
                                content: Array("Croissance harmonieuse. Vaccinations à jour.".utf8))
        try writer.saveDocument(document(DocumentSeed(id: "doc-lucas-secret", title: "Consultation confidentielle", typeSystem: CodeSystem.loinc,
                                                      typeCode: "11488-4", classCode: "10", category: .reports, author: Self.gp, daysAgo: 20,
                                                      text: "Consultation sous secret (mineur).", visibility: [.invisibleToLegalRepresentatives]),
                                         patient: patient),
                                content: Array("Consultation sous secret (mineur).".utf8))
    }
}
