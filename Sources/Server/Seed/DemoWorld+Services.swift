import FHIR
import HealthRecord

/// The catalogue de services of the demo: fictional referenced services, each with finalités
/// and, per finalité, the data exchanges it asks for. Each logs in with
/// `POST /auth/service-token` {"service": id, "secret": "demo-<id>"}.
extension DemoWorld {
    static let services: [API.ServiceEntry] = [
        API.ServiceEntry(
            id: "tensio", name: "Tensio Suivi", publisher: "Tensio SAS (service fictif)",
            summary: "Carnet de tension artérielle connecté à votre tensiomètre.", version: 1,
            finalities: [
                API.ServiceFinality(id: "mesures", title: "Suivre ma tension artérielle",
                                    summary: "Enregistre les mesures de votre tensiomètre dans votre profil médical et les affiche en courbe.",
                                    exchanges: [API.ServiceExchange(.medicalProfile), API.ServiceExchange(.medicalProfile, write: true)]),
                API.ServiceFinality(id: "rappels", title: "Me rappeler de prendre ma tension",
                                    summary: "Ajoute des rappels de mesure à votre agenda santé.",
                                    exchanges: [API.ServiceExchange(.agenda, write: true)]),
            ]),
        API.ServiceEntry(
            id: "rdv-express", name: "RDV Express", publisher: "RDV Express (service fictif)",
            summary: "Prise de rendez-vous en ligne chez des professionnels de santé.", version: 1,
            finalities: [
                API.ServiceFinality(id: "rendez-vous", title: "Ajouter mes rendez-vous pris en ligne",
                                    summary: "Inscrit dans votre agenda santé les rendez-vous que vous prenez avec RDV Express.",
                                    exchanges: [API.ServiceExchange(.agenda, write: true)]),
                API.ServiceFinality(id: "disponibilites", title: "Éviter les doubles rendez-vous",
                                    summary: "Lit votre agenda santé pour vous signaler un rendez-vous déjà pris le même jour.",
                                    exchanges: [API.ServiceExchange(.agenda)]),
            ]),
        API.ServiceEntry(
            id: "carnet-vaccins", name: "Mon Carnet Vaccins", publisher: "Association Carnet Vaccins (service fictif)",
            summary: "Rappels de vaccination et attestations.", version: 1,
            finalities: [
                API.ServiceFinality(id: "carnet", title: "Tenir mon carnet de vaccination",
                                    summary: "Lit vos vaccinations pour calculer vos prochains rappels.",
                                    exchanges: [API.ServiceExchange(.vaccinations)]),
                API.ServiceFinality(id: "attestations", title: "Recevoir mes attestations de vaccination",
                                    summary: "Dépose vos attestations de vaccination dans vos documents.",
                                    exchanges: [API.ServiceExchange(.documents, write: true)]),
            ]),
    ]

    static func serviceLogin(_ id: String) -> String { "service.\(id)" }
    static func servicePassword(_ id: String) -> String { "demo-\(id)" }
}
