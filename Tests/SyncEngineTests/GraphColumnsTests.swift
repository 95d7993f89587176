import Foundation
import GraphAPI
import MetaStore
import Testing

@testable import SyncEngine

/// The Graph fields requested and the rows mapped, both derived from the rows' column tables.
@Suite struct GraphColumnsTests {
    static let syncedAt = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func theFieldsRequestedAreTheColumnsGraphFields() {
        #expect(
            EntityKind.campaign.fields.encoded
                == "id,account_id,name,objective,status,configured_status,effective_status,buying_type,bid_strategy,daily_budget,"
                + "lifetime_budget,budget_remaining,spend_cap,start_time,stop_time,created_time,updated_time,issues_info,recommendations"
        )
        #expect(
            EntityKind.adset.fields.encoded
                == "id,account_id,campaign_id,name,status,configured_status,effective_status,optimization_goal,billing_event,"
                + "bid_strategy,bid_amount,daily_budget,lifetime_budget,budget_remaining,start_time,end_time,created_time,"
                + "updated_time,targeting,issues_info,learning_stage_info,recommendations"
        )
        #expect(
            EntityKind.ad.fields.encoded
                == "id,account_id,campaign_id,adset_id,name,status,configured_status,effective_status,creative{id},created_time,updated_time,"
                + "issues_info,recommendations"
        )
        #expect(
            EntityMapper.accountFields.encoded
                == "id,account_id,name,currency,timezone_name,timezone_offset_hours_utc,account_status,disable_reason,amount_spent,"
                + "balance,spend_cap,business{id,name},created_time,adrules_library.limit(100){id,name,status,evaluation_spec,"
                + "execution_spec,schedule_spec,created_time,updated_time},opportunity_score,recommendations"
        )
        #expect(
            CreativeMapper.creativeFields.encoded
                == "id,account_id,name,title,body,object_type,status,call_to_action_type,image_hash,image_url,thumbnail_url,video_id,"
                + "url_tags,link_url,effective_object_story_id,object_story_spec,asset_feed_spec"
        )
        #expect(GraphFields(CreativeMapper.imageFields).encoded == "hash,name,url,width,height")
        #expect(GraphFields(CreativeMapper.videoFields).encoded == "id,title,length,picture")
    }

    /// The insights fields the sync requests (and keeps rows' `raw` without) are the snapshot table's Graph fields.
    @Test func theInsightsFieldsAreTheSnapshotColumnsGraphFields() {
        #expect(InsightsMapper.columnFields == Set(PerformanceSnapshotRow.table.columns.compactMap(\.graphField)))
    }

    @Test func anAccountMapsFromGraphJSON() throws {
        let json = try JSONValue.parse(
            #"{"id":"42","name":"Shop","currency":"JPY","timezone_name":"Asia/Tokyo","timezone_offset_hours_utc":9,"account_status":1,"#
                + #""disable_reason":"0","amount_spent":"123456","balance":null,"spend_cap":"0","business":{"id":"b1","name":"Biz"},"#
                + #""created_time":"2024-01-02T03:04:05+0900"}"#
        )
        let row = try #require(EntityMapper.account(json, connectionID: "conn", syncedAt: Self.syncedAt))
        let expected = AdAccountRow(
            id: "act_42",
            accountID: "42",
            connectionID: "conn",
            name: "Shop",
            currency: "JPY",
            timezoneName: "Asia/Tokyo",
            timezoneOffsetHoursUTC: "9",
            accountStatus: 1,
            disableReason: 0,
            amountSpent: "123456",
            spendCap: "0",
            businessID: "b1",
            businessName: "Biz",
            createdTime: Date(timeIntervalSince1970: 1_704_132_245),
            raw: RawJSON.text(json),
            syncedAt: Self.syncedAt
        )
        #expect(row == expected)
    }

    @Test func objectsKeepTheAccountsIdAndCurrencyWhereGraphSendsNone() throws {
        let account = AdAccountRow(id: "act_7", accountID: "7", currency: "EUR", syncedAt: Self.syncedAt)
        let adSetJSON = try JSONValue.parse(
            #"{"id":"s1","account_id":null,"campaign_id":"c1","daily_budget":"5000","bid_amount":250,"targeting":{"geo_locations":{"countries":["FR"]}},"#
                + #""end_time":null,"updated_time":"2024-03-01T00:00:00+0000"}"#
        )
        let adSet = try #require(EntityMapper.adSet(adSetJSON, account: account, syncedAt: Self.syncedAt))
        #expect(
            adSet
                == AdSetRow(
                    id: "s1",
                    accountID: "7",
                    campaignID: "c1",
                    bidAmount: "250",
                    currency: "EUR",
                    dailyBudget: "5000",
                    updatedTime: Date(timeIntervalSince1970: 1_709_251_200),
                    targeting: JSONText(rawValue: #"{"geo_locations":{"countries":["FR"]}}"#),
                    raw: RawJSON.text(adSetJSON),
                    syncedAt: Self.syncedAt
                )
        )
        let adJSON = try JSONValue.parse(#"{"id":"a1","account_id":"7","adset_id":"s1","creative":{"id":"cr9"},"effective_status":"PAUSED"}"#)
        let ad = try #require(EntityMapper.ad(adJSON, account: account, syncedAt: Self.syncedAt))
        #expect(ad.creativeID == "cr9")
        #expect(ad.adsetID == "s1")
        #expect(ad.effectiveStatus == "PAUSED")
        #expect(ad.campaignID == nil)
        #expect(EntityMapper.campaign(try JSONValue.parse(#"{"name":"no id"}"#), account: account, syncedAt: Self.syncedAt) == nil)
    }

    @Test func creativesAndMediaMapFromGraphJSON() throws {
        let account = AdAccountRow(id: "act_7", accountID: "7", syncedAt: Self.syncedAt)
        let creativeJSON = try JSONValue.parse(
            #"{"id":"cr1","account_id":"7","object_story_spec":{"link_data":{"link":"https://shop.example/p"}},"asset_feed_spec":null,"#
                + #""url_tags":"utm_source=fb"}"#
        )
        let creative = try #require(CreativeMapper.creative(creativeJSON, account: account, syncedAt: Self.syncedAt))
        #expect(creative.linkURL == "https://shop.example/p")
        #expect(creative.objectStorySpec?.rawValue == #"{"link_data":{"link":"https://shop.example/p"}}"#)
        #expect(creative.assetFeedSpec == nil)
        #expect(creative.urlTags == "utm_source=fb")
        let direct = try JSONValue.parse(
            #"{"id":"cr2","link_url":"https://a.example","object_story_spec":{"link_data":{"link":"https://b.example"}}}"#
        )
        #expect(CreativeMapper.creative(direct, account: account, syncedAt: Self.syncedAt)?.linkURL == "https://a.example")

        let imageJSON = try JSONValue.parse(#"{"hash":"h1","account_id":"999","width":"1080","height":1920,"url":"https://img.example/h1"}"#)
        let image = try #require(CreativeMapper.image(imageJSON, account: account, syncedAt: Self.syncedAt))
        #expect(
            image
                == AdImageRow(
                    accountID: "7",
                    hash: "h1",
                    url: "https://img.example/h1",
                    width: 1080,
                    height: 1920,
                    raw: RawJSON.text(imageJSON),
                    syncedAt: Self.syncedAt
                )
        )
        let videoJSON = try JSONValue.parse(#"{"id":"v1","length":12.48,"picture":"https://img.example/v1"}"#)
        let video = try #require(CreativeMapper.video(videoJSON, account: account, syncedAt: Self.syncedAt))
        #expect(
            video
                == AdVideoRow(
                    id: "v1",
                    accountID: "7",
                    length: "12.48",
                    picture: "https://img.example/v1",
                    raw: RawJSON.text(videoJSON),
                    syncedAt: Self.syncedAt
                )
        )
    }
}
