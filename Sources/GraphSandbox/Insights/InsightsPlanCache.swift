import Synchronization

/// Remembers the last few insights plans (which objects yield how many rows), so paging through a large report
/// does not re-plan on every page. Keyed by the query, the world's structural version and the last data day.
final class InsightsPlanCache: Sendable {
    private let plans = Mutex<[String: InsightsEngine.Plan]>([:])
    private static let capacity = 32

    func plan(for query: InsightsQuery, engine: InsightsEngine) -> InsightsEngine.Plan {
        let key = query.planKey(worldVersion: engine.world.version, lastDataDay: engine.lastDataDay(query.accountIndex))
        if let cached = self.plans.withLock({ $0[key] }) { return cached }
        let plan = engine.plan(query)
        self.plans.withLock { plans in
            if plans.count >= Self.capacity { plans.removeAll(keepingCapacity: true) }
            plans[key] = plan
        }
        return plan
    }
}
