import Foundation
import Logging

/// Cursor paging over an edge as an `AsyncSequence` of ``GraphPage``s (reference §2.1).
///
/// - The end is `paging.next` absent — never a short page; an empty page with `next` is yielded and paging goes on.
/// - The next request is rebuilt from `paging.cursors.after` (the `next` URL is never followed, so the proof is
///   fresh and the token is never read back from a URL).
/// - On "reduce the amount of data" (and code 1 subcode 99) the page size halves and the same page is asked
///   again; after ``GraphConfiguration/Paging/recoveryAfterPages`` good pages it doubles back towards the request.
///
/// Each page request goes through the client's full policy (budget, governor, retries).
public struct GraphPageSequence<Item: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = GraphPage<Item>

    let client: GraphClient
    let path: String
    let parameters: GraphParameters
    let pageSize: Int
    let context: GraphCallContext

    init(client: GraphClient, path: String, parameters: GraphParameters, pageSize: Int, context: GraphCallContext) {
        self.client = client
        self.path = path
        self.parameters = parameters
        self.pageSize = Swift.max(pageSize, 1)
        self.context = context
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    /// Reads all pages and returns every item (for small edges).
    public func collectItems() async throws -> [Item] {
        var items: [Item] = []
        for try await page in self { items += page.data }
        return items
    }

    /// The iterator: one request per `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: GraphPageSequence
        var currentSize: Int
        var after: String?
        var finished = false
        var index = 0
        var goodPagesAtReducedSize = 0

        init(sequence: GraphPageSequence) {
            self.sequence = sequence
            self.currentSize = sequence.pageSize
            self.after = sequence.parameters["after"]
        }

        public mutating func next() async throws -> GraphPage<Item>? {
            guard !self.finished else { return nil }
            let client = self.sequence.client
            let minimum = Swift.max(client.configuration.paging.minimumPageSize, 1)
            let endpoint = GraphEndpointTemplate.template(for: self.sequence.path)
            while true {
                var parameters = self.sequence.parameters.limit(self.currentSize)
                parameters["after"] = self.after
                let canShrink = self.currentSize > minimum
                var call = GraphCall(method: .get, path: self.sequence.path, parameters: parameters)
                if canShrink { call.handBack = { Self.asksForLessData($0) } }
                let response: GraphResponse
                do {
                    response = try await client.perform(call, context: self.sequence.context)
                } catch GraphClientError.graph(let error) where canShrink && Self.asksForLessData(error) {
                    let reduced = Swift.max(self.currentSize / 2, minimum)
                    client.logger.notice(
                        "graph page too large; halving page size",
                        metadata: [
                            "endpoint": "\(endpoint)", "code": "\(error.code.map(String.init) ?? "none")",
                            "fbtrace_id": "\(error.fbtraceID ?? "none")", "page_size": "\(reduced)",
                            "account_id": "\(self.sequence.context.adAccountID ?? "none")",
                        ]
                    )
                    client.metrics.retried(endpoint: endpoint, retryClass: .transient)
                    self.currentSize = reduced
                    self.goodPagesAtReducedSize = 0
                    continue
                }
                let page = try self.decodePage(response, endpoint: endpoint)
                if self.currentSize < self.sequence.pageSize {
                    self.goodPagesAtReducedSize += 1
                    if self.goodPagesAtReducedSize >= client.configuration.paging.recoveryAfterPages {
                        self.currentSize = Swift.min(self.currentSize * 2, self.sequence.pageSize)
                        self.goodPagesAtReducedSize = 0
                    }
                }
                self.index += 1
                return page
            }
        }

        /// "Please reduce the amount of data…", data-per-call limits, and the 1/99 unknown error (reference §6.3).
        /// What 1/99 means beyond "unknown error" is unconfirmed (reference §12); connectors treat it as maybe-too-much-data.
        static func asksForLessData(_ error: GraphError) -> Bool {
            error.classification == .dataTooLarge || (error.code == 1 && error.subcode == 99)
        }

        mutating func decodePage(_ response: GraphResponse, endpoint: String) throws -> GraphPage<Item> {
            // With zero results `paging` may be absent altogether (unconfirmed, reference §2.1): no `next` means the end.
            guard let rawItems = response.json["data"]?.arrayValue else {
                throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "no data array in a paged response")
            }
            let items: [Item]
            if Item.self == JSONValue.self, let same = rawItems as? [Item] {
                items = same
            } else {
                items = try GraphClient.decode(GraphPageItems<Item>.self, from: response.body, endpoint: endpoint).data
            }
            let paging = response.json["paging"]
            let next = paging?["next"]?.stringValue
            if let next {
                guard let cursor = paging?["cursors"]?["after"]?.stringValue ?? Self.afterCursor(inNextURL: next) else {
                    throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "paging.next without an after cursor")
                }
                self.after = cursor
            } else {
                self.finished = true
            }
            return GraphPage(
                data: items,
                rawItems: rawItems,
                summary: response.json["summary"],
                hasNext: next != nil,
                pageSize: self.currentSize,
                index: self.index,
                usage: response.usage
            )
        }

        /// Reads `after=` out of a `paging.next` URL without following it.
        static func afterCursor(inNextURL url: String) -> String? {
            guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            return GraphFormEncoding.decode(String(query)).first { $0.name == "after" }?.value
        }
    }
}

/// The `data` array of a page, decoded as the caller's type.
private struct GraphPageItems<Item: Decodable>: Decodable {
    var data: [Item]
}

extension GraphClient {
    /// Pages through an edge. Typed items and their raw JSON come together on each page.
    ///
    /// ```swift
    /// let campaigns = client.pages(
    ///     "/act_1/campaigns", as: Campaign.self,
    ///     parameters: GraphParameters().fields(["id", "name", "updated_time"]).effectiveStatus(["ACTIVE", "ARCHIVED"]),
    ///     context: context
    /// )
    /// for try await page in campaigns { try await store.save(page.data, raw: page.rawItems) }
    /// ```
    /// - Parameter pageSize: `limit` per page; the configured default when `nil`.
    public func pages<Item: Decodable & Sendable>(
        _ path: String,
        as type: Item.Type = Item.self,
        parameters: GraphParameters = GraphParameters(),
        pageSize: Int? = nil,
        context: GraphCallContext
    ) -> GraphPageSequence<Item> {
        GraphPageSequence(
            client: self,
            path: path,
            parameters: parameters,
            pageSize: pageSize ?? self.configuration.paging.defaultPageSize,
            context: context
        )
    }
}
