import Foundation
import SQLKit
import SQLiteNIO

/// Bulk upserts and simple reads for one mirrored table (`ad_accounts`, `campaigns`, `ad_sets`, `ads`,
/// `performance_snapshots`, ...).
///
/// ```swift
/// try await store.campaigns.upsert(rows)                       // its own transaction
/// try await store.transaction { tx in                          // or together with other writes
///     try await tx.campaigns.upsert(rows)
///     try await tx.syncState.save(checkpoint)
/// }
/// ```
public struct EntityRepository<Row: MirroredRow>: Sendable {
    let executor: StoreExecutor

    /// Rows per `INSERT` statement on SQLite; keeps rows × columns well under its bind limit (32,766).
    public static var rowsPerStatement: Int { 500 }

    /// Rows per `INSERT` statement on PostgreSQL, which binds one array per column whatever the number of rows: a page
    /// of insights actions (~14,000 rows with the default attribution windows) takes 3 statements, i.e. round trips,
    /// instead of 28, while one statement's arrays stay a few MB.
    public static var postgresRowsPerStatement: Int { 5_000 }

    /// Inserts or updates `rows` by their key with multi-row `INSERT … ON CONFLICT … DO UPDATE` (``rowsPerStatement``
    /// rows per statement on SQLite, ``postgresRowsPerStatement`` on PostgreSQL), all in one transaction (the caller's,
    /// when called on a transaction).
    ///
    /// Every column takes the new value (nil clears it), except the insert-only columns (`first_seen_at`), which keep
    /// the stored value. Duplicate keys inside `rows` are resolved last-one-wins.
    public func upsert(_ rows: [Row]) async throws {
        guard !rows.isEmpty else { return }
        let rows = Self.lastPerKey(rows)
        let connection = self.executor.database.sqliteConnection
        try await self.executor.write { sql in
            if let connection {
                for chunk in rows.chunked(Self.rowsPerStatement) {
                    // SQLite: one multi-row statement, values bound straight to SQLite (we hold the connection's gate here).
                    try await connection.query(Self.sqliteUpsertSQL(rowCount: chunk.count), Self.sqliteBinds(chunk)) { _ in }
                }
            } else {
                for chunk in rows.chunked(Self.postgresRowsPerStatement) {
                    try await sql.raw(try Self.postgresUpsertStatement(chunk)).run()
                }
            }
        }
    }

    /// `INSERT INTO t (cols) VALUES (?, …), … ON CONFLICT (key) DO UPDATE SET col = excluded.col, …` for SQLite.
    static func sqliteUpsertSQL(rowCount: Int) -> String {
        let columns = Row.columns
        let updated = Row.updatedColumns
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        var sql = "INSERT INTO \"\(Row.tableName)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
        sql.reserveCapacity(sql.utf8.count + rowCount * (tuple.utf8.count + 1) + 64 * columns.count)
        for index in 0..<rowCount {
            if index > 0 { sql += "," }
            sql += tuple
        }
        sql += " ON CONFLICT (" + Row.conflictColumns.map { "\"\($0)\"" }.joined(separator: ", ") + ") "
        sql += updated.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updated.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
        return sql
    }

