import FHIR
import Foundation
import HealthRecord

/// The demo's messagerie: threads from five professionals (one closed, one with an attachment,
/// one that takes no answer), the pharmacy directory and a pharmacist who reads what patients
/// send to her pharmacy.
extension DemoWorld {
    struct Pharmacy {
        var id: String, name: String, city: String, address: String
        var reference: String { "Organization/\(id)" }
    }

    static let pharmacies = [
        Pharmacy(id: "pharmacie-tilleuls", name: "Pharmacie des Tilleuls", city: "Lyon", address: "pharmacie.tilleuls@pharmacie.mssante.fr"),
        Pharmacy(id: "pharmacie-marche", name: "Pharmacie du Marché", city: "Lyon", address: "pharmacie.marche@pharmacie.mssante.fr"),
        Pharmacy(id: "pharmacie-gare", name: "Pharmacie de la Gare", city: "Villeurbanne", address: "pharmacie.gare@pharmacie.mssante.fr"),
        Pharmacy(id: "grande-pharmacie", name: "Grande Pharmacie de Bellecour", city: "Lyon", address: "grande.pharmacie@pharmacie.mssante.fr"),
    ]

    /// Pharmacists answer for their pharmacy (they log in as professionals).
    static let pharmacists = [
        Professional(id: "morel", rpps: "10003456786", given: "Claire", family: "Morel", specialty: "Pharmacie", password: "demo-morel"),
    ]

    static func message(id: String, patient: String, thread: String, inResponseTo: String?, sender: JSON, text: String, at: String,
                        topic: String? = nil, noReply: Bool = false, files: [JSON] = []) -> Resource {
        var resource = Resource(type: "Communication", id: id)
        var extensions: [JSON] = [["url": .string(ExtensionURL.thread), "valueString": .string(thread)]]
        if noReply { extensions.append(["url": .string(ExtensionURL.noReply), "valueBoolean": true]) }
        resource["extension"] = .array(extensions)
        resource["status"] = "completed"
        resource["category"] = [Concept.codeable(CodeSystem.mesCommunicationKind, "message")]
        resource["subject"] = ["reference": .string("Patient/\(patient)")]
        if let topic { resource["topic"] = ["text": .string(topic)] }
        if let inResponseTo { resource["inResponseTo"] = [["reference": .string("Communication/\(inResponseTo)")]] }
        resource["sent"] = .string(at)
        resource["sender"] = sender
        resource["payload"] = .array([["contentString": .string(text)]] + files.map { ["contentAttachment": $0] })
        return resource
    }

    private func sender(_ professional: Professional) -> JSON {
        ["extension": [["url": .string(ExtensionURL.practitionerSpecialty), "valueString": .string(professional.specialty)]],
         "reference": .string(professional.reference), "display": .string(professional.display)]
    }

    func writeMessages(into writer: inout SeedWriter) throws {
        let patientSender: JSON = ["reference": .string("Patient/\(Self.holderID)"), "display": "Hélène Martineau"]
        let emergency = Self.professionals[4]
        let releve = Array("Relevé d'automesure tensionnelle\n\nMatin : 3 mesures à 1 minute d'intervalle.\nSoir : 3 mesures.\nPendant 3 jours avant la consultation.\n".utf8)
        let attachment: JSON = ["contentType": "text/plain", "title": "Fiche d'automesure tensionnelle.txt", "size": .int(releve.count),
                                "data": .string(Data(releve).base64EncodedString())]
        // (thread, topic, closed, messages: sender, text, days from now, no reply, files)
        let threads: [(String, String, Bool, [(JSON, String, Double, Bool, [JSON])])] = [
            ("msg-gp", "Résultats de votre bilan", false, [
                (sender(Self.gp), "Bonjour Madame Martineau, votre HbA1c est à 7,4 %. Nous en reparlerons ; pensez à votre marche quotidienne.", -48, false, []),
                (patientSender, "Merci docteur, je marche 30 minutes par jour depuis un mois.", -47, false, []),
                (sender(Self.gp), "Très bien, continuez ainsi. Je vous revois dans trois mois.", -46, false, []),
            ]),
            ("msg-cardio", "Préparation de votre consultation", false, [
                (sender(Self.cardiologist), "Bonjour, merci d'apporter vos relevés de tension des deux dernières semaines. Vous trouverez ci-joint la fiche à remplir.", -10, false, [attachment]),
                (patientSender, "C'est noté, je les ai dans mon espace santé.", -9, false, []),
            ]),
            ("msg-bio", "Prélèvement à jeun", false, [
                (sender(Self.biologist), "Pour votre prochain bilan, venez à jeun depuis 12 heures, sans rendez-vous avant 10 h.", -5, false, []),
            ]),
            ("msg-radio", "Votre échographie abdominale", true, [
                (sender(Self.radiologist), "Bonjour, le compte rendu de votre échographie est dans vos documents. Il est normal.", -30, false, []),
                (patientSender, "Merci beaucoup docteur.", -29, false, []),
                (sender(Self.radiologist), "Je vous en prie. Bonne continuation.", -29, false, []),
            ]),
            ("msg-urgences", "Votre passage aux urgences", false, [
                (sender(emergency), "Votre lettre de liaison est disponible dans vos documents. Pour toute question, contactez votre médecin traitant.", -60, true, []),
            ]),
        ]
        for (thread, topic, closed, messages) in threads {
            var previous: String?
            for (index, message) in messages.enumerated() {
                let id = index == 0 ? thread : "\(thread)-\(index)"
                var resource = Self.message(id: id, patient: Self.holderID, thread: thread, inResponseTo: previous, sender: message.0,
                                            text: message.1, at: day(message.2, hour: 9 + index), topic: index == 0 ? topic : nil,
                                            noReply: message.3, files: message.4)
                if index == 0, closed { resource["status"] = "stopped" }
                try writer.save(resource, patient: Self.holderID)
                previous = id
            }
        }
    }

    /// The pharmacy directory and the pharmacists.
    func writePharmacies(into writer: inout SeedWriter) throws {
        for pharmacy in Self.pharmacies {
            var resource = Resource(type: "Organization", id: pharmacy.id)
            resource["active"] = true
            resource["type"] = [Concept.codeable("urn:mes:organization-kind", "pharmacie")]
            resource["name"] = .string(pharmacy.name)
            resource["telecom"] = [["system": "email", "value": .string(pharmacy.address)]]
            resource["address"] = [["city": .string(pharmacy.city), "country": "FR"]]
            try writer.save(resource, patient: "")
        }
        for pharmacist in Self.pharmacists {
            var resource = Resource(type: "Practitioner", id: pharmacist.id)
            resource["extension"] = [
                ["url": .string(ExtensionURL.worksFor), "valueString": .string(Self.pharmacies[0].reference)],
                ["url": .string(ExtensionURL.practitionerOrganization), "valueString": .string(Self.pharmacies[0].name)],
            ]
            resource["identifier"] = [["system": .string(IdentifierSystem.rpps), "value": .string(pharmacist.rpps)]]
            resource["name"] = [["family": .string(pharmacist.family), "given": [.string(pharmacist.given)], "prefix": ["Dr"]]]
            resource["qualification"] = [["code": ["text": .string(pharmacist.specialty)]]]
            try writer.save(resource, patient: "")
        }
    }
}
