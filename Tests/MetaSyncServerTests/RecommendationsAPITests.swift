import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Recommendations
import Synchronization
import Testing

@testable import MetaSyncServer

/// `GET /api/recommendations` and `POST /api/recommendations/{id}/dismiss`.
@Suite struct RecommendationsAPITests {
    static func row(_ object: String, kind: String, severity: RecommendationRow.Severity, impact: String?) -> RecommendationRow {
        RecommendationRow(
            accountID: "1001",
            level: .ad,
            objectID: object,
            kind: kind,
            severity: severity,
            title: "\(kind) on \(object)",
            evidence: JSONText(rawValue: #"{"metrics":{"ctr_recent":0.009},"series":[],"signal":0.4,"thresholds":{},"windows":{}}"#),
            action: JSONText(rawValue: #"{"level":"ad","note":"refresh","object_id":"\#(object)","operation":"refresh_creative"}"#),
            estimatedImpact: impact.flatMap(ExactDecimal.init(exactly:)),
            currency: "USD",
            firstSeenAt: Date(timeIntervalSince1970: 1_780_000_000),
            updatedAt: Date(timeIntervalSince1970: 1_780_000_000)
        )
    }

    /// The ad account the recommendations belong to (the API answers 404 for an account that is not stored).
    static func storeAccount(_ store: MetaStore) async throws {
        try await store.adAccounts.upsert([AdAccountRow(id: "act_1001", accountID: "1001", connectionID: "conn", name: "Acme", syncedAt: Date())])
    }

    @Test func listsRankedFiltersAndDismisses() async throws {
        try await TestHarness.with { harness in
            try await Self.storeAccount(harness.store)
            let inserted = try await harness.store.recommendations.apply(
                .init(
                    inserts: [
                        Self.row("ad1", kind: "creative_fatigue", severity: .medium, impact: "5"),
                        Self.row("ad2", kind: "underperformer", severity: .high, impact: "40.25"),
                        Self.row("ad3", kind: "zero_delivery", severity: .medium, impact: nil),
                    ],
                    resolvedAt: Date()
                )
            )
            try await harness.application().test(.router) { client in
                let all = try await client.execute(uri: "/api/recommendations?account_id=act_1001", method: .get, headers: TestHarness.authorized)
                #expect(all.status == .ok)
                let data = try #require(try all.json()["data"] as? [[String: Any]])
                #expect(data.map { $0["object_id"] as? String } == ["ad2", "ad1", "ad3"])
                #expect(data.first?["estimated_impact"] as? Double == 40.25)
                #expect((data.first?["action"] as? [String: Any])?["operation"] as? String == "refresh_creative")
                #expect(((data.first?["evidence"] as? [String: Any])?["metrics"] as? [String: Any])?["ctr_recent"] as? Double == 0.009)

                let high = try await client.execute(
                    uri: "/api/recommendations?account_id=1001&severity=high",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect((try high.json()["data"] as? [[String: Any]])?.count == 1)
                let bad = try await client.execute(
                    uri: "/api/recommendations?account_id=1001&kind=nope",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(bad.status == .badRequest)
                let missing = try await client.execute(uri: "/api/recommendations", method: .get, headers: TestHarness.authorized)
                #expect(missing.status == .badRequest)
                // A mistyped account is not an account without recommendations.
                let unknownAccount = try await client.execute(
                    uri: "/api/recommendations?account_id=act_999",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(unknownAccount.status == .notFound)
                #expect((try unknownAccount.json()["error"] as? [String: Any])?["code"] as? String == "not_found")

                let id = try #require(inserted[0].id)
                let dismissed = try await client.execute(uri: "/api/recommendations/\(id)/dismiss", method: .post, headers: TestHarness.authorized)
                #expect(dismissed.status == .ok)
                #expect(try dismissed.json()["status"] as? String == "dismissed")
                let open = try await client.execute(
                    uri: "/api/recommendations?account_id=1001&status=open",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect((try open.json()["data"] as? [[String: Any]])?.map { $0["object_id"] as? String } == ["ad2", "ad3"])
                let unknown = try await client.execute(uri: "/api/recommendations/999999/dismiss", method: .post, headers: TestHarness.authorized)
                #expect(unknown.status == .notFound)
                let unauthorized = try await client.execute(uri: "/api/recommendations?account_id=1001", method: .get)
                #expect(unauthorized.status == .unauthorized)
            }
        }
    }

    @Test func applyShowsTheWriteThenMakesItOnlyWhenConfirmed() async throws {
        try await TestHarness.with { harness in
            var configured = harness
            let writer = RecordingWriter()
            configured.dependencies.recommendationWriter = writer
            try await harness.store.ads.upsert([AdRow(id: "ad7", accountID: "1001", status: "ACTIVE", syncedAt: Date())])
            var pause = Self.row("ad7", kind: "underperformer", severity: .high, impact: "9")
            pause.action = JSONText(rawValue: #"{"level":"ad","note":"pause","object_id":"ad7","operation":"pause"}"#)
            var advice = Self.row("ad8", kind: "creative_fatigue", severity: .medium, impact: "1")
            advice.action = JSONText(rawValue: #"{"level":"ad","note":"refresh","object_id":"ad8","operation":"refresh_creative"}"#)
            let ids = try await harness.store.recommendations.apply(.init(inserts: [pause, advice], resolvedAt: Date())).compactMap(\.id)
            try await configured.application().test(.router) { client in
                let preview = try await client.execute(uri: "/api/recommendations/\(ids[0])/apply", method: .post, headers: TestHarness.authorized)
                #expect(preview.status == .ok)
                #expect(try preview.json()["applied"] as? Bool == false)
                #expect(try preview.json()["request"] as? String == "POST /ad7 status=PAUSED")
                #expect(writer.calls.isEmpty)
                var headers = TestHarness.authorized
                headers[.contentType] = "application/json"
                let applied = try await client.execute(
                    uri: "/api/recommendations/\(ids[0])/apply",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"confirm": true}"#)
                )
                #expect(applied.status == .ok)
                #expect(try applied.json()["applied"] as? Bool == true)
                #expect(writer.calls == ["ad7 status=PAUSED"])
                #expect(try await harness.store.recommendations.get(id: ids[0])?.status == .applied)
                #expect(try await harness.store.auditLog.list(objectID: "ad7").first?.actor == "api")
                let adviceOnly = try await client.execute(uri: "/api/recommendations/\(ids[1])/apply", method: .post, headers: TestHarness.authorized)
                #expect(adviceOnly.status == .badRequest)
            }
        }
    }

    /// A write Graph refuses or cannot receive is a 502 saying why (not a bare 500), and a body that is not the apply
    /// JSON is a 400 (not silently read as "not confirmed").
    @Test func applyAnswersAFailedWriteWith502AndAMalformedBodyWith400() async throws {
        try await TestHarness.with { harness in
            var configured = harness
            configured.dependencies.recommendationWriter = FailingWriter()
            try await harness.store.ads.upsert([AdRow(id: "ad6", accountID: "1001", status: "ACTIVE", syncedAt: Date())])
            var pause = Self.row("ad6", kind: "underperformer", severity: .high, impact: "9")
            pause.action = JSONText(rawValue: #"{"level":"ad","note":"pause","object_id":"ad6","operation":"pause"}"#)
            let id = try #require(try await harness.store.recommendations.apply(.init(inserts: [pause], resolvedAt: Date())).first?.id)
            try await configured.application().test(.router) { client in
                var headers = TestHarness.authorized
                headers[.contentType] = "application/json"
                for body in [#"{"confirm": "yes"}"#, "confirm=true", #"["confirm"]"#] {
                    let refused = try await client.execute(
                        uri: "/api/recommendations/\(id)/apply",
                        method: .post,
                        headers: headers,
                        body: ByteBuffer(string: body)
                    )
                    #expect(refused.status == .badRequest, "\(body)")
                    #expect((try refused.json()["error"] as? [String: Any])?["code"] as? String == "invalid_body", "\(body)")
                }
                let huge = try await client.execute(
                    uri: "/api/recommendations/\(id)/apply",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: String(repeating: " ", count: 20_000) + #"{"confirm": true}"#)
                )
                #expect(huge.status == .contentTooLarge)
                #expect((try huge.json()["error"] as? [String: Any])?["code"] as? String == "payload_too_large")
                let failed = try await client.execute(
                    uri: "/api/recommendations/\(id)/apply",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"confirm": true}"#)
                )
                #expect(failed.status == .badGateway)
                let error = try #require(try failed.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "graph_write_failed")
                #expect((error["message"] as? String)?.contains("(#100) Invalid parameter") == true)
                #expect(try await harness.store.recommendations.get(id: id)?.status == .open)
                #expect(try await harness.store.auditLog.list(objectID: "ad6").first?.outcome == .failed)
            }
        }
    }

    @Test func adRulesAreListedAndARuleActingOnTheObjectBlocksApplyUnlessForced() async throws {
        try await TestHarness.with { harness in
            var configured = harness
            let writer = RecordingWriter()
            configured.dependencies.recommendationWriter = writer
            try await Self.storeAccount(harness.store)
            try await harness.store.ads.upsert([AdRow(id: "ad9", accountID: "1001", adsetID: "s9", status: "ACTIVE", syncedAt: Date())])
            let filters = #"[{"field":"entity_type","value":"AD","operator":"EQUAL"},{"field":"adset.id","value":["s9"],"operator":"IN"}]"#
            try await harness.store.adRules.upsert([
                AdRuleRow(
                    id: "777",
                    accountID: "1001",
                    name: "Pause costly ads",
                    status: "ENABLED",
                    evaluationSpec: JSONText(rawValue: #"{"evaluation_type":"SCHEDULE","filters":"# + filters + "}"),
                    executionSpec: JSONText(rawValue: #"{"execution_type":"PAUSE"}"#),
                    syncedAt: Date()
                )
            ])
            var pause = Self.row("ad9", kind: "underperformer", severity: .high, impact: "9")
            pause.action = JSONText(rawValue: #"{"level":"ad","note":"pause","object_id":"ad9","operation":"pause"}"#)
            let id = try #require(try await harness.store.recommendations.apply(.init(inserts: [pause], resolvedAt: Date())).first?.id)
            try await configured.application().test(.router) { client in
                let rules = try await client.execute(uri: "/api/ad-rules?account_id=act_1001", method: .get, headers: TestHarness.authorized)
                #expect(rules.status == .ok)
                let data = try #require(try rules.json()["data"] as? [[String: Any]])
                #expect(data.count == 1 && data.first?["id"] as? String == "777" && data.first?["acts"] as? Bool == true)
                #expect((data.first?["execution_spec"] as? [String: Any])?["execution_type"] as? String == "PAUSE")
                let missing = try await client.execute(uri: "/api/ad-rules", method: .get, headers: TestHarness.authorized)
                #expect(missing.status == .badRequest)
                let unknownAccount = try await client.execute(uri: "/api/ad-rules?account_id=act_999", method: .get, headers: TestHarness.authorized)
                #expect(unknownAccount.status == .notFound)
                var headers = TestHarness.authorized
                headers[.contentType] = "application/json"
                let refused = try await client.execute(
                    uri: "/api/recommendations/\(id)/apply",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"confirm": true}"#)
                )
                #expect(refused.status == .badRequest)
                let error = try #require(try refused.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "rule_conflict")
                #expect((error["message"] as? String)?.contains("Pause costly ads") == true)
                #expect(writer.calls.isEmpty)
                let forced = try await client.execute(
                    uri: "/api/recommendations/\(id)/apply",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"confirm": true, "force": true}"#)
                )
                #expect(forced.status == .ok)
                #expect(writer.calls == ["ad9 status=PAUSED"])
            }
        }
    }
}

/// Records the writes instead of calling Graph.
final class RecordingWriter: GraphObjectWriter {
    private let state = Mutex<[String]>([])

    var calls: [String] { self.state.withLock { $0 } }

    func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String {
        self.state.withLock { $0.append("\(objectID) " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: "&")) }
        return "success"
    }
}

/// Fails every write the way Graph answers a rejected one.
struct FailingWriter: GraphObjectWriter {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "Graph answered (#100) Invalid parameter" }
    }

    func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String {
        throw Refused()
    }
}
