/// The text of an RTF document, for reading and searching: paragraphs, tabs, escaped and
/// Unicode characters kept; control words, font and colour tables, pictures and other
/// destinations dropped. Not a layout engine: enough to read a letter or a report.
enum RTFText {
    /// Destinations whose content is not text to read.
    private static let skippedDestinations: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "header", "footer", "headerl", "headerr",
        "footerl", "footerr", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
        "colorschememapping", "latentstyles", "datastore", "object", "fldinst",
    ]

    static func plainText<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let input = Array(bytes)
        var output = String.UnicodeScalarView()
        var index = 0
        // One entry per open group: whether its content is skipped, and how many fallback
        // characters follow a `\u` in it (`\ucN`).
        var groups: [(skip: Bool, fallback: Int)] = [(false, 1)]
        var pendingFallback = 0

        func emit(_ scalar: Unicode.Scalar) {
            guard !groups[groups.count - 1].skip else { return }
            if pendingFallback > 0 { pendingFallback -= 1; return }
            output.append(scalar)
        }

        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "{"):
                groups.append(groups[groups.count - 1])
                index += 1
            case UInt8(ascii: "}"):
                if groups.count > 1 { groups.removeLast() }
                pendingFallback = 0
                index += 1
            case UInt8(ascii: "\\"):
                index += 1
                guard index < input.count else { break }
                let next = input[index]
                if next == UInt8(ascii: "\\") || next == UInt8(ascii: "{") || next == UInt8(ascii: "}") {
                    emit(Unicode.Scalar(next))
                    index += 1
                } else if next == UInt8(ascii: "'") {
                    // \'hh: a byte of the document's code page (Windows-1252 for French text).
                    let hex = input.count >= index + 3 ? String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self) : ""
                    if let value = UInt8(hex, radix: 16) { emit(windows1252(value)) }
                    index += 3
                } else if next == UInt8(ascii: "*") {
                    groups[groups.count - 1].skip = true
                    index += 1
                } else if isLetter(next) {
                    var word = ""
                    while index < input.count, isLetter(input[index]) { word.append(Character(Unicode.Scalar(input[index]))); index += 1 }
                    var number = ""
                    if index < input.count, input[index] == UInt8(ascii: "-") { number.append("-"); index += 1 }
                    while index < input.count, isDigit(input[index]) { number.append(Character(Unicode.Scalar(input[index]))); index += 1 }
                    if index < input.count, input[index] == UInt8(ascii: " ") { index += 1 }
                    let parameter = Int(number)
                    switch word {
                    case "par", "line", "sect", "page": emit("\n")
                    case "tab": emit("\t")
                    case "cell": emit("\t")
                    case "row": emit("\n")
                    case "uc": groups[groups.count - 1].fallback = max(0, parameter ?? 1)
                    case "u":
                        // A signed 16-bit number (negative above U+7FFF); anything else is
                        // malformed and shows as U+FFFD (`\u-5157022194805273032` trapped).
                        if var code = parameter {
                            if (-32768 ... -1).contains(code) { code += 65536 }
                            emit(UInt32(exactly: code).flatMap(Unicode.Scalar.init) ?? "\u{FFFD}")
                            pendingFallback = groups[groups.count - 1].fallback
                        }
                    default:
                        if skippedDestinations.contains(word) { groups[groups.count - 1].skip = true }
                    }
                } else {
                    // A control symbol (`\~` non-breaking space, `\-` optional hyphen, …).
                    if next == UInt8(ascii: "~") { emit("\u{00A0}") }
                    index += 1
                }
            case 0x0A, 0x0D:
                index += 1
            default:
                if byte < 0x80 {
                    emit(Unicode.Scalar(byte))
                } else {
                    emit(windows1252(byte))
                }
                index += 1
            }
        }
        return String(output).trimmingTrailingWhitespaceLines()
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Windows-1252, the code page of French RTF (`\ansicpg1252`).
    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        let high: [UInt32] = [0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
                              0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178]
        if (0x80...0x9F).contains(byte) { return Unicode.Scalar(high[Int(byte - 0x80)]) ?? "\u{FFFD}" }
        return Unicode.Scalar(byte)
    }
}

extension String {
    /// The text without trailing spaces on its lines nor blank lines at its end.
    func trimmingTrailingWhitespaceLines() -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var line = line
            while line.last == " " || line.last == "\t" { line.removeLast() }
            return line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
