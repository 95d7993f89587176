import Foundation
import GraphAPI
import Logging
import MetaStore
import SQLKit

extension SyncEngine {
    /// Reads one insights level of an account: `/act_X/insights?level=<level>&time_increment=1` with explicit fields.
    ///
    /// - Window: the backfill (``SyncConfiguration/backfillDays``) on the first read or with `--full`; afterwards
    ///   from the last day read (or the lookback start, ``SyncConfiguration/lookbackDays``, whichever is earlier)
    ///   to today in the account's time zone; `--days`/`--since/--until` override it. Clamped to 37 months.
    /// - Size: objects at the level × days estimates the rows. Up to ``SyncConfiguration/asyncInsightsThreshold``
    ///   one synchronous paged request; above, one async report job (start, poll, page the results).
    /// - Too much data ("reduce the amount of data", 1487534), or a job that fails or is skipped: the range is
    ///   split in halves and each half retried (a single day falls back to an async job).
    /// - Rows upsert by (level, object, date_start, date_stop, breakdown key, report): a re-read replaces, never duplicates.
    /// - Reports (``InsightsReport``): the same read with the report's breakdowns and time increment, its own
    ///   stream (`insights.<level>.<name>`) and lookback; monthly reports start at the first day of a month.
    func syncInsights(level: PerformanceSnapshotRow.Level, report: InsightsReport? = nil, _ context: StreamContext) async throws {
        let account = context.run.account
        let stream = report?.stream ?? "insights.\(level.rawValue)"
        let checkpoint = try await self.store.syncState.load(accountID: account.accountID, stream: stream)
        let saved = (try? checkpoint?.state?.decode(InsightsStreamState.self)) ?? InsightsStreamState()
        let today = self.today(for: account)
        let earliest = InsightsHistory.earliestDay(today: today)
        let request = context.request
        let explicit = request.range != nil || request.days != nil
        let through = saved.through.flatMap { try? CalendarDay($0) }
        let from = saved.from.flatMap { try? CalendarDay($0) }

        var lower: CalendarDay
        var upper = today
        if let range = request.range {
            lower = range.lowerBound
            upper = range.upperBound
        } else if let days = request.days {
            lower = today.adding(days: -(max(days, 1) - 1))
        } else if request.full || through == nil {
            lower = today.adding(days: -(self.configuration.backfillDays - 1))
        } else {
            lower = min(through!.adding(days: 1), today.adding(days: -((report?.lookbackDays ?? self.configuration.lookbackDays) - 1)))
            if let from { lower = max(lower, from) }
        }

        var resume: InsightsChunk?
        if !explicit, !request.full, let windowSince = saved.windowSince.flatMap({ try? CalendarDay($0) }),
            let windowUntil = saved.windowUntil.flatMap({ try? CalendarDay($0) })
        {
            // A read was interrupted: cover its window too, skip what it committed, continue its chunk.
            lower = min(lower, windowSince)
            upper = max(upper, windowUntil)
            if let doneUntil = saved.doneUntil.flatMap({ try? CalendarDay($0) }), doneUntil >= lower { lower = doneUntil.adding(days: 1) }
            // A chunk with a cursor resumes at its next page; an async chunk killed before its first page (while
            // Graph was still running the report) resumes polling the same report run.
            if checkpoint?.cursor != nil || saved.reportRunID != nil, let since = saved.chunkSince.flatMap({ try? CalendarDay($0) }),
                let until = saved.chunkUntil.flatMap({ try? CalendarDay($0) }), since >= lower, until <= upper
            {
                resume = InsightsChunk(range: since...until, cursor: checkpoint?.cursor, reportRunID: saved.reportRunID)
            }
        }
        lower = max(lower, earliest)
        if report?.timeIncrement == "monthly" { lower = Self.firstOfMonth(lower, earliest: earliest) }
        let newFrom = min(from ?? lower, lower)
        var progress = InsightsProgress(
            stream: stream,
            level: level,
            from: newFrom.description,
            through: saved.through,
            window: lower...max(lower, upper),
            objects: try await self.objectCount(level: level, accountID: account.accountID) * (report?.estimatedBuckets ?? 1)
        )
        progress.report = report
        context.report(.started, stream: stream, rows: 0)
        self.logger.debug(
            "insights stream started",
            metadata: [
                "account_id": "\(account.id)", "stream": "\(stream)", "since": "\(lower)", "until": "\(upper)",
                "resumed": "\(resume != nil)", "objects": "\(progress.objects)", "run_id": "\(context.run.runID ?? "")",
            ]
        )
        if lower <= upper {
            if let resume {
                try await self.readInsights(resume.range, async: resume.reportRunID != nil, resume: resume, &progress, context)
                if resume.range.upperBound < upper {
                    try await self.readInsightsSplitting(resume.range.upperBound.adding(days: 1)...upper, forceAsync: false, &progress, context)
                }
                if resume.range.lowerBound > lower {
                    try await self.readInsightsSplitting(lower...resume.range.lowerBound.adding(days: -1), forceAsync: false, &progress, context)
                }
            } else {
                try await self.readInsightsSplitting(lower...upper, forceAsync: false, &progress, context)
            }
        }
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
        context.report(.finished, stream: stream, rows: progress.rows)
    }

