import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The production ``GraphTransport``: AsyncHTTPClient against the configured base URL.
///
/// It moves bytes only: no retries, no logging (AsyncHTTPClient's own request logger stays disabled because
/// URLs carry the access token), and failures below HTTP are mapped to ``GraphTransportError`` kinds whose
/// details never contain a URL.
///
/// ```swift
/// let transport = HTTPClientTransport(configuration: configuration)   // HTTPClientTransport.defaultClient
/// ```
public struct HTTPClientTransport: GraphTransport {
    /// Scheme, host and optional port, without a trailing slash, e.g. `https://graph.facebook.com`.
    public let baseURL: String
    /// The most body bytes read from one response.
    public let maxResponseBytes: Int
    private let client: HTTPClient

    /// The process-wide client used by default: like `HTTPClient.shared`, but with tracing off (AsyncHTTPClient would
    /// otherwise put the full URL, token and proof included, into span attributes of any bootstrapped tracer) and
    /// redirects refused (a redirect would carry the token to another URL), and a failed connection attempt reported at
    /// once: AsyncHTTPClient would otherwise keep retrying it (about 90 s per call, measured), and with ``GraphClient``'s own
    /// five transport retries a wrong `METASYNC_GRAPH_URL` or an unreachable network held `metasync sync` for 7.5
    /// minutes before it said so. It lives for the whole process.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.tracing.tracer = nil
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// - Parameter client: Pass your own only with tracing disabled (see ``defaultClient``).
    public init(
        baseURL: String = GraphConfiguration.defaultBaseURL,
        client: HTTPClient = HTTPClientTransport.defaultClient,
        maxResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// A transport for the configuration's base URL (`METASYNC_GRAPH_URL`).
    public init(configuration: GraphConfiguration, client: HTTPClient = HTTPClientTransport.defaultClient) {
        self.init(baseURL: configuration.baseURL, client: client)
    }

    public func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let query = GraphFormEncoding.encode(request.query)
        var httpRequest = HTTPClientRequest(url: self.baseURL + request.path + (query.isEmpty ? "" : "?" + query))
        httpRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers { httpRequest.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty { httpRequest.body = .bytes(request.body) }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await self.client.execute(httpRequest, timeout: .nanoseconds(nanoseconds))
            let body = try await response.body.collect(upTo: self.maxResponseBytes)
            return GraphHTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(body.readableBytesView)
            )
        } catch {
            throw Self.map(error)
        }
    }

    /// Maps AsyncHTTPClient / NIO errors to transport error kinds (details carry no URL).
    static func map(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? GraphTransportError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .tlsHandshakeTimeout:
                return GraphTransportError(.timeout, detail: "\(error)")
            case .connectTimeout, .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return GraphTransportError(.connectFailed, detail: "\(error)")
            case .remoteConnectionClosed, .uncleanShutdown:
                return GraphTransportError(.connectionReset, detail: "\(error)")
            case .cancelled:
                return CancellationError()
            default:
                return GraphTransportError(.other, detail: "HTTPClientError")
            }
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNRESET, EPIPE, ECONNABORTED: return GraphTransportError(.connectionReset, detail: "errno \(error.errnoCode)")
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH: return GraphTransportError(.connectFailed, detail: "errno \(error.errnoCode)")
            case ETIMEDOUT: return GraphTransportError(.timeout, detail: "errno \(error.errnoCode)")
            default: return GraphTransportError(.other, detail: "errno \(error.errnoCode)")
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return GraphTransportError(.connectFailed, detail: "connect timeout")
            case .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed, .inputClosed:
                return GraphTransportError(.connectionReset, detail: "channel closed")
            default: return GraphTransportError(.other, detail: "channel error")
            }
        }
        if error is NIOConnectionError { return GraphTransportError(.connectFailed, detail: "connection error") }
        if error is NIOTooManyBytesError { return GraphTransportError(.other, detail: "response too large") }
        return GraphTransportError(.other, detail: String(describing: type(of: error)))
    }
}
