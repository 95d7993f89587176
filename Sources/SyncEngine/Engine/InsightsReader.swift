import Foundation
import GraphAPI
import Logging
import MetaStore

/// Insights reading, the collaborator ``SyncEngine`` delegates it to: one insights level (or breakdown report) of an
/// account over its window, in chunks of synchronous paged requests or async report runs, pages written pipelined, each
/// with its checkpoint; days Graph refuses as too large are read in parts (``InsightsSplitter``). It reads the entity
/// tables (size estimates, the split tree) and writes only the insights tables and `sync_state`.
struct InsightsReader: Sendable {
    let store: MetaStore
    let configuration: SyncConfiguration
    /// Wall-clock time (today in the account's time zone, `synced_at`, checkpoints) and the waits before polling a
    /// report run.
    let time: GraphTime
    let logger: Logger

    /// Reads one insights level of an account: `/act_X/insights?level=<level>&time_increment=1` with explicit fields.
    ///
    /// - Window: the backfill (``SyncConfiguration/backfillDays``, or ``SyncRequest/backfill``/``SyncRequest/since``)
    ///   on the first read or with `--full`; afterwards from the last day read (or the lookback start,
    ///   ``SyncConfiguration/lookbackDays``, whichever is earlier) to today in the account's time zone;
    ///   `--days`/`--since/--until` override it. Clamped to 37 months.
    /// - Chunks: the window is read in consecutive chunks of about ``SyncConfiguration/insightsChunkRows`` estimated
    ///   rows (objects at the level × days, then the previous chunk's rows per day); each chunk is one synchronous
    ///   paged request up to ``SyncConfiguration/asyncInsightsThreshold`` rows, above it one async report job.
    /// - Too much data ("reduce the amount of data", 1487534), or a job that fails or is skipped: the chunk length
    ///   halves; a single day goes async, then is read in parts by ``InsightsSplitter`` (campaign, ad set, fields).
    /// - Rows upsert by (level, object, date_start, date_stop, breakdown key, report): a re-read replaces, never duplicates.
    /// - Each page commits with its checkpoint: a killed read resumes at the chunk (and page) it was in.
    /// - Reports (``InsightsReport``): the same read with the report's breakdowns and time increment, its own
    ///   stream (`insights.<level>.<name>`) and lookback; monthly reports start at the first day of a month.
    func syncInsights(level: PerformanceSnapshotRow.Level, report: InsightsReport? = nil, _ context: StreamContext) async throws {
        let account = context.run.account
        let stream = report?.stream ?? "insights.\(level.rawValue)"
        let checkpoint = try await self.store.syncState.load(accountID: account.accountID, stream: stream)
        let saved = (try? checkpoint?.state?.decode(InsightsStreamState.self)) ?? InsightsStreamState()
        let today = self.today(for: account)
        let through = saved.through.flatMap { try? CalendarDay($0) }
        let lookback = report?.lookbackDays ?? self.configuration.lookbackDays
        let window = self.insightsWindow(saved, cursor: checkpoint?.cursor, request: context.request, today: today, lookbackDays: lookback)
        var lower = max(window.lower, InsightsHistory.earliestDay(today: today))
        if report?.timeIncrement == "monthly" { lower = Self.firstOfMonth(lower, earliest: InsightsHistory.earliestDay(today: today)) }
        let upper = window.upper
        let start = min(max(window.start, InsightsHistory.earliestDay(today: today)), lower)
        let newFrom = min(saved.from.flatMap { try? CalendarDay($0) } ?? lower, start)
        var progress = InsightsProgress(
            stream: stream,
            level: level,
            from: newFrom.description,
            through: saved.through,
            window: start...max(lower, upper),
            objects: try await self.objectCount(level: level, accountID: account.accountID) * (report?.estimatedBuckets ?? 1),
            parameters: { range in self.insightsParameters(level: level, range: range, report: report) }
        )
        progress.report = report
        progress.daysDone = lower.daysSince1970 - start.daysSince1970
        // The days before `lower` were committed by the interrupted read: a second crash keeps them done.
        if lower > start { progress.doneUntil = lower.adding(days: -1) }
        context.report(.started, stream: stream, rows: 0, days: progress.days)
        self.logger.debug(
            "insights stream started",
            metadata: [
                "account_id": "\(account.id)", "stream": "\(stream)", "since": "\(lower)", "until": "\(upper)",
                "resumed": "\(window.resume != nil)", "objects": "\(progress.objects)", "run_id": "\(context.run.runID ?? "")",
            ]
        )
        if lower <= upper { try await self.readInsightsWindow(lower...upper, resume: window.resume, &progress, context) }
        let newThrough = [through, upper <= today ? upper : today].compactMap { $0 }.max()
        try await self.store.syncState.save(
            SyncCheckpoint(
                accountID: account.accountID,
                stream: stream,
                state: try JSONText(encoding: InsightsStreamState(from: newFrom.description, through: newThrough?.description)),
                runID: context.run.runID,
                updatedAt: self.time.now()
            )
        )
        context.report(.finished, stream: stream, rows: progress.rows, days: progress.days)
    }

