/// Turns a Graph path into a low-cardinality endpoint template for metrics and logs.
///
/// The version segment is dropped and id-like segments are replaced:
/// `/v25.0/act_123/campaigns` → `/act_{id}/campaigns`, `/120200000000001/insights` → `/{id}/insights`.
public enum GraphEndpointTemplate {
    /// The template of a path (query strings are ignored).
    public static func template(for path: String) -> String {
        let pathOnly = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        var segments = pathOnly.split(separator: "/").map(String.init)
        if let first = segments.first, isVersion(first) { segments.removeFirst() }
        if segments.isEmpty { return "/" }
        return "/" + segments.map(templateSegment).joined(separator: "/")
    }

    static func isVersion(_ segment: String) -> Bool {
        guard segment.hasPrefix("v"), segment.count > 1 else { return false }
        return segment.dropFirst().allSatisfy { $0.isNumber || $0 == "." }
    }

    static func templateSegment(_ segment: String) -> String {
        if segment.hasPrefix("act_") { return "act_{id}" }
        if segment.allSatisfy({ $0.isNumber }) { return "{id}" }
        if segment.contains("_"), segment.split(separator: "_").allSatisfy({ $0.allSatisfy(\.isNumber) }) { return "{id}" }
        if segment.count > 40 { return "{token}" }
        return segment
    }
}
