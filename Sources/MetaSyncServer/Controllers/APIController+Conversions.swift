import Foundation
import Hummingbird
import MetaStore
import SyncEngine

extension APIController {
    /// The attribution windows `window=` accepts: `default` (each ad set's own setting, as in Ads Manager) and the
    /// windows `sync.attribution_windows` may request.
    static let windows = [PerformanceActionRow.defaultWindow] + AttributionWindows.allowed

    /// An insights row with its conversions under the requested window: every column of `performance_snapshots`, plus
    /// `conversions` (null when the row has no data for that window).
    struct InsightDTO: Encodable, Sendable {
        var row: PerformanceSnapshotRow
        var conversions: ConversionsDTO?

        enum CodingKeys: String, CodingKey {
            case conversions
        }

        func encode(to encoder: any Encoder) throws {
            try self.row.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.conversions, forKey: .conversions)
        }
    }

    /// Conversions of one insights row under one attribution window (a row of the view `performance_conversions`),
    /// with `conversions`, `conversion_value` and `cpa` for the primary conversion (`sync.primary_conversion`).
    struct ConversionsDTO: Encodable, Sendable {
        var window: String
        var attributionSetting: String?
        var primaryConversion: String
        var conversions: ExactDecimal
        var conversionValue: ExactDecimal?
        var cpa: ExactDecimal?
        var roas: ExactDecimal?
        var purchases: ExactDecimal
        var purchaseValue: ExactDecimal?
        var costPerPurchase: ExactDecimal?
        var leads: ExactDecimal
        var costPerLead: ExactDecimal?

        init(_ row: ConversionReads.Row, primary: PrimaryConversion) {
            self.window = row.attributionWindow
            self.attributionSetting = row.attributionSetting
            self.primaryConversion = primary.rawValue
            self.conversions = primary.count(row)
            self.conversionValue = primary.value(row)
            self.cpa = primary == .purchase ? row.costPerPurchase : row.costPerLead
            self.roas = row.roas
            self.purchases = row.purchases
            self.purchaseValue = row.purchaseValue
            self.costPerPurchase = row.costPerPurchase
            self.leads = row.leads
            self.costPerLead = row.costPerLead
        }

        enum CodingKeys: String, CodingKey {
            case window
            case attributionSetting = "attribution_setting"
            case primaryConversion = "primary_conversion"
            case conversions
            case conversionValue = "conversion_value"
            case cpa, roas, purchases
            case purchaseValue = "purchase_value"
            case costPerPurchase = "cost_per_purchase"
            case leads
            case costPerLead = "cost_per_lead"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.window, forKey: .window)
            try container.encode(self.attributionSetting, forKey: .attributionSetting)
            try container.encode(self.primaryConversion, forKey: .primaryConversion)
            try container.encode(self.conversions, forKey: .conversions)
            try container.encode(self.conversionValue, forKey: .conversionValue)
            try container.encode(self.cpa, forKey: .cpa)
            try container.encode(self.roas, forKey: .roas)
            try container.encode(self.purchases, forKey: .purchases)
            try container.encode(self.purchaseValue, forKey: .purchaseValue)
            try container.encode(self.costPerPurchase, forKey: .costPerPurchase)
            try container.encode(self.leads, forKey: .leads)
            try container.encode(self.costPerLead, forKey: .costPerLead)
        }
    }

    /// The `window` parameter (default `default`), validated.
    static func window(_ query: ListQuery) throws -> String {
        guard let window = query.single("window") else { return PerformanceActionRow.defaultWindow }
        guard Self.windows.contains(window) else {
            throw APIError.badRequest(
                "window must be one of " + Self.windows.joined(separator: ", ") + " (7d_view and 28d_view are no longer reported by Meta)",
                code: "invalid_parameter"
            )
        }
        return window
    }

    /// The `performance_conversions` rows of a page of insights rows under `window`, by insights row key.
    func conversions(of rows: [PerformanceSnapshotRow], window: String) async throws -> [PerformanceSnapshotRow.Key: ConversionReads.Row] {
        guard let first = rows.first else { return [:] }
        var days = first.dateStart...first.dateStart
        for row in rows { days = min(days.lowerBound, row.dateStart)...max(days.upperBound, row.dateStart) }
        let found = try await self.store.conversions.list(
            ConversionReads.Filter(window: window, days: days, objectIDs: Array(Set(rows.map(\.objectID))).sorted())
        )
        let wanted = Set(rows.map(\.upsertKey))
        var out: [PerformanceSnapshotRow.Key: ConversionReads.Row] = [:]
        for row in found where wanted.contains(row.snapshotKey) { out[row.snapshotKey] = row }
        return out
    }
}
