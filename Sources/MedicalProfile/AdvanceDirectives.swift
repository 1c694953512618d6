import Documents
import Foundation
import HealthRecord
import L10n
import Vault

/// *Directives anticipées* as MES's form has them (DOMAIN-FACTS §1.1), in its two variants: "en
/// fin de vie ou en cas de maladie grave" (context, artificial life support, sedation, and the
/// acts to undertake or stop: cardiac resuscitation, being connected to a machine, surgery,
/// others) and "en bonne santé" (the same choices, written ahead). Kept as a DMP document of type
/// `EXPPAT_3` (a PDF made from the form, or a document the holder already has); writing new
/// directives replaces the previous document. Minors cannot write directives.
public struct AdvanceDirectives: Sendable, Equatable {
    public enum Variant: String, CaseIterable, Sendable {
        case seriousIllness = "serious-illness"
        case goodHealth = "good-health"
    }

    /// An answer to "do you want …": yes, no, or "I do not know yet / let the doctors decide".
    public enum Answer: String, CaseIterable, Sendable {
        case yes, no, undecided
    }

    public var variant: Variant
    /// My situation (the illness) or what matters to me.
    public var context: String
    /// Being kept alive artificially (maintien artificiel en vie).
    public var lifeSupport: Answer
    /// Deep and continuous sedation until death (loi Claeys-Leonetti).
    public var sedation: Answer
    public var resuscitation: Answer
    /// Being connected to a machine (respiration artificielle, dialyse…).
    public var machines: Answer
    public var surgery: Answer
    public var otherActs: String
    /// Anything else I want known (free text).
    public var wishes: String

    public init(variant: Variant, context: String = "", lifeSupport: Answer = .undecided, sedation: Answer = .undecided,
                resuscitation: Answer = .undecided, machines: Answer = .undecided, surgery: Answer = .undecided,
                otherActs: String = "", wishes: String = "") {
        self.variant = variant
        self.context = context
        self.lifeSupport = lifeSupport
        self.sedation = sedation
        self.resuscitation = resuscitation
        self.machines = machines
        self.surgery = surgery
        self.otherActs = otherActs
        self.wishes = wishes
    }

    /// The keys of the form and of the command line, in order.
    public static let choiceKeys = ["life-support", "sedation", "resuscitation", "machines", "surgery"]
    public static let textKeys = ["context", "other-acts", "wishes"]

