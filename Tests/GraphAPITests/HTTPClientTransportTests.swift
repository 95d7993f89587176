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
}
