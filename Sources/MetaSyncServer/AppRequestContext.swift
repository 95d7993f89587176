import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of every MetaSync route: Hummingbird's core context, ISO 8601 dates in JSON.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage

    /// The peer's IP address (nil when not on a socket, e.g. in router tests); the failure limiter keys on it.
    public let remoteAddress: String?

    /// A context for one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies larger than this are refused with 413 (the webhook route applies its own, configured limit).
    public var maxUploadSize: Int { 1 << 20 }

    /// JSON responses: ISO 8601 dates, sorted keys.
    public var responseEncoder: JSONEncoder { Self.encoder }

    /// JSON requests: ISO 8601 dates.
    public var requestDecoder: JSONDecoder { Self.decoder }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
