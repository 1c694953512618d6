import Foundation
import L10n

/// A form of typed fields with a validation message under each field that needs one.
///
/// Keys: Tab/Shift-Tab (and ↑/↓ outside a multi-line field) move between fields; in a choice,
/// ←/→ (or h/l, Space) change the value; Space toggles a checkbox; Enter in a one-line field
/// goes to the next one, and on the last field submits.
public struct Form: Component, Hashable {
    public var fields: [FormField]
    public var focus: Int

    public init(_ fields: [FormField], focus: Int = 0) {
        self.fields = fields
        self.focus = fields.isEmpty ? 0 : min(focus, fields.count - 1)
    }

    public enum Outcome: Hashable, Sendable {
        case ignored
        case handled
        /// A field's value changed (its id).
        case changed(String)
        /// Enter on the last field, and every field is valid.
        case submitted
    }

    public var keyMap: KeyMap {
        KeyMap(title: tr("ui.form.title"), bindings: [
            KeyBinding([.tab, .backTab, .up, .down], tr("ui.form.help.move")),
            KeyBinding([.left, .right, .character(" ")], tr("ui.form.help.change")),
            KeyBinding([.enter], tr("ui.form.help.submit")),
        ])
    }

    /// A form's key: `.changed` and `.submitted` outcomes close nothing by themselves; a form
    /// opened as a dialog closes with `.submitted` (its fields are read from the answer).
    public mutating func update(_ input: ComponentInput) -> Update {
        guard case .key(let key) = input else { return .ignored }
        switch handle(key) {
        case .ignored: return key == .escape ? Update(closed: Outcome.ignored) : .ignored
        case .handled, .changed: return .handled
        case .submitted: return Update(closed: Outcome.submitted)
        }
    }

    public subscript(id: String) -> FormField? {
        fields.first { $0.id == id }
    }

    public var focusedField: FormField? { fields.indices.contains(focus) ? fields[focus] : nil }

    /// True when the focused field takes typed letters and digits (so they are not shortcuts).
    public var capturesText: Bool { focusedField?.kind.isTyped ?? false }

    public mutating func handle(_ key: Key) -> Outcome {
        guard fields.indices.contains(focus) else { return .ignored }
        switch key {
        case .tab:
            return move(by: 1) ? .handled : .ignored
        case .backTab:
            return move(by: -1) ? .handled : .ignored
        default:
            break
        }
        let before = fields[focus].kind
        if fields[focus].kind.handle(key) {
            if fields[focus].kind != before {
                fields[focus].error = nil
                return .changed(fields[focus].id)
            }
            return .handled
        }
        switch key.kind(typed: fields[focus].kind.isTyped) {
        case .up: return move(by: -1) ? .handled : .ignored
        case .down: return move(by: 1) ? .handled : .ignored
        case .enter:
            if move(by: 1) { return .handled }
            return validate() ? .submitted : .handled
        default: return .ignored
        }
    }

    @discardableResult
    private mutating func move(by step: Int) -> Bool {
        let target = focus + step
        guard fields.indices.contains(target) else { return false }
        focus = target
        return true
    }

    /// Checks every field, sets their messages, focuses the first wrong one. True if all are valid.
    @discardableResult
    public mutating func validate() -> Bool {
        for index in fields.indices { fields[index].error = fields[index].validationError() }
        if let wrong = fields.firstIndex(where: { $0.error != nil }) {
            focus = wrong
            return false
        }
        return true
    }

    /// The rows a field takes: label and value, then its message if any.
    private func height(of field: FormField, labelsAbove: Bool) -> Int {
        let value = field.kind.lineCount
        return (labelsAbove || value > 1 ? 1 : 0) + value + (field.error == nil ? 0 : 1)
    }

