import Foundation

/// A row of `sync_state`: where a stream of one ad account stands (watermark and paging checkpoint).
///
/// A *stream* is one thing synced per account, e.g. `campaigns`, `adsets`, `ads`, `insights.ad`. Save it in the
/// same transaction as the page it describes (``MetaStore/commitPage(accounts:campaigns:adSets:ads:snapshots:actions:checkpoint:)``),
/// so a crash resumes exactly after the last committed page.
public struct SyncCheckpoint: ColumnTableRow {
    public static var insertOnlyColumns: Set<String> { [] }

    /// The ad account (numeric id, or `act_<n>`: be consistent per caller).
    public var accountID: String
    /// The stream name, e.g. `campaigns`.
    public var stream: String
    /// The highest `updated_time` fully committed (for incremental `filtering`), or nil.
    public var watermark: Date?
    /// The Graph `after` cursor of the last committed page (nil when the stream is complete). Never a `next` URL:
    /// those carry the access token, and saving one is refused.
    public var cursor: String?
    /// Any other state as JSON (e.g. the insights range in progress).
    public var state: JSONText?
    /// The `sync_runs.id` that wrote it.
    public var runID: String?
    /// When it was saved.
    public var updatedAt: Date

    /// A checkpoint.
    public init(
        accountID: String,
        stream: String,
        watermark: Date? = nil,
        cursor: String? = nil,
        state: JSONText? = nil,
        runID: String? = nil,
        updatedAt: Date
    ) {
        self.accountID = accountID
        self.stream = stream
        self.watermark = watermark
        self.cursor = cursor
        self.state = state
        self.runID = runID
        self.updatedAt = updatedAt
    }
}

extension SyncCheckpoint {
    /// The columns of `sync_state`, in table order (how to add one: ``ColumnTable``; not
    /// a Graph object, so the columns' Graph fields go unused).
    public static let table = ColumnTable<SyncCheckpoint>(
        "sync_state",
        key: ["account_id", "stream"],
        blank: SyncCheckpoint(accountID: "", stream: "", updatedAt: .distantPast),
        columns: [
            Column("account_id", \.accountID),
            Column("stream", \.stream),
            Column("watermark", \.watermark),
            Column("cursor", \.cursor),
            Column("state", \.state),
            Column("run_id", \.runID),
            Column("updated_at", \.updatedAt),
        ]
    )
}
