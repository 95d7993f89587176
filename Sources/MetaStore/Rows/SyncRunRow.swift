import Foundation

/// A row of `sync_runs`: one sync (full, incremental, performance, refresh) and its outcome.
public struct SyncRunRow: ColumnTableRow {
    public static var insertOnlyColumns: Set<String> { ["started_at"] }
    public static var orderColumns: [String] { ["started_at", "id"] }

    /// How a run ended (`running` while in progress).
    public enum Outcome: String, Codable, Sendable, CaseIterable, TextColumnType {
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

    /// `rows_by_table` decoded.
    public var rowCounts: [String: Int] {
        (try? self.rowsByTable.decode([String: Int].self)) ?? [:]
    }
}

extension SyncRunRow {
    /// The columns of `sync_runs`, in table order (how to add one: ``ColumnTable``; not
    /// a Graph object, so the columns' Graph fields go unused).
    public static let table = ColumnTable<SyncRunRow>(
        "sync_runs",
        key: ["id"],
        blank: SyncRunRow(id: "", kind: "", startedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("kind", \.kind),
            Column("connection_id", \.connectionID),
            Column("account_id", \.accountID),
            Column("started_at", \.startedAt),
            Column("finished_at", \.finishedAt),
            Column("outcome", \.outcome),
            Column("rows_by_table", \.rowsByTable),
            Column("calls_used", \.callsUsed),
            Column("error", \.error),
        ]
    )
}

extension SyncRunRow {
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
}
