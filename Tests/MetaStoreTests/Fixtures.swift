import Foundation
import MetaStore

/// Row builders shared by the tests.
enum Fixtures {
    static func campaign(_ n: Int, account: String = "1001", name: String? = nil, syncedAt: Date = T.t0) -> CampaignRow {
        CampaignRow(
            id: "12020000000\(1000 + n)",
            accountID: account,
            name: name ?? "Campaign \(n)",
            objective: "OUTCOME_SALES",
            status: "ACTIVE",
            configuredStatus: "ACTIVE",
            effectiveStatus: "ACTIVE",
            buyingType: "AUCTION",
            bidStrategy: "LOWEST_COST_WITHOUT_CAP",
            currency: "USD",
            dailyBudget: ExactDecimal(5000 + n),
            budgetRemaining: "4200.5",
            startTime: T.at(-86_400),
            createdTime: T.at(-86_400),
            updatedTime: T.at(-3600 + n),
            raw: JSONText(rawValue: #"{"id":"12020000000\#(1000 + n)","name":"Campaign \#(n)"}"#),
            syncedAt: syncedAt
        )
    }

    static func snapshot(_ n: Int, day: Int = 0, account: String = "1001", syncedAt: Date = T.t0) -> PerformanceSnapshotRow {
        let date = (try? CalendarDay("2024-03-01").adding(days: day)) ?? CalendarDay(daysSince1970: 0)
        return PerformanceSnapshotRow(
            level: .ad,
            objectID: "ad\(n)",
            accountID: account,
            campaignID: "c\(n % 7)",
            adsetID: "s\(n % 31)",
            adID: "ad\(n)",
            dateStart: date,
            dateStop: date,
            currency: "USD",
            impressions: 1000 + n,
            clicks: 10 + n % 50,
            reach: 800 + n,
            frequency: "1.25",
            spend: "14.35",
            cpc: "1.594444",
            cpm: "77.567568",
            ctr: "4.864865",
            actions: JSONText(rawValue: #"[{"action_type":"link_click","value":"9"}]"#),
            syncedAt: syncedAt
        )
    }
}
