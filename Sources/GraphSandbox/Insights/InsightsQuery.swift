/// A validated insights request: scope, level, periods, fields and filters.
struct InsightsQuery: Sendable {
    /// How rows are split in time.
    enum Increment: Sendable, Equatable {
        case allDays
        case days(Int)
        case monthly
    }

    /// One `filtering` clause on an ad object's id, status or name.
    struct Filter: Sendable {
        enum Operator: Sendable {
            case include
            case exclude
            case contains
            case notContains
        }

        var kind: SandboxNodeKind
        var field: String
        var op: Operator
        var values: Set<String>
    }

    var accountIndex: Int
    /// The node the edge hangs off, or `nil` for the account.
    var scopeNode: Int?
    /// The row level; `nil` = account.
    var level: SandboxNodeKind?
    var since: Int
    var until: Int
    var increment: Increment
    var fields: [String]
    /// `fields`, resolved (same order).
    var fieldKinds: [InsightsField]
    var attributionWindows: [String]
    var filters: [Filter]
    /// Rows for objects whose effective status is DELETED are kept (a status filter asked for them).
    var includeDeletedRows: Bool
    /// The raw `filtering` text, part of the plan cache key.
    var filterText: String = ""
    /// The `breakdowns` buckets each row is split into (nil = unbroken rows).
    var breakdown: InsightsBreakdown? = nil

    /// Identifies the rows a query produces (not their metrics), for ``InsightsPlanCache``.
    func planKey(worldVersion: Int, lastDataDay: Int) -> String {
        "\(self.accountIndex)|\(self.scopeNode ?? -1)|\(self.level?.rawValue ?? 0)|\(self.since)|\(self.until)|\(self.increment)|"
            + "\(self.includeDeletedRows)|\(self.filterText)|\(worldVersion)|\(lastDataDay)|\(self.breakdown?.names ?? [])"
    }

    /// The periods `[start, stop]` the range is split into.
    var periods: [(start: Int, stop: Int)] {
        switch self.increment {
        case .allDays:
            return [(self.since, self.until)]
        case .days(let n):
            var out: [(Int, Int)] = []
            var start = self.since
            while start <= self.until {
                out.append((start, min(start + n - 1, self.until)))
                start += n
            }
            return out
        case .monthly:
            var out: [(Int, Int)] = []
            var start = self.since
            while start <= self.until {
                let (y, m, _) = GraphDate.civil(fromDay: start)
                let nextMonth = m == 12 ? GraphDate.day(year: y + 1, month: 1, day: 1) : GraphDate.day(year: y, month: m + 1, day: 1)
                out.append((start, min(nextMonth - 1, self.until)))
                start = nextMonth
            }
            return out
        }
    }
}
