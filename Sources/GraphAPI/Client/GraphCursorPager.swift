import Foundation
import Logging

/// One page of a cursor-paged edge, as Graph sent it.
public struct GraphCursorPage: Sendable {
    /// The `data` items as raw JSON.
    public var items: [JSONValue]
    /// The cursor of the next page; nil on the last page (`paging.next` absent).
    public var after: String?
    /// The `limit` the page was read with (smaller than asked after "reduce the amount of data").
    public var limit: Int
    /// The whole response (its body for typed decoding, `summary`, the usage headers).
    public var response: GraphResponse
}

/// The one cursor pager (reference §2.1), used by ``GraphClient/pages(_:as:parameters:pageSize:context:)``, the sync
/// engine and the benchmarks:
///
/// - The next request is rebuilt from `paging.cursors.after` (from `after=` of the `next` URL when `cursors` is
///   missing); the `next` URL is never followed nor kept, so the proof is fresh and no token is read back from a URL.
/// - The end is `paging.next` absent, never a short page: an empty page with `next` is a page like any other.
/// - With `shrinking`, "reduce the amount of data" halves `limit` (down to ``GraphConfiguration/Paging/minimumPageSize``)
///   and asks for the same page again at once; the caller carries the smaller ``GraphCursorPage/limit`` on.
struct GraphCursorPager: Sendable {
    let path: String
    let minimumPageSize: Int
    let accountID: String?
    let logger: Logger

    /// Reads the page after `after` with `limit`; `send` performs one GET with the given query.
    func page(
        parameters: GraphParameters,
        after: String?,
        limit: Int,
        shrinking: Bool,
        send: (GraphParameters) async throws -> GraphResponse
    ) async throws -> GraphCursorPage {
        let minimum = Swift.max(self.minimumPageSize, 1)
        var limit = Swift.max(limit, 1)
        while true {
            var query = parameters.limit(limit)
            query["after"] = after
            let response: GraphResponse
            do {
                response = try await send(query)
            } catch GraphClientError.graph(let error) where shrinking && limit > minimum && Self.asksForLessData(error) {
                limit = Swift.max(limit / 2, minimum)
                self.logger.notice(
                    "graph page too large; halving page size",
                    metadata: [
                        "endpoint": "\(GraphEndpointTemplate.template(for: self.path))", "page_size": "\(limit)",
                        "account_id": "\(self.accountID ?? "none")", "fbtrace_id": "\(error.fbtraceID ?? "none")",
                    ]
                )
                continue
            }
            return try self.decode(response, limit: limit)
        }
    }

    /// The items and the next cursor of a page response.
    func decode(_ response: GraphResponse, limit: Int) throws -> GraphCursorPage {
        let endpoint = GraphEndpointTemplate.template(for: self.path)
        // With zero results `paging` may be absent altogether (unconfirmed, reference §2.1): no `next` means the end.
        guard let items = response.json["data"]?.arrayValue else {
            throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "no data array in a paged response")
        }
        let paging = response.json["paging"]
        var after: String?
        if let next = paging?["next"]?.stringValue {
            after = paging?["cursors"]?["after"]?.stringValue ?? Self.afterCursor(inNextURL: next)
            if after == nil {
                throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "paging.next without a cursor")
            }
        }
        return GraphCursorPage(items: items, after: after, limit: limit, response: response)
    }

    /// "Please reduce the amount of data…" and the data-per-call limits (reference §6.3). Code 1/99 ("unknown
    /// error") is not among them: the client's policy retries it as transient.
    static func asksForLessData(_ error: GraphError) -> Bool {
        error.classification == .dataTooLarge
    }

    /// Reads `after=` out of a `paging.next` URL without following it (the URL carries the token).
    static func afterCursor(inNextURL url: String) -> String? {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") where pair.hasPrefix("after=") {
            return String(pair.dropFirst(6)).removingPercentEncoding
        }
        return nil
    }
}

extension GraphClient {
    /// One page of an edge with the one pager's rules (see ``GraphClient/pages(_:as:parameters:pageSize:context:)``):
    /// `limit` and `after` are set on `parameters`, the page's items and the cursor of the next one come back.
    ///
    /// ```swift
    /// var after: String?
    /// var limit = 100
    /// repeat {
    ///     let page = try await client.page("/me/adaccounts", parameters: fields, after: after, limit: limit, context: context)
    ///     store(page.items)
    ///     (after, limit) = (page.after, page.limit)
    /// } while after != nil
    /// ```
    /// - Parameters:
    ///   - shrinking: Whether "reduce the amount of data" halves the page size and asks again (else it is thrown).
    ///   - logger: Where the halving is logged; the client's logger when nil.
    ///   - send: Performs one GET of the page with the given query (a caller counting its calls wraps
    ///     ``send(_:_:parameters:context:)`` here); a plain GET through the full policy when nil.
    public func page(
        _ path: String,
        parameters: GraphParameters = GraphParameters(),
        after: String?,
        limit: Int,
        shrinking: Bool = true,
        context: GraphCallContext,
        logger: Logger? = nil,
        send: ((GraphParameters) async throws -> GraphResponse)? = nil
    ) async throws -> GraphCursorPage {
        let pager = GraphCursorPager(
            path: path,
            minimumPageSize: self.configuration.paging.minimumPageSize,
            accountID: context.adAccountID,
            logger: logger ?? self.logger
        )
        return try await pager.page(parameters: parameters, after: after, limit: limit, shrinking: shrinking) { query in
            if let send { return try await send(query) }
            return try await self.send(.get, path, parameters: query, context: context)
        }
    }

    /// Reads `after=` out of a `paging.next` URL without following it (nested connections, e.g. `adcreatives{…}`).
    public static func afterCursor(inNextURL url: String) -> String? {
        GraphCursorPager.afterCursor(inNextURL: url)
    }
}