    /// The rows' values as SQLite values, row-major, in the schema's SQLite representation.
    static func sqliteBinds(_ rows: some Collection<Row>) -> [SQLiteData] {
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * Row.columns.count)
        for row in rows {
            for value in row.columnValues {
                switch value {
                case .null: binds.append(.null)
                case .text(let v): binds.append(.text(v))
                case .integer(let v): binds.append(.integer(v))
                case .decimal(let v): binds.append(.text(v.stringValue))
                case .day(let v): binds.append(.text(v.description))
                case .timestamp(let v): binds.append(.float(v.timeIntervalSince1970))
                case .json(let v): binds.append(.text(v.rawValue))
                }
            }
        }
        return binds
    }

    /// `INSERT INTO t (cols) SELECT … FROM unnest($1::text[], $2::date[], …) ON CONFLICT (key) DO UPDATE SET col =
    /// excluded.col, …` for PostgreSQL: one binary array bind per column. A column that is NULL in every row of the page
    /// is written as a `NULL` literal (so its type comes from the table).
    static func postgresUpsertStatement(_ rows: some Collection<Row>) throws -> SQLQueryString {
        let columns = Row.columns
        var perColumn = Array(repeating: [ColumnValue](), count: columns.count)
        for index in perColumn.indices { perColumn[index].reserveCapacity(rows.count) }
        for row in rows {
            for (index, value) in row.columnValues.enumerated() { perColumn[index].append(value) }
        }
        var selectList: [String] = []
        var unnestArgs: SQLQueryString = ""
        var aliases: [String] = []
        for (index, values) in perColumn.enumerated() {
            guard let element = values.lazy.compactMap(PostgresColumnArray.Element.init).first else {
                selectList.append("NULL")
                continue
            }
            let alias = "c\(index)"
            if !aliases.isEmpty { unnestArgs += ", " }
            unnestArgs += "\(bind: PostgresColumnArray(element: element, values: values))::\(unsafeRaw: element.sqlArrayType)"
            aliases.append(alias)
            selectList.append("u.\(alias)")
        }
        let updated = Row.updatedColumns
        var query: SQLQueryString = "INSERT INTO \(ident: Row.tableName) (\(idents: columns, joinedBy: ", ")) "
        query += "SELECT \(unsafeRaw: selectList.joined(separator: ", ")) FROM unnest("
        query += unnestArgs
        query += ") AS u(\(unsafeRaw: aliases.joined(separator: ", "))) "
        query += "ON CONFLICT (\(idents: Row.conflictColumns, joinedBy: ", ")) "
        if updated.isEmpty {
            query += "DO NOTHING"
        } else {
            let assignments = updated.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
            query += "DO UPDATE SET \(unsafeRaw: assignments)"
        }
        return query
    }

    /// All rows, ordered by key.
    public func all() async throws -> [Row] {
        try await self.executor.read { sql in
            try await Self.ordered(sql.select().column("*").from(Row.tableName)).all(decoding: Row.self)
        }
    }

    /// Rows whose `column` equals `value`, ordered by key.
    public func list(where column: String, equals value: String) async throws -> [Row] {
        try await self.executor.read { sql in
            try await Self.ordered(sql.select().column("*").from(Row.tableName).where(SQLColumn(column), .equal, SQLBind(value)))
                .all(decoding: Row.self)
        }
    }

    /// The number of rows.
    public func count() async throws -> Int {
        try await self.executor.read { sql in
            try await Self.count(sql, table: Row.tableName)
        }
    }

    static func count(_ sql: any SQLDatabase, table: String) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    private static func ordered(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
        for column in Row.orderColumns { builder.orderBy(column) }
        return builder
    }

    /// Keeps the last row for each key (a multi-row upsert must not touch the same key twice).
    private static func lastPerKey(_ rows: [Row]) -> [Row] {
        guard rows.count > 1 else { return rows }
        var seen: [Row.UpsertKey: Int] = [:]
        seen.reserveCapacity(rows.count)
        var out: [Row] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            let key = row.upsertKey
            if let index = seen[key] {
                out[index] = row
            } else {
                seen[key] = out.count
                out.append(row)
            }
        }
        return out
    }
}

