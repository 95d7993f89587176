/// Removes secrets from anything that may be logged, counted or thrown.
///
/// Query parameters named in ``secretParameterNames`` are replaced by `[REDACTED]`; free text (Graph messages,
/// URLs such as `paging.next`) is scanned for `name=value` pairs of those names and for the literal secrets of
/// the current call.
public struct GraphRedactor: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Parameter names whose values are never shown.
    public static let secretParameterNames: Set<String> = [
        "access_token", "appsecret_proof", "client_secret", "fb_exchange_token", "input_token", "code", "refresh_token",
    ]

    /// The replacement text.
    public static let mask = "[REDACTED]"

    /// Literal secret values (tokens, proofs) to scrub from free text.
    public var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// Never shows the secrets it holds.
    public var description: String { "GraphRedactor(\(self.secrets.count) secrets)" }
    public var debugDescription: String { self.description }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// The query items with secret values masked.
    public static func redact(_ items: [GraphQueryItem]) -> [GraphQueryItem] {
        items.map { secretParameterNames.contains($0.name) ? GraphQueryItem(name: $0.name, value: mask) : $0 }
    }

    /// `path?query` for logs, with secret values masked.
    public static func describe(path: String, query: [GraphQueryItem]) -> String {
        let visible = redact(query).map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        return visible.isEmpty ? path : path + "?" + visible
    }

    /// Free text with every literal secret and every `secret_name=value` pair masked.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in self.secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return Self.scrubParameters(result)
    }

    /// Masks `name=value` pairs of secret parameter names in text such as URLs (value ends at `&`, whitespace, quote).
    public static func scrubParameters(_ text: String) -> String {
        guard secretParameterNames.contains(where: { text.contains($0 + "=") }) else { return text }
        var output = ""
        var remaining = Substring(text)
        while !remaining.isEmpty {
            var matched = false
            for name in secretParameterNames {
                let marker = name + "="
                guard remaining.hasPrefix(marker) else { continue }
                let boundaryOK = output.last.map { !($0.isLetter || $0.isNumber || $0 == "_") } ?? true
                guard boundaryOK else { continue }
                output += marker + mask
                remaining = remaining.dropFirst(marker.count).drop { !"&# \t\n\"'<>,;)".contains($0) }
                matched = true
                break
            }
            if !matched {
                output.append(remaining.removeFirst())
            }
        }
        return output
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var remaining = Substring(self)
        while let range = remaining.firstRange(of: target) {
            output += remaining[..<range.lowerBound]
            output += replacement
            remaining = remaining[range.upperBound...]
        }
        output += remaining
        return output
    }
}
