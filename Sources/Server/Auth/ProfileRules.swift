import FHIR
import Foundation

/// The profil médical's rules (DOMAIN-FACTS §1.2): a professional reads directly only the
/// vaccinations (and, with « entourage et volontés », the Patient's entourage); diseases, treatments,
/// allergies, family history, hospitalisations, handicaps, habits and measures reach
/// professionals only through the synthèse the holder saves among the documents (or in an
/// emergency session, which opens the whole record). No professional writes them. A
/// vaccination a professional wrote is read-only for the patient's side.
enum ProfileRules {
    /// The types professionals never read or write, whatever rubriques a code grants.
    static let privateTypes: Set<String> = [
        "Condition", "MedicationStatement", "AllergyIntolerance", "FamilyMemberHistory", "Encounter", "Observation",
    ]

    /// A professional reads the private types only in an emergency session (bris de glace,
    /// SAMU), where the whole record is open to them.
    static func mayRead(type: String, access: Access) -> Bool {
        access.role != .professional || access.emergencyKind != nil || !privateTypes.contains(type)
    }

    /// Refuses a change by the patient's side to a vaccination a professional wrote.
    static func requireChangeable(_ existing: StoredResource, access: Access) throws {
        guard existing.type == "Immunization", access.role != .professional,
              existing.authors.contains(" Practitioner/") else { return }
        throw APIError.forbidden("a vaccination written by a professional is read-only for the patient", detail: "written-by-professional")
    }

    /// A vaccination a professional writes names them as its recorder (so it stays theirs).
    static func prepareImmunization(_ resource: inout Resource, access: Access) {
        guard access.role == .professional, let reference = access.caller.practitionerReference else { return }
        ProfileEntriesMapping.setImmunizationRecorder(&resource, ["reference": .string(reference), "display": .string(access.caller.displayName)])
    }
}
