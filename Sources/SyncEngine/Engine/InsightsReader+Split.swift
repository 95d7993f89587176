import GraphAPI
import Logging
import MetaStore

extension InsightsReader {
    /// Reads one day Graph refused as too large in parts (see ``InsightsSplitter``): by campaign, then by ad set,
    /// then by fields; the day counts as done (checkpoint) only when every part is committed, so a crash in the
    /// middle reads the whole day again and the rows written equal an unsplit read.
    func readSplitDay(_ day: CalendarDay, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        progress.splitsDays = true
        let splitter = InsightsSplitter(parameters: progress.parameters(day...day), level: progress.level)
        let read = InsightsRead(range: day...day, parameters: splitter.parameters, part: "day")
        if splitter.splitsByCampaign {
            let tree = try await self.splitTree(&progress, context)
            let ids = tree.map(\.campaign)
            self.logSplit("insights day split by campaign", read: read, error: nil, progress, context, extra: ["campaigns": "\(ids.count)"])
            for group in InsightsSplitter.groups(ids) {
                try await self.readCampaigns(group, splitter, day: day, &progress, context)
            }
            if ids.count <= InsightsSplitter.remainderLimit {
                let others = splitter.adding(GraphFilter(field: "campaign.id", operator: .notIn, value: .array(ids.map { .string($0) })))
                try await self.readPartOrFields(
                    InsightsRead(range: day...day, parameters: others, part: "campaigns not stored"),
                    splitter,
                    &progress,
                    context
                )
            } else {
                self.logSplit(
                    "campaigns created since the last entity sync are not read on this split day",
                    read: read,
                    error: nil,
                    progress,
                    context
                )
            }
        } else {
            try await self.readFields(read, splitter, &progress, context)
        }
        progress.doneUntil = max(progress.doneUntil ?? day, day)
        try await self.saveInsightsProgress(progress, chunk: nil, reportRunID: nil, context)
    }

    /// A group of campaigns of a split day; too large: halves, then one campaign by ad set (or by fields).
    func readCampaigns(
        _ ids: [String],
        _ splitter: InsightsSplitter,
        day: CalendarDay,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let label = ids.count == 1 ? "campaign \(ids[0])" : "\(ids.count) campaigns"
        let read = InsightsRead(range: day...day, parameters: splitter.adding(.in("campaign.id", ids)), part: label)
        do {
            try await self.readPart(read, &progress, context)
        } catch let error where Self.asksToSplit(error) {
            if ids.count > 1 {
                self.logSplit("insights campaign group too large; halving it", read: read, error: error, progress, context)
                for group in InsightsSplitter.groups(ids, size: (ids.count + 1) / 2) {
                    try await self.readCampaigns(group, splitter, day: day, &progress, context)
                }
            } else if splitter.splitsByAdSet {
                self.logSplit("insights campaign too large; splitting it by ad set", read: read, error: error, progress, context)
                let adSets = (progress.splitTree ?? []).first { $0.campaign == ids[0] }?.adSets ?? []
                try await self.readAdSets(adSets, of: read, splitter, &progress, context)
            } else {
                self.logSplit("insights campaign too large; splitting its fields", read: read, error: error, progress, context)
                try await self.readFields(read, splitter, &progress, context)
            }
        }
    }

    /// The ad sets of one campaign's read, in halving groups, plus one read for its ad sets not stored yet.
    func readAdSets(
        _ ids: [String],
        of campaign: InsightsRead,
        _ splitter: InsightsSplitter,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        for group in InsightsSplitter.groups(ids) {
            try await self.readAdSetGroup(group, of: campaign, splitter, &progress, context)
        }
        let notIn = GraphFilter(field: "adset.id", operator: .notIn, value: .array(ids.map { .string($0) }))
        let others = InsightsRead(range: campaign.range, parameters: splitter.adding(notIn, to: campaign.parameters), part: "ad sets not stored")
        try await self.readPartOrFields(others, splitter, &progress, context)
    }

    func readAdSetGroup(
        _ ids: [String],
        of campaign: InsightsRead,
        _ splitter: InsightsSplitter,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let label = ids.count == 1 ? "ad set \(ids[0])" : "\(ids.count) ad sets"
        let read = InsightsRead(range: campaign.range, parameters: splitter.adding(.in("adset.id", ids), to: campaign.parameters), part: label)
        do {
            try await self.readPart(read, &progress, context)
        } catch let error where Self.asksToSplit(error) && ids.count > 1 {
            self.logSplit("insights ad set group too large; halving it", read: read, error: error, progress, context)
            for group in InsightsSplitter.groups(ids, size: (ids.count + 1) / 2) {
                try await self.readAdSetGroup(group, of: campaign, splitter, &progress, context)
            }
        } catch let error where Self.asksToSplit(error) {
            self.logSplit("insights ad set too large; splitting its fields", read: read, error: error, progress, context)
            try await self.readFields(read, splitter, &progress, context)
        }
    }

