import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct BreakdownTests {
    /// Three days: placement (70 buckets) stays under the sandbox's sync row budget.
    static let range = "{\"since\":\"2024-06-01\",\"until\":\"2024-06-03\"}"
    static let fields = "ad_id,impressions,clicks,spend,reach,actions,action_values"
    /// The breakdowns of MetaSync's built-in reports.
    static let builtIns: [[String]] = [
        ["age", "gender"], ["country"], ["region"], ["publisher_platform", "platform_position", "impression_device"], ["device_platform"],
    ]

    static func query(_ breakdowns: [String], increment: String = "1") -> [(String, String)] {
        var q = [("level", "ad"), ("time_increment", increment), ("time_range", Self.range), ("fields", Self.fields), ("limit", "500")]
        if !breakdowns.isEmpty { q.append(("breakdowns", breakdowns.joined(separator: ","))) }
        return q
    }

    /// Additive figures of raw Graph rows per (ad, day): impressions, clicks, spend in cents, and every action and
    /// action value by type, as written in the rows.
    static func additive(_ rows: [SandboxJSON], skipping skipped: (String) -> Bool = { _ in false }) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for row in rows {
            let key = "\(row["ad_id"]?.stringValue ?? "?")|\(row["date_start"]?.stringValue ?? "?")"
            var figures = out[key] ?? [:]
            figures["impressions", default: 0] += Int(row["impressions"]?.stringValue ?? "") ?? -1
            figures["clicks", default: 0] += Int(row["clicks"]?.stringValue ?? "") ?? -1
            figures["spend", default: 0] += Int(((Double(row["spend"]?.stringValue ?? "") ?? -1) * 100).rounded())
            for list in ["actions", "action_values"] {
                for item in row[list]?.arrayValue ?? [] {
                    let type = item["action_type"]?.stringValue ?? "?"
                    guard !skipped(type) else { continue }
                    figures["\(list).\(type)", default: 0] += Int(((Double(item["value"]?.stringValue ?? "") ?? -1) * 100).rounded())
                }
            }
            out[key] = figures
        }
        return out
    }

    @Test(arguments: Self.builtIns)
    func bucketsSumExactlyToTheUnbrokenRow(_ breakdowns: [String]) async throws {
        let sandbox = Fixture.sandbox()
        let path = "/v25.0/\(sandbox.firstAccount)/insights"
        let plain = try await sandbox.collect(path, Self.query([])).items
        let broken = try await sandbox.collect(path, Self.query(breakdowns)).items
        #expect(!plain.isEmpty)
        #expect(broken.allSatisfy { row in breakdowns.allSatisfy { row[$0]?.stringValue?.isEmpty == false } })
        let offMeta = breakdowns.contains("region")
        let skip: (String) -> Bool = { offMeta && $0.hasPrefix("offsite_conversion.") }
        #expect(Self.additive(broken) == Self.additive(plain, skipping: skip))
        let types = broken.flatMap { ($0["actions"]?.arrayValue ?? []).compactMap { $0["action_type"]?.stringValue } }
        #expect(types.contains { $0.hasPrefix("offsite_conversion.") } == !offMeta)
        let buckets = Set(broken.map { row in breakdowns.map { row[$0]?.stringValue ?? "" } })
        #expect(buckets.count > 2)
        #expect(broken.count == plain.count * buckets.count)
    }

    /// Raw rows of `breakdowns` (or unbroken ones) with reach and frequency, keyed by object and day.
    static func reachRows(_ breakdowns: [String], level: String = "ad") async throws -> [String: [SandboxJSON]] {
        let sandbox = Fixture.sandbox()
        let fields = "ad_id,campaign_id,impressions,clicks,spend,reach,frequency"
        let query = Self.query(breakdowns).map { $0.0 == "fields" ? ($0.0, fields) : $0.0 == "level" ? ($0.0, level) : $0 }
        let rows = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", query).items
        return Dictionary(grouping: rows) { "\($0["\(level)_id"]?.stringValue ?? "?")|\($0["date_start"]?.stringValue ?? "?")" }
    }

    static func int(_ row: SandboxJSON, _ field: String) -> Int { Int(row[field]?.stringValue ?? "") ?? -1 }

    /// A person is reached on several placements and devices, so those buckets' reach sums to more than the object's
    /// (each bucket's reach within its impressions, frequency = impressions / reach), while the counts still add up.
    @Test(arguments: [
        ["publisher_platform", "platform_position", "impression_device"], ["publisher_platform"], ["impression_device"],
        ["device_platform"], ["publisher_platform", "platform_position"],
    ])
    func placementAndDeviceBucketsOverlapInReach(_ breakdowns: [String]) async throws {
        let plain = try await Self.reachRows([])
        let broken = try await Self.reachRows(breakdowns)
        #expect(Self.additive(broken.values.flatMap { $0 }) == Self.additive(plain.values.flatMap { $0 }))
        let checked = plain.filter { Self.int($0.value[0], "reach") >= 500 }
        #expect(checked.count > 3)
        for (key, rows) in checked {
            let reach = Self.int(rows[0], "reach")
            let buckets = broken[key] ?? []
            let sum = buckets.map { Self.int($0, "reach") }.reduce(0, +)
            #expect(sum > reach, "\(key): \(sum) vs \(reach)")
            #expect(sum <= Self.int(rows[0], "impressions"), "\(key)")
        }
        for row in broken.values.joined() where Self.int(row, "reach") > 0 {
            let (reach, impressions) = (Self.int(row, "reach"), Self.int(row, "impressions"))
            #expect(reach <= impressions, "\(row)")
            let frequency = Double(row["frequency"]?.stringValue ?? "") ?? -1
            #expect(abs(frequency - Double(impressions) / Double(reach)) < 1e-5, "\(row)")
        }
    }

    /// A person has one age and gender (and, as the sandbox treats it, one country): those buckets' reach adds up to
    /// the object's, exactly for one ad and day and within the rounding for a campaign over days.
    @Test(arguments: [["age", "gender"], ["country"], ["age"], ["gender"]])
    func demographicAndCountryBucketsPartitionReach(_ breakdowns: [String]) async throws {
        let plain = try await Self.reachRows([])
        let broken = try await Self.reachRows(breakdowns)
        #expect(plain.count > 3)
        for (key, rows) in plain {
            let sum = (broken[key] ?? []).map { Self.int($0, "reach") }.reduce(0, +)
            #expect(sum == Self.int(rows[0], "reach"), "\(key)")
        }
        let campaigns = try await Self.reachRows([], level: "campaign")
        let campaignBuckets = try await Self.reachRows(breakdowns, level: "campaign")
        for (key, rows) in campaigns {
            let buckets = campaignBuckets[key] ?? []
            let sum = buckets.map { Self.int($0, "reach") }.reduce(0, +)
            #expect(abs(sum - Self.int(rows[0], "reach")) <= buckets.count, "\(key): \(sum) vs \(Self.int(rows[0], "reach"))")
        }
    }

    @Test func asyncRunsAndSmallPagesReturnTheSameBuckets() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1) }
        let account = sandbox.firstAccount
        let query = Self.query(["age", "gender"])
        let sync = try await sandbox.collect("/v25.0/\(account)/insights", query).items
        let paged = try await sandbox.collect("/v25.0/\(account)/insights", query.filter { $0.0 != "limit" } + [("limit", "7")]).items
        #expect(paged == sync)
        let run = try #require(await sandbox.send(.post, "/v25.0/\(account)/insights", body: query).json?["report_run_id"]?.stringValue)
        #expect(await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue == "Job Completed")
        #expect(try await sandbox.collect("/v25.0/\(run)/insights", [("limit", "100")]).items == sync)
    }

    @Test func monthlyReachIsNotTheSumOfDays() async throws {
        let sandbox = Fixture.sandbox()
        let path = "/v25.0/\(sandbox.firstAccount)/insights"
        let range = "{\"since\":\"2024-05-01\",\"until\":\"2024-06-30\"}"
        let base = [("level", "campaign"), ("time_range", range), ("fields", "campaign_id,impressions,reach"), ("limit", "500")]
        let monthly = try await sandbox.collect(path, base + [("time_increment", "monthly")]).items
        let daily = try await sandbox.collect(path, base + [("time_increment", "1")]).items
        let weekly = try await sandbox.collect(path, base + [("time_increment", "7")]).items
        let all = try await sandbox.collect(path, base + [("time_increment", "all_days")]).items
        #expect(Set(monthly.compactMap { $0["date_start"]?.stringValue }) == ["2024-05-01", "2024-06-01"])
        #expect(monthly.allSatisfy { ["2024-05-31", "2024-06-30"].contains($0["date_stop"]?.stringValue ?? "") })
        #expect(
            weekly.allSatisfy { row in
                guard let s = row["date_start"]?.stringValue.flatMap(GraphDate.parseDay),
                    let e = row["date_stop"]?.stringValue.flatMap(GraphDate.parseDay)
                else { return false }
                return e - s <= 6
            }
        )
        #expect(InsightsTests.sum(monthly, "impressions") == InsightsTests.sum(daily, "impressions"))
        #expect(InsightsTests.sum(all, "impressions") == InsightsTests.sum(daily, "impressions"))
        #expect(InsightsTests.sum(monthly, "reach") < InsightsTests.sum(daily, "reach") * 9 / 10)
        #expect(InsightsTests.sum(all, "reach") < InsightsTests.sum(monthly, "reach"))
    }

    @Test(arguments: [
        ("platform_position", "Current combination of data breakdown columns (action_type, platform_position) is invalid"),
        ("age,country", "Current combination of data breakdown columns (action_type, age, country) is invalid"),
        ("age,age", "is invalid"),
        ("agegroup", "breakdowns[0] must be one of the following values: age, country, dma"),
        ("product_id", "not supported by the MetaSync sandbox"),
    ])
    func combinationsGraphRefusesAreError100(_ breakdowns: String, _ message: String) async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("level", "ad"), ("time_range", Self.range), ("breakdowns", breakdowns)]
        )
        #expect(reply.errorCode == 100)
        #expect(reply.text.contains(message), "\(reply.text)")
    }

    @Test func apportioningKeepsTheTotalAndFollowsTheWeights() {
        #expect(InsightsBreakdown.apportion(10, [1, 1, 1]) == [4, 3, 3])
        #expect(InsightsBreakdown.apportion(7, [0, 5, 2]) == [0, 5, 2])
        #expect(InsightsBreakdown.apportion(5, [0, 0]) == [5, 0])
        #expect(InsightsBreakdown.apportion(1_234_567, [3, 9, 11, 2]).reduce(0, +) == 1_234_567)
    }
}
