/// One page of a cursor-paged edge: typed items, their raw JSON (what the store saves), and the usage reported.
public struct GraphPage<Item: Sendable>: Sendable {
    /// The items, decoded.
    public var data: [Item]
    /// The same items as raw JSON, index for index with ``data``.
    public var rawItems: [JSONValue]
    /// The `summary` object when `summary=true` was asked for.
    public var summary: JSONValue?
    /// Whether Graph announced another page (`paging.next` present). An empty page may still have one.
    public var hasNext: Bool
    /// The `limit` this page was requested with (smaller than asked after "reduce the amount of data").
    public var pageSize: Int
    /// 0 for the first page.
    public var index: Int
    /// The usage headers of the response.
    public var usage: GraphUsageReport

    public init(
        data: [Item],
        rawItems: [JSONValue],
        summary: JSONValue? = nil,
        hasNext: Bool,
        pageSize: Int,
        index: Int,
        usage: GraphUsageReport = GraphUsageReport()
    ) {
        self.data = data
        self.rawItems = rawItems
        self.summary = summary
        self.hasNext = hasNext
        self.pageSize = pageSize
        self.index = index
        self.usage = usage
    }
}
