import Foundation
import MetaStore
import SQLKit
import Testing

/// Every ``ColumnTable`` against the migrated schema, and every row type through its table and back.
@Suite struct ColumnTableTests {
    /// One column as the schema has it: the backend's type name and whether it takes NULL.
    struct SchemaColumn: Equatable, CustomStringConvertible {
        let type: String
        let nullable: Bool
        var description: String { self.type + (self.nullable ? " NULL" : " NOT NULL") }
    }

    /// A table's columns as its ``ColumnTable`` declares them, in the terms of a backend.
    static func declared<Row: ColumnTableRow>(_ type: Row.Type, on backend: TestBackend) -> [String: SchemaColumn] {
        var columns: [String: SchemaColumn] = [:]
        for column in Row.table.columns {
            let type = backend == .sqlite ? column.kind.sqliteType : column.kind.postgresType
            columns[column.name] = SchemaColumn(type: type, nullable: column.isNullable)
        }
        return columns
    }

    /// A table's columns as the migrated database has them.
    static func migrated(_ table: String, in sql: any SQLDatabase, backend: TestBackend) async throws -> [String: SchemaColumn] {
        var columns: [String: SchemaColumn] = [:]
        switch backend {
        case .sqlite:
            for row in try await sql.raw("PRAGMA table_info(\(ident: table))").all() {
                // SQLite lets a TEXT PRIMARY KEY column hold NULL unless declared NOT NULL; MetaSync never writes one.
                let notNull = try row.decode(column: "notnull", as: Int.self) != 0 || row.decode(column: "pk", as: Int.self) != 0
                columns[try row.decode(column: "name", as: String.self)] = SchemaColumn(
                    type: try row.decode(column: "type", as: String.self),
                    nullable: !notNull
                )
            }
        case .postgres:
            let rows = try await sql.raw(
                """
                SELECT column_name, data_type, is_nullable FROM information_schema.columns \
                WHERE table_schema = current_schema() AND table_name = \(bind: table)
                """
            ).all()
            for row in rows {
                columns[try row.decode(column: "column_name", as: String.self)] = SchemaColumn(
                    type: try row.decode(column: "data_type", as: String.self),
                    nullable: try row.decode(column: "is_nullable", as: String.self) == "YES"
                )
            }
        }
        return columns
    }

    static func checkSchema<Row: ColumnTableRow>(_ type: Row.Type, _ sql: any SQLDatabase, _ backend: TestBackend) async throws {
        let migrated = try await Self.migrated(Row.tableName, in: sql, backend: backend)
        #expect(!migrated.isEmpty, "no table \(Row.tableName)")
        #expect(Self.declared(Row.self, on: backend) == migrated, "\(Row.tableName): the column table and the migrations disagree")
    }

