/// A secret (access token, app secret) whose description never shows the value.
///
/// Interpolating a `GraphSecret` into a log line or error prints `[REDACTED]`; only ``reveal()`` gives the text,
/// and only request signing and the transport call it.
public struct GraphSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The secret text. Never log it.
    public func reveal() -> String { self.value }

    public var description: String { "[REDACTED]" }
    public var debugDescription: String { "[REDACTED]" }
    /// Hides the value from `dump` and reflection.
    public var customMirror: Mirror { Mirror(self, children: []) }
}
