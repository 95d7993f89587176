import Foundation
import SQLKit

/// Reads of the view `performance_conversions`: per insights row and attribution window, spend, purchases, purchase
/// value, cost per purchase, ROAS, leads and cost per lead (see `docs/schema.md`).
///
/// ```swift
/// let rows = try await store.conversions.list(.init(accountID: "123", level: .campaign, window: "7d_click"))
/// ```
public struct ConversionReads: Sendable {
    let executor: StoreExecutor

    init(executor: StoreExecutor) {
        self.executor = executor
    }

    /// Reads on `database` (outside any transaction).
    public init(database: MetaDatabase) {
        self.executor = StoreExecutor(database: database, transactionSQL: nil)
    }

    /// The view.
    public static let viewName = "performance_conversions"

    /// One row of the view.
    public struct Row: Decodable, Sendable, Equatable, SnapshotKeyed {
        public var level: PerformanceSnapshotRow.Level
        public var objectID: String
        public var accountID: String
        public var campaignID: String?
        public var adsetID: String?
        public var adID: String?
        public var dateStart: CalendarDay
        public var dateStop: CalendarDay
        public var breakdownKey: String
        /// The report of the row (empty for the unbroken rows).
        public var report: String
        public var currency: String?
        public var attributionSetting: String?
        public var attributionWindow: String
        public var spend: ExactDecimal?
        public var purchases: ExactDecimal
        public var purchaseValue: ExactDecimal?
        public var costPerPurchase: ExactDecimal?
        public var roas: ExactDecimal?
        public var leads: ExactDecimal
        public var costPerLead: ExactDecimal?

        enum CodingKeys: String, CodingKey {
            case level
            case objectID = "object_id"
            case accountID = "account_id"
            case campaignID = "campaign_id"
            case adsetID = "adset_id"
            case adID = "ad_id"
            case dateStart = "date_start"
            case dateStop = "date_stop"
            case breakdownKey = "breakdown_key"
            case report, currency
            case attributionSetting = "attribution_setting"
            case attributionWindow = "attribution_window"
            case spend, purchases
            case purchaseValue = "purchase_value"
            case costPerPurchase = "cost_per_purchase"
            case roas, leads
            case costPerLead = "cost_per_lead"
        }
    }

    /// Which rows to read: an account, optionally one level, one window, days (on `date_start`), objects or the
    /// children of one parent (`campaign_id` / `adset_id`), and whether rows with a breakdown are included.
    public struct Filter: Sendable {
        public var accountID: String?
        public var level: PerformanceSnapshotRow.Level?
        public var window: String?
        public var days: ClosedRange<CalendarDay>?
        public var objectIDs: [String]
        public var parent: (column: String, id: String)?
        /// Daily rows without a breakdown only (what the dashboard sums).
        public var dailyOnly: Bool
        /// Rows of this report only (`""`, the default: the unbroken rows; nil: every report).
        public var report: String? = ""

        public init(
            accountID: String? = nil,
            level: PerformanceSnapshotRow.Level? = nil,
            window: String? = nil,
            days: ClosedRange<CalendarDay>? = nil,
            objectIDs: [String] = [],
            parent: (column: String, id: String)? = nil,
            dailyOnly: Bool = false
        ) {
            self.accountID = accountID
            self.level = level
            self.window = window
            self.days = days
            self.objectIDs = objectIDs
            self.parent = parent
            self.dailyOnly = dailyOnly
        }
    }

    /// Rows matching `filter`, ordered by day, level, object, window.
    public func list(_ filter: Filter) async throws -> [Row] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Self.viewName)
            if let accountID = filter.accountID { builder.where("account_id", .equal, SQLBind(accountID)) }
            if let level = filter.level { builder.where("level", .equal, SQLBind(level.rawValue)) }
            if let window = filter.window { builder.where("attribution_window", .equal, SQLBind(window)) }
            if let days = filter.days {
                builder.where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                builder.where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
            }
            if filter.objectIDs.count == 1 {
                builder.where("object_id", .equal, SQLBind(filter.objectIDs[0]))
            } else if !filter.objectIDs.isEmpty {
                builder.where(SQLColumn("object_id"), .in, SQLBind.group(filter.objectIDs))
            }
            if let parent = filter.parent { builder.where(SQLColumn(parent.column), .equal, SQLBind(parent.id)) }
            if let report = filter.report { builder.where("report", .equal, SQLBind(report)) }
            if filter.dailyOnly {
                builder.where("breakdown_key", .equal, SQLBind(""))
                builder.where(SQLColumn("date_stop"), .equal, SQLColumn("date_start"))
            }
            for column in ["date_start", "level", "object_id", "date_stop", "breakdown_key", "report", "attribution_window"] {
                builder.orderBy(column)
            }
            return try await builder.all(decoding: Row.self)
        }
    }
}

/// The conversion the API and dashboard report as "conversions", CPA and ROAS (setting `sync.primary_conversion`).
public enum PrimaryConversion: String, CaseIterable, Sendable, Codable {
    /// Purchases (`omni_purchase`, else `offsite_conversion.fb_pixel_purchase`, else `purchase`); ROAS is purchase
    /// value ÷ spend.
    case purchase
    /// Leads (`lead`, else `onsite_conversion.lead_grouped`, else `offsite_conversion.fb_pixel_lead`); leads carry no
    /// value, so there is no ROAS.
    case lead

    /// The conversions of a row of `performance_conversions`.
    public func count(_ row: ConversionReads.Row) -> ExactDecimal {
        self == .purchase ? row.purchases : row.leads
    }

    /// The conversion value of a row (purchase value; nil for leads).
    public func value(_ row: ConversionReads.Row) -> ExactDecimal? {
        self == .purchase ? row.purchaseValue : nil
    }
}
