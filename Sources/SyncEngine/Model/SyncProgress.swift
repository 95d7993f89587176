/// One progress event of a sync, for the CLI's live display (or logs when not on a terminal).
///
/// ```swift
/// let report = try await engine.sync(request) { event in
///     display.update(account: event.accountID, stream: event.stream, rows: event.rows, calls: event.calls)
/// }
/// ```
public struct SyncProgress: Sendable, Hashable {
    /// What happened.
    public enum Phase: String, Sendable, Hashable {
        /// A stream of an account started.
        case started
        /// A page was committed.
        case page
        /// A stream finished.
        case finished
        /// The account was paused by Meta (or its budget) and put back in the queue.
        case deferred
        /// The account's run failed (see ``message``).
        case failed
    }

    public var phase: Phase
    /// Graph id `act_<n>`.
    public var accountID: String
    /// `campaigns`, `adsets`, `ads`, `insights.<level>`, or `account` for account-wide events.
    public var stream: String
    /// Rows committed so far in this stream.
    public var rows: Int
    /// Graph calls the account has used so far.
    public var calls: Int
    /// Time since the account started.
    public var elapsed: Duration
    /// Error text for `failed`, the pause for `deferred`.
    public var message: String?
    /// Insights streams: days of the stream's window committed so far and in all (`range done / total`; with
    /// ``elapsed`` an ETA). Nil for entity streams and account events.
    public var daysDone: Int?
    public var daysTotal: Int?

    public init(phase: Phase, accountID: String, stream: String, rows: Int, calls: Int, elapsed: Duration, message: String? = nil) {
        self.phase = phase
        self.accountID = accountID
        self.stream = stream
        self.rows = rows
        self.calls = calls
        self.elapsed = elapsed
        self.message = message
    }
}

/// Receives ``SyncProgress`` events; called from the sync's tasks, so it must be cheap and thread-safe.
public typealias SyncProgressHandler = @Sendable (SyncProgress) -> Void
