import MetaStore
import Synchronization

/// The bookkeeping of one account's run, kept across deferrals: its `sync_runs` row, rows and calls so far, and the
/// streams already finished (so a deferred account resumes with the next stream).
final class AccountRun: Sendable {
    private struct State {
        var runID: String?
        var rowsByTable: [String: Int] = [:]
        var finishedStreams: Set<String> = []
        var deferrals = 0
        var startedAt: Duration?
        var leaseHeld = false
        var leaseLost = false
    }

    let connectionID: String
    /// The Meta user charged by the call budget.
    let userID: String
    let account: AdAccountRow
    let provider: ConnectionTokenProvider
    let counter = CallCounter()
    private let state = Mutex(State())

    init(connectionID: String, userID: String, account: AdAccountRow, provider: ConnectionTokenProvider) {
        self.connectionID = connectionID
        self.userID = userID
        self.account = account
        self.provider = provider
    }

    var runID: String? {
        get { self.state.withLock { $0.runID } }
        set { self.state.withLock { $0.runID = newValue } }
    }

    var startedAt: Duration? {
        get { self.state.withLock { $0.startedAt } }
        set { self.state.withLock { $0.startedAt = newValue } }
    }

    func addRows(_ count: Int, table: String) {
        guard count > 0 else { return }
        self.state.withLock { $0.rowsByTable[table, default: 0] += count }
    }

    var rowsByTable: [String: Int] { self.state.withLock { $0.rowsByTable } }

    var totalRows: Int { self.state.withLock { $0.rowsByTable.values.reduce(0, +) } }

    func isFinished(_ stream: String) -> Bool { self.state.withLock { $0.finishedStreams.contains(stream) } }

    func markFinished(_ stream: String) { self.state.withLock { _ = $0.finishedStreams.insert(stream) } }

    /// Counts one more deferral and returns the total.
    func deferOnce() -> Int {
        self.state.withLock { state in
            state.deferrals += 1
            return state.deferrals
        }
    }

    var deferrals: Int { self.state.withLock { $0.deferrals } }

    /// Whether this run holds the account's sync lease (acquired and not yet released).
    var leaseHeld: Bool {
        get { self.state.withLock { $0.leaseHeld } }
        set { self.state.withLock { $0.leaseHeld = newValue } }
    }

    /// Set by the heartbeat when a renewal found the lease taken over: the run stops after its current page.
    var leaseLost: Bool {
        get { self.state.withLock { $0.leaseLost } }
        set { self.state.withLock { $0.leaseLost = newValue } }
    }
}
