/// The `sync_state.state` of an entity stream while a read is in progress (cursor set): the filter it was started
/// with and the newest `updated_time` committed so far, so a resumed read asks the same question and the
/// watermark only moves when the whole read is committed.
struct EntityStreamState: Codable, Sendable, Hashable {
    /// `updated_time > since` (unix seconds) of the read; nil for a full read.
    var since: Int64?
    /// The newest `updated_time` (unix seconds) committed by the read so far.
    var pendingMax: Double?
    /// Whether the read is a full one (`--full` or the first read).
    var full: Bool

    enum CodingKeys: String, CodingKey {
        case since
        case pendingMax = "pending_max"
        case full
    }
}
