import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

/// Raw sandbox responses checked against the bodies Graph really sends (sources quoted in ``GraphErrorSpec``).
@Suite struct FidelityAuditTests {
    @Test func code2IsHTTP400WithIsTransient() async {
        let sandbox = Fixture.sandbox()
        sandbox.enqueueFault(.transient)
        let reply = await sandbox.send(.get, "/v25.0/me")
        #expect(reply.status == 400)
        #expect(reply.json?["error"]?["code"]?.intValue == 2)
        #expect(reply.json?["error"]?["is_transient"] == .bool(true))
        #expect(reply.json?["error"]?["message"]?.stringValue == "(#2) Service temporarily unavailable")
    }

    @Test func code1ErrorsCarryNoIsTransient() async {
        let sandbox = Fixture.sandbox()
        for fault in [SandboxFault.unknownError, .reduceData] {
            sandbox.enqueueFault(fault)
            let reply = await sandbox.send(.get, "/v25.0/me")
            #expect(reply.status == 500)
            #expect(reply.errorCode == 1)
            #expect(reply.json?["error"]?["is_transient"] == nil, "\(fault)")
        }
    }

    @Test func businessUseCaseThrottlesCarryNoIsTransient() async {
        let sandbox = Fixture.sandbox()
        for code in [80000, 80004] {
            sandbox.enqueueFault(.throttle(code: code, subcode: 2_446_079, regainMinutes: 1))
            let error = await sandbox.send(.get, "/v25.0/me").json?["error"]
            #expect(error?["code"]?.intValue == code)
            #expect(error?["error_subcode"]?.intValue == 2_446_079)
            #expect(error?["type"]?.stringValue == "OAuthException")
            #expect(error?["is_transient"] == nil, "\(code)")
            #expect(error?["fbtrace_id"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func adAccountScoreBlockIsNotTransientAndHasAUserTitle() async {
        let sandbox = Fixture.sandbox()
        sandbox.enqueueFault(.throttle(code: 17, subcode: 2_446_079, regainMinutes: 1))
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns")
        let error = reply.json?["error"]
        #expect(reply.status == 400)
        #expect(error?["code"]?.intValue == 17)
        #expect(error?["is_transient"] == .bool(false))
        #expect(error?["error_user_title"]?.stringValue == "Ad Account Has Too Many API Calls")
        #expect(error?["error_user_msg"]?.stringValue?.contains("too many calls from this ad-account") == true)
        sandbox.enqueueFault(.throttle(code: 32, subcode: nil, regainMinutes: 1))
        #expect(await sandbox.send(.get, "/v25.0/me").json?["error"]?["message"]?.stringValue == "(#32) Page request limit reached")
    }

    @Test func lifetimeDatePresetIsRefusedLikeGraphSinceV10() async {
        let sandbox = Fixture.sandbox()
        let path = "/v25.0/\(sandbox.firstAccount)/insights"
        let lifetime = await sandbox.send(.get, path, [("date_preset", "lifetime")])
        #expect(lifetime.status == 400)
        #expect(lifetime.errorCode == 100)
        #expect(lifetime.json?["error"]?["message"]?.stringValue?.hasPrefix("(#100) date_preset must be one of the following values:") == true)
        #expect(await sandbox.send(.get, path, [("date_preset", "maximum")]).status == 200)
    }

    @Test func badLevelUsesGraphsEnumMessage() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("level", "ads")])
        #expect(reply.errorCode == 100)
        #expect(reply.json?["error"]?["message"]?.stringValue == "(#100) level must be one of the following values: ad, adset, campaign, account")
    }

    @Test func attributionWindowErrorNamesTheOffendingIndex() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("fields", "actions"), ("action_attribution_windows", "[\"7d_click\",\"1d_click\",\"3d_view\"]")]
        )
        #expect(reply.errorCode == 100)
        #expect(reply.json?["error"]?["message"]?.stringValue?.hasPrefix("(#100) action_attribution_windows[2] must be one of") == true)
    }

    @Test func oversizedBatchIsAGraphBatchException() async {
        let sandbox = Fixture.sandbox()
        let operations = Array(repeating: "{\"method\":\"GET\",\"relative_url\":\"me\"}", count: 51)
        let reply = await sandbox.send(.post, "/v25.0/", body: BatchTests.batch(operations) + [("access_token", "TEST-TOKEN")], token: nil)
        #expect(reply.status == 400)
        #expect(reply.json?["error"]?["type"]?.stringValue == "GraphBatchException")
        #expect(reply.json?["error"]?["message"]?.stringValue == "Too many requests in batch message. Maximum batch size is 50")
    }

    @Test(arguments: [
        (SandboxTokenInvalidation.loggedOut, 467, "The session is invalid because the user logged out."),
        (.passwordChanged, 460, "The session has been invalidated because the user changed their password"),
        (.appRemoved, 458, "The user has not authorized application"),
    ])
    func revokedTokensFailWithTheirSubcode(reason: SandboxTokenInvalidation, subcode: Int, text: String) async {
        let sandbox = Fixture.sandbox()
        sandbox.revokeAccessToken(reason: reason)
        let reply = await sandbox.send(.get, "/v25.0/me")
        #expect(reply.status == 400)
        #expect(reply.errorCode == 190)
        #expect(reply.errorSubcode == subcode)
        #expect(reply.json?["error"]?["type"]?.stringValue == "OAuthException")
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains(text) == true)
        let debug = await sandbox.send(
            .get,
            "/v25.0/debug_token",
            [("input_token", "TEST-TOKEN")],
            token: "\(sandbox.configuration.appID)|\(sandbox.configuration.appSecret)"
        )
        #expect(debug.json?["data"]?["is_valid"] == .bool(false))
        #expect(debug.json?["data"]?["error"]?["subcode"]?.intValue == subcode)
        #expect(await sandbox.send(.get, "/v25.0/me", token: "NEVER-ISSUED").errorSubcode == nil)
    }

    @Test func expiredTokenMessageNamesTheCurrentTime() async {
        let sandbox = Fixture.sandbox()
        sandbox.expireAccessToken(at: Fixture.reference.addingTimeInterval(-3_600))
        let message = await sandbox.send(.get, "/v25.0/me").json?["error"]?["message"]?.stringValue ?? ""
        #expect(
            message
                == "Error validating access token: Session has expired on Saturday, 15-Jun-24 11:00:00 UTC. The current time is Saturday, 15-Jun-24 12:00:00 UTC."
        )
    }

    @Test func breakdownQueriesOlderThan13MonthsOmitReachUnlessAsync() async throws {
        let sandbox = Fixture.sandbox()
        let path = "/v25.0/\(sandbox.firstAccount)/insights"
        func query(since: String) -> [(String, String)] {
            [
                ("fields", "impressions,reach,frequency,cpp"), ("breakdowns", "age"),
                ("time_range", "{\"since\":\"\(since)\",\"until\":\"2024-06-14\"}"),
            ]
        }
        let recent = await sandbox.send(.get, path, query(since: "2023-06-20"))
        #expect(recent.status == 200)
        #expect(recent.data.contains { $0["reach"] != nil && $0["frequency"] != nil })
        let old = await sandbox.send(.get, path, query(since: "2023-04-15"))
        #expect(old.status == 200)
        #expect(!old.data.isEmpty)
        #expect(old.data.allSatisfy { $0["reach"] == nil && $0["frequency"] == nil && $0["cpp"] == nil && $0["impressions"] != nil })
        let created = await sandbox.send(.post, path, body: query(since: "2023-04-15"))
        let run = try #require(created.json?["report_run_id"]?.stringValue)
        var status: String?
        for _ in 0..<10 where status != "Job Completed" {
            status = await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue
        }
        #expect(status == "Job Completed")
        let rows = await sandbox.send(.get, "/v25.0/\(run)/insights")
        #expect(rows.data.contains { $0["reach"] != nil })
    }

    @Test func effectiveStatusValuesOutsideTheKindsEnumAreRefused() async {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let campaigns = await sandbox.send(.get, "/v25.0/\(account)/campaigns", [("effective_status", "[\"PAUSED\",\"CAMPAIGN_PAUSED\"]")])
        #expect(campaigns.status == 400)
        #expect(campaigns.errorCode == 100)
        #expect(campaigns.json?["error"]?["message"]?.stringValue?.hasPrefix("(#100) Param effective_status[1] must be one of {ACTIVE,") == true)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/adsets", [("effective_status", "[\"CAMPAIGN_PAUSED\"]")]).status == 200)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/ads", [("effective_status", "[\"ADSET_PAUSED\",\"PENDING_REVIEW\"]")]).status == 200)
        #expect(await sandbox.send(.get, "/v25.0/\(account)/ads", [("effective_status", "[\"RUNNING\"]")]).errorCode == 100)
    }
}
