import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// The moment up to which a scheduled sync counts an account as due: a loop that wakes a moment before an
    /// account's due time (clock jitter, the time its own release took) still takes it, instead of leaving it for a
    /// whole extra interval. 5 % of the interval, at most 30 s.
    func dueBy(now: Date, interval: Duration) -> Date {
        now.addingTimeInterval(min(interval.seconds * 0.05, 30))
    }

    /// Takes the account's lease before its run starts; nil when taken, the skip entry when it is leased elsewhere or
    /// (scheduled syncs) not due.
    func acquireLease(_ run: AccountRun, request: SyncRequest) async throws -> SyncReport.Skipped? {
        guard self.configuration.usesLeases, !run.leaseHeld else { return nil }
        let now = self.time.now()
        var result = try await self.store.syncLeases.acquire(
            accountID: run.account.id,
            holder: self.configuration.leaseHolder,
            ttl: self.configuration.leaseTTL,
            dueBy: request.scheduleInterval.map { self.dueBy(now: now, interval: $0) },
            now: now
        )
        result = try await self.takeOverIfHolderIsGone(result, run: run, now: now)
        switch result {
        case .acquired:
            run.leaseHeld = true
            try await self.closeAbandonedRuns(of: run, now: now)
            return nil
        case .held(let lease):
            // The holder may be this very process (its scheduled loop while a triggered sync or a refresh runs).
            let ours = lease.holder == self.configuration.leaseHolder
            self.logger.info(
                ours ? "meta account skipped: this process is already syncing it" : "meta account skipped: leased by another process",
                metadata: ["account_id": "\(run.account.id)", "holder": "\(lease.holder ?? "-")", "lease_expires_at": "\(lease.expiresAt)"]
            )
            return SyncReport.Skipped(
                connectionID: run.connectionID,
                accountID: run.account.id,
                name: run.account.name,
                reason: .leased,
                holder: lease.holder,
                until: lease.expiresAt
            )
        case .notDue(let lease):
            let due = lease.dueAt.map { "\($0)" } ?? "-"
            self.logger.debug("meta account not due", metadata: ["account_id": "\(run.account.id)", "due_at": "\(due)"])
            return SyncReport.Skipped(
                connectionID: run.connectionID,
                accountID: run.account.id,
                name: run.account.name,
                reason: .notDue,
                holder: nil,
                until: lease.dueAt
            )
        }
    }

    /// A lease held by a process of this host that no longer runs (kill -9, OOM, a restarted container) is taken
    /// over at once instead of waiting out its TTL; any other result is returned as it is.
    func takeOverIfHolderIsGone(_ result: SyncLeaseAcquisition, run: AccountRun, now: Date) async throws -> SyncLeaseAcquisition {
        var result = result
        if case .held(let lease) = result, let dead = lease.holder, dead != self.configuration.leaseHolder,
            self.configuration.leaseHolderIsGone(dead)
        {
            // Killed on this host (kill -9, OOM, a restarted container): no need to wait out its lease.
            result = try await self.store.syncLeases.takeOver(
                accountID: run.account.id,
                from: dead,
                holder: self.configuration.leaseHolder,
                ttl: self.configuration.leaseTTL,
                now: now
            )
            if result.isAcquired {
                self.logger.notice(
                    "sync lease taken over from a process of this host that no longer runs",
                    metadata: ["account_id": "\(run.account.id)", "dead_holder": "\(dead)"]
                )
            }
        }
        return result
    }

    /// Closes the runs of the account still `running` when its lease was acquired: a process died holding them.
    func closeAbandonedRuns(of run: AccountRun, now: Date) async throws {
        // A run still `running` now was left by a process that died holding the lease before: close it.
        let abandoned = try await self.store.syncRuns.abandonRunning(
            accountID: run.account.id,
            error: "abandoned: the process running it stopped before it finished; another process took the account over",
            at: now
        )
        if abandoned > 0 {
            self.logger.warning(
                "meta account taken over from a process that stopped mid-sync",
                metadata: ["account_id": "\(run.account.id)", "abandoned_runs": "\(abandoned)"]
            )
        }
    }

    /// Releases the account's lease at the end of its run, cancelled or not; a scheduled run that was not cancelled
    /// sets the next due time (its end plus the interval), a cancelled one leaves the account due so another process
    /// takes it at once.
    func releaseLease(_ run: AccountRun, request: SyncRequest, outcome: SyncRunRow.Outcome) async {
        guard run.leaseHeld else { return }
        run.leaseHeld = false
        let now = self.time.now()
        let nextDue = outcome == .cancelled ? nil : request.scheduleInterval.map { now.addingTimeInterval($0.seconds) }
        let (store, accountID, holder) = (self.store, run.account.id, self.configuration.leaseHolder)
        do {
            // Also when the run was cancelled (``Uncancelled``): else the lease stays held until its TTL.
            let released = try await Uncancelled.run {
                try await store.syncLeases.release(accountID: accountID, holder: holder, outcome: outcome.rawValue, nextDueAt: nextDue, now: now)
            }
            if !released {
                self.logger.warning("sync lease was no longer held at release", metadata: ["account_id": "\(run.account.id)"])
            }
        } catch {
            // The lease expires by itself after the TTL.
            self.logger.error(
                "sync lease could not be released",
                metadata: ["account_id": "\(run.account.id)", "error": "\(MetaDatabase.describe(error))"]
            )
        }
    }

    /// Renews every lease the runs hold, every ``SyncConfiguration/leaseHeartbeat`` on the lease clock, until
    /// cancelled. A renewal that finds the lease taken over marks the run, which then stops after its current page.
    func heartbeat(_ runs: [AccountRun]) async {
        guard self.configuration.usesLeases, !runs.isEmpty else { return }
        while !Task.isCancelled {
            do {
                try await self.leaseSleep(self.configuration.leaseHeartbeat)
            } catch {
                return
            }
            if Task.isCancelled { return }
            for run in runs where run.leaseHeld && !run.leaseLost {
                do {
                    let renewed = try await self.store.syncLeases.renew(
                        accountID: run.account.id,
                        holder: self.configuration.leaseHolder,
                        ttl: self.configuration.leaseTTL,
                        now: self.time.now()
                    )
                    if !renewed, run.leaseHeld {
                        run.leaseLost = true
                        self.logger.error("sync lease lost to another process; stopping the account", metadata: ["account_id": "\(run.account.id)"])
                    }
                } catch {
                    self.logger.warning(
                        "sync lease heartbeat failed",
                        metadata: ["account_id": "\(run.account.id)", "error": "\(MetaDatabase.describe(error))"]
                    )
                }
            }
        }
    }

    /// Runs `body` while heartbeating the leases `runs` hold (``heartbeat(_:)``, cancelled when `body` returns).
    func heartbeating<T: Sendable>(_ runs: [AccountRun], _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { heartbeat in
            heartbeat.addTask { await self.heartbeat(runs) }
            defer { heartbeat.cancelAll() }
            return try await body()
        }
    }
}
