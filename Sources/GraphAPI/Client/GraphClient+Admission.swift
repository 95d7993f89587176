import Foundation
import Logging

extension GraphClient {
    /// What the call cap charged for one attempt, so a refused attempt can be given back.
    struct Charge: Sendable {
        var userID: String
        var cost: Int
        var at: Date
    }

    /// Waits (or fails fast) until the usage governor and the call cap let the call go; returns what the cap charged.
    @discardableResult
    func admit(_ call: GraphCall, context: GraphCallContext, endpoint: String, metadata: Logger.Metadata) async throws -> Charge? {
        let waited = try await self.awaitGovernor(call, context: context, metadata: metadata)
        return try await self.charge(call, context: context, waited: waited, metadata: metadata)
    }

    /// Usage governor: a paused account waits (or fails fast); a busy one slows down once. Returns the time waited
    /// for pauses.
    private func awaitGovernor(_ call: GraphCall, context: GraphCallContext, metadata: Logger.Metadata) async throws -> Duration {
        var waited: Duration = .zero
        let limit = self.configuration.limits.maxAdmissionWait
        while true {
            let admission = self.governor.admission(
                accountID: context.adAccountID,
                businessID: context.businessID,
                useCase: call.useCase(context),
                userID: context.userID,
                now: self.time.now()
            )
            switch admission {
            case .proceed:
                return waited
            case .slowDown(let delay):
                self.logger.debug(
                    "graph usage above threshold; slowing down",
                    metadata: metadata.merging(["wait_seconds": "\(delay.seconds)"]) { $1 }
                )
                try await self.time.sleep(delay)
                self.metrics.waited(reason: "slow_down", duration: delay)
                return waited
            case .paused(let until):
                let remaining = Duration.fromSeconds(until.timeIntervalSince(self.time.now()))
                let account = context.adAccountID ?? context.businessID ?? "unknown"
                if context.waitPolicy == .failFast || waited + remaining > limit {
                    self.logger.notice(
                        "graph account paused; failing fast",
                        metadata: metadata.merging(["wait_seconds": "\(remaining.seconds)"]) { $1 }
                    )
                    throw GraphClientError.accountPaused(accountID: account, retryAfter: remaining)
                }
                self.logger.notice("graph account paused; waiting", metadata: metadata.merging(["wait_seconds": "\(remaining.seconds)"]) { $1 })
                try await self.time.sleep(remaining)
                waited += remaining
                self.metrics.waited(reason: "paused", duration: remaining)
            }
        }
    }

    /// Call budget: charges the user, waiting for the rolling window when it is full (within what is left of the
    /// admission wait after `waited`); nil without a cap or a user.
    private func charge(_ call: GraphCall, context: GraphCallContext, waited: Duration, metadata: Logger.Metadata) async throws -> Charge? {
        var waited = waited
        let limit = self.configuration.limits.maxAdmissionWait
        guard let budget = self.budget, let userID = context.userID else { return nil }
        while true {
            let now = self.time.now()
            switch try await budget.acquire(userID: userID, cost: call.cost, now: now) {
            case .granted(let usage):
                self.metrics.budgetUsage(usage)
                let threshold = Int((Double(usage.limit) * self.configuration.limits.budgetWarningFraction).rounded(.up))
                if usage.used >= threshold, usage.used - call.cost < threshold {
                    self.metrics.budgetWarning()
                    self.logger.warning(
                        "graph call budget above warning threshold",
                        metadata: metadata.merging(["user_id": "\(userID)", "used": "\(usage.used)", "limit": "\(usage.limit)"]) { $1 }
                    )
                }
                return Charge(userID: userID, cost: call.cost, at: now)
            case .exhausted(let retryAt, let usage):
                let remaining = Duration.fromSeconds(retryAt.timeIntervalSince(self.time.now()))
                var budgetMetadata = metadata
                budgetMetadata["user_id"] = "\(userID)"
                budgetMetadata["used"] = "\(usage.used)"
                budgetMetadata["limit"] = "\(usage.limit)"
                budgetMetadata["wait_seconds"] = "\(remaining.seconds)"
                if context.waitPolicy == .failFast || waited + remaining > limit {
                    self.logger.warning("graph call budget exhausted; failing fast", metadata: budgetMetadata)
                    throw GraphClientError.budgetExhausted(userID: userID, retryAfter: remaining)
                }
                self.logger.warning("graph call budget exhausted; waiting for the window", metadata: budgetMetadata)
                try await self.time.sleep(remaining)
                waited += remaining
                self.metrics.waited(reason: "budget", duration: remaining)
            }
        }
    }

    /// Gives a refused attempt's charge back to the cap (best effort: a failed refund leaves it charged).
    func refund(_ charge: Charge?) async {
        guard let charge, let budget = self.budget else { return }
        do {
            try await budget.refund(userID: charge.userID, cost: charge.cost, chargedAt: charge.at)
        } catch {
            self.logger.debug("call cap refund failed", metadata: ["user_id": "\(charge.userID)"])
        }
    }
}
