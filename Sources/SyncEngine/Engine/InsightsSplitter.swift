import Foundation
import GraphAPI
import MetaStore

/// How one day of insights that Graph refuses as too large (sync "reduce the amount of data", or an async job that
/// ends `Job Failed`) is read in parts whose rows together equal an unsplit read:
///
/// 1. by campaign: `filtering` gains `campaign.id IN [ids]` (groups of stored campaign ids, halved while a group is
///    still too large) plus one `campaign.id NOT_IN [all stored ids]` read for campaigns not stored yet;
/// 2. a single campaign still too large: by ad set within it, the same way;
/// 3. a single ad set still too large: the fields in halves, rows merged back by their identity (ids, dates and
///    breakdown values), so each row is whole again before it is written.
///
/// The splitter only adds a `filtering` clause or narrows `fields`: every other parameter of the request (level,
/// breakdowns, time increment, attribution windows …) passes through unchanged, so any insights read can be split.
///
/// ```swift
/// let splitter = InsightsSplitter(parameters: day, level: .ad)
/// let part = splitter.adding(.in("campaign.id", ["1", "2"]))
/// let groups = InsightsSplitter.groups(campaignIDs)        // ≤ 50 ids each, at least two groups
/// ```
struct InsightsSplitter: Sendable {
    /// The unsplit request of the day (any read's parameters).
    let parameters: GraphParameters
    let level: PerformanceSnapshotRow.Level

    /// Most ids in one `IN` clause.
    static let idsPerGroup = 50
    /// Most stored ids a `NOT_IN` remainder read lists; above it campaigns created since the last entity sync are
    /// not covered by a split day (logged).
    static let remainderLimit = 1_000
    /// Row identity in an insights response: what the halves of a field split are merged on.
    static let identityFields = ["account_id", "campaign_id", "adset_id", "ad_id", "date_start", "date_stop"]

    /// Rows are per campaign or finer, so a by-campaign filter only drops whole rows (never part of an account row).
    var splitsByCampaign: Bool { self.level != .account }
    /// Rows are per ad set or finer.
    var splitsByAdSet: Bool { self.level == .adset || self.level == .ad }

    /// The request with one more `filtering` clause (existing clauses, e.g. the effective-status one, stay).
    func adding(_ clause: GraphFilter, to parameters: GraphParameters? = nil) -> GraphParameters {
        let base = parameters ?? self.parameters
        var clauses: [JSONValue] = []
        if let text = base["filtering"], let existing = try? JSONValue.parse(text).arrayValue { clauses = existing }
        clauses.append(clause.json)
        return base.setting("filtering", JSONValue.array(clauses).serialized())
    }

    /// `ids` in consecutive groups of at most ``idsPerGroup``, at least two when there are two ids or more (a split
    /// that asks the same thing again would fail again).
    static func groups(_ ids: [String], size: Int = Self.idsPerGroup) -> [[String]] {
        guard ids.count > 1 else { return ids.isEmpty ? [] : [ids] }
        let size = max(1, min(size, (ids.count + 1) / 2))
        return stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min($0 + size, ids.count)]) }
    }

    /// The request's fields that identify a row: ids, dates, and the `breakdowns` (their values key a row too).
    func identity(of parameters: GraphParameters) -> [String] {
        let fields = Self.fields(of: parameters)
        return Self.identityFields.filter(fields.contains) + Self.list(parameters["breakdowns"])
    }

    /// The request's other fields in two halves, each with the identity fields; nil when one field or none is left.
    func fieldHalves(of parameters: GraphParameters) -> (GraphParameters, GraphParameters)? {
        let identity = Set(self.identity(of: parameters))
        let rest = Self.fields(of: parameters).filter { !identity.contains($0) }
        guard rest.count > 1 else { return nil }
        let keep = Self.fields(of: parameters).filter(identity.contains)
        let middle = rest.count / 2
        let first = keep + rest[..<middle]
        let second = keep + rest[middle...]
        return (parameters.setting("fields", first.joined(separator: ",")), parameters.setting("fields", second.joined(separator: ",")))
    }

    /// The rows of field parts merged into whole rows, matched on `identity`, in the order of the first part.
    static func merge(_ parts: [[JSONValue]], identity: [String]) -> [JSONValue] {
        var order: [String] = []
        var merged: [String: [String: JSONValue]] = [:]
        for part in parts {
            for item in part {
                guard let members = item.objectValue else { continue }
                let key = identity.map { members[$0]?.stringValue ?? "" }.joined(separator: "\u{1F}")
                if merged[key] == nil { order.append(key) }
                merged[key, default: [:]].merge(members) { old, _ in old }
            }
        }
        return order.compactMap { merged[$0].map(JSONValue.object) }
    }

    static func fields(of parameters: GraphParameters) -> [String] { Self.list(parameters["fields"]) }

    /// A comma list or a JSON list of strings.
    static func list(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        if text.hasPrefix("["), let array = try? JSONValue.parse(text).arrayValue { return array.compactMap(\.stringValue) }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
