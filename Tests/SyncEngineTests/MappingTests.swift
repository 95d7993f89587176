import Foundation
import GraphAPI
import MetaStore
import Testing

@testable import SyncEngine

@Suite struct MappingTests {
    @Test func rawJSONMatchesTheClientsCanonicalSerialisation() throws {
        let value = try JSONValue.parse(
            #"{"b":[1,2.50,{"z":null,"a":true}],"a":"quote \" back \\ nl \n tab \t ctl \u0001 é 日本","n":12345678901234567890}"#
        )
        #expect(RawJSON.text(value).rawValue == value.serialized())
    }

    @Test(arguments: [
        ("2024-01-02T03:04:05-0700", 1_704_189_845.0),
        ("2024-01-02T10:04:05+0000", 1_704_189_845.0),
        ("2024-01-02T10:04:05Z", 1_704_189_845.0),
        ("2024-01-02T12:04:05+02:00", 1_704_189_845.0),
        ("2024-01-02T10:04:05.250+0000", 1_704_189_845.25),
        ("1704189845", 1_704_189_845.0),
    ])
    func graphTimestampsBecomeUTCInstants(text: String, seconds: Double) {
        #expect(GraphTimestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test func malformedTimestampsAreRejected() {
        for text in ["", "2024-01-02", "2024-13-02T00:00:00+0000", "2024-01-02T00:00:00+07x", "yesterday"] {
            #expect(GraphTimestamp.parse(text) == nil)
        }
    }

    @Test func insightsRowsKeepMoneyExactAndCountsAsIntegers() throws {
        let json = try JSONValue.parse(
            #"{"account_id":"1","campaign_id":"2","adset_id":"3","ad_id":"4","date_start":"2026-02-01","date_stop":"2026-02-01","impressions":"185","clicks":"9","spend":"14.35","cpc":"1.594444","actions":[{"action_type":"link_click","value":"9"}]}"#
        )
        let account = AdAccountRow(id: "act_1", accountID: "1", currency: "EUR", syncedAt: Date(timeIntervalSince1970: 0))
        let row = try #require(InsightsMapper.row(json, level: .ad, account: account, syncedAt: Date(timeIntervalSince1970: 0)))
        #expect(row.objectID == "4")
        #expect(row.impressions == 185)
        #expect(row.spend?.stringValue == "14.35")
        #expect(row.cpc?.stringValue == "1.594444")
        #expect(row.currency == "EUR")
        #expect(row.actions?.rawValue == #"[{"action_type":"link_click","value":"9"}]"#)
        #expect(row.breakdownKey == "")
        #expect(row.raw == nil, "every standard field has a column; raw would only repeat them")
        let kept = try #require(InsightsMapper.row(json, level: .ad, account: account, syncedAt: Date(timeIntervalSince1970: 0), keepRaw: true))
        #expect(kept.raw?.rawValue.contains(#""spend":"14.35""#) == true)
    }

    @Test func rawInsightsJSONIsKeptOnlyForFieldsWithoutAColumn() {
        #expect(!InsightsMapper.keepsRaw(fields: InsightsMapper.fields(level: .ad)))
        #expect(!InsightsMapper.keepsRaw(fields: InsightsMapper.fields(level: .campaign)))
        #expect(InsightsMapper.keepsRaw(fields: InsightsMapper.fields(level: .ad) + ["video_p25_watched_actions"]))
    }
}