    @Test(arguments: TestBackend.all)
    func everyColumnTableMatchesTheMigratedSchema(backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            try await db.withSQL { sql in
                try await Self.checkSchema(AdAccountRow.self, sql, backend)
                try await Self.checkSchema(CampaignRow.self, sql, backend)
                try await Self.checkSchema(AdSetRow.self, sql, backend)
                try await Self.checkSchema(AdRow.self, sql, backend)
                try await Self.checkSchema(AdCreativeRow.self, sql, backend)
                try await Self.checkSchema(AdImageRow.self, sql, backend)
                try await Self.checkSchema(AdVideoRow.self, sql, backend)
                try await Self.checkSchema(SyncCheckpoint.self, sql, backend)
                try await Self.checkSchema(SyncRunRow.self, sql, backend)
                try await Self.checkSchema(MetaConnectionRow.self, sql, backend)
            }
        }
    }

    /// A distinct value of a kind for the column at `index`.
    static func sample(_ kind: ColumnKind, index: Int) throws -> ColumnValue {
        switch kind {
        case .text: .text("v\(index)")
        case .count: .integer(1000 + index)
        case .decimal: .decimal(try ExactDecimal("\(index).25"))
        case .day: .day(CalendarDay(daysSince1970: 19_000 + index))
        case .instant: .timestamp(T.at(60 * index))
        case .json: .json(JSONText(rawValue: #"{"column":\#(index)}"#))
        }
    }

    /// `start` with every column set to its own distinct value (an enum column keeps the start's value), after
    /// checking that each column reads back what it was given: two columns sharing a property would not.
    static func filled<Row: ColumnTableRow>(_ start: Row) throws -> Row {
        var row = start
        let columns = Row.table.columns
        for (index, column) in columns.enumerated() { column.assign(try Self.sample(column.kind, index: index), to: &row) }
        let values = columns.map { $0.value(of: row) }
        for (index, column) in columns.enumerated() {
            #expect(values.indices.allSatisfy { $0 == index || values[$0] != values[index] }, "\(Row.tableName).\(column.name) shares a value")
        }
        #expect(Mirror(reflecting: row).children.count == columns.count, "\(Row.self): a stored property without a column")
        return row
    }

    /// Writes `row` through the repository, reads it back, and encodes/decodes it as JSON (the API's form).
    static func roundTrip<Row: ColumnTableRow>(_ row: Row, _ repository: EntityRepository<Row>) async throws {
        try await repository.upsert([row])
        #expect(try await repository.all() == [row], "\(Row.tableName) round trip")
        #expect(try JSONDecoder().decode(Row.self, from: JSONEncoder().encode(row)) == row, "\(Row.tableName) JSON round trip")
    }

    @Test(arguments: TestBackend.all)
    func everyEntityRoundTripsEveryColumn(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await Self.roundTrip(try Self.filled(AdAccountRow(id: "act_1", accountID: "1", syncedAt: T.t0)), store.adAccounts)
            try await Self.roundTrip(try Self.filled(CampaignRow(id: "c", accountID: "1", syncedAt: T.t0)), store.campaigns)
            try await Self.roundTrip(try Self.filled(AdSetRow(id: "s", accountID: "1", syncedAt: T.t0)), store.adSets)
            try await Self.roundTrip(try Self.filled(AdRow(id: "a", accountID: "1", syncedAt: T.t0)), store.ads)
            try await Self.roundTrip(try Self.filled(AdCreativeRow(id: "cr", accountID: "1", syncedAt: T.t0)), store.adCreatives)
            try await Self.roundTrip(try Self.filled(AdImageRow(accountID: "1", hash: "h", syncedAt: T.t0)), store.adImages)
            try await Self.roundTrip(try Self.filled(AdVideoRow(id: "v", accountID: "1", syncedAt: T.t0)), store.adVideos)
        }
    }

    @Test(arguments: TestBackend.all)
    func entitiesWithOnlyTheirRequiredColumnsRoundTrip(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await Self.roundTrip(AdAccountRow(id: "act_1", accountID: "1", syncedAt: T.t0), store.adAccounts)
            try await Self.roundTrip(CampaignRow(id: "c", accountID: "1", syncedAt: T.t0), store.campaigns)
            try await Self.roundTrip(AdSetRow(id: "s", accountID: "1", syncedAt: T.t0), store.adSets)
            try await Self.roundTrip(AdRow(id: "a", accountID: "1", syncedAt: T.t0), store.ads)
            try await Self.roundTrip(AdCreativeRow(id: "cr", accountID: "1", syncedAt: T.t0), store.adCreatives)
            try await Self.roundTrip(AdImageRow(accountID: "1", hash: "h", syncedAt: T.t0), store.adImages)
            try await Self.roundTrip(AdVideoRow(id: "v", accountID: "1", syncedAt: T.t0), store.adVideos)
        }
    }

    /// Inserts through the row's Codable form (as `SyncRunRepository.start` does) and reads it back.
    static func sqlRoundTrip<Row: ColumnTableRow>(_ row: Row, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: Row.tableName).model(row, nilEncodingStrategy: .asNil).run()
        #expect(try await sql.select().column("*").from(Row.tableName).all(decoding: Row.self) == [row], "\(Row.tableName) round trip")
        try await sql.delete(from: Row.tableName).run()
    }

    @Test(arguments: TestBackend.all)
    func bookkeepingRowsRoundTripEveryColumn(backend: TestBackend) async throws {
        let run = SyncRunRow(id: "r", kind: "full", startedAt: T.t0)
        let checkpoint = SyncCheckpoint(accountID: "1", stream: "ads", updatedAt: T.t0)
        let connection = try JSONDecoder().decode(
            MetaConnectionRow.self,
            from: Data(
                #"{"id":"c","meta_user_id":"u","token_type":"USER","token_ciphertext":"x","token_key_id":"k","scopes":"[]","status":"active","created_at":0,"updated_at":0}"#
                    .utf8
            )
        )
        try await backend.withDatabase { db throws in
            try await db.withSQL { sql in
                for row in [run, try Self.filled(run)] { try await Self.sqlRoundTrip(row, sql) }
                for row in [checkpoint, try Self.filled(checkpoint)] { try await Self.sqlRoundTrip(row, sql) }
                for row in [connection, try Self.filled(connection)] { try await Self.sqlRoundTrip(row, sql) }
            }
        }
    }
}
