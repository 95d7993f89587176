import MetaStore

extension SyncEngine {
    /// Reads one insights level of an account (or a breakdown report's stream): see
    /// ``InsightsReader/syncInsights(level:report:_:)``.
    func syncInsights(level: PerformanceSnapshotRow.Level, report: InsightsReport? = nil, _ context: StreamContext) async throws {
        try await self.insights.syncInsights(level: level, report: report, context)
    }
}
