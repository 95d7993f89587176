import Foundation
import GraphAPI
import Synchronization
import Testing

@testable import GraphSandbox

/// A decoded response.
struct Reply {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var json: SandboxJSON? { JSONParser.parse(String(decoding: self.body, as: UTF8.self)) }
    var text: String { String(decoding: self.body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var errorCode: Int? { self.json?["error"]?["code"]?.intValue }
    var errorSubcode: Int? { self.json?["error"]?["error_subcode"]?.intValue }
    var data: [SandboxJSON] { self.json?["data"]?.arrayValue ?? [] }
    var next: String? { self.json?["paging"]?["next"]?.stringValue }
    var after: String? { self.json?["paging"]?["cursors"]?["after"]?.stringValue }
}

enum Fixture {
    /// 2024-06-15T12:00:00Z.
    static let reference = Date(timeIntervalSince1970: 1_718_452_800)

    static func configuration(_ modify: (inout SandboxConfiguration) -> Void = { _ in }) -> SandboxConfiguration {
        var c = SandboxConfiguration(
            seed: 42,
            accounts: 2,
            campaignsPerAccount: 12,
            adsetsPerCampaign: 2,
            adsPerAdset: 2,
            days: 30,
            accessToken: "TEST-TOKEN",
            referenceDate: Self.reference,
            now: { Self.reference }
        )
        modify(&c)
        return c
    }

    static func sandbox(_ modify: (inout SandboxConfiguration) -> Void = { _ in }) -> GraphSandbox {
        GraphSandbox(configuration: Self.configuration(modify))
    }

    static func request(
        _ method: GraphHTTPMethod = .get,
        _ path: String,
        _ query: [(String, String)] = [],
        token: String? = "TEST-TOKEN",
        body: [(String, String)]? = nil
    ) -> GraphHTTPRequest {
        var items = query.map { GraphQueryItem(name: $0.0, value: $0.1) }
        if let token { items.append(GraphQueryItem(name: "access_token", value: token)) }
        var bytes: [UInt8] = []
        var headers: [(name: String, value: String)] = []
        if let body {
            bytes = Array(body.map { "\(Formatting.percentEncode($0.0))=\(Formatting.percentEncode($0.1))" }.joined(separator: "&").utf8)
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        }
        return GraphHTTPRequest(method: method, path: path, query: items, headers: headers, body: bytes)
    }
}

extension GraphSandbox {
    /// Sends a request and decodes the reply.
    func send(
        _ method: GraphHTTPMethod = .get,
        _ path: String,
        _ query: [(String, String)] = [],
        body: [(String, String)]? = nil,
        token: String? = "TEST-TOKEN"
    ) async -> Reply {
        let response = await self.handle(Fixture.request(method, path, query, token: token, body: body))
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Follows `after` cursors (as the Python SDK does) and returns every item and the number of pages.
    func collect(_ path: String, _ query: [(String, String)], token: String = "TEST-TOKEN") async throws -> (items: [SandboxJSON], pages: Int) {
        var items: [SandboxJSON] = []
        var pages = 0
        var after: String?
        while true {
            var q = query
            if let after { q.append(("after", after)) }
            let reply = await self.send(.get, path, q, token: token)
            try #require(reply.status == 200, "\(reply.text)")
            pages += 1
            items += reply.data
            guard reply.next != nil, let cursor = reply.after else { break }
            after = cursor
            if pages > 10_000 { break }
        }
        return (items, pages)
    }

    var firstAccount: String { self.accountIDs[0] }
}
