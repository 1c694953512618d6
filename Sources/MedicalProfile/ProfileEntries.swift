import Foundation
import HealthRecord
import Vault

/// Each rubrique's records as entries, and entries' values written back to records.
enum ProfileEntries {
    // MARK: Reading

    static func read(_ rubrique: ProfileRubrique, profileID: String, vaccines: VaccineCatalog,
                     in session: VaultSession) throws -> [ProfileEntry] {
        func all<Record: StoredRecord>(_ type: Record.Type) throws -> [Record] { try session.records(type).all(profile: profileID) }
        let entries: [ProfileEntry]
        switch rubrique {
        case .conditions:
            entries = try all(HealthRecord.Condition.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.name, values: compact([
                    "name": record.name, "start": record.onset?.typed, "end": record.end?.typed, "status": record.status.rawValue,
                    "comment": record.note,
                ]), author: record.author?.name, date: record.onset)
            }
        case .treatments:
            entries = try all(Treatment.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.medication, values: compact([
                    "name": record.medication, "dosage": record.dosage, "start": record.start?.typed, "end": record.end?.typed,
                    "condition": record.conditionID, "comment": record.note,
                ]), author: record.prescriber.flatMap { $0.name.isEmpty ? nil : $0.name }, date: record.start)
            }
        case .hospitalizations:
            entries = try all(Hospitalization.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.name, values: compact([
                    "name": record.name, "start": record.start.typed, "duration": record.duration.map(String.init),
                    "unit": record.durationUnit?.rawValue, "comment": record.note,
                ]), date: record.start)
            }
        case .disabilities:
            entries = try all(Disability.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.name, values: compact([
                    "name": record.name, "types": record.types.isEmpty ? nil : record.types.map(\.rawValue).joined(separator: ","),
                    "cdaph": record.cdaphRate?.rawValue, "technical-help": record.technicalHelp, "human-help": record.humanHelp?.rawValue,
                    "comment": record.note,
                ]))
            }
        case .bloodGroup:
            entries = try all(BloodGroup.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.value.rawValue, values: ["group": record.value.rawValue])
            }
        case .allergies:
            entries = try all(Allergy.self).filter { !$0.isNotConcernedDeclaration }.map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.substance, values: compact([
                    "name": record.substance, "comment": record.note ?? record.reaction,
                ]), date: record.recorded.map(PartialDate.init))
            }
        case .familyHistory:
            entries = try all(FamilyHistory.self).map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.condition, values: compact([
                    "relative": record.relationship, "name": record.condition, "comment": record.note,
                ]))
            }
        case .vaccinations:
            entries = try all(Vaccination.self).map { record in
                let code = record.code.flatMap { $0.system == VaccineCatalog.atcSystem ? $0.code : nil }
                return ProfileEntry(rubrique: rubrique, id: record.id, title: code.flatMap { vaccines.name(of: $0) } ?? record.vaccine, values: compact([
                    "vaccine": code ?? record.vaccine, "date": PartialDate(record.date).typed, "dose": record.doseType?.rawValue,
                    "lot": record.lotNumber, "by": record.performer?.name,
                ]), author: record.isWrittenByProfessional ? (record.recorder ?? record.performer)?.name : nil,
                isReadOnly: record.isWrittenByProfessional, date: PartialDate(record.date))
            }
        case .lifestyle:
            entries = try all(Lifestyle.self).sorted { order(of: $0.topic) < order(of: $1.topic) }.map { record in
                ProfileEntry(rubrique: rubrique, id: record.id, title: record.topic.rawValue,
                             values: ["topic": record.topic.rawValue, "answer": record.answer], date: PartialDate(record.updated))
            }
            return entries
        case .professionals:
            guard let profile = try session.profiles.find(profileID) else { return [] }
            return CareTeamRole.allCases.compactMap { role in
                practitioner(role, of: profile).map { practitioner in
                    ProfileEntry(rubrique: rubrique, id: role.rawValue, title: practitioner.name, values: compact([
                        "role": role.rawValue, "name": practitioner.name, "rpps": practitioner.rpps, "organization": practitioner.organization,
                    ]))
                }
            }
        case .entourage:
            return try all(EmergencyContact.self).compactMap { contact in
                guard let role = contact.roles.lazy.compactMap(EntourageRole.init).first else { return nil }
                return ProfileEntry(rubrique: rubrique, id: contact.id, title: contact.name, values: compact([
                    "role": role.rawValue, "name": contact.name, "relation": contact.relationship, "phone": contact.phone,
                    "mobile": contact.mobile, "email": contact.email, "address": contact.address,
                ]))
            }.sorted { ($0.values["role"].flatMap { EntourageRole(rawValue: $0) }.map(order) ?? 9, $0.title) < ($1.values["role"].flatMap { EntourageRole(rawValue: $0) }.map(order) ?? 9, $1.title) }
        case .wishes:
            guard let wishes = try session.records(Wishes.self).all(profile: profileID).first else { return [] }
            return [ProfileEntry(rubrique: rubrique, id: wishes.id, title: "", values: compact([
                "organ-donation-informed": wishes.organDonationInformedOn == nil ? "no" : "yes",
                "directives-document": wishes.advanceDirectivesDocumentID,
                "directives-summary": wishes.advanceDirectivesSummary,
            ]), date: wishes.organDonationInformedOn.map(PartialDate.init))]
        }
        return entries.sorted { ($0.date ?? PartialDate(year: 1)!, $1.title) > ($1.date ?? PartialDate(year: 1)!, $0.title) }
    }

    private static func order(of topic: Lifestyle.Topic) -> Int { Lifestyle.Topic.allCases.firstIndex(of: topic) ?? 0 }
    private static func order(_ role: EntourageRole) -> Int { EntourageRole.allCases.firstIndex(of: role) ?? 0 }

    static func practitioner(_ role: CareTeamRole, of profile: Profile) -> Practitioner? {
        switch role {
        case .generalPractitioner: profile.generalPractitioner
        case .midwife: profile.referentMidwife
        case .pharmacist: profile.correspondingPharmacist
        }
    }

    private static func compact(_ values: [String: String?]) -> [String: String] {
        values.compactMapValues { $0.flatMap { $0.isEmpty ? nil : $0 } }
    }

    // MARK: Writing

    /// Writes an entry (a new one when `id` is nil) in one transaction with its outbox entry;
    /// returns its id.
    static func write(_ rubrique: ProfileRubrique, id: String?, values: FieldValues, book: ProfileBook) throws -> String {
        let profileID = book.profileID
        let vaccines = book.vaccines
        let today = CalendarDate(Date())
        return try book.vault.write { session throws -> String in
            func update<Record: StoredRecord>(_ type: Record.Type, blank: (String) -> Record,
                                              _ apply: (inout Record) throws -> Void) throws -> String {
                let store = session.records(type)
                var record: Record
                if let id {
                    guard let found = try store.find(id), found.profileID == profileID else { throw ProfileBookError.notFound(id) }
                    record = found
                } else {
                    record = blank(ProfileBook.newID())
                }
                try apply(&record)
                try store.save(record)
                return record.id
            }
            switch rubrique {
            case .conditions:
                return try update(HealthRecord.Condition.self, blank: { HealthRecord.Condition(id: $0, profileID: profileID, name: "") }) { record in
                    try values.requiredText("name").apply(to: &record.name)
                    try values.partialDate("start").apply(to: &record.onset)
                    try values.partialDate("end").apply(to: &record.end)
                    if let status = try values.choice("status", HealthRecord.Condition.Status.self) { record.status = status ?? .active }
                    values.optionalText("comment").apply(to: &record.note)
                }
            case .treatments:
                return try update(Treatment.self, blank: { Treatment(id: $0, profileID: profileID, medication: "") }) { record in
                    try values.requiredText("name").apply(to: &record.medication)
                    values.optionalText("dosage").apply(to: &record.dosage)
                    try values.partialDate("start").apply(to: &record.start)
                    try values.partialDate("end").apply(to: &record.end)
                    if case .some(let condition) = values.optionalText("condition") {
                        if let condition, try session.records(HealthRecord.Condition.self).find(condition)?.profileID != profileID {
                            throw ProfileBookError.invalidValue(field: "condition", value: condition)
                        }
                        record.conditionID = condition
                    }
                    values.optionalText("comment").apply(to: &record.note)
                }
            case .hospitalizations:
                return try update(Hospitalization.self, blank: {
                    Hospitalization(id: $0, profileID: profileID, name: "", start: PartialDate(today))
                }) { record in
                    try values.requiredText("name").apply(to: &record.name)
                    if case .some(let start) = try values.partialDate("start") {
                        guard let start else { throw ProfileBookError.missingField("start") }
                        record.start = start
                    }
                    try values.integer("duration").apply(to: &record.duration)
                    try values.choice("unit", Hospitalization.DurationUnit.self).apply(to: &record.durationUnit)
                    if record.duration != nil && record.durationUnit == nil { record.durationUnit = .day }
                    values.optionalText("comment").apply(to: &record.note)
                }
            case .disabilities:
                return try update(Disability.self, blank: { Disability(id: $0, profileID: profileID, name: "") }) { record in
                    try values.requiredText("name").apply(to: &record.name)
                    if let types = try values.choices("types", Disability.DisabilityType.self) { record.types = types }
                    try values.choice("cdaph", Disability.CDAPHRate.self).apply(to: &record.cdaphRate)
                    values.optionalText("technical-help").apply(to: &record.technicalHelp)
                    try values.choice("human-help", Disability.HumanHelp.self).apply(to: &record.humanHelp)
                    values.optionalText("comment").apply(to: &record.note)
                }
            case .bloodGroup:
                guard case .some(let group?) = try values.choice("group", BloodGroup.Value.self) else {
                    throw ProfileBookError.missingField("group")
                }
                let record = BloodGroup(id: id ?? BloodGroup.id(profileID: profileID), profileID: profileID, value: group)
                try session.records(BloodGroup.self).save(record)
                return record.id
            case .allergies:
                let saved = try update(Allergy.self, blank: { Allergy(id: $0, profileID: profileID, substance: "", recorded: today) }) { record in
                    try values.requiredText("name").apply(to: &record.substance)
                    values.optionalText("comment").apply(to: &record.note)
                }
                // An allergy ends the "non concerné" declaration.
                for declaration in try session.records(Allergy.self).all(profile: profileID) where declaration.isNotConcernedDeclaration {
                    try session.records(Allergy.self).delete(declaration.id)
                }
                return saved
            case .familyHistory:
                return try update(FamilyHistory.self, blank: { FamilyHistory(id: $0, profileID: profileID, relationship: "", condition: "") }) { record in
                    if case .some(let relative?) = try values.choice("relative", FamilyHistory.Relative.self) { record.relationship = relative.rawValue }
                    try values.requiredText("name").apply(to: &record.condition)
                    values.optionalText("comment").apply(to: &record.note)
                }
            case .vaccinations:
                return try update(Vaccination.self, blank: { Vaccination(id: $0, profileID: profileID, vaccine: "", date: today) }) { record in
                    if let text = try values.requiredText("vaccine") {
                        if let code = vaccines.code(matching: text) {
                            record.code = CodedConcept(system: VaccineCatalog.atcSystem, code: code, display: vaccines.name(of: code, french: true))
                            record.vaccine = vaccines.name(of: code, french: true) ?? text
                        } else {
                            record.code = nil
                            record.vaccine = text
                        }
                    }
                    if case .some(let date) = try values.date("date") {
                        guard let date else { throw ProfileBookError.missingField("date") }
                        record.date = date
                    }
                    try values.choice("dose", Vaccination.DoseType.self).apply(to: &record.doseType)
                    values.optionalText("lot").apply(to: &record.lotNumber)
                    if case .some(let by) = values.optionalText("by") { record.performer = by.map { Practitioner(name: $0) } }
                }
            case .lifestyle:
                let existing = try id.flatMap { try session.records(Lifestyle.self).find($0) }
                if let id, existing?.profileID != profileID { throw ProfileBookError.notFound(id) }
                guard let topic = try values.choice("topic", Lifestyle.Topic.self).flatMap({ $0 }) ?? existing?.topic else {
                    throw ProfileBookError.missingField("topic")
                }
                guard let answer = try values.requiredText("answer") ?? existing?.answer else { throw ProfileBookError.missingField("answer") }
                if let existing, existing.topic != topic { try session.records(Lifestyle.self).delete(existing.id) }
                let record = Lifestyle(id: Lifestyle.id(profileID: profileID, topic: topic), profileID: profileID, topic: topic,
                                       answer: answer, updated: today)
                try session.records(Lifestyle.self).save(record)
                return record.id
            case .professionals:
                guard var profile = try session.profiles.find(profileID) else { throw ProfileBookError.notFound(profileID) }
                let given = try values.choice("role", CareTeamRole.self).flatMap { $0 }
                guard let role = given ?? id.flatMap(CareTeamRole.init(rawValue:)) else { throw ProfileBookError.missingField("role") }
                if let id, id != role.rawValue { try setPractitioner(nil, CareTeamRole(rawValue: id), &profile) }
                var practitioner = practitioner(role, of: profile) ?? Practitioner(name: "")
                try values.requiredText("name").apply(to: &practitioner.name)
                values.optionalText("rpps").apply(to: &practitioner.rpps)
                values.optionalText("organization").apply(to: &practitioner.organization)
                guard !practitioner.name.isEmpty else { throw ProfileBookError.missingField("name") }
                try setPractitioner(practitioner, role, &profile)
                try session.profiles.save(profile)
                return role.rawValue
            case .entourage:
                return try update(EmergencyContact.self, blank: { EmergencyContact(id: $0, profileID: profileID, name: "", roles: []) }) { record in
                    if case .some(let role?) = try values.choice("role", EntourageRole.self) {
                        if role == .trustedPerson, try session.records(EmergencyContact.self).all(profile: profileID)
                            .contains(where: { $0.id != record.id && $0.roles.contains(.trustedPerson) }) {
                            throw ProfileBookError.oneTrustedPerson
                        }
                        let kept = record.roles.filter { EntourageRole($0) == nil }
                        record.roles = kept + [role.contactRole]
                    }
                    try values.requiredText("name").apply(to: &record.name)
                    if case .some(let relation) = values.optionalText("relation") {
                        if let relation {
                            guard let code = FieldValues.matchCode(relation, in: EmergencyContact.relations) else {
                                throw ProfileBookError.invalidValue(field: "relation", value: relation)
                            }
                            record.relationship = code
                        } else {
                            record.relationship = nil
                        }
                    }
                    values.optionalText("phone").apply(to: &record.phone)
                    values.optionalText("mobile").apply(to: &record.mobile)
                    values.optionalText("email").apply(to: &record.email)
                    values.optionalText("address").apply(to: &record.address)
                    guard !record.roles.isEmpty else { throw ProfileBookError.missingField("role") }
                }
            case .wishes:
                let store = session.records(Wishes.self)
                var wishes = try store.all(profile: profileID).first ?? Wishes(id: profileID, profileID: profileID, updated: Date())
                if case .some(let informed) = try values.choice("organ-donation-informed", YesNo.self) {
                    wishes.organDonationInformedOn = informed == .yes ? (wishes.organDonationInformedOn ?? today) : nil
                }
                wishes.updated = Date()
                try store.save(wishes)
                return wishes.id
            }
        }
    }

    enum YesNo: String { case yes, no }

    private static func setPractitioner(_ practitioner: Practitioner?, _ role: CareTeamRole?, _ profile: inout Profile) throws {
        switch role {
        case .generalPractitioner: profile.generalPractitioner = practitioner
        case .midwife: profile.referentMidwife = practitioner
        case .pharmacist: profile.correspondingPharmacist = practitioner
        case nil: break
        }
    }

    static func delete(_ rubrique: ProfileRubrique, id: String, book: ProfileBook) throws {
        let profileID = book.profileID
        try book.vault.write { session in
            func remove<Record: StoredRecord>(_ type: Record.Type) throws {
                guard try session.records(type).find(id)?.profileID == profileID else { throw ProfileBookError.notFound(id) }
                try session.records(type).delete(id)
            }
            switch rubrique {
            case .conditions: try remove(HealthRecord.Condition.self)
            case .treatments: try remove(Treatment.self)
            case .hospitalizations: try remove(Hospitalization.self)
            case .disabilities: try remove(Disability.self)
            case .bloodGroup: try remove(BloodGroup.self)
            case .allergies: try remove(Allergy.self)
            case .familyHistory: try remove(FamilyHistory.self)
            case .vaccinations: try remove(Vaccination.self)
            case .lifestyle: try remove(Lifestyle.self)
            case .entourage: try remove(EmergencyContact.self)
            case .professionals:
                guard var profile = try session.profiles.find(profileID), let role = CareTeamRole(rawValue: id) else {
                    throw ProfileBookError.notFound(id)
                }
                try setPractitioner(nil, role, &profile)
                try session.profiles.save(profile)
            case .wishes:
                throw ProfileBookError.notAddable
            }
        }
    }
}
