import CQREncode
import L10n

/// The modules of a QR code, made by libqrencode.
public struct QRMatrix: Hashable, Sendable {
    /// Modules per side (without the quiet zone).
    public let size: Int
    private let modules: [Bool]

    /// Encodes text (error correction level M). Nil if libqrencode refuses it (too long).
    public init?(_ text: String) {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    /// Whether the module is dark; outside the code (the quiet zone) it is light.
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}

/// Draws a QR code with half blocks: two module rows a text row, a quiet zone of two modules.
///
/// With colours, dark modules are drawn black on white whatever the terminal's background. With
/// none (monochrome, `NO_COLOR`), the light modules are drawn as blocks, which is right on the
/// dark background terminals mostly have. Without UTF-8, `##` a module, one row a module.
public enum QRCodeBlock {
    static let quietZone = 2

    /// The cells a code needs.
    public static func size(of matrix: QRMatrix, symbols: Symbols) -> Size {
        let side = matrix.size + 2 * quietZone
        return symbols.isUnicode ? Size(width: side, height: (side + 1) / 2) : Size(width: side * 2, height: side)
    }

    /// Draws the code at `area`'s top left if it fits, else says it does not. Returns whether drawn.
    @discardableResult
    public static func render(_ matrix: QRMatrix, into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Bool {
        let needed = size(of: matrix, symbols: context.symbols)
        guard needed.fits(in: area.size) else {
            buffer.put(tr("ui.qr.too-small"), at: area.origin, style: context.style(.warning), maxWidth: area.width)
            return false
        }
        let colored = context.theme.usesColor
        let style = colored ? Style(foreground: .black, background: .white) : Style()
        // True when a module is drawn as ink: dark modules with colours, light ones without.
        let ink: (Int, Int) -> Bool = { x, y in matrix[x - quietZone, y - quietZone] == colored }
        let side = matrix.size + 2 * quietZone
        if context.symbols.isUnicode {
            for row in 0..<needed.height {
                var line = ""
                for x in 0..<side {
                    let top = ink(x, row * 2), bottom = row * 2 + 1 < side && ink(x, row * 2 + 1)
                    line += top && bottom ? context.symbols.fullBlock
                        : top ? context.symbols.upperHalf : bottom ? context.symbols.lowerHalf : " "
                }
                buffer.put(line, at: Point(x: area.x, y: area.y + row), style: style)
            }
        } else {
            for y in 0..<side {
                let line = (0..<side).map { ink($0, y) ? "##" : "  " }.joined()
                buffer.put(line, at: Point(x: area.x, y: area.y + y), style: style)
            }
        }
        return true
    }
}