    /// Draws the fields that fit, scrolled to keep the focused one visible. The cursor: on the
    /// focused field.
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Rendered {
        guard !fields.isEmpty, !area.isEmpty else { return Rendered(cursor: area.origin) }
        // Labels in a column beside their values when they fit in half the width, else above
        // them. In screen-reader mode each value follows its own label on the same line.
        let longestLabel = (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 3
        let labelWidth = longestLabel > area.width / 2 ? 0 : longestLabel
        let labelsAbove = labelWidth == 0 && !context.screenReader
        var first = 0
        var used = fields[...focus].reduce(0) { $0 + height(of: $1, labelsAbove: labelsAbove) }
        while used > area.height, first < focus {
            used -= height(of: fields[first], labelsAbove: labelsAbove)
            first += 1
        }
        var y = area.y
        var cursor = area.origin
        for index in fields.indices.dropFirst(first) {
            let field = fields[index]
            let rows = height(of: field, labelsAbove: labelsAbove)
            guard y + rows <= area.maxY else { break }
            let focused = index == focus
            let labelStyle = context.style(focused ? .title : .normal)
            let marker = focused ? context.symbols.pointer : " "
            var valueArea: Rect
            if !labelsAbove && field.kind.lineCount == 1 {
                let width = context.screenReader ? DisplayWidth.of(marker + field.label) + 1 : labelWidth
                buffer.put(marker + field.label, at: Point(x: area.x, y: y), style: labelStyle, maxWidth: width)
                valueArea = Rect(x: area.x + width + 1, y: y, width: area.width - width - 1, height: 1)
            } else {
                buffer.put(marker + field.label + (field.required ? " *" : ""), at: Point(x: area.x, y: y), style: labelStyle,
                           maxWidth: area.width)
                valueArea = Rect(x: area.x + 2, y: y + 1, width: area.width - 2, height: field.kind.lineCount)
            }
            let fieldCursor = field.kind.render(into: &buffer, area: valueArea, context: context, focused: focused)
            if focused { cursor = fieldCursor }
            if let error = field.error {
                buffer.put(context.symbols.isUnicode ? "⚠ " + error : "! " + error,
                           at: Point(x: valueArea.x, y: valueArea.maxY), style: context.style(.error),
                           maxWidth: area.maxX - valueArea.x)
            }
            y += rows
        }
        return Rendered(cursor: cursor)
    }
}

private enum FormMotion {
    case up, down, enter, other
}

private extension Key {
    /// Movement between fields: arrows always; j/k too where the field does not take letters.
    func kind(typed: Bool) -> FormMotion {
        switch self {
        case .up: .up
        case .down: .down
        case .character("k") where !typed: .up
        case .character("j") where !typed: .down
        case .enter: .enter
        default: .other
        }
    }
}

/// One field of a form: an id for the code, a label for the user, a typed value, a message.
public struct FormField: Hashable, Sendable {
    public var id: String
    public var label: String
    public var kind: FieldKind
    public var required: Bool
    /// The validation message shown under the field (localised), nil when the field is fine.
    public var error: String?

    public init(id: String, label: String, kind: FieldKind, required: Bool = false) {
        self.id = id
        self.label = label
        self.kind = kind
        self.required = required
    }

    /// What is wrong with the value, or nil.
    public func validationError() -> String? {
        let raw = kind.rawText
        if raw?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            return required ? tr("ui.form.required") : nil
        }
        switch kind {
        case .date(let field):
            return LocalFormat.parseDate(field.text) == nil ? tr("ui.form.invalid-date") : nil
        case .time(let field):
            return LocalFormat.parseTime(field.text) == nil ? tr("ui.form.invalid-time") : nil
        case .number(let field, _, let range):
            guard let value = LocalFormat.parseDecimal(field.text) else { return tr("ui.form.invalid-number") }
            if let range, !range.contains(value) {
                return tr("ui.form.out-of-range", ["min": LocalFormat.decimal(range.lowerBound, fractionDigits: 0),
                                                    "max": LocalFormat.decimal(range.upperBound, fractionDigits: 0)])
            }
            return nil
        default:
            return nil
        }
    }
}

/// The kinds of fields, each holding its value being edited.
public enum FieldKind: Hashable, Sendable {
    case text(TextField)
    case multilineText(TextArea, lines: Int)
    /// A day, typed `JJ/MM/AAAA`.
    case date(TextField)
    /// A time, typed `HH:MM`.
    case time(TextField)
    /// A number with its unit shown after it, and the range it must be in.
    case number(TextField, unit: MeasureUnit, range: ClosedRange<Double>?)
    case choice(options: [String], selected: Int)
    case checkbox(Bool)

    public static func date(_ text: String = "") -> FieldKind { .date(TextField(text, placeholder: tr("ui.form.date-placeholder"))) }
    public static func time(_ text: String = "") -> FieldKind { .time(TextField(text, placeholder: tr("ui.form.time-placeholder"))) }

