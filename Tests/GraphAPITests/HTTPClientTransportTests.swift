import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import GraphAPI

@Suite struct HTTPClientTransportTests {
    @Test func mapsFailuresBelowHTTPToTransportKinds() {
        func kind(_ error: any Error) -> GraphTransportError.Kind? { (HTTPClientTransport.map(error) as? GraphTransportError)?.kind }
        #expect(kind(HTTPClientError.deadlineExceeded) == .timeout)
        #expect(kind(HTTPClientError.readTimeout) == .timeout)
        #expect(kind(HTTPClientError.connectTimeout) == .connectFailed)
        #expect(kind(HTTPClientError.remoteConnectionClosed) == .connectionReset)
        #expect(kind(IOError(errnoCode: ECONNRESET, reason: "read")) == .connectionReset)
        #expect(kind(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectFailed)
        #expect(kind(ChannelError.ioOnClosedChannel) == .connectionReset)
        #expect(kind(HTTPClientError.invalidURL) == .other)
        #expect(HTTPClientTransport.map(CancellationError()) is CancellationError)
        #expect(HTTPClientTransport.map(HTTPClientError.cancelled) is CancellationError)
    }

    @Test func transportDetailsNeverCarryTheURL() {
        let mapped = HTTPClientTransport.map(HTTPClientError.invalidURL) as? GraphTransportError
        #expect(mapped?.detail.contains("http") == false)
        #expect(HTTPClientTransport(baseURL: "http://127.0.0.1:9/").baseURL == "http://127.0.0.1:9")
        // AsyncHTTPClient would put the full URL (token and proof included) into span attributes of a tracer.
        #expect(HTTPClientTransport.defaultClient.tracer == nil)
    }

    /// A refused connection fails the call at once (GraphClient's retry policy decides what next), instead of
    /// AsyncHTTPClient retrying the connection until the request's deadline.
    @Test func aRefusedConnectionFailsAtOnceNotAtTheDeadline() async throws {
        let transport = HTTPClientTransport(baseURL: "http://127.0.0.1:1")
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await transport.send(GraphHTTPRequest(method: .get, path: "/v25.0/me"), timeout: .seconds(240))
            Issue.record("expected the connection to port 1 to be refused")
        } catch let error as GraphTransportError {
            #expect(error.kind == .connectFailed)
            #expect("\(error)".contains("METASYNC_GRAPH_URL") && !"\(error)".contains("127.0.0.1"))
        }
        // Before: the whole 240 s deadline. The margin is for a loaded machine running tests in parallel.
        #expect(clock.now - started < .seconds(120))
    }
}
