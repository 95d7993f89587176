/// The `sync_state.state` of an insights stream (`insights.<level>`).
///
/// `from` is the first day ever read, `through` the last day fully read (the lookback starts from it). While a window is being read, `window_*`,
/// `done_until` (the last day of the window already committed) and the chunk in progress (its range, and its
/// async report run id) are kept too, with the chunk's `after` cursor in `sync_state.cursor`, so a crash resumes
/// with the next page of the same request.
struct InsightsStreamState: Codable, Sendable, Hashable {
    /// The first day ever read: the lookback never reaches before the history the user asked for.
    var from: String?
    var through: String?
    var windowSince: String?
    var windowUntil: String?
    var doneUntil: String?
    var chunkSince: String?
    var chunkUntil: String?
    var reportRunID: String?

    enum CodingKeys: String, CodingKey {
        case from, through
        case windowSince = "window_since"
        case windowUntil = "window_until"
        case doneUntil = "done_until"
        case chunkSince = "chunk_since"
        case chunkUntil = "chunk_until"
        case reportRunID = "report_run_id"
    }
}