    /// The text typed in a text-like field (nil for choices and checkboxes).
    public var rawText: String? {
        switch self {
        case .text(let field), .date(let field), .time(let field), .number(let field, _, _): field.text
        case .multilineText(let area, _): area.text
        case .choice, .checkbox: nil
        }
    }

    var isTyped: Bool { rawText != nil }

    var lineCount: Int {
        if case .multilineText(_, let lines) = self { return max(1, lines) }
        return 1
    }

    mutating func handle(_ key: Key) -> Bool {
        switch self {
        case .text(var field):
            defer { self = .text(field) }
            return key != .up && key != .down && key != .enter && field.handle(key)
        case .date(var field):
            defer { self = .date(field) }
            return key != .up && key != .down && key != .enter && field.handle(key)
        case .time(var field):
            defer { self = .time(field) }
            return key != .up && key != .down && key != .enter && field.handle(key)
        case .number(var field, let unit, let range):
            defer { self = .number(field, unit: unit, range: range) }
            return key != .up && key != .down && key != .enter && field.handle(key)
        case .multilineText(var area, let lines):
            defer { self = .multilineText(area, lines: lines) }
            return area.handle(key)
        case .choice(let options, let selected):
            guard !options.isEmpty else { return false }
            switch key {
            case .left, .character("h"):
                self = .choice(options: options, selected: (selected + options.count - 1) % options.count)
            case .right, .character("l"), .character(" "):
                self = .choice(options: options, selected: (selected + 1) % options.count)
            default:
                return false
            }
            return true
        case .checkbox(let on):
            guard key == .character(" ") || key == .enter else { return false }
            self = .checkbox(!on)
            return true
        }
    }

    /// Draws the value; returns where the cursor goes.
    func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        switch self {
        case .text(let field), .date(let field), .time(let field):
            return field.render(into: &buffer, area: Rect(x: area.x, y: area.y, width: min(area.width, 40), height: 1),
                                context: context, focused: focused)
        case .number(let field, let unit, _):
            let width = min(area.width - DisplayWidth.of(unit.symbol) - 1, 12)
            let cursor = field.render(into: &buffer, area: Rect(x: area.x, y: area.y, width: width, height: 1),
                                      context: context, focused: focused)
            buffer.put(unit.symbol, at: Point(x: area.x + width + 1, y: area.y), style: context.style(.normal))
            return cursor
        case .multilineText(let textArea, _):
            return textArea.render(into: &buffer, area: area, context: context, focused: focused)
        case .choice(let options, let selected):
            // Every option is shown, the chosen one marked by a symbol as well as by its style;
            // when they do not fit, only the chosen one, with its rank.
            let all = options.map { DisplayWidth.of($0) + 6 }.reduce(0, +)
            if context.screenReader, options.indices.contains(selected) {
                // Words, not "(•)": the value, then its rank.
                let text = tr("ui.form.choice", ["value": options[selected], "index": String(selected + 1),
                                                  "count": String(options.count)])
                buffer.put(text, at: area.origin, style: context.style(focused ? .focus : .selection), maxWidth: area.width)
                return area.origin
            }
            if all > area.width, options.indices.contains(selected) {
                let text = "\(context.symbols.arrowLeft) \(options[selected]) \(context.symbols.arrowRight)  \(selected + 1)/\(options.count)"
                buffer.put(text, at: area.origin, style: context.style(focused ? .focus : .selection), maxWidth: area.width)
                return Point(x: area.x + DisplayWidth.of(context.symbols.arrowLeft) + 1, y: area.y)
            }
            var x = area.x
            var cursor = area.origin
            for (index, option) in options.enumerated() {
                let chosen = index == selected
                let mark = chosen ? context.symbols.radioOn : context.symbols.radioOff
                let style = context.style(chosen && focused ? .focus : (chosen ? .selection : .normal))
                if chosen { cursor = Point(x: x + 1, y: area.y) }
                x += buffer.put("\(mark) \(option)", at: Point(x: x, y: area.y), style: style, maxWidth: area.maxX - x) + 2
            }
            return cursor
        case .checkbox(let on):
            buffer.put(on ? context.symbols.checked : context.symbols.unchecked, at: area.origin,
                       style: context.style(focused ? .focus : .normal))
            buffer.put(tr(on ? "ui.form.on" : "ui.form.off"), at: Point(x: area.x + 4, y: area.y),
                       style: context.style(.normal), maxWidth: area.width - 4)
            return Point(x: area.x + 1, y: area.y)
        }
    }
}
