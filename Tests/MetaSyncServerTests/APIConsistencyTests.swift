import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MetaSyncServer

/// One answer for one kind of mistake, whatever the endpoint: a missing required parameter, a malformed one, a method
/// the path does not serve.
@Suite struct APIConsistencyTests {
    static let accountEndpoints = [
        "/api/creatives", "/api/reports/age_gender", "/api/recommendations", "/api/ad-rules", "/api/recommendations/settings",
    ]

    @Test(arguments: Self.accountEndpoints)
    func aMissingAccountIsMissingParameterEverywhere(path: String) async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .get, headers: TestHarness.authorized)
                #expect(response.status == .badRequest)
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "missing_parameter", "\(path)")
                #expect(error["message"] as? String == "account_id is required: add it to the query, e.g. ?account_id=act_1234567890", "\(path)")
            }
        }
    }

    @Test(arguments: Self.accountEndpoints)
    func aMalformedAccountIsInvalidParameterEverywhere(path: String) async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                for value in ["act_", "act_12x", "abc"] {
                    let response = try await client.execute(uri: "\(path)?account_id=\(value)", method: .get, headers: TestHarness.authorized)
                    #expect(response.status == .badRequest, "\(path) \(value)")
                    let error = try #require(try response.json()["error"] as? [String: Any])
                    #expect(error["code"] as? String == "invalid_parameter", "\(path) \(value)")
                    #expect((error["message"] as? String)?.hasPrefix("account_id must be act_<digits> or its digits") == true, "\(path) \(value)")
                }
            }
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.post, "/api/campaigns", "GET"),
        (.delete, "/api/insights", "GET"),
        (.get, "/api/sync", "POST"),
        (.post, "/api/recommendations/settings", "DELETE, GET, PUT"),
        (.get, "/api/recommendations/12/apply", "POST"),
        (.head, "/api/accounts/act_1/opportunity-score", "GET"),
        (.put, "/webhooks/meta", "GET, POST"),
        (.patch, "/health", "GET"),
        (.put, "/login", "GET, POST"),
        (.delete, "/accounts/act_1", "GET"),
    ])
    func aWrongMethodOnAKnownPathIs405WithAllow(method: HTTPRequest.Method, path: String, allow: String) async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: method, headers: TestHarness.authorized)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
                if method != .head {
                    let error = try #require(try response.json()["error"] as? [String: Any])
                    #expect(error["code"] as? String == "method_not_allowed")
                    #expect((error["message"] as? String)?.hasPrefix("\(method.rawValue) is not allowed on /") == true)
                }
            }
        }
    }

    @Test func unknownPathsAndServedMethodsAreUnchanged() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let unknown = try await client.execute(uri: "/api/nope", method: .post, headers: TestHarness.authorized)
                #expect(unknown.status == .notFound)
                #expect(unknown.headers[.allow] == nil)
                let served = try await client.execute(uri: "/api/campaigns", method: .get, headers: TestHarness.authorized)
                #expect(served.status == .ok)
                // The API key is still checked on the methods a path serves.
                let anonymous = try await client.execute(uri: "/api/campaigns", method: .get)
                #expect(anonymous.status == .unauthorized)
            }
        }
    }
}
