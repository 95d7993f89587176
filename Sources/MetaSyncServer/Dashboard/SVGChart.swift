import Foundation
import MetaStore

/// The geometry of one server-drawn line chart: one point per day of the range, in SVG user units, ready for the
/// `chart` template (no script, no external asset).
struct SVGChart: Sendable {
    /// One day's value, already formatted for the tooltip.
    struct Input: Sendable {
        var day: CalendarDay
        /// Nil when the value is undefined that day (e.g. CPC without clicks): drawn on the baseline, marked `nodata`.
        var value: Double?
        /// The exact value as text (`data-value`), empty when undefined.
        var exact: String
        /// The formatted value for the tooltip.
        var label: String
    }

    struct Point: Sendable {
        var x: String
        var y: String
        var day: String
        var value: String
        var title: String
        var nodata: Bool
    }

    struct Tick: Sendable {
        var x: String
        var y: String
        var label: String
        /// `start`, `middle` or `end` (the first and last day labels stay inside the chart).
        var anchor: String
    }

    /// `spend`, `impressions`, … (the `data-metric` attribute).
    var metric: String
    var title: String
    /// The range's total or overall ratio, formatted.
    var summary: String
    var width = 360
    var height = 170
    var points: [Point]
    var polyline: String
    var yTicks: [Tick]
    var xTicks: [Tick]
    var count: Int
    var ariaLabel: String
    /// The plot area's edges, for the axis lines (stored: templates read stored properties only).
    var plotLeft: String
    var plotRight: String
    var plotTop: String
    var baseline: String

    static let left = 60.0
    static let right = 8.0
    static let top = 8.0
    static let bottom = 22.0

    /// Lays out `inputs` (one per day, in order); `axis` formats a y-axis value, `dayLabel` an x-axis day.
    init(metric: String, title: String, summary: String, inputs: [Input], axis: (Double) -> String, dayLabel: (CalendarDay) -> String) {
        self.metric = metric
        self.title = title
        self.summary = summary
        self.count = inputs.count
        self.plotLeft = Self.coordinate(Self.left)
        self.plotRight = Self.coordinate(Double(self.width) - Self.right)
        self.plotTop = Self.coordinate(Self.top)
        self.baseline = Self.coordinate(Double(self.height) - Self.bottom)
        let plotWidth = Double(self.width) - Self.left - Self.right
        let plotHeight = Double(self.height) - Self.top - Self.bottom
        let maximum = Self.niceCeiling(inputs.compactMap(\.value).max() ?? 0)
        let step = inputs.count > 1 ? plotWidth / Double(inputs.count - 1) : 0
        func x(_ index: Int) -> Double { inputs.count > 1 ? Self.left + step * Double(index) : Self.left + plotWidth / 2 }
        func y(_ value: Double) -> Double { Self.top + plotHeight - (maximum > 0 ? value / maximum * plotHeight : 0) }
        self.points = inputs.enumerated().map { index, input in
            Point(
                x: Self.coordinate(x(index)),
                y: Self.coordinate(y(input.value ?? 0)),
                day: input.day.description,
                value: input.exact,
                title: "\(input.day): \(input.label)",
                nodata: input.value == nil
            )
        }
        self.polyline = self.points.map { "\($0.x),\($0.y)" }.joined(separator: " ")
        self.yTicks = [0, 0.5, 1].map { fraction in
            let value = maximum * fraction
            return Tick(x: Self.coordinate(Self.left - 4), y: Self.coordinate(y(value)), label: axis(value), anchor: "end")
        }
        var tickIndexes = inputs.isEmpty ? [] : [0, inputs.count / 2, inputs.count - 1]
        tickIndexes = Array(Set(tickIndexes)).sorted()
        let labelY = Self.coordinate(Double(self.height) - 6)
        let lastIndex = inputs.count - 1
        self.xTicks = tickIndexes.map { index in
            let anchor = inputs.count == 1 ? "middle" : index == 0 ? "start" : index == lastIndex ? "end" : "middle"
            return Tick(x: Self.coordinate(x(index)), y: labelY, label: dayLabel(inputs[index].day), anchor: anchor)
        }
        let first = inputs.first.map { $0.day.description } ?? ""
        let last = inputs.last.map { $0.day.description } ?? ""
        self.ariaLabel = "\(title) per day from \(first) to \(last), \(inputs.count) days; total \(summary)"
    }

    /// A round number at or above `value` (1, 2, 2.5 or 5 times a power of ten), so the axis labels read well.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    private static func coordinate(_ value: Double) -> String {
        String(format: "%.1f", locale: Locale(identifier: "en_US_POSIX"), value)
    }
}
