import GraphAPI

/// A ``GraphTransport`` that answers from a ``GraphSandbox`` in-process — no sockets.
///
/// Latency (configured, jittered or injected) is slept on the injected clock, outside any lock, so tests pass a
/// test clock and never sleep for real. A dropped connection throws `GraphTransportError(.connectionReset)`; a
/// latency longer than the request's timeout throws `GraphTransportError(.timeout)` after sleeping the timeout.
public struct SandboxTransport: GraphTransport {
    /// The simulator behind this transport.
    public let sandbox: GraphSandbox
    private let clock: any Clock<Duration>

    /// Creates a transport over `sandbox`, sleeping latency on `clock`.
    public init(sandbox: GraphSandbox, clock: any Clock<Duration> = ContinuousClock()) {
        self.sandbox = sandbox
        self.clock = clock
    }

    public func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let exchange = self.sandbox.exchange(request)
        if exchange.latency > .zero {
            if exchange.latency > timeout {
                try await Self.sleep(self.clock, for: timeout)
                throw GraphTransportError(.timeout, detail: "the sandbox did not answer within the timeout")
            }
            try await Self.sleep(self.clock, for: exchange.latency)
        }
        switch exchange.reply {
        case .response(let response):
            return response
        case .dropConnection:
            throw GraphTransportError(.connectionReset, detail: "the sandbox dropped the connection")
        }
    }

    private static func sleep<C: Clock<Duration>>(_ clock: C, for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }
}
