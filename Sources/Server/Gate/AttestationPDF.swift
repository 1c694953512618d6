import Foundation
import PDFShim

/// A one-page attestation as a PDF, laid out by pango through `PDFShim` (the shim the profil
/// synthèse uses), in memory: it goes straight into the store as a document's content.
enum AttestationPDF {
    static func make(title: String, lines: [String], author: String) -> [UInt8]? {
        let width = 595.0, height = 842.0, margin = 56.7
        guard let pdf = mes_pdf_new(width, height, title, author) else { return nil }
        defer { mes_pdf_free(pdf) }
        var y = margin
        y += mes_pdf_text(pdf, author, "DejaVu Sans 9", margin, y, width - 2 * margin, 1) + 18
        y += mes_pdf_text(pdf, title, "DejaVu Sans Bold 15", margin, y, width - 2 * margin, 1) + 14
        mes_pdf_line(pdf, margin, y, width - margin, y, 0.6)
        y += 14
        for line in lines {
            y += mes_pdf_text(pdf, line, "DejaVu Sans 10.5", margin, y, width - 2 * margin, 1) + 10
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard mes_pdf_finish(pdf, &bytes, &length) == 0, let bytes else { return nil }
        defer { mes_pdf_free_bytes(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
