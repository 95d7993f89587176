import Foundation

/// A row of `sync_runs`: one sync (full, incremental, performance, refresh) and its outcome.
public struct SyncRunRow: MirroredRow {
    public static let tableName = "sync_runs"
    public static let conflictColumns = ["id"]
    public static var insertOnlyColumns: Set<String> { ["started_at"] }
    public static var orderColumns: [String] { ["started_at", "id"] }

    /// How a run ended (`running` while in progress).
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case running, succeeded, partial, failed, cancelled
    }

    /// Run id (a UUID string).
    public var id: String
    /// What kind of sync, e.g. `full`, `incremental`, `performance`, `refresh`.
    public var kind: String
    public var connectionID: String?
    public var accountID: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome
    /// Rows written per table, as a JSON object such as `{"campaigns": 120, "ads": 900}`.
    public var rowsByTable: JSONText
    /// Graph calls the run used.
    public var callsUsed: Int
    /// The error that ended the run (safe text: no tokens), or nil.
    public var error: String?

    /// A run row.
    public init(
        id: String = UUID().uuidString.lowercased(),
        kind: String,
        connectionID: String? = nil,
        accountID: String? = nil,
        startedAt: Date,
        finishedAt: Date? = nil,
        outcome: Outcome = .running,
        rowsByTable: [String: Int] = [:],
        callsUsed: Int = 0,
        error: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.connectionID = connectionID
        self.accountID = accountID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.rowsByTable = (try? JSONText(encoding: rowsByTable)) ?? JSONText(rawValue: "{}")
        self.callsUsed = callsUsed
        self.error = error
    }

    /// `rows_by_table` decoded.
    public var rowCounts: [String: Int] {
        (try? self.rowsByTable.decode([String: Int].self)) ?? [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind
        case connectionID = "connection_id"
        case accountID = "account_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case outcome
        case rowsByTable = "rows_by_table"
        case callsUsed = "calls_used"
        case error
    }
}

extension SyncRunRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.kind),
            ColumnValue(self.connectionID),
            ColumnValue(self.accountID),
            ColumnValue(self.startedAt),
            ColumnValue(self.finishedAt),
            ColumnValue(self.outcome.rawValue),
            ColumnValue(self.rowsByTable),
            ColumnValue(self.callsUsed),
            ColumnValue(self.error),
        ]
    }
}
