import Crypto
import TerminalUI

/// A masked one-line field for a passphrase. Each typed character goes straight into guarded
/// memory (`SecureBytes`); the field draws one mask symbol per character and never the text.
///
/// The storage is a reference: copies of a field share it. The shell keeps exactly one.
public struct SecretField: TextEditing {
    /// Longest passphrase accepted, in UTF-8 bytes.
    public static let capacity = 1024

    private let storage: SecureBytes?
    /// Bytes used in `storage`.
    public private(set) var byteCount = 0
    /// Characters typed (what the mask shows).
    public private(set) var characterCount = 0

    public init() {
        storage = try? SecureBytes(count: Self.capacity)
    }

    public var isEmpty: Bool { byteCount == 0 }

    /// Types, erases or clears; returns false for keys the field does not use.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            append(character)
        case .backspace:
            eraseLast()
        case .control("u"):
            clear()
        default:
            return false
        }
        return true
    }

    /// The passphrase in its own guarded memory; the field is left empty.
    public mutating func take() -> SecureBytes? {
        defer { clear() }
        guard let storage, byteCount > 0 else { return nil }
        let count = byteCount
        return storage.withUnsafeBytes { bytes in try? SecureBytes(copying: bytes[0..<count]) }
    }

    /// Reads what was typed, in place.
    func withTypedBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        guard let storage else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let count = byteCount
        return storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Forgets what was typed (zeroes the memory).
    public mutating func clear() {
        storage?.wipe()
        byteCount = 0
        characterCount = 0
    }

    private mutating func append(_ character: Character) {
        guard let storage else { return }
        var added = 0
        let fits = storage.withUnsafeMutableBytes { bytes -> Bool in
            for scalar in character.unicodeScalars {
                for unit in UTF8.encode(scalar)! {
                    guard byteCount + added < bytes.count else { return false }
                    bytes[byteCount + added] = unit
                    added += 1
                }
            }
            return true
        }
        if fits {
            byteCount += added
            characterCount += 1
        } else {
            storage.withUnsafeMutableBytes { bytes in
                for index in byteCount..<(byteCount + added) { bytes[index] = 0 }
            }
        }
    }

    /// Removes the last Unicode scalar: its continuation bytes, then its lead byte.
    private mutating func eraseLast() {
        guard let storage, byteCount > 0 else { return }
        storage.withUnsafeMutableBytes { bytes in
            repeat {
                byteCount -= 1
                let isContinuation = bytes[byteCount] & 0xC0 == 0x80
                bytes[byteCount] = 0
                if !isContinuation { break }
            } while byteCount > 0
        }
        characterCount = max(0, characterCount - 1)
    }

    /// Draws the mask (one symbol a character, scrolled to its end); returns the cursor.
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        let style = context.style(.input)
        buffer.fill(area, style: style)
        let mask = context.symbols == .ascii ? "*" : "•"
        let shown = min(characterCount, max(0, area.width - 1))
        buffer.put(String(repeating: mask, count: shown), at: area.origin, style: style, maxWidth: area.width)
        return Point(x: area.x + shown, y: area.y)
    }
}
