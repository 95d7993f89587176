import Synchronization

/// Asks a running sync to stop after the page it is writing: the page and its checkpoint commit, then every
/// account returns with outcome `cancelled` (the next run resumes from the checkpoints).
///
/// ``SyncLoopService`` raises it on graceful shutdown (SIGTERM/SIGINT), so a stop never loses or half-writes a page.
/// Cancelling the task instead also stops, but abandons the in-flight call (nothing half-written either).
public final class SyncStopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Requests the stop.
    public func stop() { self.raised.store(true, ordering: .relaxed) }

    /// Whether a stop was requested.
    public var isStopRequested: Bool { self.raised.load(ordering: .relaxed) }
}
