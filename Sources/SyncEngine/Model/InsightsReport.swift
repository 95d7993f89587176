import Foundation
import GraphAPI
import MetaStore

/// A named insights read with breakdowns (a "report"): its rows land in `performance_snapshots` with `report` set to
/// the name, the `breakdown_key` (`age=18-24|gender=female`, keys in the report's order) and the `breakdowns` object.
///
/// Each report is one account-level request (or async job) per range, like the unbroken rows, with its own checkpoint
/// stream (`insights.<level>.<name>`) and lookback.
///
/// ```swift
/// let reports = try InsightsReport.resolve(["age_gender", "country"], definitions: InsightsReport.builtIns)
/// ```
public struct InsightsReport: Sendable, Hashable, Codable {
    /// How rows are split in time: Graph's `time_increment`.
    public static let timeIncrements = ["1", "7", "monthly", "all_days"]

    public var name: String
    public var level: PerformanceSnapshotRow.Level
    /// Graph's breakdown names, in the report's order (the order of `breakdown_key`).
    public var breakdowns: [String]
    /// `action_breakdowns`; empty = Graph's default (`action_type`).
    public var actionBreakdowns: [String]
    /// `1` (daily, default), `7`, `monthly` or `all_days`.
    public var timeIncrement: String
    /// Extra insights fields; nil = the fields of the unbroken rows.
    public var fields: [String]?
    /// Days re-read on every incremental sync; nil = `sync` lookback (monthly reports re-read from the first day of
    /// the month the lookback starts in).
    public var lookbackDays: Int?

    public init(
        name: String,
        level: PerformanceSnapshotRow.Level = .ad,
        breakdowns: [String],
        actionBreakdowns: [String] = [],
        timeIncrement: String = "1",
        fields: [String]? = nil,
        lookbackDays: Int? = nil
    ) {
        self.name = name
        self.level = level
        self.breakdowns = breakdowns
        self.actionBreakdowns = actionBreakdowns
        self.timeIncrement = timeIncrement
        self.fields = fields
        self.lookbackDays = lookbackDays
    }

    /// The checkpoint stream, e.g. `insights.ad.age_gender`.
    public var stream: String { "insights.\(self.level.rawValue).\(self.name)" }

    /// The built-in reports.
    public static let builtIns: [InsightsReport] = [
        InsightsReport(name: "age_gender", breakdowns: ["age", "gender"]),
        InsightsReport(name: "country", breakdowns: ["country"]),
        InsightsReport(name: "region", breakdowns: ["region"]),
        InsightsReport(name: "placement", breakdowns: ["publisher_platform", "platform_position", "impression_device"]),
        InsightsReport(name: "device", breakdowns: ["device_platform"]),
        // Reach and frequency per calendar month, never summed from days (reach is not additive).
        InsightsReport(name: "monthly_reach", level: .campaign, breakdowns: [], timeIncrement: "monthly", lookbackDays: 35),
    ]

    /// Checks the report against Graph's rules, so a bad one fails before any Graph call.
    /// - Throws: ``InsightsReportError`` naming the report, what is wrong and the allowed values.
    public func validate() throws(InsightsReportError) {
        let name = self.name
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), name.count <= 64 else {
            throw InsightsReportError("report name '\(name)' must be 1-64 letters, digits or '_'")
        }
        for breakdown in self.breakdowns where !GraphBreakdowns.supported.contains(breakdown) {
            throw InsightsReportError(
                "report \(name): unknown breakdown '\(breakdown)'; allowed: \(GraphBreakdowns.supported.joined(separator: ", "))"
            )
        }
        if GraphBreakdowns.problem(with: self.breakdowns) != nil {
            let allowed = GraphBreakdowns.allowedCombinations.filter { $0.isSubset(of: Set(GraphBreakdowns.supported)) }
                .map { combination in GraphBreakdowns.supported.filter { combination.contains($0) }.joined(separator: "+") }
            throw InsightsReportError(
                "report \(name): Graph does not allow the breakdowns \(self.breakdowns.joined(separator: ",")) together; "
                    + "allowed combinations: \(allowed.joined(separator: "; "))"
            )
        }
        if let problem = GraphBreakdowns.problem(withActionBreakdowns: self.actionBreakdowns) {
            throw InsightsReportError("report \(name): \(problem)")
        }
        guard Self.timeIncrements.contains(self.timeIncrement) else {
            throw InsightsReportError("report \(name): time_increment must be one of \(Self.timeIncrements.joined(separator: ", "))")
        }
        if let days = self.lookbackDays, !(1...InsightsHistory.months * 31).contains(days) {
            throw InsightsReportError("report \(name): lookback_days must be between 1 and \(InsightsHistory.months * 31)")
        }
        for field in self.fields ?? [] where field.isEmpty || !field.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw InsightsReportError("report \(name): field '\(field)' is not an insights field name (letters, digits, '_')")
        }
    }

    /// The reports named, from `definitions` (built-ins and custom ones), in the order asked, without duplicates.
    /// - Throws: ``InsightsReportError`` for an unknown name, listing the known ones.
    public static func resolve(_ names: [String], definitions: [InsightsReport]) throws(InsightsReportError) -> [InsightsReport] {
        var out: [InsightsReport] = []
        for raw in names {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || out.contains(where: { $0.name == name }) { continue }
            guard let report = definitions.first(where: { $0.name == name }) else {
                throw InsightsReportError(
                    "unknown report '\(name)'; known reports: \(definitions.map(\.name).joined(separator: ", ")) "
                        + "(define others as [reports.NAME] tables in metasync.toml)"
                )
            }
            out.append(report)
        }
        return out
    }

    // MARK: Rows

    /// The request fields: the unbroken rows' fields plus the report's own.
    var requestFields: [String] {
        var fields = InsightsMapper.fields(level: self.level)
        for field in self.fields ?? [] where !fields.contains(field) { fields.append(field) }
        return fields
    }

    /// Rough buckets per object and period (for the sync/async decision; Graph omits buckets without delivery).
    var estimatedBuckets: Int {
        let sizes = ["age": 7, "gender": 3, "country": 15, "region": 25, "publisher_platform": 3, "platform_position": 4, "impression_device": 4]
        return self.breakdowns.reduce(1) { $0 * (sizes[$1] ?? 3) }
    }

    /// Sets the report name, `breakdown_key` and `breakdowns` of a row from its Graph JSON.
    func tag(_ row: inout PerformanceSnapshotRow, json: JSONValue) {
        row.report = self.name
        guard !self.breakdowns.isEmpty else { return }
        let values = self.breakdowns.map { json[$0]?.stringValue ?? "" }
        row.breakdownKey = zip(self.breakdowns, values).map { "\($0)=\($1)" }.joined(separator: "|")
        row.breakdowns = RawJSON.text(
            .object(Dictionary(zip(self.breakdowns, values.map(JSONValue.string)), uniquingKeysWith: { first, _ in first }))
        )
    }
}

/// A report definition or name that cannot be used; the message says what is wrong and what is allowed.
public struct InsightsReportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
