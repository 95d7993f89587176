import MetaStore

/// Everything a stream of one account needs while it runs.
struct StreamContext: Sendable {
    let run: AccountRun
    let caller: GraphCaller
    let request: SyncRequest
    let progress: SyncProgressHandler?
    let stop: SyncStopSignal?
    let elapsed: @Sendable () -> Duration

    /// Throws ``StopRequested`` (or `CancellationError`) between pages when asked to stop, ``LeaseLost`` when the
    /// account's lease was taken over.
    func checkStop() throws {
        if self.stop?.isStopRequested == true { throw StopRequested() }
        if self.run.leaseLost { throw LeaseLost(accountID: self.run.account.id) }
        try Task.checkCancellation()
    }

    /// Reports a stream event; `days` (done, total) for insights windows.
    func report(_ phase: SyncProgress.Phase, stream: String, rows: Int, days: (done: Int, total: Int)? = nil) {
        guard let handler = self.progress else { return }
        var event = SyncProgress(
            phase: phase,
            accountID: self.run.account.id,
            stream: stream,
            rows: rows,
            calls: self.run.counter.value,
            elapsed: self.elapsed()
        )
        event.daysDone = days?.done
        event.daysTotal = days?.total
        handler(event)
    }
}
