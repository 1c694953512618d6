import FHIR
import Foundation
import HealthRecord

/// Synthetic volume for benchmarks: documents for the demo holder, plus one message and one
/// appointment and one measure per ten documents.
struct SyntheticWorld {
    let now: Date

    static let kinds: [(String, String, String, DocumentCategory, String)] = [
        (CodeSystem.loinc, "11502-2", "10", .laboratory, "Compte rendu d'examens biologiques"),
        (CodeSystem.loinc, "57833-6", "42", .prescriptions, "Ordonnance"),
        (CodeSystem.loinc, "18748-4", "31", .imaging, "Compte rendu d'imagerie"),
        (CodeSystem.loinc, "11490-0", "10", .reports, "Lettre de liaison"),
        (CodeSystem.loinc, "60591-5", "11", .medicalSummary, "Synthèse médicale"),
        (CodeSystem.documentTypeFR, "DOCPAT06", "90", .prevention, "Document de prévention"),
    ]

    func write(documents range: Range<Int>, into writer: inout SeedWriter) throws {
        let patient = DemoWorld.holderID
        let professionals = DemoWorld.professionals
        for number in range {
            let kind = Self.kinds[number % Self.kinds.count]
            let author = professionals[number % professionals.count]
            let at = FHIRDateTime.instant(now.addingTimeInterval(-Double(number % 3650) * 86400 - Double(number % 86400)))
            let title = "\(kind.4) n° \(number + 1)"
            let document = DocumentReference(id: "syn-\(number)", typeSystem: kind.0, typeCode: kind.1, typeDisplay: kind.4, classCode: kind.2,
                                             category: kind.3, subject: "Patient/\(patient)", date: at,
                                             authors: [.init(reference: author.reference, display: author.display)], title: title,
                                             attachment: .init(contentType: "text/plain; charset=utf-8", title: title, creation: at))
            try writer.saveDocument(document, content: Array("\(title)\nDocument synthétique pour les mesures de performance.\n".utf8))
            guard number % 10 == 0 else { continue }
            try writer.save(DemoWorld.message(id: "syn-msg-\(number)", patient: patient, thread: "syn-msg-\(number)", inResponseTo: nil,
                                              sender: ["reference": .string(author.reference), "display": .string(author.display)],
                                              text: "Message synthétique n° \(number / 10 + 1).", at: at), patient: patient)
            var appointment = Resource(type: "Appointment", id: "syn-appt-\(number)")
            appointment["status"] = "fulfilled"
            appointment["description"] = .string("Rendez-vous synthétique n° \(number / 10 + 1)")
            appointment["start"] = .string(at)
            appointment["participant"] = [["actor": ["reference": .string("Patient/\(patient)")], "status": "accepted"]]
            try writer.save(appointment, patient: patient)
            try writer.save(DemoWorld.observation(id: "syn-obs-\(number)", patient: patient, loinc: "29463-7", display: "Poids",
                                                  value: 70 + Double(number % 100) / 10, unit: "kg", at: at), patient: patient)
        }
    }
}