    /// The days a read covers (`start` is where its window began: earlier than `lower` when an interrupted read
    /// already committed the days before `lower`), and the chunk an interrupted read left to continue.
    ///
    /// A plain sync merges an interrupted window into its own; an explicit read (`--days`, `--since`, `--backfill`)
    /// resumes one only when it starts inside it (a rerun of the same command), and never widens its own range.
    func insightsWindow(
        _ saved: InsightsStreamState,
        cursor: String?,
        request: SyncRequest,
        today: CalendarDay,
        lookbackDays: Int
    ) -> (start: CalendarDay, lower: CalendarDay, upper: CalendarDay, resume: InsightsChunk?) {
        let day = { (text: String?) in text.flatMap { try? CalendarDay($0) } }
        let explicit = request.range != nil || request.days != nil || request.since != nil || request.backfill != nil
        var (lower, upper) = self.requestedInsightsDays(saved, request: request, today: today, lookbackDays: lookbackDays)
        var start = lower
        guard !request.full || explicit, let windowSince = day(saved.windowSince), let windowUntil = day(saved.windowUntil) else {
            return (start, lower, upper, nil)
        }
        if !explicit {
            lower = min(lower, windowSince)
            upper = max(upper, windowUntil)
        } else if !(windowSince <= lower && lower <= windowUntil) {
            return (start, lower, upper, nil)
        }
        // Cover the interrupted window, skip what it committed, continue its chunk.
        start = min(lower, windowSince)
        if let doneUntil = day(saved.doneUntil), doneUntil >= lower { lower = doneUntil.adding(days: 1) }
        // A chunk with a cursor resumes at its next page; an async chunk killed before its first page (while
        // Graph was still running the report) resumes polling the same report run.
        var resume: InsightsChunk?
        if cursor != nil || saved.reportRunID != nil, let since = day(saved.chunkSince), let until = day(saved.chunkUntil), since >= lower,
            until <= upper
        {
            resume = InsightsChunk(range: since...until, cursor: cursor, reportRunID: saved.reportRunID)
        }
        return (start, lower, upper, resume)
    }

    /// The days a request asks for, before an interrupted read is taken into account.
    func requestedInsightsDays(
        _ saved: InsightsStreamState,
        request: SyncRequest,
        today: CalendarDay,
        lookbackDays: Int
    ) -> (CalendarDay, CalendarDay) {
        let through = saved.through.flatMap { try? CalendarDay($0) }
        if let range = request.range { return (range.lowerBound, range.upperBound) }
        if let since = request.since { return (since, today) }
        if let backfill = request.backfill { return (backfill.firstDay(today: today), today) }
        if let days = request.days { return (today.adding(days: -(max(days, 1) - 1)), today) }
        if request.full || through == nil { return (today.adding(days: -(self.configuration.backfillDays - 1)), today) }
        var lower = min(through!.adding(days: 1), today.adding(days: -(lookbackDays - 1)))
        if let from = saved.from.flatMap({ try? CalendarDay($0) }) { lower = max(lower, from) }
        return (lower, today)
    }

