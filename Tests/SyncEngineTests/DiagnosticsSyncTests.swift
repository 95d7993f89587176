import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// `learning_stage_info`, `issues_info` and `adrules_library` reach the store exactly as the sandbox's Graph sends them.
@Suite struct DiagnosticsSyncTests {
    static let adsetStatuses = ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "CAMPAIGN_PAUSED", "IN_PROCESS", "WITH_ISSUES"]
    static let statuses = [
        "campaign": ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"],
        "ad": [
            "ACTIVE", "PAUSED", "DELETED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO", "CAMPAIGN_PAUSED",
            "ARCHIVED", "ADSET_PAUSED", "IN_PROCESS", "WITH_ISSUES",
        ],
    ]

    /// One raw Graph read of the sandbox (all in one page).
    static func raw(_ h: SyncHarness, _ path: String, _ parameters: GraphParameters) async throws -> [JSONValue] {
        let json = try await h.client.getJSON(
            path,
            parameters: parameters.setting("limit", "500"),
            context: GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(h.sandbox.accessToken)))
        )
        #expect(json["paging"]?["next"] == nil)
        return try #require(json["data"]?.arrayValue)
    }

    /// Graph's datetime form, `2026-03-01T10:00:00-0800`.
    static func graphTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return formatter.date(from: text)
    }

    static func parsed(_ text: JSONText?) throws -> JSONValue? {
        try text.map { try JSONValue.parse($0.rawValue) }
    }

    @Test(arguments: BudgetSQL.all)
    func storedDiagnosticsAndRulesEqualTheRawGraphOutput(_ backend: BudgetSQL) async throws {
        var setup = SyncSetup()
        setup.database = backend
        setup.sandbox = { configuration in
            configuration.campaignsPerAccount = 16
            configuration.adsetsPerCampaign = 4
        }
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            #expect(try await h.engine.sync(.entitiesOnly()).outcome == .succeeded)
            var statuses: [String: Int] = [:]
            var withIssues = 0
            for account in h.sandbox.accountIDs {
                let numeric = String(account.dropFirst(4))
                let adsets = try await Self.raw(
                    h,
                    "/\(account)/adsets",
                    GraphParameters().setting("fields", "id,learning_stage_info,issues_info")
                        .filtering([GraphFilter.in("adset.effective_status", Self.adsetStatuses)])
                )
                let stored = Dictionary(uniqueKeysWithValues: try await h.store.adSets.list(accountID: numeric).map { ($0.id, $0) })
                #expect(stored.count == adsets.count)
                for item in adsets {
                    let id = try #require(item["id"]?.stringValue)
                    let row = try #require(stored[id])
                    #expect(try Self.parsed(row.learningStageInfo) == item["learning_stage_info"])
                    #expect(row.learningStageStatus == item["learning_stage_info"]?["status"]?.stringValue)
                    #expect(try Self.parsed(row.issuesInfo) == item["issues_info"])
                    if let status = row.learningStageStatus { statuses[status, default: 0] += 1 }
                }
                for (edge, prefix) in [("campaigns", "campaign"), ("ads", "ad")] {
                    let items = try await Self.raw(
                        h,
                        "/\(account)/\(edge)",
                        GraphParameters().setting("fields", "id,issues_info")
                            .filtering([GraphFilter.in("\(prefix).effective_status", Self.statuses[prefix] ?? [])])
                    )
                    for item in items {
                        let id = try #require(item["id"]?.stringValue)
                        let column =
                            edge == "campaigns" ? try await h.store.campaigns.get(id: id)?.issuesInfo : try await h.store.ads.get(id: id)?.issuesInfo
                        #expect(try Self.parsed(column) == item["issues_info"], "\(edge) \(id)")
                        if item["issues_info"] != nil { withIssues += 1 }
                    }
                }
                let rules = try await Self.raw(
                    h,
                    "/\(account)/adrules_library",
                    GraphParameters().setting("fields", "id,name,status,evaluation_spec,execution_spec,schedule_spec,created_time,updated_time")
                )
                let mirrored = try await h.store.adRules.list(accountID: numeric)
                #expect(mirrored.map(\.id) == rules.compactMap { $0["id"]?.stringValue }.sorted())
                for item in rules {
                    let row = try #require(mirrored.first { $0.id == item["id"]?.stringValue })
                    #expect(row.name == item["name"]?.stringValue && row.status == item["status"]?.stringValue)
                    #expect(try Self.parsed(row.evaluationSpec) == item["evaluation_spec"])
                    #expect(try Self.parsed(row.executionSpec) == item["execution_spec"])
                    #expect(try Self.parsed(row.scheduleSpec) == item["schedule_spec"])
                    #expect(row.updatedTime == item["updated_time"]?.stringValue.flatMap(Self.graphTime))
                }
                // The account row keeps its own fields, not the nested rules.
                #expect(try await h.store.adAccounts.get(id: account)?.raw?.rawValue.contains("adrules_library") == false)
            }
            #expect(Set(statuses.keys) == ["SUCCESS", "LEARNING", "FAIL"], "\(statuses)")
            #expect(withIssues > 0)
        }
    }

    @Test func theRulesRideOnAccountDiscoveryWithoutACallOfTheirOwn() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            #expect(try await h.engine.sync(.entitiesOnly()).outcome == .succeeded)
            #expect(!h.sandbox.stats.callsByEndpoint.keys.contains { $0.contains("adrules_library") })
            let account = try #require(h.sandbox.accountIDs.first)
            #expect(try await h.store.adRules.list(accountID: String(account.dropFirst(4))).count == 4)
        }
    }
    /// Refuses `/me/adaccounts` reads that expand `adrules_library` with Graph's #100 "nonexisting field" error, as Graph
    /// would if the edge could not be expanded there; counts the refusals.
    final class RefusingExtrasTransport: GraphTransport, @unchecked Sendable {
        let base: any GraphTransport
        private let lock = NSLock()
        private var count = 0
        var refusals: Int { self.lock.withLock { self.count } }

        init(base: any GraphTransport) { self.base = base }

        func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
            let fields = request.query.first { $0.name == "fields" }?.value ?? ""
            guard request.path.hasSuffix("/me/adaccounts"), fields.contains("adrules_library") else {
                return try await self.base.send(request, timeout: timeout)
            }
            self.lock.withLock { self.count += 1 }
            let body =
                #"{"error":{"message":"(#100) Tried accessing nonexisting field (adrules_library) on node type (AdAccount)","type":"OAuthException","code":100,"fbtrace_id":"T"}}"#
            return GraphHTTPResponse(status: 400, body: Array(body.utf8))
        }
    }

    @Test func discoveryGoesOnWithoutTheNestedExtrasWhenGraphRefusesThem() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            #expect(try await h.engine.sync(.entitiesOnly()).outcome == .succeeded)
            let account = try #require(h.sandbox.accountIDs.first)
            let numeric = String(account.dropFirst(4))
            #expect(try await h.store.adRules.list(accountID: numeric).count == 4)
            let transport = RefusingExtrasTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock))
            h.sandbox.resetStats()
            let report = try await h.engine(over: transport).sync(.entitiesOnly())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            #expect(report.connections.first?.accountsDiscovered == h.sandbox.accountIDs.count)
            #expect(transport.refusals == 1)
            #expect(h.sandbox.stats.calls("GET /me/adaccounts") == 1)
            // The rules were not read this time, so the mirror keeps what it had instead of emptying it.
            #expect(try await h.store.adRules.list(accountID: numeric).count == 4)
        }
    }
}
