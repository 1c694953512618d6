import FHIR
import Foundation
import HealthRecord
import L10n

/// The words the screens and the command line use for documents, from the catalogues.
public enum DocumentWording {
    /// The category as MES names it ("Résultats de biologie").
    public static func category(_ category: Document.Category) -> String {
        switch category {
        case .summary: tr("documents.category.resume")
        case .prescriptions: tr("documents.category.ordonnances")
        case .imaging: tr("documents.category.imagerie")
        case .laboratory: tr("documents.category.biologie")
        case .reports: tr("documents.category.comptes-rendus")
        case .prevention: tr("documents.category.prevention")
        case .certificates: tr("documents.category.certificats")
        case .administrative: tr("documents.category.administratif")
        case .advanceDirectives: tr("documents.category.directives")
        case .medicalSummary: tr("documents.category.synthese")
        case .questionnaire: tr("documents.category.questionnaire")
        case .other: tr("documents.category.autres")
        }
    }

    /// The marks of a row, as words (never colour alone): "nouveau", "masqué".
    public static func marks(_ summary: DocumentSummary) -> [String] {
        var marks: [String] = []
        if !summary.isRead { marks.append(tr("documents.mark.new")) }
        if summary.isMasked { marks.append(tr("documents.mark.masked")) }
        return marks
    }

    /// Who wrote it: "Dr Amélie Garnier (Laboratoire du Parc)", or "vous" for the user's own.
    public static func author(_ summary: DocumentSummary) -> String {
        if summary.origin == .patient { return tr("documents.author.you") }
        let name = summary.authorName.isEmpty ? tr("documents.author.unknown") : summary.authorName
        guard let organization = summary.organization, !organization.isEmpty else { return name }
        return "\(name) (\(organization))"
    }

    /// "1,2 Mo", "340 ko", "12 octets".
    public static func size(_ bytes: Int) -> String {
        if bytes >= 1_000_000 { return tr("documents.size.megabytes", ["size": LocalFormat.decimal(Double(bytes) / 1_000_000, fractionDigits: 1)]) }
        if bytes >= 1_000 { return tr("documents.size.kilobytes", ["size": String(bytes / 1_000)]) }
        return tr("documents.size.bytes", ["size": String(bytes)])
    }

    /// Why the content cannot be shown as text.
    public static func unreadable(_ reason: DocumentReading.Reason) -> String {
        switch reason {
        case .image: tr("documents.read.image")
        case .pdfToolMissing: tr("documents.read.pdf-tool-missing")
        case .pdfWithoutText: tr("documents.read.pdf-without-text")
        case .otherFormat: tr("documents.read.other-format")
        }
    }

    /// A refused import, said plainly.
    public static func refusal(_ refusal: DocumentImportRefusal) -> String {
        switch refusal {
        case .empty: tr("documents.import.empty")
        case .tooLarge(let size): tr("documents.import.too-large", ["size": Self.size(size)])
        case .unsupportedType(let suffix) where suffix.isEmpty: tr("documents.import.no-extension")
        case .unsupportedType(let suffix): tr("documents.import.unsupported", ["extension": suffix])
        case .contentMismatch(let expected, _):
            tr("documents.import.mismatch", ["format": expected.extensions[0].uppercased(), "extension": expected.extensions[0]])
        }
    }

    /// One line of a document's history: "12/03/2026 14:05 — Dr Garnier a consulté le document".
    public static func historyLine(_ entry: AuditEntry) -> String {
        let action = switch entry.action {
        case .read: tr("documents.history.read")
        case .create: tr("documents.history.create")
        case .update: tr("documents.history.update")
        case .delete: tr("documents.history.delete")
        default: tr("documents.history.other")
        }
        let who = entry.actorRole == .holder && entry.actorName.isEmpty ? tr("documents.author.you") : entry.actorName
        return tr("documents.history.line", ["date": LocalFormat.dateTime(entry.date), "who": who, "action": action])
    }

    // MARK: Lab reports

    /// The columns of a lab report table: analyte, value, unit, reference range, and a flag
    /// that says out-of-range values in words and a symbol (`▲ élevé`, `▼ bas`), never by colour alone.
    public static func labReportRows(_ report: LabReport) -> (header: [String], rows: [[String]]) {
        let header = [tr("documents.lab.analyte"), tr("documents.lab.value"), tr("documents.lab.unit"),
                      tr("documents.lab.range"), tr("documents.lab.flag")]
        let rows = report.results.map { result -> [String] in
            [result.analyte, LocalFormat.decimal(result.value, fractionDigits: fractionDigits(result.value)), result.unit,
             range(result), flag(result)]
        }
        return (header, rows)
    }

    /// `▲ élevé` / `▼ bas` / empty.
    public static func flag(_ result: LabReport.Result) -> String {
        switch result.interpretation {
        case "H": tr("documents.lab.high")
        case "L": tr("documents.lab.low")
        default: ""
        }
    }

    static func range(_ result: LabReport.Result) -> String {
        func number(_ value: Double) -> String { LocalFormat.decimal(value, fractionDigits: fractionDigits(value)) }
        switch (result.low, result.high) {
        case let (low?, high?): return "\(number(low)) – \(number(high))"
        case let (low?, nil): return "≥ \(number(low))"
        case let (nil, high?): return "≤ \(number(high))"
        case (nil, nil): return "—"
        }
    }

    static func fractionDigits(_ value: Double) -> Int {
        var digits = 0
        var scaled = value
        while digits < 3 && abs(scaled - scaled.rounded()) > 1e-9 {
            scaled *= 10
            digits += 1
        }
        return digits
    }

    /// A lab report as the exported file holds it: who and when, then the table.
    public static func labReportExport(_ report: LabReport, of summary: DocumentSummary) -> String {
        [summary.title, tr("documents.show.author", ["author": author(summary)]), tr("documents.show.date", ["date": LocalFormat.date(summary.date)]),
         "", labReportText(report), ""].joined(separator: "\n")
    }

    /// The table as plain text lines (for the command line and printing), columns aligned by
    /// character count. Untrusted cells: the caller sanitises for a terminal.
    public static func labReportText(_ report: LabReport) -> String {
        let (header, rows) = labReportRows(report)
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([report.title] + [""] + lines).joined(separator: "\n")
    }
}