    /// Reads a range; on "too much data" or a failed/skipped job splits it in halves (a single day goes async).
    func readInsightsSplitting(
        _ range: ClosedRange<CalendarDay>,
        forceAsync: Bool,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let days = range.upperBound.daysSince1970 - range.lowerBound.daysSince1970 + 1
        let async = forceAsync || progress.objects * days > self.configuration.asyncInsightsThreshold
        do {
            try await self.readInsights(range, async: async, resume: nil, &progress, context)
        } catch let error where Self.asksToSplit(error) {
            self.logger.notice(
                "insights range too large or job failed; splitting",
                metadata: [
                    "account_id": "\(context.run.account.id)", "stream": "\(progress.stream)", "since": "\(range.lowerBound)",
                    "until": "\(range.upperBound)", "async": "\(async)", "error": "\(error)",
                ]
            )
            if days > 1 {
                let middle = range.lowerBound.adding(days: days / 2 - 1)
                try await self.readInsightsSplitting(range.lowerBound...middle, forceAsync: forceAsync, &progress, context)
                try await self.readInsightsSplitting(middle.adding(days: 1)...range.upperBound, forceAsync: forceAsync, &progress, context)
            } else if !async {
                try await self.readInsightsSplitting(range, forceAsync: true, &progress, context)
            } else {
                throw SyncEngineError.insightsUnavailable("\(progress.stream) \(range.lowerBound) of \(context.run.account.id): \(error)")
            }
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
        _ range: ClosedRange<CalendarDay>,
        async: Bool,
        resume: InsightsChunk?,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let account = context.run.account
        let level = progress.level
        let parameters = self.insightsParameters(level: level, range: range, report: progress.report)
        if resume == nil, let report = progress.report {
            // A report's re-read replaces its rows of the range (buckets or periods Graph no longer returns go too).
            try await self.store.reports.deleteRows(accountID: account.accountID, report: report.name, level: level, days: range)
        }
        var path = "/\(account.id)/insights"
        var reportRunID: String?
        let after = resume?.cursor
        if async {
            do {
                reportRunID = try await self.insightsReportRun(path, range: range, parameters: parameters, resume: resume, progress, context)
            } catch let error as GraphClientError
                where resume?.reportRunID != nil && (Self.asksToSplit(error) || error.graphError?.classification == .invalidRequest)
            {
                // The resumed report run failed, expired or is unknown: read the chunk again from scratch.
                self.logger.notice("stored insights report run unusable; reading the range again", metadata: ["account_id": "\(account.id)"])
                try await self.readInsightsSplitting(range, forceAsync: false, &progress, context)
                return
            }
            path = "/\(reportRunID!)/insights"
        }
        try await self.pageInsights(
            path,
            range: range,
            parameters: async ? GraphParameters() : parameters,
            after: after,
            resumed: resume != nil,
            reportRunID: reportRunID,
            &progress,
            context
        )
    }

    /// The report run an async read pages: the resumed one (polled again first when the process died before its
    /// first page), or a new one, recorded in the checkpoint as soon as Graph returns its id, so a crash while it
    /// runs resumes polling it instead of starting another.
    func insightsReportRun(
        _ path: String,
        range: ClosedRange<CalendarDay>,
        parameters: GraphParameters,
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
            let id = try await context.caller.startReport(path, parameters: parameters)
            try await self.saveChunk(range, reportRunID: id, progress, context)
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
        let state = InsightsStreamState(
            from: progress.from,
            through: progress.through,
            windowSince: progress.window.lowerBound.description,
            windowUntil: progress.window.upperBound.description,
            doneUntil: progress.doneUntil?.description,
            chunkSince: range.lowerBound.description,
            chunkUntil: range.upperBound.description,
            reportRunID: reportRunID
        )
        try await self.store.syncState.save(
            SyncCheckpoint(
                accountID: context.run.account.accountID,
                stream: progress.stream,
                cursor: nil,
                state: try JSONText(encoding: state),
                runID: context.run.runID,
                updatedAt: self.time.now()
            )
        )
    }

    /// Pages one read (a sync request, or a finished report run's results) from `after`; each page commits with the
    /// checkpoint that resumes after it.
    func pageInsights(
        _ path: String,
        range: ClosedRange<CalendarDay>,
        parameters: GraphParameters,
        after start: String?,
        resumed wasResumed: Bool,
        reportRunID: String?,
        _ progress: inout InsightsProgress,
        _ context: StreamContext
    ) async throws {
        let account = context.run.account
        let level = progress.level
        let async = reportRunID != nil
        var after = start
        var resumed = wasResumed
        while true {
            let page: RawPage
            do {
                page = try await context.caller.page(
                    path,
                    parameters: parameters,
                    after: after,
                    limit: self.configuration.insightsPageSize,
                    shrinking: async
                )
            } catch let error as GraphClientError where resumed && !Self.asksToSplit(error) && error.graphError?.classification == .invalidRequest {
                // The stored cursor or report run is gone (runs expire after 30 days): read the chunk again.
                self.logger.notice("stored insights position rejected; reading the range again", metadata: ["account_id": "\(account.id)"])
                resumed = false
                try await self.readInsightsSplitting(range, forceAsync: false, &progress, context)
                return
            }
            resumed = false
            let now = self.time.now()
            var rows: [PerformanceSnapshotRow] = []
            var actions: [PerformanceActionRow] = []
            rows.reserveCapacity(page.items.count)
            for item in page.items {
                guard var row = InsightsMapper.row(item, level: level, account: account, syncedAt: now) else { continue }
                progress.report?.tag(&row, json: item)
                rows.append(row)
                actions += InsightsMapper.actions(item, snapshot: row)
            }
            let done = page.after == nil
            if done { progress.doneUntil = max(progress.doneUntil ?? range.upperBound, range.upperBound) }
            let state = InsightsStreamState(
                from: progress.from,
                through: progress.through,
                windowSince: progress.window.lowerBound.description,
                windowUntil: progress.window.upperBound.description,
                doneUntil: progress.doneUntil?.description,
                chunkSince: done ? nil : range.lowerBound.description,
                chunkUntil: done ? nil : range.upperBound.description,
                reportRunID: done ? nil : reportRunID
            )
            try await self.store.commitPage(
                snapshots: rows,
                actions: actions,
                checkpoint: SyncCheckpoint(
                    accountID: account.accountID,
                    stream: progress.stream,
                    cursor: done ? nil : page.after,
                    state: try JSONText(encoding: state),
                    runID: context.run.runID,
                    updatedAt: now
                )
            )
            progress.rows += rows.count
            context.run.addRows(rows.count, table: PerformanceSnapshotRow.tableName)
            context.run.addRows(actions.count, table: PerformanceActionRow.tableName)
            context.report(.page, stream: progress.stream, rows: progress.rows)
            if done { return }
            after = page.after
            try context.checkStop()
        }
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
        let table: String
        switch level {
        case .account: return 1
        case .campaign: table = CampaignRow.tableName
        case .adset: table = AdSetRow.tableName
        case .ad: table = AdRow.tableName
        }
        return try await self.store.database.withSQL { sql in
            let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                .where("account_id", .equal, SQLBind(accountID)).first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// Where an insights read stands while its window is read.
struct InsightsProgress: Sendable {
    let stream: String
    let level: PerformanceSnapshotRow.Level
    let from: String
    let through: String?
    let window: ClosedRange<CalendarDay>
    let objects: Int
    var doneUntil: CalendarDay?
    var rows = 0
    /// The breakdown report read (nil: the unbroken rows).
    var report: InsightsReport?

    init(stream: String, level: PerformanceSnapshotRow.Level, from: String, through: String?, window: ClosedRange<CalendarDay>, objects: Int) {
        self.stream = stream
        self.level = level
        self.from = from
        self.through = through
        self.window = window
        self.objects = objects
    }
}

/// A chunk to continue after a crash: its range, the `after` cursor and, for an async job, the report run id.
struct InsightsChunk: Sendable {
    let range: ClosedRange<CalendarDay>
    /// The next page's cursor; nil for a report run killed before its first page.
    let cursor: String?
    let reportRunID: String?
}
