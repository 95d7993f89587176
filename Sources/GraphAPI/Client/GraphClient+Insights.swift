import Foundation
import Logging

extension GraphClient {
    /// Starts an async insights report job: `POST <path>` (e.g. `/act_1/insights`) with the same parameters as a GET.
    /// - Returns: The `report_run_id` (Graph may send it as a number; it is returned as a string).
    public func startInsightsReport(_ path: String, parameters: GraphParameters, context: GraphCallContext) async throws -> String {
        let json = try await self.post(path, parameters: parameters, context: context)
        guard let id = json["report_run_id"]?.stringValue, !id.isEmpty else {
            throw GraphClientError.invalidResponse(endpoint: GraphEndpointTemplate.template(for: path), reason: "no report_run_id")
        }
        return id
    }

    /// Reads the state of a report job (`GET /<report_run_id>`).
    public func insightsReportStatus(_ reportRunID: String, context: GraphCallContext) async throws -> InsightsReportStatus {
        var context = context
        context.useCase = GraphUseCase.adsInsights
        let json = try await self.getJSON("/\(reportRunID)", context: context)
        return InsightsReportStatus(json: json, fallbackID: reportRunID)
    }

    /// Polls a report job with growing intervals until it completes.
    /// - Throws: ``GraphClientError/insightsJobFailed(_:)``, ``GraphClientError/insightsJobSkipped(_:)``,
    ///   ``GraphClientError/insightsJobTimedOut(reportRunID:waited:)`` (after ``GraphConfiguration/InsightsJobs/timeout``).
    public func waitForInsightsReport(_ reportRunID: String, context: GraphCallContext) async throws -> InsightsReportStatus {
        let settings = self.configuration.insightsJobs
        var interval = settings.initialPollInterval
        var waited: Duration = .zero
        var metadata: Logger.Metadata = ["endpoint": "/{id}", "report_run_id": "\(reportRunID)"]
        if let account = context.adAccountID { metadata["account_id"] = "\(account)" }
        while true {
            let status = try await self.insightsReportStatus(reportRunID, context: context)
            metadata["async_status"] = "\(status.asyncStatus)"
            metadata["percent"] = "\(status.percentCompletion)"
            switch status.state {
            case .completed where status.isComplete:
                self.logger.debug("insights report completed", metadata: metadata)
                return status
            case .failed:
                self.logger.warning(
                    "insights report failed",
                    metadata: metadata.merging(["code": "\(status.errorCode.map(String.init) ?? "none")"]) { $1 }
                )
                throw GraphClientError.insightsJobFailed(status)
            case .skipped:
                self.logger.warning("insights report skipped", metadata: metadata)
                throw GraphClientError.insightsJobSkipped(status)
            default:
                break
            }
            guard waited < settings.timeout else {
                self.logger.warning("insights report timed out", metadata: metadata)
                throw GraphClientError.insightsJobTimedOut(reportRunID: reportRunID, waited: waited)
            }
            let pause = Swift.min(interval, settings.timeout - waited)
            try await self.time.sleep(pause)
            waited += pause
            interval = Swift.min(settings.maxPollInterval, interval * settings.pollGrowthFactor)
        }
    }

    /// Runs an async insights report end to end: start, poll, then page the results (`GET /<id>/insights`).
    ///
    /// ```swift
    /// let rows = try await client.runInsightsReport(
    ///     "/act_1/insights", as: InsightsRow.self,
    ///     parameters: GraphParameters().timeRange(GraphTimeRange(since: "2026-01-01", until: "2026-03-31"))
    ///         .setting("level", "ad").setting("time_increment", "1"),
    ///     context: context
    /// )
    /// for try await page in rows { … }
    /// ```
    public func runInsightsReport<Item: Decodable & Sendable>(
        _ path: String,
        as type: Item.Type = Item.self,
        parameters: GraphParameters,
        pageSize: Int? = nil,
        context: GraphCallContext
    ) async throws -> GraphPageSequence<Item> {
        let id = try await self.startInsightsReport(path, parameters: parameters, context: context)
        _ = try await self.waitForInsightsReport(id, context: context)
        return self.pages("/\(id)/insights", as: type, pageSize: pageSize, context: context)
    }
}
