import GraphAPI
import MetaStore
import Testing

@testable import SyncEngine

/// The pure parts of deep-history reads: chunk lengths from the estimated rows, the splitter's requests and merge.
@Suite struct InsightsSplitterTests {
    static let day = try! CalendarDay("2026-03-01")

    static func progress(objects: Int, days: Int = 400) -> InsightsProgress {
        InsightsProgress(
            stream: "insights.ad",
            level: .ad,
            from: "2025-01-01",
            through: nil,
            window: Self.day...Self.day.adding(days: days - 1),
            objects: objects,
            parameters: { _ in GraphParameters() }
        )
    }

    @Test func chunksAreSizedFromStoredObjectsThenFromThePreviousChunksRows() {
        var progress = Self.progress(objects: 400)
        #expect(progress.chunkDays(target: 50_000, remaining: 1_000) == 125)
        #expect(progress.chunkDays(target: 50_000, remaining: 30) == 30)
        #expect(progress.estimatedRows(days: 30) == 12_000)
        // The first chunk delivered 100 rows a day: the next one is four times as long.
        progress.finishChunk(Self.day...Self.day.adding(days: 124), rows: 12_500)
        #expect(progress.chunkDays(target: 50_000, remaining: 1_000) == 500)
        #expect(progress.days.done == 125)
        #expect(progress.days.total == 400)
        // Graph refused a chunk: never longer than the length that was halved.
        progress.maxChunkDays = 7
        #expect(progress.chunkDays(target: 50_000, remaining: 1_000) == 7)
        // No objects stored yet, a day of no rows: still at least one day, never zero.
        progress.finishChunk(Self.day...Self.day, rows: 0)
        #expect(progress.chunkDays(target: 50_000, remaining: 3) == 3)
        #expect(Self.progress(objects: 0).chunkDays(target: 1, remaining: 10) == 1)
    }

    @Test func filtersAreAddedToTheRequestAndEverythingElsePassesThrough() throws {
        let base = GraphParameters()
            .setting("fields", "campaign_id,adset_id,ad_id,date_start,date_stop,impressions,spend,actions")
            .setting("level", "ad")
            .setting("breakdowns", "age,gender")
            .filtering([.in("ad.effective_status", ["ACTIVE", "DELETED"])])
        let splitter = InsightsSplitter(parameters: base, level: .ad)
        let part = splitter.adding(.in("campaign.id", ["1", "2"]))
        let filtering = try JSONValue.parse(try #require(part["filtering"]))
        #expect(filtering.arrayValue?.count == 2)
        #expect(filtering.arrayValue?.last?["field"]?.stringValue == "campaign.id")
        #expect(filtering.arrayValue?.last?["operator"]?.stringValue == "IN")
        #expect(filtering.arrayValue?.last?["value"]?.arrayValue?.compactMap(\.stringValue) == ["1", "2"])
        for name in ["fields", "level", "breakdowns"] { #expect(part[name] == base[name]) }
        #expect(splitter.splitsByCampaign && splitter.splitsByAdSet)
        #expect(!InsightsSplitter(parameters: base, level: .account).splitsByCampaign)
        #expect(!InsightsSplitter(parameters: base, level: .campaign).splitsByAdSet)
    }

    @Test func idGroupsAlwaysSplitAndStayUnderTheLimit() {
        let ids = (1...120).map(String.init)
        #expect(InsightsSplitter.groups(ids).map(\.count) == [50, 50, 20])
        #expect(InsightsSplitter.groups(["1", "2", "3"]).map(\.count) == [2, 1])
        #expect(InsightsSplitter.groups(["1"]).map(\.count) == [1])
        #expect(InsightsSplitter.groups([]).isEmpty)
        #expect(InsightsSplitter.groups(ids, size: 60).flatMap { $0 } == ids)
    }

    @Test func fieldHalvesKeepTheIdentityAndMergeBackToWholeRows() throws {
        let base = GraphParameters().setting("fields", "ad_id,date_start,date_stop,impressions,clicks,spend,actions").setting("breakdowns", "age")
        let splitter = InsightsSplitter(parameters: base, level: .ad)
        let (first, second) = try #require(splitter.fieldHalves(of: base))
        #expect(first["fields"] == "ad_id,date_start,date_stop,impressions,clicks")
        #expect(second["fields"] == "ad_id,date_start,date_stop,spend,actions")
        #expect(splitter.identity(of: base) == ["ad_id", "date_start", "date_stop", "age"])
        let whole: [JSONValue] = [
            try JSONValue.parse(
                #"{"ad_id":"1","date_start":"2026-03-01","date_stop":"2026-03-01","age":"18-24","impressions":"10","clicks":"1","spend":"2.5"}"#
            ),
            try JSONValue.parse(
                #"{"ad_id":"1","date_start":"2026-03-01","date_stop":"2026-03-01","age":"25-34","impressions":"7","clicks":"0","spend":"1"}"#
            ),
        ]
        func project(_ fields: String) -> [JSONValue] {
            let keep = Set(fields.split(separator: ",").map(String.init) + ["age"])
            return whole.map { .object(($0.objectValue ?? [:]).filter { keep.contains($0.key) }) }
        }
        // The second half answers in another order: rows still merge on their identity.
        let merged = InsightsSplitter.merge(
            [project(first["fields"]!), Array(project(second["fields"]!).reversed())],
            identity: splitter.identity(of: base)
        )
        #expect(merged == whole)
        #expect(splitter.fieldHalves(of: GraphParameters().setting("fields", "ad_id,date_start,spend")).map { _ in true } == nil)
    }

    @Test func backfillDepthsStopAtTheEarliestDayGraphKeeps() throws {
        let today = try CalendarDay("2026-12-05")
        #expect(try HistoryDepth("400d").firstDay(today: today) == today.adding(days: -399))
        #expect(try HistoryDepth("37m").firstDay(today: today) == InsightsHistory.earliestDay(today: today))
        #expect(try HistoryDepth("1m").firstDay(today: today) == (try CalendarDay("2026-11-06")))
        #expect(try HistoryDepth("5000d").firstDay(today: today) == InsightsHistory.earliestDay(today: today))
        for bad in ["38m", "0d", "12", "3y", "-4d", ""] {
            #expect(throws: HistoryDepthError.self) { try HistoryDepth(bad) }
        }
    }
}
