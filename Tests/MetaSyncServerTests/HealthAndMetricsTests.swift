import Foundation
import GraphAPI
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import SyncEngine
import Testing

@testable import MetaSyncServer

@Suite struct HealthAndMetricsTests {
    @Test(arguments: ServerBackend.all)
    func healthReportsConnectionsUsageAndQueue(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let now = harness.now.date
            try await Seed.load(into: harness.store, now: now)
            try await harness.store.connections.save(
                id: "conn-expiring",
                metaUserID: "20002",
                appID: nil,
                accessToken: "t2",
                tokenType: "USER",
                expiresAt: now.addingTimeInterval(2 * 86_400),
                dataAccessExpiresAt: nil,
                scopes: [],
                now: now
            )
            try await harness.store.connections.save(
                id: "conn-expired",
                metaUserID: "30003",
                appID: nil,
                accessToken: "t3",
                tokenType: "USER",
                expiresAt: now.addingTimeInterval(-60),
                dataAccessExpiresAt: nil,
                scopes: [],
                now: now
            )
            _ = try await harness.dependencies.budget?.acquire(userID: Seed.metaUserID, cost: 3, now: now)
            let governor = try #require(harness.dependencies.governor)
            governor.observe(
                GraphUsageReport(headers: [(name: "X-Ad-Account-Usage", value: #"{"acc_id_util_pct":42.5}"#)]),
                accountID: "act_111",
                now: now
            )
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/health", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let json = try response.json()
                #expect((json["database"] as? [String: Any])?["reachable"] as? Bool == true)
                #expect(json["status"] as? String == "degraded")  // one connection expired
                let summary = try await client.execute(uri: "/health", method: .get).json()
                #expect(summary["status"] as? String == "degraded")
                #expect(
                    summary["checks"] as? [String: String] == [
                        "database": "ok", "connections": "expired", "webhook_queue": "ok", "call_budget": "ok",
                    ]
                )
                let counts = try #require(json["connection_counts"] as? [String: Int])
                #expect(counts == ["active": 1, "expiring": 1, "expired": 1])
                let connections = try #require(json["connections"] as? [[String: Any]])
                let seeded = try #require(connections.first { $0["id"] as? String == Seed.connectionID })
                #expect((seeded["call_budget"] as? [String: Any])?["used"] as? Int == 3)
                #expect(seeded["days_until_expiry"] as? Int == 30)
                let usage = try #require(json["usage"] as? [String: Any])
                let accounts = try #require(usage["accounts"] as? [[String: Any]])
                #expect(accounts.first?["percent"] as? Double == 42.5)
                for connection in connections {
                    OpenAPIListSchemaTests.expect(keys: Set(connection.keys), match: OpenAPISchemas.healthConnection, "connection")
                }
                let budget = try #require(seeded["call_budget"] as? [String: Any])
                OpenAPIListSchemaTests.expect(keys: Set(budget.keys), match: OpenAPISchemas.callBudget, "call budget")
                for account in accounts { OpenAPIListSchemaTests.expect(keys: Set(account.keys), match: OpenAPISchemas.usageAccount, "usage") }
                #expect(!response.text.contains(Seed.token))
            }
        }
    }

    /// A call budget whose store (Redis) cannot be reached.
    struct UnreachableBudget: CallBudget {
        func acquire(userID: String, cost: Int, now: Date) async throws -> CallBudgetDecision {
            throw RedisCallBudgetUnavailable(reason: "Could not connect to Redis at 127.0.0.1:1: connection refused", userID: userID)
        }

        func usage(userID: String, now: Date) async throws -> CallBudgetUsage {
            throw RedisCallBudgetUnavailable(reason: "Could not connect to Redis at 127.0.0.1:1: connection refused", userID: userID)
        }

        func refund(userID: String, cost: Int, chargedAt: Date) async throws {}
    }

