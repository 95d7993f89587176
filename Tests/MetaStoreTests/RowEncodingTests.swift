import Foundation
import MetaStore
import SQLKit
import Testing

/// The `columns` / `sqlValues` of every row type (derived from its table, or written out for the insights rows) must
/// say exactly what SQLKit's Codable encoder says.
@Suite struct RowEncodingTests {
    static func rendered(_ expression: any SQLExpression) throws -> String {
        if let bind = expression as? SQLBind {
            return try Self.json(bind.encodable)
        }
        if expression is SQLLiteral { return "NULL" }
        return "?\(type(of: expression))"
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
    }

    static func check<Row: MirroredRow>(_ row: Row) throws {
        let viaCodable = try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(row)
        #expect(viaCodable.map(\.0) == Row.columns, "\(Row.self) columns")
        #expect(try viaCodable.map { try Self.rendered($0.1) } == row.sqlValues.map(Self.rendered), "\(Row.self) values")
    }

    @Test func everyRowTypeAgreesWithSQLQueryEncoder() throws {
        let json = JSONText(rawValue: #"{"a":1}"#)
        try Self.check(
            AdAccountRow(
                id: "act_1",
                accountID: "1",
                connectionID: "c",
                name: "n",
                currency: "USD",
                timezoneName: "UTC",
                timezoneOffsetHoursUTC: "-7",
                accountStatus: 1,
                disableReason: 0,
                amountSpent: "1",
                balance: "2",
                spendCap: "0",
                businessID: "b",
                businessName: "B",
                createdTime: T.t0,
                raw: json,
                firstSeenAt: T.t0,
                syncedAt: T.at(1)
            )
        )
        try Self.check(AdAccountRow(id: "act_1", accountID: "1", syncedAt: T.t0))
        var campaign = Fixtures.campaign(1)
        try Self.check(campaign)
        campaign.lifetimeBudget = "1"
        campaign.spendCap = "2"
        campaign.stopTime = T.t0
        try Self.check(campaign)
        try Self.check(CampaignRow(id: "1", accountID: "1", syncedAt: T.t0))
        try Self.check(
            AdSetRow(
                id: "s",
                accountID: "1",
                campaignID: "c",
                name: "n",
                status: "ACTIVE",
                configuredStatus: "ACTIVE",
                effectiveStatus: "ACTIVE",
                optimizationGoal: "REACH",
                billingEvent: "IMPRESSIONS",
                bidStrategy: "COST_CAP",
                bidAmount: "100",
                currency: "USD",
                dailyBudget: "1",
                lifetimeBudget: "2",
                budgetRemaining: "3",
                startTime: T.t0,
                endTime: T.t0,
                createdTime: T.t0,
                updatedTime: T.t0,
                targeting: json,
                raw: json,
                syncedAt: T.t0
            )
        )
        try Self.check(AdSetRow(id: "s", accountID: "1", syncedAt: T.t0))
        try Self.check(
            AdRow(
                id: "a",
                accountID: "1",
                campaignID: "c",
                adsetID: "s",
                name: "n",
                status: "ACTIVE",
                configuredStatus: "ACTIVE",
                effectiveStatus: "PENDING_REVIEW",
                creativeID: "cr",
                createdTime: T.t0,
                updatedTime: T.t0,
                raw: json,
                syncedAt: T.t0
            )
        )
        try Self.check(AdRow(id: "a", accountID: "1", syncedAt: T.t0))
        var snapshot = Fixtures.snapshot(3)
        try Self.check(snapshot)
        snapshot.breakdowns = json
        snapshot.uniqueClicks = 1
        snapshot.inlineLinkClicks = 2
        snapshot.cpp = "3"
        snapshot.actionValues = json
        snapshot.costPerActionType = json
        snapshot.raw = json
        snapshot.attributionSetting = "7d_click_1d_view"
        try Self.check(snapshot)
        try Self.check(
            PerformanceActionRow(
                level: .ad,
                objectID: "a",
                accountID: "1",
                dateStart: snapshot.dateStart,
                dateStop: snapshot.dateStop,
                actionType: "omni_purchase",
                attributionWindow: "7d_click",
                count: "3",
                value: "41.25",
                currency: "USD"
            )
        )
        try Self.check(
            PerformanceActionRow(
                level: .ad,
                objectID: "a",
                accountID: "1",
                dateStart: snapshot.dateStart,
                dateStop: snapshot.dateStop,
                actionType: "lead",
                attributionWindow: "default"
            )
        )
        try Self.check(SyncCheckpoint(accountID: "1", stream: "ads", watermark: T.t0, cursor: "c", state: json, runID: "r", updatedAt: T.t0))
        try Self.check(SyncCheckpoint(accountID: "1", stream: "ads", updatedAt: T.t0))
        try Self.check(SyncRunRow(kind: "full", connectionID: "c", accountID: "1", startedAt: T.t0, finishedAt: T.t0, error: "e"))
        try Self.check(SyncRunRow(kind: "full", startedAt: T.t0))
        try Self.check(CreativeStoreTests.creative("c1", hash: "h", video: "v"))
        try Self.check(AdCreativeRow(id: "c2", accountID: "1", syncedAt: T.t0))
        try Self.check(AdImageRow(accountID: "1", hash: "h", name: "n", url: "u", width: 1, height: 2, raw: json, syncedAt: T.t0))
        try Self.check(AdImageRow(accountID: "1", hash: "h", syncedAt: T.t0))
        try Self.check(AdVideoRow(id: "v", accountID: "1", title: "t", length: "1.5", picture: "p", raw: json, syncedAt: T.t0))
        try Self.check(AdVideoRow(id: "v", accountID: "1", syncedAt: T.t0))
        try Self.check(
            AdRuleRow(
                id: "r",
                accountID: "1",
                name: "n",
                status: "ENABLED",
                evaluationSpec: json,
                executionSpec: json,
                scheduleSpec: json,
                createdTime: T.t0,
                updatedTime: T.at(1),
                raw: json,
                syncedAt: T.at(2)
            )
        )
        try Self.check(AdRuleRow(id: "r", accountID: "1", syncedAt: T.t0))
    }
}
