import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct PlatformCallbackTests {
    private static func form(_ signed: String) -> ByteBuffer {
        ByteBuffer(string: "signed_request=" + (signed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? signed))
    }

    private static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test(arguments: ServerBackend.all, ["/meta/data-deletion", "/meta/deauthorize"])
    func aVerifiedRequestDeletesTheUsersDataAndAnswersAStatusURL(backend: ServerBackend, path: String) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            // Another user's data must survive.
            try await harness.store.connections.save(
                id: "other",
                metaUserID: "999",
                appID: nil,
                accessToken: "x",
                tokenType: "USER",
                expiresAt: nil,
                dataAccessExpiresAt: nil,
                scopes: [],
                now: harness.now.date
            )
            try await harness.store.campaigns.upsert([CampaignRow(id: "keep", accountID: "333", syncedAt: harness.now.date)])
            let signed = try SignedRequest.sign(
                payload: ["algorithm": "HMAC-SHA256", "issued_at": Int(harness.now.date.timeIntervalSince1970), "user_id": Seed.metaUserID],
                appSecret: TestHarness.appSecret
            )
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: path, method: .post, headers: Self.formHeaders, body: Self.form(signed))
                #expect(response.status == .ok)
                let json = try response.json()
                let code = try #require(json["confirmation_code"] as? String)
                let url = try #require(json["url"] as? String)
                #expect(url == "https://metasync.test/meta/data-deletion/status?code=\(code)")

                let status = try await client.execute(uri: "/meta/data-deletion/status?code=\(code)", method: .get)
                #expect(status.status == .ok)
                #expect(status.text.contains(code))
                #expect(status.text.contains("1 connection(s), 2 ad account(s)"))
                let unknown = try await client.execute(uri: "/meta/data-deletion/status?code=nope", method: .get)
                #expect(unknown.status == .notFound)
            }
            #expect(try await harness.store.connections.list(metaUserID: Seed.metaUserID).isEmpty)
            #expect(try await harness.store.connections.get(id: "other") != nil)
            #expect(try await harness.store.adAccounts.all().isEmpty)
            #expect(try await harness.store.campaigns.all().map(\.id) == ["keep"])
            #expect(try await harness.store.ads.all().isEmpty)
            #expect(try await harness.store.snapshots.all().isEmpty)
            #expect(try await harness.store.syncRuns.recent().isEmpty)
        }
    }

    @Test(arguments: ServerBackend.all)
    func refusedSignedRequestsDeleteNothing(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let wrongSecret = try SignedRequest.sign(payload: ["algorithm": "HMAC-SHA256", "user_id": Seed.metaUserID], appSecret: "other")
            let wrongAlgorithm = try SignedRequest.sign(
                payload: ["algorithm": "HMAC-SHA1", "user_id": Seed.metaUserID],
                appSecret: TestHarness.appSecret
            )
            let cases: [(String, HTTPResponse.Status)] = [
                (wrongSecret, .forbidden), (wrongAlgorithm, .forbidden), ("garbage", .badRequest), ("a.b.c", .badRequest), ("", .badRequest),
            ]
            try await harness.application().test(.router) { client in
                for (signed, expected) in cases {
                    let response = try await client.execute(
                        uri: "/meta/data-deletion",
                        method: .post,
                        headers: Self.formHeaders,
                        body: Self.form(signed)
                    )
                    #expect(response.status == expected, "\(signed)")
                    #expect(try response.json()["error"] != nil)
                }
            }
            #expect(try await harness.store.connections.all().count == 1)
            #expect(try await harness.store.campaigns.count() == 14)
        }
    }
}
