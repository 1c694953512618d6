import FHIR
import Foundation
import HealthRecord

/// The profil médical beyond the first rubriques: Hélène's hospitalisations, blood group,
/// habits, HbA1c with a target, her pharmacist; Lucas's growth measures since birth.
extension DemoWorld {
    func writeProfileRubriques(into writer: inout SeedWriter) throws {
        let helene = Self.holderID
        let subject: JSON = ["reference": .string("Patient/\(helene)")]

        let stays: [(String, String, String, Int, String)] = [
            ("appendicite", "Appendicectomie", "1994", 4, "d"),
            ("cholecystectomie", "Cholécystectomie", "2012-06", 3, "d"),
        ]
        for (id, name, start, length, unit) in stays {
            var resource = Resource(type: "Encounter", id: "hospit-\(id)")
            resource["status"] = "finished"
            resource["class"] = Concept.coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter")
            resource["subject"] = subject
            resource["period"] = ["start": .string(start)]
            resource["length"] = ["value": .int(length), "unit": .string(unit), "system": .string(CodeSystem.ucum), "code": .string(unit)]
            resource["reasonCode"] = [["text": .string(name)]]
            try writer.save(resource, patient: helene)
        }

        var blood = Resource(type: "Observation", id: "blood-group-\(helene)")
        blood["status"] = "final"
        blood["category"] = [Concept.codeable(CodeSystem.observationCategory, "laboratory")]
        blood["code"] = Concept.codeable(CodeSystem.loinc, "882-1", "ABO and Rh group")
        blood["subject"] = subject
        blood["valueCodeableConcept"] = Concept.codeable("urn:mes:blood-group", "A+", text: "A+")
        try writer.save(blood, patient: helene)

        // MES's structured answers (question key → MES code), with a free note where she left one.
        let habits: [(String, String, [(String, String)])] = [
            ("TOBACCO", "", [("smoking", "NO_BUT_I_HAVE_SMOKED_IN_THE_PAST"), ("stopped-smoking", "SINCE_MORE_THAN_FIVE_YEARS"), ("vaping", "NO")]),
            ("PHYSICAL_ACTIVITY", "Marche 30 minutes, 4 fois par semaine",
             [("regular-activity", "YES"), ("active-days", "THREE_TO_FOUR_TIMES_A_WEEK"), ("sitting", "IN_MY_WORK_IN_MY_STUDIES")]),
            ("SLEEP", "", [("sleep", "BAD_SOMETIMES")]),
            ("ALCOHOL", "", [("alcohol-days", "2"), ("alcohol-glasses", "3"), ("binge-drinking", "NO")]),
        ]
        for (topic, answer, answers) in habits {
            var resource = Resource(type: "Observation", id: "lifestyle-\(topic.lowercased().replacingOccurrences(of: "_", with: "-"))-\(helene)")
            resource["status"] = "final"
            resource["category"] = [Concept.codeable(CodeSystem.observationCategory, "social-history")]
            resource["code"] = Concept.codeable("urn:mes:lifestyle", topic)
            resource["subject"] = subject
            resource["effectiveDateTime"] = .string(date(-40))
            if !answer.isEmpty { resource["valueString"] = .string(answer) }
            resource["component"] = .array(answers.map { key, value in
                var component: JSON = ["code": Concept.codeable("urn:mes:lifestyle-question", key)]
                if let number = Int(value) { component["valueInteger"] = .number(JSONNumber(number)) } else {
                    component["valueCodeableConcept"] = Concept.codeable("urn:mes:lifestyle-answer", value)
                }
                return component
            })
            try writer.save(resource, patient: helene)
        }

        for quarter in 0..<5 {
            try writer.save(Self.observation(id: "obs-hba1c-\(quarter)", patient: helene, loinc: "4548-4", display: "HbA1c",
                                             value: [7.9, 7.6, 7.4, 7.1, 6.9][quarter], unit: "%", at: day(Double(-360 + quarter * 90), hour: 8)),
                            patient: helene)
        }

        // Lucas (born 2015-09-03): the carnet de santé's measures, from birth.
        let lucas = Self.childID
        let birth = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 2015, month: 9, day: 3, hour: 10))!
        let growth: [(Double, Double, Double, Double)] = [
            // (age in months, weight kg, height cm, head circumference cm)
            (0, 3.4, 50.5, 35.0), (1, 4.5, 54.5, 37.5), (2, 5.6, 58.0, 39.5), (4, 7.0, 63.5, 41.8), (6, 7.9, 67.5, 43.5),
            (9, 9.0, 72.0, 45.0), (12, 9.8, 75.5, 46.2), (18, 11.0, 81.5, 47.5), (24, 12.3, 87.0, 48.4), (36, 14.4, 95.5, 49.6),
            (48, 16.5, 103.0, 50.3), (60, 18.6, 110.0, 50.8), (72, 20.8, 116.5, 51.3), (84, 23.2, 122.5, 51.7),
        ]
        for (months, weight, height, head) in growth {
            let at = FHIRDateTime.instant(birth.addingTimeInterval(months * 30.4375 * 86400))
            try writer.save(Self.observation(id: "obs-lucas-growth-weight-\(Int(months))", patient: lucas, loinc: "29463-7", display: "Poids",
                                             value: weight, unit: "kg", at: at), patient: lucas)
            try writer.save(Self.observation(id: "obs-lucas-growth-height-\(Int(months))", patient: lucas, loinc: "8302-2", display: "Taille",
                                             value: height, unit: "cm", at: at), patient: lucas)
            if months <= 60 {
                try writer.save(Self.observation(id: "obs-lucas-growth-head-\(Int(months))", patient: lucas, loinc: "8287-5",
                                                 display: "Périmètre crânien", value: head, unit: "cm", at: at), patient: lucas)
            }
        }
    }

    /// Hélène's pharmacien correspondant, on her Patient.
    static func pharmacistExtension() -> JSON {
        ["url": .string(ExtensionURL.correspondingPharmacist),
         "valueReference": ["display": "Claire Dubois", "extension": [["url": .string(ExtensionURL.practitionerOrganization),
                                                                       "valueString": "Pharmacie des Tilleuls, Lyon"]]]]
    }
}