    /// Reads `range`: first the interrupted chunk when there is one, then the rest in chunks sized from the
    /// estimated rows. A chunk Graph refuses as too large halves the chunk length for the rest of the window.
    func readInsightsWindow(
        _ range: ClosedRange<CalendarDay>,
        resume: InsightsChunk? = nil,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        var pending = [range]
        if let resume {
            let read = InsightsRead(range: resume.range, parameters: progress.parameters(resume.range))
            try await self.readInsights(read, async: resume.reportRunID != nil, resume: resume, &progress, context)
            progress.finishChunk(resume.range, rows: nil)
            pending = []
            if resume.range.upperBound < range.upperBound { pending.append(resume.range.upperBound.adding(days: 1)...range.upperBound) }
            if resume.range.lowerBound > range.lowerBound { pending.append(range.lowerBound...resume.range.lowerBound.adding(days: -1)) }
            context.report(.page, stream: progress.stream, rows: progress.rows, days: progress.days)
        }
        for part in pending { try await self.readInsightsChunks(part, &progress, context) }
    }

    /// Reads `range` in consecutive chunks (see ``InsightsProgress/chunkDays(target:remaining:)``).
    func readInsightsChunks(_ range: ClosedRange<CalendarDay>, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        var start = range.lowerBound
        while start <= range.upperBound {
            let remaining = range.upperBound.daysSince1970 - start.daysSince1970 + 1
            let days = progress.chunkDays(target: self.configuration.insightsChunkRows, remaining: remaining)
            let chunk = start...start.adding(days: days - 1)
            let before = progress.rows
            do {
                try await self.readInsightsRange(chunk, &progress, context)
            } catch let error where days > 1 && Self.asksToSplit(error) {
                progress.maxChunkDays = max(1, days / 2)
                self.logger.notice(
                    "insights chunk too large or job failed; halving the chunk length",
                    metadata: [
                        "account_id": "\(context.run.account.id)", "stream": "\(progress.stream)", "since": "\(chunk.lowerBound)",
                        "until": "\(chunk.upperBound)", "chunk_days": "\(progress.maxChunkDays ?? 1)", "error": "\(error)",
                    ]
                )
                continue
            }
            progress.finishChunk(chunk, rows: progress.rows - before)
            context.report(.page, stream: progress.stream, rows: progress.rows, days: progress.days)
            start = chunk.upperBound.adding(days: 1)
            try context.checkStop()
        }
    }

    /// Reads one chunk (sync, or async above the threshold). A single day that is too large goes async, then is
    /// read in parts (``readSplitDay(_:_:_:)``); a longer chunk that is too large throws for the caller to shorten it.
    func readInsightsRange(_ range: ClosedRange<CalendarDay>, _ progress: inout InsightsProgress, _ context: StreamContext) async throws {
        let days = range.upperBound.daysSince1970 - range.lowerBound.daysSince1970 + 1
        if let report = progress.report {
            // A report's re-read replaces its rows of the range (buckets or periods Graph no longer returns go too);
            // a crashed read that resumes does not come here, so it keeps what it committed.
            try await self.store.reports.deleteRows(accountID: context.run.account.accountID, report: report.name, level: progress.level, days: range)
        }
        if days == 1 && progress.splitsDays {
            try await self.readSplitDay(range.lowerBound, &progress, context)
            return
        }
        let async = progress.estimatedRows(days: days) > self.configuration.asyncInsightsThreshold
        let read = InsightsRead(range: range, parameters: progress.parameters(range))
        do {
            try await self.readInsights(read, async: async, resume: nil, &progress, context)
        } catch let error where days == 1 && Self.asksToSplit(error) {
            if async {
                self.logSplit("insights async job for a day failed", read: read, error: error, progress, context)
            } else {
                self.logSplit("insights day too large for a sync read; reading it as an async job", read: read, error: error, progress, context)
                do {
                    try await self.readInsights(read, async: true, resume: nil, &progress, context)
                    return
                } catch let error where Self.asksToSplit(error) {
                    self.logSplit("insights async job for a day failed", read: read, error: error, progress, context)
                }
            }
            try await self.readSplitDay(range.lowerBound, &progress, context)
        }
    }

