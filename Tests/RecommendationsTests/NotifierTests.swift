import Foundation
import GraphAPI
import MetaStore
import Recommendations
import Synchronization
import Testing

/// Records what the notifier sends instead of calling the network.
final class CapturingTransport: GraphTransport {
    private let state = Mutex<[GraphHTTPRequest]>([])
    let status: Int

    init(status: Int = 200) { self.status = status }

    var requests: [GraphHTTPRequest] { self.state.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        self.state.withLock { $0.append(request) }
        return GraphHTTPResponse(status: self.status, body: Array("ok".utf8))
    }
}

@Suite struct NotifierTests {
    static func row(_ severity: RecommendationRow.Severity, _ title: String, impact: String? = "12.5") -> RecommendationRow {
        RecommendationRow(
            id: 3,
            accountID: "42",
            level: .ad,
            objectID: "ad1",
            kind: "creative_fatigue",
            severity: severity,
            title: title,
            evidence: JSONText(rawValue: "{}"),
            action: JSONText(rawValue: "{}"),
            estimatedImpact: impact.flatMap(ExactDecimal.init(exactly:)),
            currency: "USD",
            firstSeenAt: Date(),
            updatedAt: Date()
        )
    }

    static let url = "https://hooks.slack.invalid/services/T000/B000/SECRETPART"

    @Test func postsSlackTextForNewHighSeverityOnly() async throws {
        let transport = CapturingTransport()
        let notifier = try RecommendationNotifier(url: Self.url, transport: transport)
        #expect(try await notifier.notify(accountID: "42", rows: [Self.row(.medium, "meh")]) == false)
        #expect(transport.requests.isEmpty)
        #expect(try await notifier.notify(accountID: "42", rows: [Self.row(.high, "Ad is fatigued"), Self.row(.low, "minor")]))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post && request.path == "/services/T000/B000/SECRETPART")
        let body = try JSONDecoder().decode([String: String].self, from: Data(request.body))
        #expect(
            body["text"] == "MetaSync: 1 new high-severity recommendation for act_42\n• [creative_fatigue] Ad is fatigued (≈ 12.5 USD/day) — id 3"
        )
        #expect(!"\(notifier)".contains("SECRET"))
    }

    @Test func failuresNeverShowTheURL() async throws {
        let notifier = try RecommendationNotifier(url: Self.url, transport: CapturingTransport(status: 404))
        do {
            try await notifier.notify(accountID: "42", rows: [Self.row(.high, "x")])
            Issue.record("a 404 was accepted")
        } catch {
            #expect("\(error)".contains("HTTP 404") && !"\(error)".contains("SECRET") && !"\(error)".contains("hooks"))
        }
        #expect(throws: RecommendationNotifier.Failed.self) { try RecommendationNotifier(url: "ftp://example.com/x") }
    }
}
