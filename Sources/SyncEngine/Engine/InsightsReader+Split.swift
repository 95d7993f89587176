import GraphAPI
import Logging
import MetaStore

extension InsightsReader {
    /// Reads one day Graph refused as too large in parts (see ``InsightsSplitter``): by campaign, then by ad set,
    /// then by fields; the day counts as done (checkpoint) only when every part is committed, so a crash in the
    /// middle reads the whole day again and the rows written equal an unsplit read.
    func readSplitDay(_ day: CalendarDay, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        progress.splitsDays = true
        let split = InsightsSplitDay(
            reader: self,
            splitter: InsightsSplitter(parameters: progress.parameters(day...day), level: progress.level),
            context: context
        )
        let read = InsightsRead(range: day...day, parameters: split.splitter.parameters, part: "day")
        if split.splitter.splitsByCampaign {
            let ids = try await self.splitTree(&progress, context).map(\.campaign)
            self.logSplit("insights day split by campaign", read: read, error: nil, progress, context, extra: ["campaigns": "\(ids.count)"])
            try await split.readObjects(ids, .campaign, of: read, &progress)
        } else {
            try await split.readFields(read, &progress)
        }
        progress.doneUntil = max(progress.doneUntil ?? day, day)
        try await self.saveInsightsProgress(progress, chunk: nil, reportRunID: nil, context)
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

/// The parts of one day Graph refused as too large, read by ``InsightsReader``: every part of the day is a request of
/// the same stream with the same splitter, so they are held here rather than passed down each step.
struct InsightsSplitDay: Sendable {
    let reader: InsightsReader
    /// The day's unsplit request and how it is split.
    let splitter: InsightsSplitter
    let context: StreamContext

    /// The stored campaigns of the day (or ad sets of one of its campaigns, `base`) in halving groups, plus one read
    /// for those not stored yet (skipped, and logged, above ``InsightsSplitObject/remainderLimit`` stored ids).
    func readObjects(_ ids: [String], _ object: InsightsSplitObject, of base: InsightsRead, _ progress: inout InsightsProgress) async throws {
        for group in InsightsSplitter.groups(ids) {
            try await self.readGroup(group, object, of: base, &progress)
        }
        if let limit = object.remainderLimit, ids.count > limit {
            let message: Logger.Message = "\(object.plural) created since the last entity sync are not read on this split day"
            self.reader.logSplit(message, read: base, error: nil, progress, self.context)
            return
        }
        let notIn = GraphFilter(field: object.field, operator: .notIn, value: .array(ids.map { .string($0) }))
        let others = InsightsRead(
            range: base.range,
            parameters: self.splitter.adding(notIn, to: base.parameters),
            part: "\(object.plural) not stored"
        )
        try await self.readPartOrFields(others, &progress)
    }

    /// A group of campaigns or ad sets of `base`; too large: halves, then one campaign by ad set (or by fields), one
    /// ad set by fields.
    func readGroup(_ ids: [String], _ object: InsightsSplitObject, of base: InsightsRead, _ progress: inout InsightsProgress) async throws {
        let label = ids.count == 1 ? "\(object.name) \(ids[0])" : "\(ids.count) \(object.plural)"
        let read = InsightsRead(range: base.range, parameters: self.splitter.adding(.in(object.field, ids), to: base.parameters), part: label)
        do {
            try await self.reader.readPart(read, &progress, self.context)
        } catch let error where InsightsReader.asksToSplit(error) {
            if ids.count > 1 {
                self.reader.logSplit("insights \(object.name) group too large; halving it", read: read, error: error, progress, self.context)
                for group in InsightsSplitter.groups(ids, size: (ids.count + 1) / 2) {
                    try await self.readGroup(group, object, of: base, &progress)
                }
            } else if object == .campaign && self.splitter.splitsByAdSet {
                self.reader.logSplit("insights campaign too large; splitting it by ad set", read: read, error: error, progress, self.context)
                let adSets = (progress.splitTree ?? []).first { $0.campaign == ids[0] }?.adSets ?? []
                try await self.readObjects(adSets, .adSet, of: read, &progress)
            } else {
                self.reader.logSplit("insights \(object.name) too large; splitting its fields", read: read, error: error, progress, self.context)
                try await self.readFields(read, &progress)
            }
        }
    }

    /// A part read as it is, or by fields when it is still too large (parts that cannot be split by object).
    func readPartOrFields(_ read: InsightsRead, _ progress: inout InsightsProgress) async throws {
        do {
            try await self.reader.readPart(read, &progress, self.context)
        } catch let error where InsightsReader.asksToSplit(error) {
            self.reader.logSplit("insights part too large; splitting its fields", read: read, error: error, progress, self.context)
            try await self.readFields(read, &progress)
        }
    }

    /// The last resort: the fields in halves (each with the row identity), every half read whole, the rows merged
    /// back and committed together, so each row is written complete.
    func readFields(_ read: InsightsRead, _ progress: inout InsightsProgress) async throws {
        let items = try await self.fieldItems(read.parameters, read: read, progress)
        let source = InsightsPageRead(path: "/\(self.context.run.account.id)/insights", parameters: read.parameters, async: false, progress)
        let page = self.reader.mapInsights(items, after: nil, source, self.context)
        try await self.reader.commitInsights(page, read: read, reportRunID: nil, &progress, self.context)
    }

    /// The whole rows of `parameters`, read in field halves until Graph accepts them.
    func fieldItems(_ parameters: GraphParameters, read: InsightsRead, _ progress: InsightsProgress) async throws -> [JSONValue] {
        guard let (first, second) = self.splitter.fieldHalves(of: parameters) else {
            throw SyncEngineError.insightsUnavailable(
                "\(progress.stream) \(read.range.lowerBound) of \(self.context.run.account.id) (\(read.part ?? "day")): too large even for one field"
            )
        }
        var parts: [[JSONValue]] = []
        for half in [first, second] {
            do {
                parts.append(try await self.reader.allItems(half, self.context))
            } catch let error where InsightsReader.asksToSplit(error) {
                self.reader.logSplit("insights fields still too large; halving them", read: read, error: error, progress, self.context)
                parts.append(try await self.fieldItems(half, read: read, progress))
            }
        }
        return InsightsSplitter.merge(parts, identity: self.splitter.identity(of: parameters))
    }
}

/// The objects a split day is read by: its campaigns, then the ad sets of a campaign still too large.
enum InsightsSplitObject: Sendable {
    case campaign
    case adSet

    /// The `filtering` field of the `IN` and `NOT_IN` clauses.
    var field: String {
        switch self {
        case .campaign: "campaign.id"
        case .adSet: "adset.id"
        }
    }

    /// The name in part labels and log messages.
    var name: String {
        switch self {
        case .campaign: "campaign"
        case .adSet: "ad set"
        }
    }

    var plural: String { self.name + "s" }

    /// Most stored ids the `NOT_IN` read of objects not stored yet lists (``InsightsSplitter/remainderLimit`` for the
    /// campaigns of a day; the ad sets of one campaign are always listed).
    var remainderLimit: Int? {
        switch self {
        case .campaign: InsightsSplitter.remainderLimit
        case .adSet: nil
        }
    }
}