    /// From the form's or the command line's values (`variant`, the choice keys with
    /// yes|no|undecided, the text keys); unknown values are refused.
    public init(values: [String: String]) throws(ProfileBookError) {
        guard let variant = Variant(rawValue: values["variant"] ?? Variant.seriousIllness.rawValue) else {
            throw .invalidValue(field: "variant", value: values["variant"] ?? "")
        }
        func answer(_ key: String) throws(ProfileBookError) -> Answer {
            guard let text = values[key], !text.isEmpty else { return .undecided }
            guard let answer = Answer(rawValue: text) else { throw .invalidValue(field: key, value: text) }
            return answer
        }
        func text(_ key: String) -> String { (values[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        self.init(variant: variant, context: text("context"), lifeSupport: try answer("life-support"), sedation: try answer("sedation"),
                  resuscitation: try answer("resuscitation"), machines: try answer("machines"), surgery: try answer("surgery"),
                  otherActs: text("other-acts"), wishes: text("wishes"))
    }

    func answer(_ key: String) -> Answer {
        switch key {
        case "life-support": lifeSupport
        case "sedation": sedation
        case "resuscitation": resuscitation
        case "machines": machines
        default: surgery
        }
    }

    /// The words of a field, a variant and an answer (the catalogue's keys, spelt out).
    public static func label(_ key: String) -> String {
        switch key {
        case "variant": tr("profile.directives.field.variant")
        case "context": tr("profile.directives.field.context")
        case "life-support": tr("profile.directives.field.life-support")
        case "sedation": tr("profile.directives.field.sedation")
        case "resuscitation": tr("profile.directives.field.resuscitation")
        case "machines": tr("profile.directives.field.machines")
        case "surgery": tr("profile.directives.field.surgery")
        case "other-acts": tr("profile.directives.field.other-acts")
        default: tr("profile.directives.field.wishes")
        }
    }

    public static func label(_ variant: Variant) -> String {
        switch variant {
        case .seriousIllness: tr("profile.directives.variant.serious-illness")
        case .goodHealth: tr("profile.directives.variant.good-health")
        }
    }

    public static func label(_ answer: Answer) -> String {
        switch answer {
        case .yes: tr("profile.directives.answer.yes")
        case .no: tr("profile.directives.answer.no")
        case .undecided: tr("profile.directives.answer.undecided")
        }
    }

    /// A one-line summary kept with the wishes ("fin de vie ou maladie grave, 03/12/2026").
    func summary(at date: Date) -> String {
        tr("profile.directives.summary", ["variant": Self.label(variant), "date": LocalFormat.date(date)])
    }

    /// The document's PDF: title, who, when, the variant, each question with its answer, the texts.
    func pdf(profile: Profile, at date: Date) throws -> [UInt8] {
        let title = tr("profile.directives.title")
        guard let pages = PDFPages(title: title, author: profile.displayName,
                                   footer: tr("profile.directives.footer", ["name": profile.displayName, "date": LocalFormat.dateTime(date)])) else {
            throw ProfileSynthesisError.pdfFailed
        }
        pages.paragraph(title, style: .title, spaceAfter: 8)
        pages.paragraph(profile.displayName, style: .heading, spaceAfter: 2)
        if let birth = profile.birthDate {
            pages.paragraph(tr("profile.synthesis.born", ["date": LocalFormat.date(day: birth.day, month: birth.month, year: birth.year)]))
        }
        pages.paragraph(tr("profile.directives.written", ["date": LocalFormat.dateTime(date)]), style: .small, spaceAfter: 10)
        pages.paragraph(Self.label(variant), style: .heading, spaceAfter: 4)
        pages.paragraph(variant == .seriousIllness ? tr("profile.directives.intro.serious-illness") : tr("profile.directives.intro.good-health"),
                        spaceAfter: 8)
        if !context.isEmpty {
            pages.paragraph(Self.label("context"), style: .bold, spaceAfter: 2)
            pages.paragraph(context, spaceAfter: 8)
        }
        pages.table(header: [tr("profile.directives.question"), tr("profile.directives.my-answer")],
                    rows: Self.choiceKeys.map { [Self.label($0), Self.label(answer($0))] },
                    proportions: [0.7, 0.3])
        for (key, text) in [("other-acts", otherActs), ("wishes", wishes)] where !text.isEmpty {
            pages.paragraph(Self.label(key), style: .bold, spaceAfter: 2)
            pages.paragraph(text, spaceAfter: 8)
        }
        pages.paragraph(tr("profile.directives.validity"), style: .small)
        guard let bytes = pages.finish() else { throw ProfileSynthesisError.pdfFailed }
        return bytes
    }
}

extension ProfileBook {
    /// Writes the directives as a new `EXPPAT_3` document (a PDF of the form), replacing the
    /// previous directives document, and links it from the wishes. Refused for a minor's space.
    @discardableResult
    public func writeAdvanceDirectives(_ directives: AdvanceDirectives, library: DocumentLibrary, at date: Date = Date()) throws -> Document {
        let profile = try requireAdult(on: date)
        let bytes = try directives.pdf(profile: profile, at: date)
        return try keepAdvanceDirectives(fileName: "Directives-anticipees.pdf", content: bytes, summary: directives.summary(at: date),
                                         library: library, at: date)
    }

    /// Keeps a document the holder already has (PDF, image, text) as their directives.
    @discardableResult
    public func attachAdvanceDirectives(fileName: String, content: [UInt8], library: DocumentLibrary, at date: Date = Date()) throws -> Document {
        try requireAdult(on: date)
        return try keepAdvanceDirectives(fileName: fileName, content: content,
                                         summary: tr("profile.directives.summary-attached", ["date": LocalFormat.date(date)]),
                                         library: library, at: date)
    }

    @discardableResult
    private func requireAdult(on date: Date) throws -> Profile {
        let profile = try self.profile()
        guard !profile.isMinor(on: CalendarDate(date)) else { throw ProfileBookError.minorSpace }
        return profile
    }

    private func keepAdvanceDirectives(fileName: String, content: [UInt8], summary: String, library: DocumentLibrary, at date: Date) throws -> Document {
        let profileID = self.profileID
        let previous = try vault.read { try $0.records(Wishes.self).all(profile: profileID).first }
        let document = try library.importFile(named: fileName, content: content, title: tr("profile.directives.document-title"),
                                              category: .advanceDirectives, date: date, type: DocumentType.advanceDirectives)
        try vault.write { session in
            var wishes = previous ?? Wishes(id: profileID, profileID: profileID, updated: date)
            wishes.advanceDirectivesDocumentID = document.id
            wishes.advanceDirectivesSummary = summary
            wishes.updated = date
            try session.records(Wishes.self).save(wishes)
        }
        // MES keeps one version: the previous directives go (the holder's own documents of that type).
        let older = try vault.read { try $0.documents.all(profile: profileID) }
            .filter { $0.id != document.id && $0.origin == .patient && $0.typeCode.code == DocumentType.advanceDirectives.code }
        for old in older { try? library.delete(old.id) }
        return document
    }

    /// The directives currently kept: their document and summary (nil when none).
    public func advanceDirectives() throws -> (documentID: String, summary: String?)? {
        let profileID = self.profileID
        guard let wishes = try vault.read({ try $0.records(Wishes.self).all(profile: profileID).first }),
              let document = wishes.advanceDirectivesDocumentID else { return nil }
        return (document, wishes.advanceDirectivesSummary)
    }
}
