import Foundation

/// The `paging` member of a list page, and the offset cursors (`<prefix><n>`, base64) of the lists that are not
/// ordered by `seq` (accounts `acct:`, insights rows `row:`, media `off:`, rules `rule:`).
extension GraphRenderer {
    /// `paging`: `cursors {before, after}`, then a `previous` link (paging back from `first`) and a `next` link
    /// (paging on from `last`) when asked for.
    func paging(
        first: String,
        last: String,
        previous: Bool,
        next: Bool,
        basePath: String,
        query: [(name: String, value: String)]
    ) -> JSONMember {
        var paging = [JSONMember("cursors", .object([JSONMember("before", .string(first)), JSONMember("after", .string(last))]))]
        if previous { paging.append(JSONMember("previous", .string(self.link(basePath, query, replacing: "before", with: first)))) }
        if next { paging.append(JSONMember("next", .string(self.link(basePath, query, replacing: "after", with: last)))) }
        return JSONMember("paging", .object(paging))
    }

    /// The first position of a page: after the item the offset cursor `after` points at, or 0 without one (code 100
    /// for a cursor that is not `prefix`'s).
    static func offsetStart(after: String?, prefix: String) throws(GraphErrorSpec) -> Int {
        guard let after else { return 0 }
        guard let plain = Formatting.unbase64(after), plain.hasPrefix(prefix), let n = Int(plain.dropFirst(prefix.count)) else {
            throw GraphErrorSpec.invalidParameter("Invalid cursor")
        }
        return n + 1
    }

    /// `paging` of the positions `range` (not empty) of a list of `total` items, with offset cursors: `previous`
    /// past the first position (when `previous`), `next` before the end of the list.
    func offsetPaging(
        prefix: String,
        _ range: Range<Int>,
        total: Int,
        previous: Bool = true,
        basePath: String,
        query: [(name: String, value: String)]
    ) -> JSONMember {
        self.paging(
            first: Formatting.base64("\(prefix)\(range.lowerBound)"),
            last: Formatting.base64("\(prefix)\(range.upperBound - 1)"),
            previous: previous && range.lowerBound > 0,
            next: range.upperBound < total,
            basePath: basePath,
            query: query
        )
    }
}
