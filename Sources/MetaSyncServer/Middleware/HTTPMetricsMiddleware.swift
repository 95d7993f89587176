import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and records their duration per route template, method and status, into an injected metrics
/// factory (so tests and `/metrics` see the same registry without a global bootstrap).
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `metasync_http_requests_total` | counter | `route`, `method`, `status` |
/// | `metasync_http_request_duration_seconds` | timer | `route`, `method` |
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory
    /// The metrics made so far, by labels: made once per label set, not per request (the label sets are bounded: route
    /// templates, methods, statuses).
    private let made = MadeMetrics()

    /// A shared, locked cache (a class: the middleware is a copyable struct).
    final class MadeMetrics: Sendable {
        let state = Mutex<(counters: [String: Counter], timers: [String: Timer])>(([:], [:]))
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

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
        let timerKey = route + " " + method
        let counterKey = timerKey + " " + String(status)
        let (counter, timer) = self.made.state.withLock { made -> (Counter, Timer) in
            let counter =
                made.counters[counterKey]
                ?? Counter(
                    label: "metasync_http_requests_total",
                    dimensions: [("route", route), ("method", method), ("status", String(status))],
                    factory: self.factory
                )
            let timer =
                made.timers[timerKey]
                ?? Timer(label: "metasync_http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: self.factory)
            made.counters[counterKey] = counter
            made.timers[timerKey] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}
