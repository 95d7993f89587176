import Foundation
import GraphAPI
import Logging
import ServiceLifecycle

/// Delivers the sandbox's webhooks like Meta does (reference §9.2–9.3): the verification `GET` of a new subscription,
/// then signed `POST`s of `ad_account` changes; a POST not answered with 200 is retried at once and then with growing
/// delays (Meta keeps trying for 36 hours; the sandbox for ``retryDelays``), then dropped and counted. A verification
/// is retried the same way (Meta verifies once, inside the subscription call), so the receiver may start a little later.
///
/// ```swift
/// let deliverer = SandboxWebhookDeliverer(sandbox: sandbox, logger: logger)   // HTTP through AsyncHTTPClient
/// // run it in the ServiceGroup beside the sandbox's HTTP application
/// ```
public struct SandboxWebhookDeliverer: Service {
    let sandbox: GraphSandbox
    let transport: @Sendable (_ baseURL: String) -> any GraphTransport
    let retryDelays: [Duration]
    let timeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - transport: Makes the transport for a callback's scheme, host and port (default: AsyncHTTPClient).
    ///   - retryDelays: Waits before the second, third, … attempt; the POST is dropped after the last.
    ///   - timeout: How long a callback may take to answer.
    public init(
        sandbox: GraphSandbox,
        transport: @escaping @Sendable (_ baseURL: String) -> any GraphTransport = { HTTPClientTransport(baseURL: $0) },
        retryDelays: [Duration] = [.zero, .seconds(1), .seconds(5), .seconds(30)],
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "metasync.sandbox.webhooks")
    ) {
        self.sandbox = sandbox
        self.transport = transport
        self.retryDelays = retryDelays
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await _ in self.sandbox.webhookWakeups.stream.cancelOnGracefulShutdown() {
                for delivery in self.sandbox.takeWebhookDeliveries() {
                    group.addTask { await self.deliver(delivery) }
                }
            }
            group.cancelAll()
        }
    }

    /// Delivers everything queued now and waits for it (retries included); for tests that drive delivery by hand.
    public func deliverPending() async {
        await withDiscardingTaskGroup { group in
            for delivery in self.sandbox.takeWebhookDeliveries() {
                group.addTask { await self.deliver(delivery) }
            }
        }
    }

    func deliver(_ delivery: SandboxWebhookDelivery) async {
        switch delivery {
        case .verification(let callbackURL, let verifyToken, let challenge):
            guard let (base, path) = Self.split(callbackURL) else {
                self.sandbox.webhookVerified(callbackURL: callbackURL, ok: false)
                return
            }
            let request = SandboxWebhookSender.verificationRequest(path: path, verifyToken: verifyToken, challenge: challenge)
            let ok = await self.attempt(request, base: base, what: "verification") { response in
                response.status == 200 && String(decoding: response.body, as: UTF8.self) == challenge
            }
            self.sandbox.webhookVerified(callbackURL: callbackURL, ok: ok)
            self.logger.info("webhook subscription verification", metadata: ["callback": "\(base)\(path)", "verified": "\(ok)"])
        case .notification(let callbackURL, let accountID, let changes):
            guard let (base, path) = Self.split(callbackURL) else { return }
            let sender = SandboxWebhookSender(appSecret: self.sandbox.configuration.appSecret)
            let body = SandboxWebhookSender.adAccountPayload(accountID: accountID, changes: changes, time: self.sandbox.configuration.now())
            let delivered = await self.attempt(
                sender.request(path: path, body: body, signature: .valid),
                base: base,
                what: "notification",
                counted: true
            ) {
                $0.status == 200
            }
            if delivered {
                self.sandbox.recordWebhookAttempt(delivered: true, givenUp: false)
            }
        }
    }

    /// Sends `request` until `accepted` holds, at most once plus once per ``retryDelays``; `false` when given up.
    /// `counted` attempts go into the sandbox's webhook counters.
    private func attempt(
        _ request: GraphHTTPRequest,
        base: String,
        what: String,
        counted: Bool = false,
        accepted: (GraphHTTPResponse) -> Bool
    ) async -> Bool {
        for (attempt, delay) in ([Duration.zero] + self.retryDelays).enumerated() {
            if delay > .zero {
                do { try await Task.sleep(for: delay) } catch { return false }
            }
            let response = try? await self.transport(base).send(request, timeout: self.timeout)
            if let response, accepted(response) { return true }
            let givenUp = attempt == self.retryDelays.count
            if counted { self.sandbox.recordWebhookAttempt(delivered: false, givenUp: givenUp) }
            self.logger.warning(
                "webhook \(what) failed",
                metadata: [
                    "callback": "\(base)\(request.path)", "attempt": "\(attempt + 1)",
                    "status": "\(response.map { String($0.status) } ?? "unreachable")", "given_up": "\(givenUp)",
                ]
            )
        }
        return false
    }

    /// `http://host:port/path?q` → (`http://host:port`, `/path?q`-less path). Query strings on callbacks are not supported.
    static func split(_ url: String) -> (base: String, path: String)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        let path = components.path.isEmpty ? "/" : components.path
        return ("\(scheme)://\(host)\(port)", path)
    }
}
