import FHIR
import Foundation
import HealthRecord
import L10n

/// How a document's content can be shown in a terminal.
public enum DocumentReading: Sendable, Equatable {
    /// Text to read (plain text, RTF as text, the text of a PDF). Untrusted: sanitise to draw.
    case text(String)
    /// A structured lab report: a table with out-of-range values flagged.
    case labReport(LabReport)
    /// Nothing readable here: show the metadata, offer export (and the system viewer).
    case metadataOnly(Reason)

    public enum Reason: Sendable, Equatable {
        case image
        /// A PDF, but `pdftotext` (Debian `poppler-utils`) is not installed.
        case pdfToolMissing
        /// A PDF without text (scanned) or that `pdftotext` could not read.
        case pdfWithoutText
        case otherFormat
    }
}

/// Turns content into something to read, and into text for the full-text index.
public struct DocumentReader: Sendable {
    /// `pdftotext`, when installed.
    let pdfToText: ExternalTool?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        pdfToText = ExternalTool.find("pdftotext", environment: environment)
    }

    /// Whether PDF text can be extracted on this machine.
    public var canReadPDF: Bool { pdfToText != nil }

    public func reading(format: String, bytes: [UInt8]) -> DocumentReading {
        if Self.isLabReport(format), let report = try? LabReport(parsing: bytes) { return .labReport(report) }
        switch DocumentFileFormat(mimeType: format) ?? DocumentFileFormat.detect(bytes) {
        case .text: return .text(Self.decodeText(bytes))
        case .rtf: return .text(RTFText.plainText(bytes))
        case .pdf:
            guard pdfToText != nil else { return .metadataOnly(.pdfToolMissing) }
            guard let text = pdfText(bytes), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return .metadataOnly(.pdfWithoutText)
            }
            return .text(text)
        case .jpeg, .png, .tiff: return .metadataOnly(.image)
        case nil: return .metadataOnly(.otherFormat)
        }
    }

    /// The text the full-text index keeps for this content (nil when there is none).
    public func searchableText(format: String, bytes: [UInt8]) -> String? {
        switch reading(format: format, bytes: bytes) {
        case .text(let text): text
        case .labReport(let report): Self.searchableText(report)
        case .metadataOnly: nil
        }
    }

    /// A lab report for the index: its title, then one line per result with its value, unit and
    /// flag in words, so "cholestérol" or "élevé" finds it and the snippet reads like the table
    /// (each result ends with ";" — " ;" in French — which keeps results apart once a snippet is
    /// on one line).
    static func searchableText(_ report: LabReport) -> String {
        let (_, rows) = DocumentWording.labReportRows(report)
        return ([report.title] + rows.map { row in
            tr("ui.labelled", ["label": row[0], "value": "\(row[1]) \(row[2]) \(row[4])".trimmingCharacters(in: .whitespaces)])
                + tr("documents.lab.result-end")
        }).joined(separator: "\n")
    }

    /// The text of a PDF, by `pdftotext` reading the PDF from a pipe and writing to another
    /// (`pdftotext -q -enc UTF-8 - -`): the content never touches the disk.
    func pdfText(_ bytes: [UInt8]) -> String? {
        guard let tool = pdfToText,
              let result = try? tool.run(["-q", "-enc", "UTF-8", "-layout", "-", "-"], input: bytes),
              result.status == 0 else { return nil }
        return String(decoding: result.output, as: UTF8.self).replacingOccurrences(of: "\u{0C}", with: "\n")
    }

    static func isLabReport(_ format: String) -> Bool {
        format.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } == LabReport.contentType
    }

    /// UTF-8 text (a byte-order mark dropped; invalid bytes become U+FFFD).
    static func decodeText(_ bytes: [UInt8]) -> String {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        return String(decoding: body, as: UTF8.self)
    }
}