extension EntityRepository where Row: AccountScopedRow {
    /// The number of rows of an ad account (numeric id).
    public func count(accountID: String) async throws -> Int {
        try await self.executor.read { sql in
            let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Row.tableName)
                .where("account_id", .equal, SQLBind(accountID)).first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// A mirrored table with an `account_id` column (the numeric ad account id).
public protocol AccountScopedRow: MirroredRow {}

extension CampaignRow: AccountScopedRow {}
extension AdSetRow: AccountScopedRow {}
extension AdRow: AccountScopedRow {}
extension AdCreativeRow: AccountScopedRow {}
extension AdImageRow: AccountScopedRow {}
extension AdVideoRow: AccountScopedRow {}

extension EntityRepository where Row == AdAccountRow {
    /// The account with Graph id `act_<n>`, if stored.
    public func get(id: String) async throws -> AdAccountRow? { try await self.list(where: "id", equals: id).first }
    /// The accounts discovered through a connection.
    public func list(connectionID: String) async throws -> [AdAccountRow] { try await self.list(where: "connection_id", equals: connectionID) }
}

extension EntityRepository where Row == CampaignRow {
    /// The campaign with this Graph id, if stored.
    public func get(id: String) async throws -> CampaignRow? { try await self.list(where: "id", equals: id).first }
    /// The campaigns of an ad account (numeric id), ordered by id.
    public func list(accountID: String) async throws -> [CampaignRow] { try await self.list(where: "account_id", equals: accountID) }
}

extension EntityRepository where Row == AdSetRow {
    /// The ad set with this Graph id, if stored.
    public func get(id: String) async throws -> AdSetRow? { try await self.list(where: "id", equals: id).first }
    /// The ad sets of an ad account (numeric id), ordered by id.
    public func list(accountID: String) async throws -> [AdSetRow] { try await self.list(where: "account_id", equals: accountID) }
}

extension EntityRepository where Row == AdRow {
    /// The ad with this Graph id, if stored.
    public func get(id: String) async throws -> AdRow? { try await self.list(where: "id", equals: id).first }
    /// The ads of an ad account (numeric id), ordered by id.
    public func list(accountID: String) async throws -> [AdRow] { try await self.list(where: "account_id", equals: accountID) }
}

extension EntityRepository where Row == PerformanceSnapshotRow {
    /// The insights rows of an ad account (numeric id), ordered by key.
    public func list(accountID: String) async throws -> [PerformanceSnapshotRow] {
        try await self.list(where: "account_id", equals: accountID)
    }

    /// The number of insights rows of an account (numeric id) in one report (`""`: the unbroken rows), optionally of
    /// one level.
    public func count(accountID: String, level: PerformanceSnapshotRow.Level?, report: String = "") async throws -> Int {
        try await self.executor.read { sql in
            let query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Row.tableName)
                .where("account_id", .equal, SQLBind(accountID)).where("report", .equal, SQLBind(report))
            if let level { query.where("level", .equal, SQLBind(level.rawValue)) }
            return try await query.first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The insights rows of an account whose `date_start` lies in `days` (inclusive), ordered by key; with
    /// `unbrokenLevel`, only that level's rows outside breakdown reports (`report` and `breakdown_key` empty), which
    /// spares reading the far more numerous breakdown rows.
    public func list(
        accountID: String,
        days: ClosedRange<CalendarDay>,
        unbrokenLevel: PerformanceSnapshotRow.Level? = nil
    ) async throws -> [PerformanceSnapshotRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Row.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
            if let unbrokenLevel {
                builder.where("level", .equal, SQLBind(unbrokenLevel.rawValue)).where("report", .equal, SQLBind(""))
                    .where("breakdown_key", .equal, SQLBind(""))
            }
            for column in Row.orderColumns { builder.orderBy(column) }
            return try await builder.all(decoding: Row.self)
        }
    }
}

extension EntityRepository where Row == AdCreativeRow {
    /// The creative with this Graph id, if stored.
    public func get(id: String) async throws -> AdCreativeRow? { try await self.list(where: "id", equals: id).first }
    /// The creatives of an ad account (numeric id), ordered by id.
    public func list(accountID: String) async throws -> [AdCreativeRow] { try await self.list(where: "account_id", equals: accountID) }

    /// The creative ids that stored ads of an account (numeric id) refer to but `ad_creatives` lacks (deleted creatives,
    /// creatives of another account), ordered.
    public func missingReferencedIDs(accountID: String) async throws -> [String] {
        try await self.executor.read { sql in
            let rows = try await sql.raw(
                """
                SELECT DISTINCT a.creative_id AS id FROM ads a LEFT JOIN ad_creatives c ON c.id = a.creative_id \
                WHERE a.account_id = \(bind: accountID) AND a.creative_id IS NOT NULL AND c.id IS NULL ORDER BY a.creative_id
                """
            ).all()
            return try rows.map { try $0.decode(column: "id", as: String.self) }
        }
    }

    /// Whether creatives of an account (numeric id) refer to an image hash missing from `ad_images` or a video missing
    /// from `ad_videos` (then the media edges are worth a read).
    public func referencesMissingMedia(accountID: String) async throws -> Bool {
        try await self.executor.read { sql in
            let rows = try await sql.raw(
                """
                SELECT c.id FROM ad_creatives c \
                LEFT JOIN ad_images i ON i.account_id = c.account_id AND i.hash = c.image_hash \
                LEFT JOIN ad_videos v ON v.id = c.video_id \
                WHERE c.account_id = \(bind: accountID) \
                AND ((c.image_hash IS NOT NULL AND i.hash IS NULL) OR (c.video_id IS NOT NULL AND v.id IS NULL)) LIMIT 1
                """
            ).all()
            return !rows.isEmpty
        }
    }
}

extension EntityRepository where Row == AdRuleRow {
    /// The Automated Rules of an ad account (numeric id), ordered by id.
    public func list(accountID: String) async throws -> [AdRuleRow] { try await self.list(where: "account_id", equals: accountID) }

    /// Makes the account's stored rules exactly `rows` (a complete read of `adrules_library`): upserts them and
    /// deletes the account's rules Graph no longer lists (call it on a transaction to make both atomic).
    public func replace(accountID: String, with rows: [AdRuleRow]) async throws {
        try await self.executor.write { sql in
            let delete = sql.delete(from: AdRuleRow.tableName).where(SQLColumn("account_id"), .equal, SQLBind(accountID))
            if !rows.isEmpty { delete.where(SQLColumn("id"), .notIn, SQLBind.group(rows.map(\.id))) }
            try await delete.run()
        }
        try await self.upsert(rows)
    }
}
