import Synchronization

/// Counts the Graph calls of one account run or connection (a retried call counts once, each batch operation and
/// each id of a multi-id read counts one, as Meta counts them).
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)

    init() {}

    func add(_ calls: Int = 1) { self.count.add(calls, ordering: .relaxed) }

    var value: Int { self.count.load(ordering: .relaxed) }
}
