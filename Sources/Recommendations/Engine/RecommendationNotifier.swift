import Foundation
import GraphAPI
import MetaStore

/// Posts new high-severity recommendations to a Slack-compatible incoming webhook (`{"text": "…"}`).
///
/// The URL is a secret (Slack's embeds a token): it is never logged and never part of an error. Messages carry titles,
/// object ids and money figures only, never a token.
public struct RecommendationNotifier: Sendable, CustomStringConvertible {
    /// A failed delivery (the description never contains the URL).
    public struct Failed: Error, Sendable, CustomStringConvertible, Equatable {
        public var description: String
    }

    private let path: String
    private let transport: any GraphTransport

    /// A notifier for `url` (http or https); `transport` defaults to an AsyncHTTPClient transport for its host.
    public init(url: String, transport: (any GraphTransport)? = nil) throws(Failed) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), let host = parsed.host else {
            throw Failed(description: "the notification webhook URL must be an http(s) URL such as https://hooks.slack.com/services/…")
        }
        let base = "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
        self.path = String(url.dropFirst(base.count)).isEmpty ? "/" : String(url.dropFirst(base.count))
        self.transport = transport ?? HTTPClientTransport(baseURL: base)
    }

    public var description: String { "RecommendationNotifier(url hidden)" }

    /// The Slack message for an account's new rows, or nil when none of them is high severity.
    public static func message(accountID: String, rows: [RecommendationRow]) -> String? {
        let high = RecommendationEngine.ranked(rows.filter { $0.severity == .high })
        guard !high.isEmpty else { return nil }
        var lines = ["MetaSync: \(high.count) new high-severity recommendation\(high.count == 1 ? "" : "s") for act_\(accountID)"]
        for row in high.prefix(10) {
            let impact = row.estimatedImpact.map { " (≈ \($0.stringValue) \(row.currency ?? "")/day)" } ?? ""
            lines.append("• [\(row.kind)] \(row.title)\(impact) — id \(row.id ?? 0)")
        }
        if high.count > 10 { lines.append("… and \(high.count - 10) more: metasync recommend --account act_\(accountID)") }
        let data = (try? JSONEncoder().encode(["text": lines.joined(separator: "\n")])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Posts the message for `rows` when one is due; returns whether a message was sent.
    @discardableResult
    public func notify(accountID: String, rows: [RecommendationRow]) async throws -> Bool {
        guard let message = Self.message(accountID: accountID, rows: rows) else { return false }
        let request = GraphHTTPRequest(
            method: .post,
            path: self.path,
            query: [],
            headers: [(name: "Content-Type", value: "application/json")],
            body: Array(message.utf8)
        )
        let response: GraphHTTPResponse
        do {
            response = try await self.transport.send(request, timeout: .seconds(10))
        } catch {
            throw Failed(description: "the notification webhook could not be reached (\(type(of: error)))")
        }
        guard (200..<300).contains(response.status) else {
            throw Failed(description: "the notification webhook answered HTTP \(response.status)")
        }
        return true
    }
}
