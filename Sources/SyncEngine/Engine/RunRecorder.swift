import Foundation
import GraphAPI
import Logging
import MetaStore

/// Run recording, the collaborator ``SyncEngine`` delegates it to: each account run is one `sync_runs` row, started
/// when the run takes its account and finished with its outcome, rows per table and calls; and the run's entry in the
/// ``SyncReport``. It writes only `sync_runs`.
struct RunRecorder: Sendable {
    let store: MetaStore
    /// Wall-clock time of the starts and ends.
    let now: @Sendable () -> Date
    let logger: Logger

    /// Records the start of an account's run (outcome `running`) and keeps its id in the run.
    func start(_ run: AccountRun, kind: String) async throws {
        run.runID = try await self.store.syncRuns.start(
            kind: kind,
            connectionID: run.connectionID,
            accountID: run.account.id,
            at: self.now()
        ).id
    }

    /// Records the end of an account's run in `sync_runs` (a run never started is not recorded; a failed write is
    /// logged, not thrown: the run's outcome stands). A cancelled run is recorded too (``Uncancelled``).
    func record(_ run: AccountRun, outcome: SyncRunRow.Outcome, error: String?) async {
        let runID = run.runID ?? ""
        if !runID.isEmpty {
            let (store, rows, calls, at) = (self.store, run.rowsByTable, run.counter.value, self.now())
            do {
                try await Uncancelled.run {
                    try await store.syncRuns.finish(id: runID, outcome: outcome, rowsByTable: rows, callsUsed: calls, error: error, at: at)
                }
            } catch {
                self.logger.error("sync run could not be recorded", metadata: ["run_id": "\(runID)", "error": "\(MetaDatabase.describe(error))"])
            }
        }
    }

    /// Logs the end of an account's run and returns its report entry.
    func entry(_ run: AccountRun, outcome: SyncRunRow.Outcome, error: String?, elapsed: Duration) -> SyncReport.Account {
        let runID = run.runID ?? ""
        self.logger.info(
            "meta account synced",
            metadata: [
                "account_id": "\(run.account.id)", "run_id": "\(runID)", "outcome": "\(outcome.rawValue)", "calls": "\(run.counter.value)",
                "rows": "\(run.totalRows)", "elapsed_seconds": "\(elapsed.seconds)",
            ]
        )
        return SyncReport.Account(
            runID: runID,
            connectionID: run.connectionID,
            accountID: run.account.id,
            name: run.account.name,
            outcome: outcome,
            rowsByTable: run.rowsByTable,
            callsUsed: run.counter.value,
            error: error,
            deferrals: run.deferrals,
            elapsed: elapsed
        )
    }
}
