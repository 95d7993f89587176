import Foundation
import SQLKit
import Testing

@testable import MetaStore

/// The background WAL checkpoint of a SQLite file (``MetaDatabase/run()``): a PASSIVE checkpoint on a second
/// connection, then a RESTART on the writer connection once the WAL is long.
@Suite struct CheckpointTests {
    static func events(_ range: Range<Int>) -> [WebhookEventRow] {
        range.map { n in
            WebhookEventRow(
                dedupeKey: "k\(n)",
                object: "ad_account",
                payload: JSONText(rawValue: #"{"value":"\#(String(repeating: "x", count: 200))"}"#),
                receivedAt: T.at(n)
            )
        }
    }

    @Test func aRoundRestartsALongWALAndKeepsEveryWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("db.sqlite").path
        try await TestBackend.sqlite.withStore(sqliteFile: path) { store throws in
            _ = try await store.webhookEvents.record(Self.events(0..<2_000))
            let second = try await MetaDatabase.open(.sqliteFile(path: path), logger: TestBackend.logger)
            do {
                // Below the threshold: PASSIVE only.
                let quiet = try await second.withSQL { sql in try await store.database.checkpointRound(passive: sql, restartFrames: 1_000_000) }
                #expect(quiet.walFrames > 0)
                #expect(!quiet.restarted)
                // Writes keep going while the rounds run; a round over the threshold restarts the WAL.
                async let writes = store.webhookEvents.record(Self.events(2_000..<3_000))
                let round = try await second.withSQL { sql in try await store.database.checkpointRound(passive: sql, restartFrames: 1) }
                #expect(try await writes.count == 1_000)
                #expect(round.restarted)
                // After the restart the writer starts the WAL over: it is much shorter than before.
                _ = try await store.webhookEvents.record(Self.events(3_000..<3_010))
                let after = try await second.withSQL { sql in try await store.database.checkpointRound(passive: sql, restartFrames: 1_000_000) }
                #expect(after.walFrames < quiet.walFrames)
                // Every write is there, for both connections.
                #expect(try await store.webhookEvents.list(limit: 10_000).count == 3_010)
                let seen = try await second.withSQL { sql in
                    try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("webhook_events").first()?
                        .decode(column: "n", as: Int.self)
                }
                #expect(seen == 3_010)
            } catch {
                try? await second.close()
                throw error
            }
            try await second.close()
        }
    }
}