    /// Whether an insights failure asks for a smaller request.
    static func asksToSplit(_ error: any Error) -> Bool {
        guard let error = error as? GraphClientError else { return false }
        switch error {
        case .graph(let graph): return graph.classification == .dataTooLarge
        case .insightsJobFailed, .insightsJobSkipped, .insightsJobTimedOut: return true
        default: return false
        }
    }

    /// One request for a range (sync, or an async job), paged; each page commits with its checkpoint.
    func readInsights(
        _ read: InsightsRead,
        async: Bool,
        resume: InsightsChunk?,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let account = context.run.account
        var path = "/\(account.id)/insights"
        var reportRunID: String?
        if async {
            do {
                reportRunID = try await self.insightsReportRun(path, read: read, resume: resume, progress, context)
            } catch let error as GraphClientError
                where resume?.reportRunID != nil && (Self.asksToSplit(error) || error.graphError?.classification == .invalidRequest)
            {
                // The resumed report run failed, expired or is unknown: read the chunk again from scratch.
                self.logger.notice("stored insights report run unusable; reading the range again", metadata: ["account_id": "\(account.id)"])
                try await self.readInsightsChunks(read.range, &progress, context)
                return
            }
            path = "/\(reportRunID!)/insights"
        }
        try await self.pageInsights(
            path,
            read: read,
            parameters: async ? GraphParameters() : read.parameters,
            after: resume?.cursor,
            resumed: resume != nil,
            reportRunID: reportRunID,
            &progress,
            context
        )
    }

    /// The report run an async read pages: the resumed one (polled again first when the process died before its
    /// first page), or a new one, recorded in the checkpoint as soon as Graph returns its id, so a crash while it
    /// runs resumes polling it instead of starting another (a part of a split day is not recorded: it restarts
    /// with its day).
    func insightsReportRun(
        _ path: String,
        read: InsightsRead,
        resume: InsightsChunk?,
        _ progress: InsightsProgress,
        _ context: StreamContext
    ) async throws -> String {
        if let id = resume?.reportRunID {
            if resume?.cursor == nil {
                self.logger.notice("resuming an insights report run", metadata: ["report_run_id": "\(id)"])
                _ = try await context.caller.waitForReport(id)
            }
            return id
        }
        var skipped = false
        while true {
            let id = try await context.caller.startReport(path, parameters: read.parameters)
            if read.part == nil { try await self.saveChunk(read.range, reportRunID: id, progress, context) }
            try await self.time.sleep(self.configuration.reportPollDelay)
            do {
                _ = try await context.caller.waitForReport(id)
                return id
            } catch GraphClientError.insightsJobSkipped(let status) where !skipped {
                // Skipped jobs expired or were dropped: resubmit once before splitting (reference §4.4).
                skipped = true
                self.logger.notice("insights report skipped; resubmitting", metadata: ["report_run_id": "\(status.id)"])
            }
        }
    }

    /// Records the chunk in progress and its report run before its first page (no cursor yet).
    func saveChunk(_ range: ClosedRange<CalendarDay>, reportRunID: String, _ progress: InsightsProgress, _ context: StreamContext) async throws {
        try await self.saveInsightsProgress(progress, chunk: range, reportRunID: reportRunID, context)
    }

    /// Saves the stream's progress as its checkpoint (no cursor): the chunk in progress and its report run, or none.
    func saveInsightsProgress(
        _ progress: InsightsProgress,
        chunk: ClosedRange<CalendarDay>?,
        reportRunID: String?,
        _ context: StreamContext
    ) async throws {
        try await self.store.syncState.save(
            SyncCheckpoint(
                accountID: context.run.account.accountID,
                stream: progress.stream,
                cursor: nil,
                state: try JSONText(encoding: progress.state(chunk: chunk, reportRunID: reportRunID)),
                runID: context.run.runID,
                updatedAt: self.time.now()
            )
        )
    }

