import Foundation

/// A chart of one or more series against a numeric x axis (dates as seconds, ages as months):
/// labelled axes, consecutive points joined except across gaps, a shaded band (a target) with
/// its bounds written on the axis, and reference curves drawn lighter and named at their end.
/// Drawing is linear in the points and the area (a column is never drawn twice per series), so
/// thousands of values stay fast.
public struct PlotChart: Sendable {
    public struct Series: Sendable {
        public enum Kind: Sendable { case data, reference }
        public var xs: [Double]
        public var ys: [Double]
        public var kind: Kind
        /// Written at the right end of a reference curve ("P97").
        public var label: String?

        public init(xs: [Double], ys: [Double], kind: Kind = .data, label: String? = nil) {
            self.xs = xs
            self.ys = ys
            self.kind = kind
            self.label = label
        }
    }

    public var series: [Series]
    /// A band of y values drawn behind the series (a target).
    public var band: ClosedRange<Double>?
    /// Points further apart than this on x are not joined (no data between them).
    public var gap: Double?
    /// The labels of the y axis (with the unit) and of the x axis (dates, ages).
    public var yLabel: @Sendable (Double) -> String
    public var xLabel: @Sendable (Double) -> String

    public init(series: [Series], band: ClosedRange<Double>? = nil, gap: Double? = nil,
                yLabel: @escaping @Sendable (Double) -> String, xLabel: @escaping @Sendable (Double) -> String) {
        self.series = series
        self.band = band
        self.gap = gap
        self.yLabel = yLabel
        self.xLabel = xLabel
    }

    /// Draws the chart into `area`; returns false when there is nothing to draw.
    @discardableResult
    public func render(into buffer: inout CellBuffer, area: Rect, context: ViewContext) -> Bool {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for item in series {
            for x in item.xs { minX = min(minX, x); maxX = max(maxX, x) }
            for y in item.ys { minY = min(minY, y); maxY = max(maxY, y) }
        }
        guard minX.isFinite, minY.isFinite, area.width > 12, area.height > 3 else { return false }
        if let band {
            minY = min(minY, band.lowerBound)
            maxY = max(maxY, band.upperBound)
        }
        if maxY - minY < 1e-9 { minY -= 1; maxY += 1 }
        let margin = (maxY - minY) * 0.05
        minY -= margin
        maxY += margin
        if maxX - minX < 1e-9 { maxX = minX + 1 }

        var yLabels = [maxY, (maxY + minY) / 2, minY].map(yLabel)
        if let band { yLabels += [yLabel(band.lowerBound), yLabel(band.upperBound)] }
        let axisWidth = (yLabels.map { DisplayWidth.of($0) }.max() ?? 0) + 1
        let labelRoom = series.compactMap { $0.kind == .reference ? $0.label.map { DisplayWidth.of($0) + 1 } : nil }.max() ?? 0
        let plot = Rect(x: area.x + axisWidth + 1, y: area.y, width: area.width - axisWidth - 1 - labelRoom, height: area.height - 2)
        guard plot.width > 4, plot.height > 1 else { return false }
        let rows = Double(plot.height - 1), columns = Double(plot.width - 1)
        func row(_ y: Double) -> Int { plot.y + Int(((maxY - y) / (maxY - minY) * rows).rounded()) }
        func column(_ x: Double) -> Int { plot.x + Int(((x - minX) / (maxX - minX) * columns).rounded()) }

        let muted = context.style(.muted)
        for (index, value) in [maxY, (maxY + minY) / 2, minY].enumerated() {
            let y = plot.y + [0, (plot.height - 1) / 2, plot.height - 1][index]
            buffer.put(TextLayout.pad(yLabel(value), to: axisWidth - 1, alignRight: true), at: Point(x: area.x, y: y), style: muted)
        }
        // The band: shaded rows, its bounds written on the axis (words say it, not only the shade).
        if let band {
            let top = max(plot.y, row(band.upperBound)), bottom = min(plot.maxY - 1, row(band.lowerBound))
            if top <= bottom {
                buffer.addAttributes(.reverse, in: Rect(x: plot.x, y: top, width: plot.width, height: bottom - top + 1))
                for y in Set([top, bottom]) {
                    let text = yLabel(y == top ? band.upperBound : band.lowerBound)
                    buffer.put(TextLayout.pad(text, to: axisWidth - 1, alignRight: true), at: Point(x: area.x, y: y), style: context.style(.accent))
                }
            }
        }
        for y in plot.y..<plot.maxY {
            buffer.put(context.symbols.vertical, at: Point(x: plot.x - 1, y: y), style: context.style(.border))
        }
        buffer.put(context.symbols.bottomLeft + String(repeating: context.symbols.horizontal, count: plot.width),
                   at: Point(x: plot.x - 1, y: plot.maxY), style: context.style(.border))
        let first = xLabel(minX), last = xLabel(maxX)
        buffer.put(first, at: Point(x: plot.x, y: plot.maxY + 1), style: muted)
        if DisplayWidth.of(first) + DisplayWidth.of(last) + 2 <= plot.width {
            buffer.put(last, at: Point(x: plot.maxX - DisplayWidth.of(last), y: plot.maxY + 1), style: muted)
        }

        // References first, the data over them.
        for item in series.sorted(by: { a, _ in a.kind == .reference }) {
            let symbol = item.kind == .data ? context.symbols.chartPoint : (context.symbols.isUnicode ? "·" : ".")
            let style = item.kind == .data ? context.style(.chart) : muted
            let count = min(item.xs.count, item.ys.count)
            guard count > 0 else { continue }
            var lastColumn = Int.min, lastRow = 0
            for index in 0..<count {
                let c = column(item.xs[index]), r = row(item.ys[index])
                let joined = index > 0 && (gap.map { item.xs[index] - item.xs[index - 1] <= $0 } ?? true)
                if joined, c > lastColumn + 1 {
                    // The columns between two points: the line joining them.
                    for between in (lastColumn + 1)..<c {
                        let t = Double(between - lastColumn) / Double(c - lastColumn)
                        let y = lastRow + Int((Double(r - lastRow) * t).rounded())
                        buffer.put(item.kind == .data ? (context.symbols.isUnicode ? "∙" : ".") : symbol, at: Point(x: between, y: y), style: style)
                    }
                }
                if c != lastColumn || item.kind == .data {
                    buffer.put(symbol, at: Point(x: c, y: r), style: style)
                }
                lastColumn = c
                lastRow = r
            }
            if item.kind == .reference, let label = item.label {
                buffer.put(label, at: Point(x: plot.maxX + 1, y: lastRow), style: muted)
            }
        }
        return true
    }
}
