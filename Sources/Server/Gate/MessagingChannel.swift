import FHIR
import Foundation
import HealthRecord
import SQLite

/// A professional's way into the *messagerie de santé*, behind the gate. Messaging is its own
/// channel (MSSanté): a professional needs no access code to write to a patient's address, and
/// reaches through it only the threads they are in — never the dossier. Opened by
/// `GateTransaction.messaging()`; the patient's side writes messages through `Scope.save` with
/// `WriteRules` like every other resource.
///
/// - a thread is found through any of its messages; a thread the professional is not in (or a
///   notification, or a missing message) is *not found*, the same answer;
/// - a message the professional writes is saved in the patient's space with the same index and
///   sequence as every write, so the patient's sync brings it;
/// - a blocked professional still writes and answers: a block closes the dossier, not the
///   messagerie (as MSSanté keeps them apart; MES's list of what a blocked professional loses
///   names Documents, Vaccinations, Histoire de santé, Entourage et volontés);
/// - everything a professional reads or writes here is in the holder's activity history
///   (DESIGN §7: every access by someone other than the holder is an AuditEvent).
struct MessagingChannel {
    fileprivate let transaction: GateTransaction
    let practitioner: String
    /// The establishment the professional answers for (a pharmacist's pharmacy).
    let organization: String?

    var db: Database { transaction.db }

    /// One thread the professional is in.
    struct Thread {
        /// The message named in the request.
        var message: StoredResource
        /// The thread's first message.
        var root: StoredResource
    }

    /// The first messages of the threads this professional is in, newest first.
    func threads() throws -> [StoredResource] {
        try MessagingRules.roots(db).filter { root in
            guard let resource = try? root.resource() else { return false }
            return MessagingRules.isParticipant(resource, practitioner: practitioner, organization: organization)
        }.sorted { $0.updated > $1.updated }
    }

    /// The thread of message `id`, when the professional is in it (404 otherwise).
    func thread(of id: String) throws -> Thread {
        let notFound = APIError.notFound("no such message")
        guard Resource.isValidID(id), let stored = try ResourceRepository.fetch(db, type: "Communication", id: id), !stored.deleted,
              let resource = try? stored.resource(), !CommunicationKinds.isNotification(resource) else { throw notFound }
        let threadID = MessagingRules.threadID(of: resource) ?? id
        guard let root = try ResourceRepository.fetch(db, type: "Communication", id: threadID), !root.deleted,
              MessagingRules.isParticipant(try root.resource(), practitioner: practitioner, organization: organization) else {
            // Another professional's conversation: answered as if it did not exist.
            throw notFound
        }
        return Thread(message: stored, root: root)
    }

    /// The patient's space a professional writes to: 404 when there is none.
    func requireSpace(_ patient: String) throws {
        guard Resource.isValidID(patient), let space = try ResourceRepository.fetch(db, type: "Patient", id: patient), !space.deleted else {
            throw APIError.notFound("no such patient space")
        }
    }

    /// The professional's sender reference: name, specialty and organisation.
    func sender() throws -> JSON {
        try MessagingRules.sender(db, practitioner: practitioner, caller: transaction.caller)
    }

    /// Saves a message (or a thread's first message) the professional wrote in `patient`'s
    /// space: it must be a Communication of a thread they are in, or start one.
    @discardableResult
    func save(_ resource: inout Resource, patient: String) throws -> StoredResource {
        guard resource.resourceType == "Communication" else { throw APIError.forbidden("messaging writes messages only", detail: "read-only") }
        if let threadID = MessagingRules.threadID(of: resource), threadID != resource.id {
            let thread = try thread(of: threadID)
            guard thread.root.patient == patient else { throw APIError.notFound("no such message") }
        }
        let isNew = try resource.id.map { try ResourceRepository.fetch(db, type: "Communication", id: $0) == nil } ?? true
        let stored = try ResourceRepository.save(db, &resource, index: ResourceIndex(resource: resource, patient: patient), now: transaction.now)
        try Audit.record(db, access: audited(in: patient), action: isNew ? .create : .update, interaction: isNew ? "message" : "message-status",
                         entities: [stored.reference], now: transaction.now)
        return stored
    }

    /// The professional as the holder's history records them in `patient`'s space.
    private func audited(in patient: String) -> Access {
        Access(patient: patient, role: .professional, caller: transaction.caller, rubriques: [])
    }

    /// The thread's messages, oldest first, then the DocumentReferences attached to them, each
    /// followed by its Binary with its content (the professional reads what the patient sent).
    func contents(of thread: Thread) throws -> [StoredResource] {
        let root = thread.root
        let messages = try MessagingRules.messages(db, thread: root.id)
        var rows = messages
        var seen: Set<String> = []
        for message in messages {
            for item in try message.resource()["payload"]?.elements ?? [] {
                guard let reference = item["contentReference"]?["reference"]?.stringValue.flatMap(ResourceReference.init),
                      reference.type == "DocumentReference", seen.insert(reference.id).inserted,
                      let document = try ResourceRepository.fetch(db, type: "DocumentReference", id: reference.id),
                      !document.deleted, document.patient == root.patient else { continue }
                rows.append(document)
                if let url = try DocumentReference(document.resource()).attachment.url.flatMap(ResourceReference.init), url.type == "Binary",
                   let binary = try ResourceRepository.fetch(db, type: "Binary", id: url.id), !binary.deleted,
                   let content = try ResourceRepository.content(db, id: url.id) {
                    var full = try binary.resource()
                    full["data"] = .string(Data(content.data).base64EncodedString())
                    var row = binary
                    row.json = full.serialized()
                    rows.append(row)
                }
            }
        }
        transaction.noteConversationRead(audited(in: root.patient), rows.map(\.reference))
        return rows
    }
}

extension GateTransaction {
    /// The caller's messaging channel: 403 `patient-cannot-start-thread` unless the caller is
    /// a professional (only a professional or an establishment starts a conversation).
    func messaging() throws -> MessagingChannel {
        guard caller.kind == .professional, let practitioner = caller.practitionerID else {
            throw APIError.forbidden("only a professional or an establishment starts a conversation", detail: "patient-cannot-start-thread")
        }
        return MessagingChannel(transaction: self, practitioner: practitioner,
                                organization: try MessagingRules.organization(db, practitioner: practitioner))
    }
}

extension Scope {
    /// The pharmacies the patient's side may write to (403 `holder-only` for anyone else), with
    /// the folded names of those in the space's reimbursements since `since`.
    func pharmacies(frequentedSince since: Date) throws -> (pharmacies: [StoredResource], frequented: Set<String>) {
        guard access.role != .professional, access.canRead(type: "Communication") else {
            throw APIError.forbidden("only the patient's side looks for a pharmacy to write to", detail: "holder-only")
        }
        return (try MessagingRules.pharmacies(db), try MessagingRules.frequentedPharmacyNames(db, patient: patient, since: since))
    }
}