    /// A part read as it is, or by fields when it is still too large (parts that cannot be split by object).
    func readPartOrFields(
        _ read: InsightsRead,
        _ splitter: InsightsSplitter,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        do {
            try await self.readPart(read, &progress, context)
        } catch let error where Self.asksToSplit(error) {
            self.logSplit("insights part too large; splitting its fields", read: read, error: error, progress, context)
            try await self.readFields(read, splitter, &progress, context)
        }
    }

    /// One part: a sync read, then an async job when Graph asks for less data.
    func readPart(_ read: InsightsRead, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        do {
            try await self.readInsights(read, async: false, resume: nil, &progress, context)
        } catch let error where Self.asksToSplit(error) {
            self.logSplit("insights part too large for a sync read; reading it as an async job", read: read, error: error, progress, context)
            try await self.readInsights(read, async: true, resume: nil, &progress, context)
        }
    }

    /// The last resort: the fields in halves (each with the row identity), every half read whole, the rows merged
    /// back and committed together, so each row is written complete.
    func readFields(_ read: InsightsRead, _ splitter: InsightsSplitter, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        let items = try await self.fieldItems(read.parameters, splitter, read: read, progress, context)
        let source = InsightsPageRead(path: "/\(context.run.account.id)/insights", parameters: read.parameters, async: false, progress)
        try await self.commitInsights(self.mapInsights(items, after: nil, source, context), read: read, reportRunID: nil, &progress, context)
    }

    /// The whole rows of `parameters`, read in field halves until Graph accepts them.
    func fieldItems(
        _ parameters: GraphParameters,
        _ splitter: InsightsSplitter,
        read: InsightsRead,
        _ progress: InsightsProgress,
        _ context: StreamContext
    ) async throws -> [JSONValue] {
        guard let (first, second) = splitter.fieldHalves(of: parameters) else {
            throw SyncEngineError.insightsUnavailable(
                "\(progress.stream) \(read.range.lowerBound) of \(context.run.account.id) (\(read.part ?? "day")): too large even for one field"
            )
        }
        var parts: [[JSONValue]] = []
        for half in [first, second] {
            do {
                parts.append(try await self.allItems(half, context))
            } catch let error where Self.asksToSplit(error) {
                self.logSplit("insights fields still too large; halving them", read: read, error: error, progress, context)
                parts.append(try await self.fieldItems(half, splitter, read: read, progress, context))
            }
        }
        return InsightsSplitter.merge(parts, identity: splitter.identity(of: parameters))
    }

    /// Every item of a synchronous read (one ad set's day: small by construction).
    func allItems(_ parameters: GraphParameters, _ context: StreamContext) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var after: String?
        repeat {
            let path = "/\(context.run.account.id)/insights"
            let page = try await context.caller.page(
                path,
                parameters: parameters,
                after: after,
                limit: self.configuration.insightsPageSize,
                shrinking: false
            )
            items += page.items
            after = page.after
        } while after != nil
        return items
    }

    /// Stored campaigns of the account with their ad sets (loaded once per window).
    func splitTree(_ progress: inout InsightsProgress, _ context: StreamContext) async throws -> [(campaign: String, adSets: [String])] {
        if let tree = progress.splitTree { return tree }
        let accountID = context.run.account.accountID
        let campaigns = try await self.store.campaigns.list(accountID: accountID).map(\.id).sorted()
        let adSets = Dictionary(grouping: try await self.store.adSets.list(accountID: accountID)) { $0.campaignID ?? "" }
        let tree = campaigns.map { (campaign: $0, adSets: (adSets[$0] ?? []).map(\.id).sorted()) }
        progress.splitTree = tree
        return tree
    }

    /// Logs one step of a split (notice: it costs calls and says the account is large).
    func logSplit(
        _ message: Logger.Message,
        read: InsightsRead,
        error: (any Error)?,
        _ progress: InsightsProgress,
        _ context: StreamContext,
        extra: Logger.Metadata = [:]
    ) {
        var metadata: Logger.Metadata = [
            "account_id": "\(context.run.account.id)", "stream": "\(progress.stream)", "day": "\(read.range.lowerBound)",
            "until": "\(read.range.upperBound)", "part": "\(read.part ?? "whole")",
        ]
        if let error { metadata["error"] = "\(error)" }
        self.logger.notice(message, metadata: metadata.merging(extra) { $1 })
    }
}
