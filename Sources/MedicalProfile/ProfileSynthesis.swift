import Documents
import Foundation
import HealthRecord
import L10n
import Vault

public enum ProfileSynthesisError: Error, Equatable, Sendable {
    /// cairo could not make the PDF.
    case pdfFailed
}

/// *La synthèse du profil médical*: the chosen rubriques as tables in a PDF (title, identity,
/// each rubrique, the latest measures, the generation date), which the holder saves among the
/// documents as `DOCPAT08` "Profil médical Mon espace santé" (so authorised professionals see
/// it, as in MES), exports, or attaches to a message.
public struct ProfileSynthesis: Sendable {
    /// What a synthèse can hold: the rubriques, and the measures.
    public enum Section: Hashable, Sendable {
        case rubrique(ProfileRubrique)
        case measures

        public static let all: [Section] = ProfileRubrique.allCases.map(Section.rubrique) + [.measures]

        /// `conditions`, `measures`… (the command line's `--sections`).
        public var code: String {
            switch self {
            case .rubrique(let rubrique): rubrique.rawValue
            case .measures: "measures"
            }
        }

        public init?(code: String) {
            if code == "measures" { self = .measures; return }
            guard let rubrique = ProfileRubrique(rawValue: code) else { return nil }
            self = .rubrique(rubrique)
        }
    }

    public let book: ProfileBook

    public init(book: ProfileBook) {
        self.book = book
    }

    /// MES's file name: `Profilmedical_<Prénom>_<Nom>_<YYYYMMDDhhmm>.pdf`.
    public func fileName(at date: Date = Date()) throws -> String {
        let profile = try book.profile()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = LocalFormat.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let stamp = String(format: "%04d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
        let name = DocumentImport.safeFileName("Profilmedical_\(profile.givenName)_\(profile.familyName)_\(stamp).pdf")
        return name.replacingOccurrences(of: " ", with: "-")
    }

    /// The PDF of the chosen sections (every one when empty), generated at `date`.
    public func pdf(sections chosen: [Section] = [], at date: Date = Date()) throws -> [UInt8] {
        let sections = chosen.isEmpty ? Section.all : Section.all.filter(chosen.contains)
        let profile = try book.profile()
        let title = tr("profile.synthesis.title")
        guard let pages = PDFPages(title: title, author: profile.displayName,
                                   footer: tr("profile.synthesis.footer", ["name": profile.displayName, "date": LocalFormat.dateTime(date)])) else {
            throw ProfileSynthesisError.pdfFailed
        }
        pages.paragraph(title, style: .title, spaceAfter: 8)
        pages.paragraph(profile.displayName, style: .heading, spaceAfter: 2)
        var identity: [String] = []
        if let birth = profile.birthDate { identity.append(tr("profile.synthesis.born", ["date": LocalFormat.date(day: birth.day, month: birth.month, year: birth.year)])) }
        if let ins = profile.ins { identity.append(tr("profile.synthesis.ins", ["ins": ins.value])) }
        if !identity.isEmpty { pages.paragraph(identity.joined(separator: " · ")) }
        pages.paragraph(tr("profile.synthesis.generated", ["date": LocalFormat.dateTime(date)]), style: .small, spaceAfter: 14)

        let conditions = try book.entries(.conditions)
        for section in sections {
            switch section {
            case .rubrique(let rubrique):
                pages.paragraph(ProfileWording.rubrique(rubrique), style: .heading, spaceAfter: 4)
                let entries = try book.entries(rubrique)
                if rubrique == .allergies, try book.isNotConcernedByAllergies() {
                    pages.paragraph(tr("profile.show.not-concerned"))
                }
                guard !entries.isEmpty else {
                    let declared = try rubrique == .allergies && book.isNotConcernedByAllergies()
                    if !declared { pages.paragraph(tr("profile.show.empty")) }
                    pages.space(8)
                    continue
                }
                let fields = rubrique.fields.map(\.key).filter { key in entries.contains { $0.values[key] != nil } && key != "unit" }
                var header = fields.map(ProfileWording.field)
                var rows = entries.map { entry in
                    fields.map { ProfileWording.display(entry, $0, vaccines: book.vaccines, conditions: conditions) ?? "" }
                }
                if entries.contains(where: { $0.author != nil }) {
                    header.append(tr("profile.synthesis.author"))
                    for (index, entry) in entries.enumerated() { rows[index].append(entry.author ?? "") }
                }
                pages.table(header: header, rows: rows, proportions: Self.proportions(header: header, rows: rows))
            case .measures:
                pages.paragraph(tr("profile.synthesis.measures"), style: .heading, spaceAfter: 4)
                let overview = try MeasureBook(vault: book.vault, profileID: book.profileID).overview().filter { $0.count > 0 }
                guard !overview.isEmpty else {
                    pages.paragraph(tr("profile.show.empty"))
                    continue
                }
                pages.table(header: [tr("profile.synthesis.measure"), tr("profile.synthesis.latest"), tr("profile.field.date"),
                                     tr("profile.synthesis.count")],
                            rows: overview.map { item in
                                [ProfileWording.measure(item.type), item.latest.map { ProfileWording.value(of: $0) } ?? "",
                                 item.latest.map { LocalFormat.date($0.effective) } ?? "", String(item.count)]
                            }, proportions: [1.6, 1, 1, 0.6])
            }
        }
        guard let bytes = pages.finish() else { throw ProfileSynthesisError.pdfFailed }
        return bytes
    }

    /// Column widths from what they hold: the longest word and the longest text, within bounds.
    static func proportions(header: [String], rows: [[String]]) -> [Double] {
        header.indices.map { column in
            let texts = [header[column]] + rows.map { column < $0.count ? $0[column] : "" }
            let longest = Double(texts.map(\.count).max() ?? 0)
            let word = Double(texts.flatMap { $0.split(separator: " ") }.map(\.count).max() ?? 0)
            return max(word + 2, min(longest, 28), 8)
        }
    }

    /// Saves a synthèse among the space's documents as `DOCPAT08` "Profil médical Mon espace
    /// santé" (sent with the next sync, so authorised professionals see it). Returns the document.
    @discardableResult
    public func save(_ bytes: [UInt8], fileName: String, library: DocumentLibrary, at date: Date = Date()) throws -> Document {
        try library.importFile(named: fileName, content: bytes, title: tr("profile.synthesis.document-title"), category: .summary, date: date,
                               type: DocumentType.profileSynthesis)
    }
}