    /// Pages one read (a sync request, or a finished report run's results) from `after`; each page commits with the
    /// checkpoint that resumes after it.
    ///
    /// Pipelined: while a page is written, the next one is already being fetched and mapped (its cursor is known once
    /// the page is parsed), so Graph's latency and the database write overlap. At most one page is in flight; a page
    /// fetched ahead is never committed before the one it follows, so checkpoints and resume are unchanged.
    func pageInsights(
        _ path: String,
        read: InsightsRead,
        parameters: GraphParameters,
        after start: String?,
        resumed: Bool,
        reportRunID: String?,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let source = InsightsPageRead(path: path, parameters: parameters, async: reportRunID != nil, progress)
        var page: MappedInsightsPage
        do {
            page = try await self.fetchInsightsPage(source, after: start, context)
        } catch let error as GraphClientError where resumed && !Self.asksToSplit(error) && error.graphError?.classification == .invalidRequest {
            // The stored cursor or report run is gone (runs expire after 30 days): read the chunk again.
            self.logger.notice("stored insights position rejected; reading the range again", metadata: ["account_id": "\(context.run.account.id)"])
            try await self.readInsightsChunks(read.range, &progress, context)
            return
        }
        while true {
            let after = page.after
            async let ahead = self.fetchInsightsPage(source, following: after, context)
            try await self.commitInsights(page, read: read, reportRunID: reportRunID, &progress, context)
            guard after != nil else { return }
            try context.checkStop()
            guard let next = try await ahead else { return }
            page = next
        }
    }

    /// Fetches and maps one page of an insights read.
    func fetchInsightsPage(_ source: InsightsPageRead, after: String?, _ context: StreamContext) async throws -> MappedInsightsPage {
        let page = try await context.caller.page(
            source.path,
            parameters: source.parameters,
            after: after,
            limit: self.configuration.insightsPageSize,
            shrinking: source.async
        )
        return self.mapInsights(page.items, after: page.after, source, context)
    }

    /// Maps the items of one page (or of a day read in field halves) to rows and actions.
    func mapInsights(_ items: [JSONValue], after: String?, _ source: InsightsPageRead, _ context: StreamContext) -> MappedInsightsPage {
        let now = self.time.now()
        var mapped = MappedInsightsPage(after: after, fetchedAt: now)
        mapped.rows.reserveCapacity(items.count)
        // The windows every insights request asks for (``insightsParameters(level:range:report:)``), so the view
        // `performance_conversions` gives the row under each of them even where Graph reported nothing.
        let windows = self.configuration.attributionWindows.joined(separator: ",")
        for item in items {
            guard var row = InsightsMapper.row(item, level: source.level, account: context.run.account, syncedAt: now, keepRaw: source.keepRaw)
            else { continue }
            row.attributionWindows = windows
            source.report?.tag(&row, json: item)
            mapped.rows.append(row)
            mapped.actions += InsightsMapper.actions(item, snapshot: row)
        }
        return mapped
    }

    /// The page after `cursor`, or nil after the last page.
    func fetchInsightsPage(_ source: InsightsPageRead, following cursor: String?, _ context: StreamContext) async throws -> MappedInsightsPage? {
        guard let cursor else { return nil }
        return try await self.fetchInsightsPage(source, after: cursor, context)
    }

    /// Commits one mapped page with the checkpoint that resumes after it (`after` nil: the read is done; a whole read
    /// marks its range done, a part of a split day leaves that to the day).
    func commitInsights(
        _ page: MappedInsightsPage,
        read: InsightsRead,
        reportRunID: String?,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let done = page.after == nil
        if done && read.part == nil { progress.doneUntil = max(progress.doneUntil ?? read.range.upperBound, read.range.upperBound) }
        let resumable = !done && read.part == nil
        try await self.store.commitPage(
            snapshots: page.rows,
            actions: page.actions,
            checkpoint: SyncCheckpoint(
                accountID: context.run.account.accountID,
                stream: progress.stream,
                cursor: resumable ? page.after : nil,
                state: try JSONText(encoding: progress.state(chunk: resumable ? read.range : nil, reportRunID: resumable ? reportRunID : nil)),
                runID: context.run.runID,
                updatedAt: page.fetchedAt
            )
        )
        progress.rows += page.rows.count
        context.run.addRows(page.rows.count, table: PerformanceSnapshotRow.tableName)
        context.run.addRows(page.actions.count, table: PerformanceActionRow.tableName)
        context.report(.page, stream: progress.stream, rows: progress.rows, days: progress.days)
    }

