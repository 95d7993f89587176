import Dispatch
import Hummingbird
import Metrics

/// Counts requests and records their duration per route template, method and status, into an injected metrics
/// factory (so tests and `/metrics` see the same registry without a global bootstrap).
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `metasync_http_requests_total` | counter | `route`, `method`, `status` |
/// | `metasync_http_request_duration_seconds` | timer | `route`, `method` |
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            self.record(route: context.endpointPath ?? "unmatched", method: method, status: Int(response.status.code), start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.record(route: context.endpointPath ?? "unmatched", method: method, status: Int(status), start: start)
            throw error
        }
    }

    private func record(route: String, method: String, status: Int, start: UInt64) {
        Counter(
            label: "metasync_http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: self.factory
        ).increment()
        Timer(label: "metasync_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: self.factory)
            .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}