    @Test func anUnreachableCallBudgetIsAHealthWarning() async throws {
        try await TestHarness.with { base in
            try await Seed.load(into: base.store, now: base.now.date)
            var harness = base
            harness.dependencies.budget = UnreachableBudget()
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/health", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["status"] as? String == "degraded")
                let warnings = try #require(json["warnings"] as? [String])
                #expect(warnings.count == 1)
                #expect(warnings.first?.contains("Redis at 127.0.0.1:1") == true)
                #expect(warnings.first?.contains("METASYNC_CALL_BUDGET") == true)
            }
        }
    }

    @Test func healthIs503WhenTheDatabaseIsDown() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                try await harness.store.database.close()
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .serviceUnavailable)
                let json = try response.json()
                #expect(json["status"] as? String == "unavailable")
                #expect(json["ready"] as? Bool == false)
                #expect((json["checks"] as? [String: String])?["database"] == "unreachable")
                #expect(!response.text.lowercased().contains("select"))
            }
        }
    }

    /// A database that gives no connection (PostgreSQL unreachable: a lease waits in the pool for up to a minute,
    /// simulated here by holding every connection of the pool) gets `/health` its 503 within
    /// ``ServerConfiguration/healthTimeout`` instead of leaving the load balancer's check waiting.
    @Test(arguments: ServerBackend.all.filter { $0 == .postgres })
    func healthAnswers503InTimeWhenTheDatabaseGivesNoConnection(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { base in
            var harness = base
            harness.configuration.healthTimeout = .milliseconds(300)
            let database = harness.store.database
            let poolSize = 16  // MetaDatabase's PostgreSQL pool (`maximumConnections`)
            try await harness.application().test(.router) { client in
                let (held, hold) = AsyncStream<Void>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { holders in
                    // Each holds a connection for 20 s at most (until the check has answered): without the deadline
                    // the check would wait that long. The bound below leaves room for a loaded CI machine.
                    for _ in 0..<poolSize {
                        holders.addTask {
                            try await database.withSQL { _ in
                                hold.yield()
                                try? await Task.sleep(for: .seconds(20))
                            }
                        }
                    }
                    var holding = 0
                    for await _ in held {
                        holding += 1
                        if holding == poolSize { break }
                    }
                    let clock = ContinuousClock()
                    let started = clock.now
                    let response = try await client.execute(uri: "/health", method: .get)
                    let elapsed = started.duration(to: clock.now)
                    #expect(response.status == .serviceUnavailable)
                    #expect((try response.json()["checks"] as? [String: String])?["database"] == "unreachable")
                    #expect(elapsed < .seconds(10), "answered after \(elapsed)")
                    holders.cancelAll()
                }
            }
        }
    }

    /// SQLite's one connection is never unreachable, only busy (a long read, a page's commit): `/health` waits for it
    /// instead of calling a healthy server down after ``ServerConfiguration/healthTimeout``.
    @Test func aBusySQLiteConnectionIsWaitedForNotReportedDown() async throws {
        try await TestHarness.with(backend: .sqlite) { base in
            var harness = base
            harness.configuration.healthTimeout = .milliseconds(200)
            let database = harness.store.database
            try await harness.application().test(.router) { client in
                let (held, hold) = AsyncStream<Void>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { holder in
                    holder.addTask {
                        try await database.withSQL { _ in
                            hold.yield()
                            try? await Task.sleep(for: .milliseconds(800))
                        }
                    }
                    for await _ in held { break }
                    let response = try await client.execute(uri: "/health", method: .get)
                    #expect(response.status == .ok)
                    #expect((try response.json()["checks"] as? [String: String])?["database"] != "unreachable")
                    try await holder.waitForAll()
                }
            }
        }
    }

    /// A connection whose user removed the app (deauthorize: `revoked`) stops syncing like an expired one; `/health` said
    /// `ok` for it. Now it is `degraded` with `connections: revoked`.
    @Test func aRevokedConnectionMakesHealthDegraded() async throws {
        try await TestHarness.with { harness in
            let now = harness.now.date
            try await Seed.load(into: harness.store, now: now)
            #expect(try await harness.store.connections.revoke(metaUserID: Seed.metaUserID, reason: "the user removed the app", now: now).count == 1)
            try await harness.application().test(.router) { client in
                let summary = try await client.execute(uri: "/health", method: .get).json()
                #expect(summary["status"] as? String == "degraded")
                #expect((summary["checks"] as? [String: String])?["connections"] == "revoked")
                let detail = try await client.execute(uri: "/api/health", method: .get, headers: TestHarness.authorized).json()
                #expect(detail["status"] as? String == "degraded")
                #expect(detail["connection_counts"] as? [String: Int] == ["revoked": 1])
            }
        }
    }

    @Test func apiErrorsOnADownDatabaseAreJSONWithoutDetails() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                try await harness.store.database.close()
                let response = try await client.execute(uri: "/api/campaigns", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .internalServerError)
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "internal_error")
                #expect(error["message"] as? String == "Internal server error")
                #expect(!response.text.lowercased().contains("sqlite"))
                #expect(!response.text.lowercased().contains("select"))
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func metricsExposeHTTPWebhookAndQueueMetrics(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "5", "AD")])
            try await harness.application().test(.router) { client in
                _ = try await client.postSignedWebhook(body)
                _ = try await client.execute(uri: "/webhooks/meta", method: .post, body: ByteBuffer(string: body))
                _ = try await harness.worker(RecordingRefresher()).drainOnce()
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(text.contains(#"metasync_http_requests_total{route="/webhooks/meta",method="POST",status="200"} 1"#))
                #expect(text.contains(#"metasync_http_requests_total{route="/webhooks/meta",method="POST",status="401"} 1"#))
                #expect(text.contains(#"metasync_webhook_events_total{result="stored"} 1"#))
                #expect(text.contains(#"metasync_webhook_requests_total{result="signature_missing"} 1"#))
                #expect(text.contains(#"metasync_queue_items_total{queue="webhooks",outcome="done"} 1"#))
                #expect(text.contains("metasync_http_request_duration_seconds_bucket"))
                #expect(!text.contains(TestHarness.appSecret))
            }
        }
    }

    @Test func openAPIDocumentCoversEveryRegisteredRoute() async throws {
        try await TestHarness.with { harness in
            let routes = registeredRoutes(harness.configuration, harness.dependencies)
            #expect(routes.count >= 20)
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/openapi.yaml", method: .get)
                #expect(response.status == .ok)
                let paths = OpenAPIPaths(yaml: response.text)
                for route in routes {
                    #expect(paths.contains(method: route.method, path: route.path), "\(route) is not in /openapi.yaml")
                }
                #expect(
                    paths.count == Set(routes.map { "\($0.method.lowercased()) \($0.path)" }).count,
                    "openapi.yaml documents routes that do not exist"
                )
            }
        }
    }
}

/// The `paths:` section of an OpenAPI YAML document: path → methods (a deliberately small reader of our own file).
struct OpenAPIPaths {
    private var operations: Set<String> = []

    init(yaml: String) {
        var inPaths = false
        var currentPath: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(method)) { self.operations.insert("\(method) \(path)") }
            }
        }
    }

    var count: Int { self.operations.count }

    func contains(method: String, path: String) -> Bool {
        self.operations.contains("\(method.lowercased()) \(path)")
    }
}
