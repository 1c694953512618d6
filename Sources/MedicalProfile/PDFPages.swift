import Foundation
import PDFShim

/// Pages of text and tables written to a PDF in memory with cairo and pango (text layout with
/// accents, wrapping and fonts done by pango, through `PDFShim`): nothing touches the disk, the
/// bytes go where the caller says (the vault, a file the user chose).
final class PDFPages {
    /// A4 in points, with 2 cm margins.
    static let width = 595.0, height = 842.0, margin = 56.7

    private let pdf: OpaquePointer
    private var y = PDFPages.margin
    private var pageNumber = 1
    private let footer: String

    /// A new document with its title and author in the PDF's metadata and `footer` at the
    /// bottom of every page (with the page number). Nil when cairo cannot make one.
    init?(title: String, author: String, footer: String) {
        guard let pdf = mes_pdf_new(Self.width, Self.height, title, author) else { return nil }
        self.pdf = pdf
        self.footer = footer
    }

    deinit {
        mes_pdf_free(pdf)
    }

    enum Style {
        case title, heading, body, small, bold

        var font: String {
            switch self {
            case .title: "DejaVu Sans Bold 16"
            case .heading: "DejaVu Sans Bold 12"
            case .body: "DejaVu Sans 9.5"
            case .small: "DejaVu Sans 8"
            case .bold: "DejaVu Sans Bold 9.5"
            }
        }
    }

    private var contentWidth: Double { Self.width - 2 * Self.margin }
    private var bottom: Double { Self.height - Self.margin - 14 }

    /// The height of `text` laid out in `width`; drawn at (x, y) when `draw`.
    @discardableResult
    private func text(_ text: String, style: Style, x: Double, y: Double, width: Double, draw: Bool) -> Double {
        mes_pdf_text(pdf, text, style.font, x, y, width, draw ? 1 : 0)
    }

    /// Starts a new page when fewer than `needed` points are left.
    private func ensure(_ needed: Double) {
        if y + needed > bottom { newPage() }
    }

    func newPage() {
        drawFooter()
        mes_pdf_next_page(pdf)
        pageNumber += 1
        y = Self.margin
    }

    private func drawFooter() {
        mes_pdf_colour(pdf, 0.35, 0.35, 0.35)
        text("\(footer) — \(pageNumber)", style: .small, x: Self.margin, y: Self.height - Self.margin, width: contentWidth, draw: true)
        mes_pdf_colour(pdf, 0, 0, 0)
    }

    /// A paragraph in the full width.
    func paragraph(_ content: String, style: Style = .body, spaceAfter: Double = 4) {
        let height = text(content, style: style, x: Self.margin, y: y, width: contentWidth, draw: false)
        ensure(height + (style == .heading ? 40 : 0))
        text(content, style: style, x: Self.margin, y: y, width: contentWidth, draw: true)
        y += height + spaceAfter
    }

    func space(_ points: Double) { y += points }

    /// A table with a header row; column widths in proportions of the page's width. Rows that
    /// do not fit go to the next page, which repeats the header.
    func table(header: [String], rows: [[String]], proportions: [Double]) {
        let total = proportions.reduce(0, +)
        let widths = proportions.map { $0 / total * contentWidth }
        let padding = 3.0
        func height(_ row: [String], _ style: Style) -> Double {
            (row.enumerated().map { index, cell in text(cell, style: style, x: 0, y: 0, width: widths[index] - 2 * padding, draw: false) }.max() ?? 0)
                + 2 * padding
        }
        func draw(_ row: [String], style: Style, shaded: Bool) {
            let rowHeight = height(row, style)
            if shaded {
                mes_pdf_colour(pdf, 0.9, 0.9, 0.9)
                mes_pdf_fill_rectangle(pdf, Self.margin, y, contentWidth, rowHeight)
                mes_pdf_colour(pdf, 0, 0, 0)
            }
            var x = Self.margin
            for (index, cell) in row.enumerated() {
                text(cell, style: style, x: x + padding, y: y + padding, width: widths[index] - 2 * padding, draw: true)
                x += widths[index]
            }
            mes_pdf_line(pdf, Self.margin, y + rowHeight, Self.margin + contentWidth, y + rowHeight, 0.4)
            y += rowHeight
        }
        ensure(height(header, .bold) + (rows.first.map { height($0, .body) } ?? 0))
        draw(header, style: .bold, shaded: true)
        for row in rows {
            if y + height(row, .body) > bottom {
                newPage()
                draw(header, style: .bold, shaded: true)
            }
            draw(row, style: .body, shaded: false)
        }
        y += 8
    }

    /// Ends the document and returns its bytes (nil when cairo failed).
    func finish() -> [UInt8]? {
        drawFooter()
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard mes_pdf_finish(pdf, &bytes, &length) == 0, let bytes else { return nil }
        defer { mes_pdf_free_bytes(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
