import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct UsageAndFaultTests {
    static func usage(_ reply: Reply, account: String) -> (app: Int, buc: Int, regain: Int)? {
        guard let app = reply.header("X-App-Usage").flatMap(JSONParser.parse)?["call_count"]?.intValue,
            let buc = reply.header("X-Business-Use-Case-Usage").flatMap(JSONParser.parse)?[String(account.dropFirst(4))]?.arrayValue?.first
        else { return nil }
        return (app, buc["call_count"]?.intValue ?? -1, buc["estimated_time_to_regain_access"]?.intValue ?? -1)
    }

    @Test func usageHeadersGrowWithCallsAndRollOff() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox {
            $0.now = { clock.now }
            $0.usage = SandboxUsageLimits(appCallsPerHour: 100, accountCallsPerHour: 20, insightsCallsPerHour: 10, enforce: false)
        }
        let account = sandbox.firstAccount
        var bucs: [Int] = []
        for _ in 0..<5 {
            let reply = await sandbox.send(.get, "/v25.0/\(account)/campaigns")
            bucs.append(try #require(Self.usage(reply, account: account)).buc)
            #expect(reply.header("X-Ad-Account-Usage") != nil)
        }
        #expect(bucs == [5, 10, 15, 20, 25])
        clock.advance(seconds: 3_660)
        let later = await sandbox.send(.get, "/v25.0/\(account)/campaigns")
        #expect(try #require(Self.usage(later, account: account)).buc == 5)
    }

    @Test func insightsCarryTheInsightsThrottleHeader() async {
        let sandbox = Fixture.sandbox { $0.usage = SandboxUsageLimits(insightsCallsPerHour: 10, enforce: false) }
        let insights = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights")
        let throttle = insights.header("x-fb-ads-insights-throttle").flatMap(JSONParser.parse)
        #expect(throttle?["acc_id_util_pct"]?.intValue == 10)
        #expect(throttle?["ads_api_access_tier"]?.stringValue == "standard_access")
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns").header("x-fb-ads-insights-throttle") == nil)
        #expect(await sandbox.send(.get, "/v25.0/me").header("X-App-Usage") != nil)
    }

    @Test func exceedingTheAccountBudgetThrottlesWith80004UntilCallsAgeOut() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox {
            $0.now = { clock.now }
            $0.usage = SandboxUsageLimits(accountCallsPerHour: 3, enforce: true)
        }
        let account = sandbox.firstAccount
        for _ in 0..<3 { #expect(await sandbox.send(.get, "/v25.0/\(account)/campaigns").status == 200) }
        let blocked = await sandbox.send(.get, "/v25.0/\(account)/campaigns")
        #expect(blocked.errorCode == 80004)
        #expect(blocked.errorSubcode == 2_446_079)
        #expect(try #require(Self.usage(blocked, account: account)).regain == 60)
        clock.advance(seconds: 3_601)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/campaigns").status == 200)
    }

    @Test func scriptedThrottleCarriesRegainMinutes() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        sandbox.enqueueFault(.throttle(code: 17, subcode: 2_446_079, regainMinutes: 2), matching: "/\(account)/campaigns", count: 1)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/adsets").status == 200)
        let throttled = await sandbox.send(.get, "/v25.0/\(account)/campaigns")
        #expect(throttled.status == 400)
        #expect(throttled.errorCode == 17)
        #expect(throttled.errorSubcode == 2_446_079)
        #expect(try #require(Self.usage(throttled, account: account)).regain == 2)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/campaigns").status == 200)
        #expect(sandbox.stats.faultsInjected["throttle_17"] == 1)
    }

    @Test func everyScriptedErrorKindHasItsEnvelope() async {
        let sandbox = Fixture.sandbox()
        let cases: [(SandboxFault, Int, Int, Int?)] = [
            (.transient, 400, 2, nil), (.unknownError, 500, 1, 99), (.reduceData, 500, 1, nil), (.tokenExpired, 400, 190, 463),
            (.throttle(code: 613, subcode: 1_487_742, regainMinutes: 1), 400, 613, 1_487_742),
            (.throttle(code: 4, subcode: nil, regainMinutes: 1), 400, 4, nil),
            (.throttle(code: 80004, subcode: 2_446_079, regainMinutes: 5), 400, 80004, 2_446_079),
            (
                .error(status: 403, code: 200, subcode: nil, message: "(#200) Requires business_management permission", isTransient: false), 403, 200,
                nil
            ),
        ]
        for (fault, status, code, subcode) in cases {
            sandbox.enqueueFault(fault)
            let reply = await sandbox.send(.get, "/v25.0/me")
            #expect(reply.status == status, "\(fault)")
            #expect(reply.errorCode == code, "\(fault)")
            #expect(reply.errorSubcode == subcode, "\(fault)")
        }
        sandbox.enqueueFault(.transient)
        #expect(await sandbox.send(.get, "/v25.0/me").json?["error"]?["is_transient"] == .bool(true))
    }

    @Test func droppedConnectionsAndLatencyGoThroughTheTransport() async throws {
        let sandbox = Fixture.sandbox {
            $0.latency = .milliseconds(40)
            $0.latencyJitter = .milliseconds(10)
        }
        let clock = RecordingClock()
        let transport = SandboxTransport(sandbox: sandbox, clock: clock)
        let ok = try await transport.send(Fixture.request(.get, "/v25.0/me"), timeout: .seconds(5))
        #expect(ok.status == 200)
        #expect(clock.sleeps.count == 1)
        #expect(clock.sleeps[0] >= .milliseconds(40) && clock.sleeps[0] <= .milliseconds(50))
        sandbox.enqueueFault(.dropConnection)
        await #expect(throws: GraphTransportError(.connectionReset, detail: "the sandbox dropped the connection")) {
            _ = try await transport.send(Fixture.request(.get, "/v25.0/me"), timeout: .seconds(5))
        }
        sandbox.enqueueFault(.latency(.seconds(30)))
        await #expect(throws: GraphTransportError(.timeout, detail: "the sandbox did not answer within the timeout")) {
            _ = try await transport.send(Fixture.request(.get, "/v25.0/me"), timeout: .seconds(5))
        }
        #expect(clock.sleeps.last == .seconds(5))
    }

    @Test func malformedBodiesAreTruncatedJSON() async {
        let sandbox = Fixture.sandbox()
        sandbox.enqueueFault(.malformedBody)
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns")
        #expect(reply.status == 200)
        #expect(!reply.body.isEmpty)
        #expect(reply.json == nil)
    }

    @Test func randomFaultsAreReproduciblePerSeed() async {
        func run(seed: UInt64) async -> [String] {
            let sandbox = Fixture.sandbox {
                $0.seed = seed
                $0.faults = SandboxFaultRates.uniform(0.15)
                $0.latencyJitter = .milliseconds(100)
            }
            var out: [String] = []
            for _ in 0..<60 {
                let exchange = sandbox.exchange(Fixture.request(.get, "/v25.0/\(sandbox.firstAccount)/campaigns"))
                switch exchange.reply {
                case .dropConnection: out.append("drop/\(exchange.latency)")
                case .response(let r):
                    out.append(
                        "\(r.status)/\(JSONParser.parse(String(decoding: r.body, as: UTF8.self))?["error"]?["code"]?.intValue ?? 0)/\(exchange.latency)"
                    )
                }
            }
            return out
        }
        let a = await run(seed: 1)
        #expect(a == (await run(seed: 1)))
        #expect(a != (await run(seed: 2)))
        #expect(a.contains { $0.hasPrefix("500/") })
        #expect(a.contains { $0.hasPrefix("drop") })
        #expect(a.contains { $0.hasPrefix("200/") })
    }
}
