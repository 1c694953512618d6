import Foundation
import L10n

/// A month grid, Monday first: the selected day in brackets, today starred, marked days (with
/// events) dotted — symbols, not colours alone.
public struct MonthCalendar: Hashable, Sendable {
    public private(set) var year: Int
    public private(set) var month: Int
    public private(set) var day: Int
    public var today: DateComponents?
    /// Days of the shown month that have something (appointments, reminders).
    public var markedDays: Set<Int>

    public init(year: Int, month: Int, day: Int = 1, today: DateComponents? = nil, markedDays: Set<Int> = []) {
        self.year = year
        self.month = min(max(month, 1), 12)
        self.day = 1
        self.today = today
        self.markedDays = markedDays
        self.day = min(max(day, 1), LocalFormat.daysInMonth(month: self.month, year: year))
    }

    /// The selected day.
    public var selection: DateComponents { DateComponents(year: year, month: month, day: day) }

    /// ←/→ (h/l) a day, ↑/↓ (k/j) a week, PgUp/PgDn a month. Returns false for other keys.
    public mutating func handle(_ key: Key) -> Bool {
        switch key.motion {
        case .left: move(days: -1)
        case .right: move(days: 1)
        case .up: move(days: -7)
        case .down: move(days: 7)
        case .pageUp: moveMonth(by: -1)
        case .pageDown: moveMonth(by: 1)
        case .first: day = 1
        case .last: day = LocalFormat.daysInMonth(month: month, year: year)
        case nil: return false
        }
        return true
    }

    private mutating func move(days: Int) {
        guard let date = LocalFormat.instant(selection), let moved = LocalFormat.calendar.date(byAdding: .day, value: days, to: date) else { return }
        let parts = LocalFormat.calendar.dateComponents([.year, .month, .day], from: moved)
        if parts.month != month || parts.year != year { markedDays = [] }
        year = parts.year ?? year
        month = parts.month ?? month
        day = parts.day ?? day
    }

    private mutating func moveMonth(by months: Int) {
        let index = year * 12 + (month - 1) + months
        year = index / 12
        month = index % 12 + 1
        day = min(day, LocalFormat.daysInMonth(month: month, year: year))
        markedDays = []
    }

    /// Column of the first day (0 = Monday).
    private var firstColumn: Int {
        guard let date = LocalFormat.instant(DateComponents(year: year, month: month, day: 1)) else { return 0 }
        let weekday = LocalFormat.calendar.component(.weekday, from: date)  // 1 = Sunday
        return (weekday + 5) % 7
    }

    /// The size the grid needs: 7 columns of 5 cells, a title, a weekday row and up to 6 weeks.
    public static let size = Size(width: 35, height: 8)

    /// Draws the month; in screen-reader mode the selected day is said in full first.
    /// Returns the cursor, on the selected day.
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext, focused: Bool) -> Point {
        var y = area.y
        buffer.put(LocalFormat.monthAndYear(month: month, year: year), at: Point(x: area.x, y: y), style: context.style(.title),
                   maxWidth: area.width)
        y += 1
        if context.screenReader, let date = LocalFormat.instant(selection) {
            var sentence = LocalFormat.longDate(date)
            if isToday(day) { sentence += ", " + tr("ui.calendar.today") }
            if markedDays.contains(day) { sentence += ", " + tr("ui.calendar.marked") }
            buffer.put(sentence, at: Point(x: area.x, y: y), style: context.style(.normal), maxWidth: area.width)
            y += 1
        }
        for (column, name) in LocalFormat.weekdayInitials().enumerated() {
            buffer.put(" " + name, at: Point(x: area.x + column * 5, y: y), style: context.style(.muted))
        }
        y += 1
        var cursor = Point(x: area.x, y: y)
        for number in 1...LocalFormat.daysInMonth(month: month, year: year) {
            let slot = firstColumn + number - 1
            let point = Point(x: area.x + (slot % 7) * 5, y: y + slot / 7)
            guard point.y < area.maxY else { break }
            let selected = number == day
            let digits = number < 10 ? " \(number)" : "\(number)"
            let open = selected ? "[" : (isToday(number) ? "*" : " ")
            let close = selected ? "]" : " "
            let mark = markedDays.contains(number) ? context.symbols.chartPoint : " "
            let role: Role = selected ? (focused ? .focus : .selection) : (isToday(number) ? .accent : .normal)
            buffer.put(open + digits + close + mark, at: point, style: context.style(role), maxWidth: area.maxX - point.x)
            if selected { cursor = Point(x: point.x + 1, y: point.y) }
        }
        return cursor
    }

    private func isToday(_ number: Int) -> Bool {
        today?.year == year && today?.month == month && today?.day == number
    }
}