    /// The request parameters of a level and range (also the parameters of its async job).
    func insightsParameters(level: PerformanceSnapshotRow.Level, range: ClosedRange<CalendarDay>, report: InsightsReport? = nil) -> GraphParameters {
        var parameters = GraphParameters()
            .setting("fields", (report?.requestFields ?? InsightsMapper.fields(level: level)).joined(separator: ","))
            .setting("level", level.rawValue)
            .setting("time_increment", report?.timeIncrement ?? "1")
            .timeRange(GraphTimeRange(since: range.lowerBound.description, until: range.upperBound.description))
        if let report, !report.breakdowns.isEmpty { parameters = parameters.setting("breakdowns", report.breakdowns.joined(separator: ",")) }
        if let report, !report.actionBreakdowns.isEmpty {
            parameters = parameters.setting("action_breakdowns", report.actionBreakdowns.joined(separator: ","))
        }
        if !self.configuration.attributionWindows.isEmpty {
            // Windows ride on the same request: each action object gains one key per window (reference §4.3).
            parameters = parameters.setting("action_attribution_windows", self.configuration.attributionWindows.joined(separator: ","))
                .setting("use_unified_attribution_setting", "true")
        }
        if let kind = EntityKind(rawValue: level.rawValue) {
            // Deleted and archived objects keep their stats; without this filter level-`ad` reads omit them (§3.7).
            parameters = parameters.filtering([GraphFilter.in("\(kind.rawValue).effective_status", kind.allEffectiveStatuses)])
        }
        return parameters
    }

    /// The first day of `day`'s month (not before `earliest`): monthly reports read whole months.
    static func firstOfMonth(_ day: CalendarDay, earliest: CalendarDay) -> CalendarDay {
        let text = day.description
        let first = (try? CalendarDay(String(text.prefix(8)) + "01")) ?? day
        return max(first, earliest)
    }

    /// Today in the account's time zone (insights days are account days, reference §4.6).
    func today(for account: AdAccountRow) -> CalendarDay {
        InsightsHistory.today(in: account.timezoneName.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!, now: self.time.now())
    }

    /// Objects stored for an account at a level (the size estimate's first factor); 1 for the account level.
    func objectCount(level: PerformanceSnapshotRow.Level, accountID: String) async throws -> Int {
        switch level {
        case .account: return 1
        case .campaign: return try await self.store.campaigns.count(accountID: accountID)
        case .adset: return try await self.store.adSets.count(accountID: accountID)
        case .ad: return try await self.store.ads.count(accountID: accountID)
        }
    }
}

/// What the pages of one read come from: the path (the insights edge, or a report run's), parameters and level.
struct InsightsPageRead: Sendable {
    let path: String
    let parameters: GraphParameters
    /// Whether the read pages a report run's results (whose page size may shrink, reference §4.4).
    let async: Bool
    let level: PerformanceSnapshotRow.Level
    /// The breakdown report read (nil: the unbroken rows); tags each row with its report and breakdown key.
    let report: InsightsReport?
    /// Whether rows keep their `raw` JSON (``InsightsMapper/keepsRaw(fields:)``).
    let keepRaw: Bool
}

extension InsightsPageRead {
    /// The pages of `path` read for `progress`'s stream (its level and report).
    init(path: String, parameters: GraphParameters, async: Bool, _ progress: InsightsProgress) {
        self.init(
            path: path,
            parameters: parameters,
            async: async,
            level: progress.level,
            report: progress.report,
            keepRaw: InsightsMapper.keepsRaw(fields: progress.report?.requestFields ?? InsightsMapper.fields(level: progress.level))
        )
    }
}

/// One fetched and mapped page of insights: its rows and actions, and the cursor after it (nil on the last page).
struct MappedInsightsPage: Sendable {
    let after: String?
    let fetchedAt: Date
    var rows: [PerformanceSnapshotRow] = []
    var actions: [PerformanceActionRow] = []
}
