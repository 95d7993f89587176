import GraphAPI
import MetaStore

/// Where an insights read stands while its window is read, and what it learned about the account's size: rows per
/// day of the chunks read so far, the chunk length Graph accepts, whether single days need splitting.
struct InsightsProgress: Sendable {
    let stream: String
    let level: PerformanceSnapshotRow.Level
    let from: String
    let through: String?
    let window: ClosedRange<CalendarDay>
    /// Objects stored at the level (the first chunk's estimate: one row per object and day).
    let objects: Int
    /// The request of a range: what this stream reads (level, fields, filters, and whatever a report adds). Chunks and
    /// the parts of a split day all start from it, so everything about them works for any insights read.
    let parameters: @Sendable (ClosedRange<CalendarDay>) -> GraphParameters
    var doneUntil: CalendarDay?
    var rows = 0
    /// Days of ``window`` committed (for progress and ETA).
    var daysDone = 0
    /// Rows per day of the chunks read so far (nil before the first one).
    var rowsPerDay: Double?
    /// The longest chunk still worth asking for, after Graph refused a longer one.
    var maxChunkDays: Int?
    /// A single day was too large: later days of this window are split at once instead of failing first.
    var splitsDays = false
    /// Stored campaign ids and their ad set ids, loaded once for the splits of this window.
    var splitTree: [(campaign: String, adSets: [String])]?
    /// The breakdown report read (nil: the unbroken rows).
    var report: InsightsReport?

    init(
        stream: String,
        level: PerformanceSnapshotRow.Level,
        from: String,
        through: String?,
        window: ClosedRange<CalendarDay>,
        objects: Int,
        parameters: @escaping @Sendable (ClosedRange<CalendarDay>) -> GraphParameters
    ) {
        self.stream = stream
        self.level = level
        self.from = from
        self.through = through
        self.window = window
        self.objects = objects
        self.parameters = parameters
    }

    /// (done, total) days of the window.
    var days: (done: Int, total: Int) {
        (self.daysDone, self.window.upperBound.daysSince1970 - self.window.lowerBound.daysSince1970 + 1)
    }

    /// Estimated rows of `days` days: the previous chunks' rows per day, or one row per stored object and day.
    func estimatedRows(days: Int) -> Int {
        let perDay = self.rowsPerDay ?? Double(max(self.objects, 1))
        return Int((perDay * Double(days)).rounded(.up))
    }

    /// Days of the next chunk: as many as fit `target` estimated rows (at least one, at most `remaining` and the
    /// length Graph last accepted).
    func chunkDays(target: Int, remaining: Int) -> Int {
        let perDay = max(self.rowsPerDay ?? Double(max(self.objects, 1)), 1)
        var days = max(1, Int(Double(max(target, 1)) / perDay))
        if let maxChunkDays { days = min(days, maxChunkDays) }
        return max(1, min(days, remaining))
    }

    /// Counts a finished chunk; `rows` (nil when unknown, e.g. a resumed chunk) updates the rows-per-day estimate.
    mutating func finishChunk(_ chunk: ClosedRange<CalendarDay>, rows: Int?) {
        let days = chunk.upperBound.daysSince1970 - chunk.lowerBound.daysSince1970 + 1
        self.daysDone = min(self.daysDone + days, self.days.total)
        if let rows { self.rowsPerDay = Double(rows) / Double(days) }
    }

    /// The checkpoint state: the window and what is committed, plus the chunk in progress (nil between chunks).
    func state(chunk: ClosedRange<CalendarDay>?, reportRunID: String?) -> InsightsStreamState {
        InsightsStreamState(
            from: self.from,
            through: self.through,
            windowSince: self.window.lowerBound.description,
            windowUntil: self.window.upperBound.description,
            doneUntil: self.doneUntil?.description,
            chunkSince: chunk?.lowerBound.description,
            chunkUntil: chunk?.upperBound.description,
            reportRunID: reportRunID
        )
    }
}

/// One insights request: its days and its parameters (level, fields, filters, and whatever a report adds).
struct InsightsRead: Sendable {
    let range: ClosedRange<CalendarDay>
    var parameters: GraphParameters
    /// Set for a part of a split day (e.g. `campaigns 1-50`): its pages never mark the day done nor leave a cursor
    /// to resume, so a crash reads the whole day again.
    var part: String?
}

/// A chunk to continue after a crash: its range, the `after` cursor and, for an async job, the report run id.
struct InsightsChunk: Sendable {
    let range: ClosedRange<CalendarDay>
    /// The next page's cursor; nil for a report run killed before its first page.
    let cursor: String?
    let reportRunID: String?
}
