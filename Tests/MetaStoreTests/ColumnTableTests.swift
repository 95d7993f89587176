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
    static func declared<Row: ColumnTableRecord>(_ type: Row.Type, on backend: TestBackend) -> [String: SchemaColumn] {
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

    static func checkSchema<Row: ColumnTableRecord>(_ type: Row.Type, _ sql: any SQLDatabase, _ backend: TestBackend) async throws {
        let migrated = try await Self.migrated(Row.table.name, in: sql, backend: backend)
        #expect(!migrated.isEmpty, "no table \(Row.table.name)")
        #expect(Self.declared(Row.self, on: backend) == migrated, "\(Row.table.name): the column table and the migrations disagree")
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
                try await Self.checkSchema(AdRuleRow.self, sql, backend)
                try await Self.checkSchema(PerformanceSnapshotRow.self, sql, backend)
                try await Self.checkSchema(PerformanceActionRow.self, sql, backend)
                try await Self.checkSchema(MetaRecommendationRow.self, sql, backend)
                try await Self.checkSchema(RecommendationSettingRow.self, sql, backend)
                try await Self.checkSchema(RecommendationRow.self, sql, backend)
                try await Self.checkSchema(AuditLogRow.self, sql, backend)
                try await Self.checkSchema(OpportunityScoreRow.self, sql, backend)
                try await Self.checkSchema(CreativeFatigueRow.self, sql, backend)
                try await Self.checkSchema(WebhookEventRow.self, sql, backend)
                try await Self.checkSchema(WorkItem.self, sql, backend)
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
    static func filled<Row: ColumnTableRecord>(_ start: Row) throws -> Row {
        var row = start
        let columns = Row.table.columns
        for (index, column) in columns.enumerated() { column.assign(try Self.sample(column.kind, index: index), to: &row) }
        let values = columns.map { $0.value(of: row) }
        for (index, column) in columns.enumerated() {
            #expect(values.indices.allSatisfy { $0 == index || values[$0] != values[index] }, "\(Row.table.name).\(column.name) shares a value")
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
            try await Self.roundTrip(try Self.filled(AdRuleRow(id: "r", accountID: "1", syncedAt: T.t0)), store.adRules)
            try await Self.roundTrip(try Self.filled(Self.snapshot), store.snapshots)
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
            try await Self.roundTrip(AdRuleRow(id: "r", accountID: "1", syncedAt: T.t0), store.adRules)
            try await Self.roundTrip(Self.snapshot, store.snapshots)
        }
    }

    /// Inserts through the row's Codable form (as `SyncRunRepository.start` does) and reads it back.
    static func sqlRoundTrip<Row: ColumnTableRecord & Equatable>(_ row: Row, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: Row.table.name).model(row, nilEncodingStrategy: .asNil).run()
        #expect(try await sql.select().column("*").from(Row.table.name).all(decoding: Row.self) == [row], "\(Row.table.name) round trip")
        try await sql.delete(from: Row.table.name).run()
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

    static let snapshot = PerformanceSnapshotRow(
        level: .ad,
        objectID: "a",
        accountID: "1",
        dateStart: CalendarDay(daysSince1970: 19_800),
        dateStop: CalendarDay(daysSince1970: 19_800),
        syncedAt: T.t0
    )

    static let action = PerformanceActionRow(
        level: .ad,
        objectID: "a",
        accountID: "1",
        dateStart: CalendarDay(daysSince1970: 19_800),
        dateStop: CalendarDay(daysSince1970: 19_800),
        actionType: "omni_purchase",
        attributionWindow: "7d_click"
    )

    /// The insights rows write their values out for the bulk-write hot path: they must be the table's, in its order.
    @Test func insightsRowsWriteTheirTablesValues() throws {
        for row in [Self.snapshot, try Self.filled(Self.snapshot)] {
            #expect(row.columnValues == PerformanceSnapshotRow.table.columns.map { $0.value(of: row) })
        }
        for row in [Self.action, try Self.filled(Self.action)] {
            #expect(row.columnValues == PerformanceActionRow.table.columns.map { $0.value(of: row) })
        }
    }

    @Test(arguments: TestBackend.all)
    func actionsRoundTripEveryColumn(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            for row in [Self.action, try Self.filled(Self.action)] {
                try await store.actions.replace(snapshots: [], with: [row])
                #expect(try await store.actions.all() == [row], "performance_actions round trip")
                #expect(try JSONDecoder().decode(PerformanceActionRow.self, from: JSONEncoder().encode(row)) == row)
                try await store.actions.replace(snapshots: [row.snapshotKey], with: [])
            }
        }
    }

    /// A generated key is left out of inserts and updates, and of the columns a row's nil may be written as.
    @Test func generatedKeysAreLeftOutOfWrites() {
        let table = MetaRecommendationRow.table
        #expect(table.columns.first?.isGenerated == true && table.columns.first?.isNullable == false)
        #expect(table.insertColumns.map(\.name) == Array(table.names.dropFirst()))
        #expect(table.updateColumns.map(\.name) == table.names.filter { !["id", "account_id", "source", "object_id", "rec_key"].contains($0) })
    }

    @Test(arguments: TestBackend.all)
    func recordsRoundTripEveryColumn(backend: TestBackend) async throws {
        let recommendation = MetaRecommendationRow(
            accountID: "1",
            level: "ad",
            objectID: "a",
            source: .object,
            recKey: "k",
            raw: JSONText(rawValue: "{}"),
            firstSeenAt: T.t0,
            lastSeenAt: T.t0
        )
        let setting = RecommendationSettingRow(accountID: "1", key: "target_cpa", value: "25", updatedAt: T.t0)
        let finding = RecommendationRow(
            accountID: "1",
            level: .ad,
            objectID: "a",
            kind: "creative_fatigue",
            severity: .high,
            title: "t",
            evidence: JSONText(rawValue: "{}"),
            action: JSONText(rawValue: "{}"),
            firstSeenAt: T.t0,
            updatedAt: T.t0
        )
        let audit = AuditLogRow(at: T.t0, actor: "cli", accountID: "1", objectID: "a", operation: "pause", outcome: .succeeded)
        var filled = try Self.filled(recommendation)
        filled.level = "ad"  // the table checks the level
        try await backend.withDatabase { db throws in
            try await db.withSQL { sql in
                for row in [setting, try Self.filled(setting)] { try await Self.sqlRoundTrip(row, sql) }
                try await Self.sqlRoundTrip(filled, sql)
                try await Self.sqlRoundTrip(try Self.filled(finding), sql)
                try await Self.sqlRoundTrip(try Self.filled(audit), sql)
            }
        }
        try await backend.withStore { store throws in
            try await Self.recordRoundTrip(filled, store)
            for row in [finding, try Self.filled(finding)] {
                var row = row
                row.id = nil
                row.id = try await store.recommendations.apply(.init(inserts: [row], resolvedAt: T.t0)).first?.id
                #expect(row.id != nil)
                #expect(try await store.recommendations.get(id: row.id ?? 0) == row, "recommendations insert")
                try await store.recommendations.setStatus(id: row.id ?? 0, .resolved, at: T.t0)
            }
            for row in [audit, try Self.filled(audit)] {
                var row = row
                row.id = nil
                row = try await store.auditLog.append(row)
                #expect(try await store.auditLog.list(objectID: row.objectID).first == row, "audit_log insert")
            }
        }
    }

    /// Records `row` through the repository (an insert, then a refresh of the stored row) and reads it back.
    static func recordRoundTrip(_ row: MetaRecommendationRow, _ store: MetaStore) async throws {
        var row = row
        row.id = nil
        row.goneAt = nil
        let repository = store.metaRecommendations
        try await repository.record(accountID: row.accountID, source: row.source, objectIDs: [row.objectID], items: [row], seenAt: T.at(5))
        (row.firstSeenAt, row.lastSeenAt) = (T.at(5), T.at(5))
        let inserted = try await repository.all(accountID: row.accountID)
        #expect(inserted.count == 1 && inserted.first?.id != nil)
        row.id = inserted.first?.id
        #expect(inserted == [row], "meta_recommendations insert")
        row.title = "changed"
        row.points = nil
        try await repository.record(accountID: row.accountID, source: row.source, objectIDs: [row.objectID], items: [row], seenAt: T.at(6))
        row.lastSeenAt = T.at(6)
        #expect(try await repository.all(accountID: row.accountID) == [row], "meta_recommendations refresh")
    }

    @Test(arguments: TestBackend.all)
    func webhookRowsRoundTripEveryColumn(backend: TestBackend) async throws {
        let score = OpportunityScoreRow(accountID: "1", recordedAt: T.t0, score: "71.5")
        let fatigue = CreativeFatigueRow(adID: "a", accountID: "1", level: "HIGH", receivedAt: T.t0)
        let event = WebhookEventRow(dedupeKey: "k", object: "ad_account", payload: JSONText(rawValue: "{}"), receivedAt: T.t0)
        let item = try JSONDecoder().decode(
            WorkItem.self,
            from: Data(
                #"{"id":1,"queue":"refresh","dedupe_key":"k","payload":"{}","state":"pending","attempts":0,"max_attempts":5,"available_at":0,"created_at":0,"updated_at":0}"#
                    .utf8
            )
        )
        try await backend.withDatabase { db throws in
            try await db.withSQL { sql in
                for row in [score, try Self.filled(score)] { try await Self.sqlRoundTrip(row, sql) }
                for row in [fatigue, try Self.filled(fatigue)] { try await Self.sqlRoundTrip(row, sql) }
                try await Self.sqlRoundTrip(try Self.filled(event), sql)
                try await Self.sqlRoundTrip(try Self.filled(item), sql)
            }
        }
        try await backend.withStore { store throws in
            try await store.metaRecommendations.recordScore(accountID: score.accountID, score: score.score, at: score.recordedAt)
            #expect(try await store.metaRecommendations.scores(accountID: score.accountID) == [score])
            let filledFatigue = try Self.filled(fatigue)
            try await store.metaRecommendations.recordFatigue(filledFatigue)
            #expect(try await store.metaRecommendations.fatigue(accountID: filledFatigue.accountID) == [filledFatigue])
            var filledEvent = try Self.filled(event)
            filledEvent.id = nil
            let recorded = try await store.webhookEvents.record([event, filledEvent])
            #expect(recorded.map(\.dedupeKey) == [event.dedupeKey, filledEvent.dedupeKey] && recorded.allSatisfy { $0.id != nil })
            for row in recorded { #expect(try await store.webhookEvents.get(dedupeKey: row.dedupeKey) == row, "webhook_events insert") }
        }
    }
}
