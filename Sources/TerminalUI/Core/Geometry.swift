/// A cell position: `x` is the column, `y` the row, both from zero at the top left.
public struct Point: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
    public var description: String { "(\(x),\(y))" }
}

/// A size in cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// The smallest terminal every screen is designed for (DESIGN.md §2.4).
    public static let minimum = Size(width: 80, height: 24)
    public func fits(in other: Size) -> Bool { width <= other.width && height <= other.height }
    public var description: String { "\(width)x\(height)" }
}

/// A rectangle of cells.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(origin: Point = Point(x: 0, y: 0), size: Size) {
        self.init(x: origin.x, y: origin.y, width: size.width, height: size.height)
    }

    public var size: Size { Size(width: width, height: height) }
    public var origin: Point { Point(x: x, y: y) }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "\(x),\(y) \(width)x\(height)" }

    public func contains(_ point: Point) -> Bool {
        point.x >= x && point.x < maxX && point.y >= y && point.y < maxY
    }

    /// The part of this rectangle inside `other`.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// This rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// One row of this rectangle (clamped to it).
    public func row(_ index: Int) -> Rect {
        guard index >= 0, index < height else { return Rect(x: x, y: y + index, width: width, height: 0) }
        return Rect(x: x, y: y + index, width: width, height: 1)
    }

    /// A rectangle of `size` centred in this one (clamped to it).
    public func centered(_ size: Size) -> Rect {
        let width = min(size.width, self.width), height = min(size.height, self.height)
        return Rect(x: x + (self.width - width) / 2, y: y + (self.height - height) / 2, width: width, height: height)
    }
}

/// How much room one part of a split gets.
public enum Extent: Hashable, Sendable {
    /// Exactly this many cells (less if there is not enough room).
    case fixed(Int)
    /// A share of what the fixed parts leave, in proportion to the weight.
    case fill(Int)
}

extension Rect {
    /// Splits this rectangle top to bottom.
    public func splitRows(_ extents: [Extent]) -> [Rect] {
        Self.lengths(height, extents).reduce(into: (rects: [Rect](), offset: y)) { result, length in
            result.rects.append(Rect(x: x, y: result.offset, width: width, height: length))
            result.offset += length
        }.rects
    }

    /// Splits this rectangle left to right.
    public func splitColumns(_ extents: [Extent]) -> [Rect] {
        Self.lengths(width, extents).reduce(into: (rects: [Rect](), offset: x)) { result, length in
            result.rects.append(Rect(x: result.offset, y: y, width: length, height: height))
            result.offset += length
        }.rects
    }

    static func lengths(_ total: Int, _ extents: [Extent]) -> [Int] {
        var remaining = max(0, total)
        var lengths = extents.map { extent -> Int in
            guard case .fixed(let length) = extent else { return 0 }
            let given = min(max(0, length), remaining)
            remaining -= given
            return given
        }
        let weights = extents.map { extent -> Int in
            if case .fill(let weight) = extent { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return lengths }
        var handed = 0
        var seen = 0
        for (index, weight) in weights.enumerated() where weight > 0 {
            seen += weight
            let upTo = remaining * seen / totalWeight
            lengths[index] = upTo - handed
            handed = upTo
        }
        return lengths
    }
}
