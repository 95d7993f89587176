import Foundation
import Testing

@testable import metasync

/// `metasync sync --backfill 400d` against a `metasync sandbox` that fails sync reads and async jobs above 5 rows:
/// chunks shrink to a day and the fuller days are split by campaign, yet the database ends with the digest of an
/// uncapped run; `kill -9` in the middle and a rerun of the same command give that digest too.
@Suite(.serialized) struct BackfillKillTests {
    /// 4 campaigns × 1 ad set × 2 ads, 400 days: up to 8 ad rows a day.
    static let shape = ["--accounts", "1", "--campaigns", "4", "--adsets-per-campaign", "1", "--ads-per-adset", "2", "--days", "400"]
    static let caps = ["--insights-row-budget", "5", "--async-max-rows", "5"]
    static let arguments = ["--backfill", "400d", "--levels", "ad"]

    @Test(.timeLimit(.minutes(10))) func aKilledCappedBackfillEndsWithTheRowsOfAnUncappedOne() async throws {
        let uncapped = try await KillWorld.start(shape: Self.shape)
        defer { uncapped.stop() }
        let (cleanStatus, cleanOutput) = try await uncapped.sync(database: "clean", arguments: Self.arguments)
        #expect(cleanStatus == 0, "\(cleanOutput)")
        let clean = try await uncapped.digest(database: "clean")

        let world = try await KillWorld.start(shape: Self.shape, extra: Self.caps)
        defer { world.stop() }
        let started = ContinuousClock.now
        let (status, output) = try await world.sync(database: "capped", arguments: Self.arguments)
        let cappedMilliseconds = Int((ContinuousClock.now - started).components.seconds * 1000)
        #expect(status == 0, "\(output)")
        #expect(output.contains("outcome: succeeded"), "\(output)")
        // Standard output is a pipe: plain progress lines, ending with the finished window.
        #expect(output.contains("insights.ad: days"), "\(output)")
        #expect(output.contains(", done"), "\(output)")
        #expect(try await world.digest(database: "capped") == clean)

        var generator = SystemRandomNumberGenerator()
        let delay = Int.random(in: max(500, cappedMilliseconds / 4)...max(1_000, cappedMilliseconds * 3 / 4), using: &generator)
        _ = try await world.sync(database: "killed", arguments: ["--entities-only"])
        let child = try world.startSync(database: "killed", arguments: Self.arguments)
        try await Task.sleep(for: .milliseconds(delay))
        child.kill()
        try await child.waitForExit(timeout: .seconds(30))
        let (rerun, rerunOutput) = try await world.sync(database: "killed", arguments: Self.arguments)
        #expect(rerun == 0, "killed after \(delay) ms; rerun:\n\(rerunOutput)")
        #expect(try await world.digest(database: "killed") == clean, "killed after \(delay) ms")
        print("backfill kill-and-resume: capped run \(cappedMilliseconds) ms, killed after \(delay) ms")
    }
}
