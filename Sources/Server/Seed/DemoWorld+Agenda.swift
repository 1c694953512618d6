import FHIR
import Foundation

/// The demo agenda beyond the professionals' appointments: an appointment synced from a booking
/// service (read-only, with its origin), Hélène's own appointment and rappels (editable), one
/// due today and one tomorrow (announced at start), and a rappel for Lucas.
extension DemoWorld {
    static let bookingService = "Agenda Santé Connect"

    func writeAgendaItems(into writer: inout SeedWriter) throws {
        let subject: JSON = ["reference": .string("Patient/\(Self.holderID)")]
        var booked = Resource(type: "Appointment", id: "appt-ophtalmo-booked")
        booked["extension"] = [AgendaMapping.bookingSourceExtension(service: Self.bookingService),
                               ["url": .string(ExtensionURL.location), "valueString": "Centre de la vision, 40 cours Gambetta, 69007 Lyon"]]
        booked["status"] = "booked"
        booked["description"] = "Fond d'œil annuel"
        booked["start"] = .string(day(9, hour: 10))
        booked["end"] = .string(day(9, hour: 11))
        booked["comment"] = "Venir avec ses lunettes et l'ordonnance en cours."
        booked["participant"] = [
            ["actor": subject, "status": "accepted"],
            ["actor": ["display": "Dr Claire Moreau",
                       "extension": [["url": .string(ExtensionURL.practitionerSpecialty), "valueString": "Ophtalmologie"]]],
             "status": "accepted"],
        ]
        try writer.save(booked, patient: Self.holderID)

        var own = Resource(type: "Appointment", id: "appt-kine-own")
        own["extension"] = [["url": .string(ExtensionURL.location), "valueString": "Cabinet de kinésithérapie, 8 place Bellecour, 69002 Lyon"]]
        own["status"] = "booked"
        own["description"] = "Séance de kinésithérapie"
        own["start"] = .string(day(5, hour: 16))
        own["end"] = .string(day(5, hour: 17))
        own["participant"] = [["actor": subject, "status": "accepted"],
                              ["actor": ["display": "Mme Léa Fontaine",
                                         "extension": [["url": .string(ExtensionURL.practitionerSpecialty), "valueString": "Masso-kinésithérapie"]]],
                               "status": "accepted"]]
        try writer.save(own, patient: Self.holderID)

        let reminders: [(String, String, String, Double, String?)] = [
            ("reminder-tension", Self.holderID, "Relever la tension (matin et soir)", 0, "Noter les valeurs dans Mesures."),
            ("reminder-pharmacie", Self.holderID, "Passer à la pharmacie (metformine)", 1, nil),
            ("reminder-lucas-dents", Self.childID, "M'T dents : prendre rendez-vous chez le dentiste", 6, nil),
        ]
        for (id, patient, text, offset, note) in reminders {
            var task = Resource(type: "Task", id: id)
            task["extension"] = [["url": .string(ExtensionURL.reminderOffset), "valueDecimal": 3600]]
            task["status"] = "requested"
            task["intent"] = "plan"
            task["code"] = Concept.codeable(AgendaMapping.agendaCategory, "reminder")
            task["description"] = .string(text)
            task["for"] = ["reference": .string("Patient/\(patient)")]
            task["executionPeriod"] = ["start": .string(day(offset, hour: 9))]
            if let note { task["note"] = [["text": .string(note)]] }
            try writer.save(task, patient: patient)
        }
    }
}
