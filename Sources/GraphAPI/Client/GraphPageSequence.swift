import Foundation

/// Cursor paging over an edge as an `AsyncSequence` of ``GraphPage``s: a loop over the one pager,
/// ``GraphClient/page(_:parameters:after:limit:shrinking:context:logger:send:)``, with its rules (reference §2.1).
///
/// - The end is `paging.next` absent — never a short page; an empty page with `next` is yielded and paging goes on.
/// - The next request is rebuilt from `paging.cursors.after` (the `next` URL is never followed, so the proof is
///   fresh and the token is never read back from a URL).
/// - On "reduce the amount of data" the page size halves and the same page is asked again; the smaller size is kept
///   for the rest of the edge, as the sync engine does.
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

    /// The iterator: one page per `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: GraphPageSequence
        var limit: Int
        var after: String?
        var finished = false
        var index = 0

        init(sequence: GraphPageSequence) {
            self.sequence = sequence
            self.limit = sequence.pageSize
            self.after = sequence.parameters["after"]
        }

        public mutating func next() async throws -> GraphPage<Item>? {
            guard !self.finished else { return nil }
            let page = try await self.sequence.client.page(
                self.sequence.path,
                parameters: self.sequence.parameters,
                after: self.after,
                limit: self.limit,
                context: self.sequence.context
            )
            let items: [Item]
            if Item.self == JSONValue.self, let same = page.items as? [Item] {
                items = same
            } else {
                let endpoint = GraphEndpointTemplate.template(for: self.sequence.path)
                items = try GraphClient.decode(GraphPageItems<Item>.self, from: page.response.body, endpoint: endpoint).data
            }
            defer { self.index += 1 }
            self.after = page.after
            self.limit = page.limit
            self.finished = page.after == nil
            return GraphPage(
                data: items,
                rawItems: page.items,
                summary: page.response.json["summary"],
                hasNext: page.after != nil,
                pageSize: page.limit,
                index: self.index,
                usage: page.response.usage
            )
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
