import FHIR
import Foundation
import TerminalUI
import TestSupport
import XCTest

/// The access code's QR code, as the app draws it, decodes back to the documented payload with a
/// real decoder (`zbarimg`, Debian `zbar-tools`) — drawn black on white with colours, and in
/// monochrome (light modules as blocks, for a dark background).
final class AccessCodeQRTests: XCTestCase {
    func testTheDrawnQRCodeDecodesToThePayload() throws {
        let payload = API.AccessCodePayload.encode(code: "48213907")
        XCTAssertEqual(payload, "MES-ACCES:1:48213907")
        let matrix = try XCTUnwrap(QRMatrix(payload))
        XCTAssertEqual(matrix.size, 21, "a version 1 symbol: 13 rows of half blocks")
        for theme in [ThemeKind.standard, .highContrast, .monochrome] {
            let context = ViewContext(size: Size(width: 80, height: 24), theme: Theme(theme), symbols: .unicode)
            var buffer = CellBuffer(size: context.size)
            XCTAssertTrue(QRCodeBlock.render(matrix, into: &buffer, area: buffer.bounds, context: context))
            let drawn = QRCodeBlock.size(of: matrix, symbols: .unicode)
            // Read the modules back from the cells: ink is dark with colours, light without.
            let side = drawn.width
            var dark = [[Bool]](repeating: [Bool](repeating: false, count: side), count: side)
            for row in 0..<drawn.height {
                for x in 0..<side {
                    let character = buffer[x, row].character
                    let top = character == "▀" || character == "█", bottom = character == "▄" || character == "█"
                    dark[row * 2][x] = top == context.theme.usesColor
                    if row * 2 + 1 < side { dark[row * 2 + 1][x] = bottom == context.theme.usesColor }
                }
            }
            for y in 0..<matrix.size {
                for x in 0..<matrix.size { XCTAssertEqual(dark[y + 2][x + 2], matrix[x, y], "\(theme) module \(x),\(y)") }
            }
            XCTAssertEqual(try decode(dark), payload, "\(theme)")
        }
        XCTAssertEqual(API.AccessCodePayload.decode(payload), "48213907")
        XCTAssertNil(API.AccessCodePayload.decode("MES-ACCES:2:48213907"))
        XCTAssertNil(API.AccessCodePayload.decode("MES-ACCES:1:4821390"))
    }

    /// Writes the modules as a PGM image (8 pixels a module, a wide quiet zone) and decodes it.
    private func decode(_ dark: [[Bool]]) throws -> String {
        let scale = 8, margin = 4
        let side = (dark.count + 2 * margin) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for (y, row) in dark.enumerated() {
            for (x, isDark) in row.enumerated() where isDark {
                for dy in 0..<scale {
                    for dx in 0..<scale { pixels[((y + margin) * scale + dy) * side + (x + margin) * scale + dx] = 0 }
                }
            }
        }
        let directory = try TemporaryDirectory(prefix: "mes-qr")
        defer { directory.remove() }
        let image = directory.url.appendingPathComponent("code.pgm")
        try (Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)).write(to: image)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "-q", image.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
