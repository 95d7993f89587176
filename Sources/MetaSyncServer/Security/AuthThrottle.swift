import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// The failure limiter as the dashboard login and the API-key check use it: resolves the client address, counts
/// failures and refusals in metrics, and logs them without the presented value.
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `metasync_auth_failures_total` | counter | `surface` (`api`, `dashboard`) |
/// | `metasync_auth_throttled_total` | counter | `surface` |
struct AuthThrottle: Sendable {
    /// Where a credential was presented.
    enum Surface: String, Sendable, CaseIterable {
        case api
        case dashboard
    }

    let limiter: AuthFailureLimiter
    /// Whether the client address is the last `X-Forwarded-For` entry (behind a trusted proxy).
    let trustForwardedFor: Bool
    let now: @Sendable () -> Date
    let logger: Logger
    private let failures: [Surface: Counter]
    private let throttled: [Surface: Counter]

    init(configuration: ServerConfiguration, now: @escaping @Sendable () -> Date, metrics: any MetricsFactory, logger: Logger) {
        let window = configuration.authFailureWindow.components
        self.limiter = AuthFailureLimiter(
            limit: configuration.authFailureLimit,
            window: TimeInterval(window.seconds) + TimeInterval(window.attoseconds) / 1e18
        )
        self.trustForwardedFor = configuration.trustForwardedFor
        self.now = now
        self.logger = logger
        var failures: [Surface: Counter] = [:]
        var throttled: [Surface: Counter] = [:]
        for surface in Surface.allCases {
            failures[surface] = Counter(label: "metasync_auth_failures_total", dimensions: [("surface", surface.rawValue)], factory: metrics)
            throttled[surface] = Counter(label: "metasync_auth_throttled_total", dimensions: [("surface", surface.rawValue)], factory: metrics)
        }
        self.failures = failures
        self.throttled = throttled
    }

    /// The client address: the socket peer, or the last `X-Forwarded-For` entry when trusted.
    func clientAddress(_ request: Request, context: AppRequestContext) -> String {
        if self.trustForwardedFor, let forwarded = request.headers[values: .xForwardedFor].last {
            let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !last.isEmpty, last.utf8.count <= 64 { return last }
        }
        return context.remoteAddress ?? "unknown"
    }

    private func keys(address: String, presented: String?) -> [String] {
        [AuthFailureLimiter.addressKey(address)] + (presented.map { [AuthFailureLimiter.prefixKey($0)] } ?? [])
    }

    /// Seconds the client must wait before trying `presented` (nil: it may try). A refusal is counted and logged.
    func retryAfter(_ request: Request, context: AppRequestContext, presented: String?, surface: Surface) -> Int? {
        let address = self.clientAddress(request, context: context)
        guard let wait = self.limiter.retryAfter(self.keys(address: address, presented: presented), now: self.now()) else { return nil }
        self.throttled[surface]?.increment()
        self.logger.notice(
            "authentication throttled",
            metadata: ["surface": "\(surface.rawValue)", "client": "\(address)", "retry_after_s": "\(wait)"]
        )
        return wait
    }

    /// Records a wrong credential (counted and logged; the presented value is not).
    func recordFailure(_ request: Request, context: AppRequestContext, presented: String?, surface: Surface) {
        let address = self.clientAddress(request, context: context)
        self.limiter.recordFailure(self.keys(address: address, presented: presented), now: self.now())
        self.failures[surface]?.increment()
        self.logger.notice("authentication failed", metadata: ["surface": "\(surface.rawValue)", "client": "\(address)"])
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    static var xForwardedFor: Self { Self("X-Forwarded-For")! }
}
