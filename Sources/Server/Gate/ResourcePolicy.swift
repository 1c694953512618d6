import FHIR
import HealthRecord

/// How the gate treats one resource type: who reads it, who writes it, whether it can be
/// deleted. A type in a rubrique (`Section.of(resourceType:)`) gets `rubrique` by default —
/// readable and writable by whoever holds the rubrique, deletable — so a section that adds a
/// type to a rubrique and names its patient member in `ResourceIndex.patientMember` needs no
/// entry here; only exceptions are listed in `exceptions`.
struct ResourcePolicy: Sendable, Equatable {
    enum Audience: Sendable, Equatable {
        /// Everyone with access to the space (the Patient itself).
        case space
        /// The holder's side only (holder, parent).
        case holderSide
        /// Whoever holds this rubrique.
        case rubrique(Section)
        /// In no space: every authenticated caller reads it (Practitioner).
        case shared
    }

    enum Writers: Sendable, Equatable {
        /// Written by the server only (the activity history, the directory, reimbursements).
        case server
        /// The holder's side only.
        case holderSide
        /// Whoever may read it, within their rights to write (a service's write consent).
        case readers
    }

    var audience: Audience
    var writers: Writers
    /// Whether `DELETE` is allowed at all (a space's Patient never is: 405).
    var deletable: Bool = true

    static let exceptions: [String: ResourcePolicy] = [
        "Patient": ResourcePolicy(audience: .space, writers: .holderSide, deletable: false),
        "Practitioner": ResourcePolicy(audience: .shared, writers: .server, deletable: false),
        "AuditEvent": ResourcePolicy(audience: .holderSide, writers: .server, deletable: false),
        "Consent": ResourcePolicy(audience: .holderSide, writers: .holderSide),
        "RelatedPerson": ResourcePolicy(audience: .holderSide, writers: .holderSide),
        "ExplanationOfBenefit": ResourcePolicy(audience: .rubrique(.careHistory), writers: .server, deletable: false),
    ]

    /// The policy of a type the server serves; nil for any other.
    static func of(_ type: String) -> ResourcePolicy? {
        guard ResourceIndex.servedTypes.contains(type) else { return nil }
        if let exception = exceptions[type] { return exception }
        guard let rubrique = Section.of(resourceType: type) else { return nil }
        return ResourcePolicy(audience: .rubrique(rubrique), writers: .readers)
    }

    /// The methods a single resource of this type answers (for 405's `Allow`).
    var allowedMethods: [String] {
        var methods = ["GET", "HEAD"]
        if writers != .server { methods.append("PUT") }
        if deletable && writers != .server { methods.append("DELETE") }
        return methods + ["OPTIONS"]
    }
}
