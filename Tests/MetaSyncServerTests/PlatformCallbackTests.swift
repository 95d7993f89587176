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

    private static func seedOtherConnection(_ harness: TestHarness) async throws {
        // Another user's connection, which also reaches account 222 (it synced it), and a campaign of its own.
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
        try await harness.store.syncRuns.start(kind: "full", connectionID: "other", accountID: "act_222", at: harness.now.date)
        try await harness.store.campaigns.upsert([CampaignRow(id: "keep", accountID: "333", syncedAt: harness.now.date)])
    }

    private static func signed(_ harness: TestHarness) throws -> String {
        try SignedRequest.sign(
            payload: ["algorithm": "HMAC-SHA256", "issued_at": Int(harness.now.date.timeIntervalSince1970), "user_id": Seed.metaUserID],
            appSecret: TestHarness.appSecret
        )
    }

    @Test(arguments: ServerBackend.all)
    func dataDeletionPurgesExactlyThatConnectionsDataAndAnswersAStatusURL(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await Self.seedOtherConnection(harness)
            let signed = try Self.signed(harness)
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/meta/data-deletion", method: .post, headers: Self.formHeaders, body: Self.form(signed))
                #expect(response.status == .ok)
                let json = try response.json()
                let code = try #require(json["confirmation_code"] as? String)
                let url = try #require(json["url"] as? String)
                #expect(url == "https://metasync.test/meta/data-deletion/status?code=\(code)")

                let status = try await client.execute(uri: "/meta/data-deletion/status?code=\(code)", method: .get)
                #expect(status.status == .ok)
                #expect(status.text.contains(code))
                #expect(status.text.contains("1 connection(s), 1 ad account(s)"))
                #expect(status.text.contains("1 ad account(s) reached by another connection were kept"))
                let unknown = try await client.execute(uri: "/meta/data-deletion/status?code=nope", method: .get)
                #expect(unknown.status == .notFound)
            }
            #expect(try await harness.store.connections.list(metaUserID: Seed.metaUserID).isEmpty)
            #expect(try await harness.store.connections.get(id: "other") != nil)
            // act_111 only this connection reached: gone with its rows. act_222 the other connection reaches: kept.
            let accounts = try await harness.store.adAccounts.all()
            #expect(accounts.map(\.id) == ["act_222"])
            #expect(accounts.first?.connectionID == "other")
            #expect(try await harness.store.campaigns.all().map(\.id).sorted() == ["c90", "c91", "keep"])
            #expect(try await harness.store.ads.all().allSatisfy { $0.accountID != "111" })
            #expect(try await harness.store.snapshots.all().allSatisfy { $0.accountID != "111" })
            #expect(try await harness.store.syncRuns.recent().allSatisfy { $0.connectionID == "other" })
        }
    }

    @Test(arguments: ServerBackend.all)
    func deauthorizeRevokesAndDeletesTheTokenButKeepsTheData(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let campaignsBefore = try await harness.store.campaigns.count()
            let snapshotsBefore = try await harness.store.snapshots.all().count
            let signed = try Self.signed(harness)
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/meta/deauthorize", method: .post, headers: Self.formHeaders, body: Self.form(signed))
                #expect(response.status == .ok)
                let code = try #require(try response.json()["confirmation_code"] as? String)
                let status = try await client.execute(uri: "/meta/data-deletion/status?code=\(code)", method: .get)
                #expect(status.status == .ok)
                #expect(status.text.contains("1 connection(s) revoked"))
                let api = try await client.execute(uri: "/api/connections", method: .get, headers: TestHarness.authorized)
                let item = try #require((try api.json()["data"] as? [[String: Any]])?.first)
                #expect(item["status"] as? String == "revoked")
                #expect(item["reconnect_url"] as? String == "/connect")
            }
            let row = try #require(try await harness.store.connections.get(id: Seed.connectionID))
            #expect(row.status == .revoked)
            #expect(row.tokenCiphertext.isEmpty)
            await #expect(throws: MetaStoreError.self) { _ = try await harness.store.connections.accessToken(connectionID: Seed.connectionID) }
            #expect(try await harness.store.connections.countByKeyID().isEmpty)
            #expect(try await harness.store.adAccounts.all().count == 2)
            #expect(try await harness.store.campaigns.count() == campaignsBefore)
            #expect(try await harness.store.snapshots.all().count == snapshotsBefore)
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
