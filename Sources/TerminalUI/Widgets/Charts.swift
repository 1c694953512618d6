import Foundation
import L10n

/// One measure in time, for charts.
public struct DataPoint: Hashable, Sendable {
    public var date: Date
    public var value: Double

    public init(date: Date, value: Double) {
        self.date = date
        self.value = value
    }
}

/// A one-row chart of the last values, and its summary in words.
public enum Sparkline {
    /// The levels for `values` scaled between their minimum and maximum, one character each.
    public static func text(_ values: [Double], symbols: Symbols) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let levels = symbols.levels
        return values.map { value in
            let position = high > low ? (value - low) / (high - low) : 0.5
            return levels[min(levels.count - 1, Int(position * Double(levels.count - 1) + 0.5))]
        }.joined()
    }

    /// Draws the last values that fit, followed by the latest value; in screen-reader mode, words.
    public static func render(_ values: [Double], unit: MeasureUnit, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext) {
        guard !area.isEmpty, let last = values.last else { return }
        let latest = LocalFormat.quantity(last, unit)
        if context.screenReader {
            buffer.put(summary(values, unit: unit), at: area.origin, style: context.style(.normal), maxWidth: area.width)
            return
        }
        let room = max(0, area.width - DisplayWidth.of(latest) - 1)
        buffer.put(text(Array(values.suffix(room)), symbols: context.symbols), at: area.origin, style: context.style(.chart))
        buffer.put(latest, at: Point(x: area.x + min(room, values.count) + 1, y: area.y), style: context.style(.normal))
    }

    /// `min 70,1 kg, max 74,0 kg, dernière 72,5 kg`.
    public static func summary(_ values: [Double], unit: MeasureUnit) -> String {
        guard let low = values.min(), let high = values.max(), let last = values.last else { return tr("ui.chart.no-data") }
        return tr("ui.chart.summary", ["min": LocalFormat.quantity(low, unit), "max": LocalFormat.quantity(high, unit),
                                       "last": LocalFormat.quantity(last, unit)])
    }
}

/// A line chart of measures over time: a value axis with units, a date axis, one point a column.
public enum LineChart {
    public static func render(_ points: [DataPoint], unit: MeasureUnit, into buffer: inout CellBuffer, area: Rect,
                              context: ViewContext) {
        let sorted = points.sorted { $0.date < $1.date }
        guard let first = sorted.first, let last = sorted.last, !area.isEmpty else {
            buffer.put(tr("ui.chart.no-data"), at: area.origin, style: context.style(.muted), maxWidth: area.width)
            return
        }
        let dates = tr("ui.chart.dates", ["count": String(sorted.count), "first": LocalFormat.date(first.date),
                                          "last": LocalFormat.date(last.date)])
        if context.screenReader || area.height < 4 {
            buffer.put(dates, at: area.origin, style: context.style(.normal), maxWidth: area.width)
            buffer.put(Sparkline.summary(sorted.map(\.value), unit: unit), at: Point(x: area.x, y: area.y + 1),
                       style: context.style(.normal), maxWidth: area.width)
            return
        }
        let low = sorted.map(\.value).min()!, high = sorted.map(\.value).max()!
        let span = high > low ? high - low : 1
        let labels = [high, (high + low) / 2, low].map { LocalFormat.quantity($0, unit) }
        let axisWidth = (labels.map { DisplayWidth.of($0) }.max() ?? 0) + 1
        let plot = Rect(x: area.x + axisWidth + 1, y: area.y, width: area.width - axisWidth - 1, height: area.height - 2)
        guard plot.width > 2, plot.height > 1 else { return }
        let muted = context.style(.muted)
        for (index, label) in labels.enumerated() {
            let y = plot.y + [0, (plot.height - 1) / 2, plot.height - 1][index]
            buffer.put(TextLayout.pad(label, to: axisWidth - 1, alignRight: true), at: Point(x: area.x, y: y), style: muted)
        }
        for y in plot.y..<plot.maxY {
            buffer.put(context.symbols.vertical, at: Point(x: plot.x - 1, y: y), style: context.style(.border))
        }
        buffer.put(context.symbols.bottomLeft + String(repeating: context.symbols.horizontal, count: plot.width),
                   at: Point(x: plot.x - 1, y: plot.maxY), style: context.style(.border))
        let firstLabel = LocalFormat.date(first.date), lastLabel = LocalFormat.date(last.date)
        buffer.put(firstLabel, at: Point(x: plot.x, y: plot.maxY + 1), style: muted)
        buffer.put(lastLabel, at: Point(x: plot.maxX - DisplayWidth.of(lastLabel), y: plot.maxY + 1), style: muted)
        let duration = max(1, last.date.timeIntervalSince(first.date))
        for point in sorted {
            let column = Int((point.date.timeIntervalSince(first.date) / duration * Double(plot.width - 1)).rounded())
            let row = Int(((high - point.value) / span * Double(plot.height - 1)).rounded())
            buffer.put(context.symbols.chartPoint, at: Point(x: plot.x + column, y: plot.y + row), style: context.style(.chart))
        }
    }
}
