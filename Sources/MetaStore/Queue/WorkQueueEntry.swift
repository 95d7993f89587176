import Foundation

/// One item to add with ``WorkQueue/enqueue(queue:items:now:)``.
public struct WorkQueueEntry: Sendable, Equatable {
    /// The dedupe key, unique within the queue (an item with a key already present, in any state, is skipped).
    public var dedupeKey: String
    /// What to do, as JSON.
    public var payload: JSONText
    /// Earliest time the item may be claimed (nil: at once).
    public var availableAt: Date?

    /// An item to enqueue.
    public init(dedupeKey: String, payload: JSONText, availableAt: Date? = nil) {
        self.dedupeKey = dedupeKey
        self.payload = payload
        self.availableAt = availableAt
    }
}
