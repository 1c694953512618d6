import Foundation
import L10n

/// A read-only text (a document, a message): wrapped to the width, scrolled, searchable.
///
/// The text comes from outside: it is split and sanitised once (`Sanitizer.lines`), then wrapped
/// for the width it is shown at.
public struct TextViewer: Hashable, Sendable {
    public let sourceLines: [String]
    public private(set) var wrapWidth = 0
    public private(set) var lines: [String] = []
    /// The first wrapped line shown.
    public private(set) var top = 0
    /// The last search, and the wrapped lines that contain it.
    public private(set) var query: String?
    public private(set) var matches: [Int] = []
    public private(set) var currentMatch: Int?

    public init(text: String, width: Int = 80) {
        sourceLines = Sanitizer.lines(text)
        layout(width: width)
    }

    /// Wraps the text for a new width, keeping the same source line at the top.
    public mutating func layout(width: Int) {
        guard width != wrapWidth, width > 0 else { return }
        wrapWidth = width
        lines = sourceLines.flatMap { TextLayout.wrap($0, width: width) }
        top = min(top, max(0, lines.count - 1))
        if let query { search(query) }
    }

    /// Scrolls; `visibleRows` is the height the text is drawn with. Returns false for other keys.
    public mutating func handle(_ key: Key, visibleRows: Int) -> Bool {
        if key == .character("n") { return nextMatch(forward: true, visibleRows: visibleRows) }
        if key == .character("N") { return nextMatch(forward: false, visibleRows: visibleRows) }
        guard let motion = key.motion else { return false }
        let page = max(1, visibleRows - 1)
        switch motion {
        case .up: top -= 1
        case .down: top += 1
        case .pageUp: top -= page
        case .pageDown: top += page
        case .first: top = 0
        case .last: top = lines.count
        case .left, .right: return false
        }
        top = max(0, min(top, lines.count - visibleRows))
        return true
    }

    /// Finds `query` (ignoring case and accents) and scrolls to its first line after the top.
    /// Returns whether it was found.
    @discardableResult
    public mutating func search(_ text: String) -> Bool {
        query = text
        matches = text.isEmpty ? [] : lines.indices.filter {
            lines[$0].range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
        currentMatch = matches.first(where: { $0 >= top }) ?? matches.first
        if let currentMatch { top = currentMatch }
        return currentMatch != nil
    }

    private mutating func nextMatch(forward: Bool, visibleRows: Int) -> Bool {
        guard !matches.isEmpty else { return false }
        let current = currentMatch ?? top
        let next = forward ? (matches.first { $0 > current } ?? matches[0]) : (matches.last { $0 < current } ?? matches[matches.count - 1])
        currentMatch = next
        top = max(0, min(next, lines.count - visibleRows))
        return true
    }

    /// `Ligne 12 sur 80 — 3 résultats`, for the status line.
    public var position: String {
        let line = tr("ui.viewer.position", ["line": String(min(top + 1, lines.count)), "count": String(lines.count)])
        guard query != nil else { return line }
        return line + " — " + trPlural("ui.viewer.matches", count: matches.count)
    }

    /// Draws the lines from `top`, matches in the accent style. Returns the cursor (first line).
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Point {
        let shown = wrapWidth == area.width ? self : {
            var copy = self
            copy.layout(width: area.width)
            return copy
        }()
        for (offset, line) in shown.lines.dropFirst(shown.top).prefix(area.height).enumerated() {
            let isMatch = shown.matches.contains(shown.top + offset)
            let y = area.y + offset
            buffer.put(line, at: Point(x: area.x, y: y), style: context.style(.normal), maxWidth: area.width)
            if isMatch, let query, let range = line.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) {
                let start = DisplayWidth.of(String(line[..<range.lowerBound]))
                buffer.put(String(line[range]), at: Point(x: area.x + start, y: y),
                           style: context.style(.accent).adding(.reverse), maxWidth: area.width - start)
            }
        }
        return area.origin
    }
}
