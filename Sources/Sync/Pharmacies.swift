import FHIR
import Foundation
import HealthRecord
import Vault

extension SyncEngine {
    /// The pharmacy directory of the server for a space: the pharmacies of the reimbursements
    /// first, then the others matching `search` (name or city). Needs the network.
    public func pharmacies(for profileID: String, search: String = "") async throws -> [PharmacyEntry] {
        guard let account = try Account.stored(in: vault) else { throw SyncError.notLoggedIn }
        let run = SyncRun(vault: vault, account: account, transport: makeTransport(account.server), options: options, publish: { _ in })
        let query = search.isEmpty ? [] : [("q", search)]
        let json = try await run.client.json(BackendRequest(path: "/Patient/\(profileID)/$pharmacies", query: query))
        return (json["entry"]?.elements ?? []).compactMap { entry -> PharmacyEntry? in
            guard let resource = entry["resource"], let id = resource["id"]?.stringValue, let name = resource["name"]?.stringValue else { return nil }
            let address = resource["telecom"]?.elements.first { $0["system"]?.stringValue == "email" }?["value"]?.stringValue
            let frequented = resource["extension"]?.elements.contains { $0["url"]?.stringValue == ExtensionURL.frequentedPharmacy && $0["valueBoolean"]?.boolValue == true } ?? false
            return PharmacyEntry(participant: Participant(name: name, address: "Organization/\(id)", role: .establishment,
                                                          profession: Participant.pharmacyProfession),
                                 id: id, mssanteAddress: address ?? "", city: resource["address"]?[0]?["city"]?.stringValue ?? "", frequented: frequented)
        }
    }
}
