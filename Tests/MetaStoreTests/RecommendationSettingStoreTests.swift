import Foundation
import MetaStore
import Testing

/// `recommendation_settings`, on SQLite and PostgreSQL.
@Suite struct RecommendationSettingStoreTests {
    @Test(arguments: TestBackend.all)
    func setReplaceListAndRemove(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let settings = store.recommendationSettings
            try await settings.set(accountID: "1001", campaignID: "", values: ["target_cpa": "25", "anomaly_z": "6"], at: T.t0)
            try await settings.set(accountID: "1001", campaignID: "77", values: ["target_cpa": "12.5"], at: T.t0)
            try await settings.set(accountID: "2002", campaignID: "", values: ["target_roas": "3"], at: T.t0)
            // Setting a key again replaces its value and time, not the row.
            try await settings.set(accountID: "1001", campaignID: "", values: ["target_cpa": "off"], at: T.at(60))
            let rows = try await settings.list(accountID: "1001")
            #expect(rows.map { "\($0.campaignID)/\($0.key)=\($0.value)" } == ["/anomaly_z=6", "/target_cpa=off", "77/target_cpa=12.5"])
            #expect(rows[1].updatedAt == T.at(60) && rows[0].updatedAt == T.t0)
            #expect(try await settings.values(accountID: "1001") == ["": ["anomaly_z": "6", "target_cpa": "off"], "77": ["target_cpa": "12.5"]])
            #expect(try await settings.list(accountID: "1001", campaignID: "77").map(\.key) == ["target_cpa"])

            #expect(try await settings.remove(accountID: "1001", campaignID: "", keys: ["target_cpa", "not_set"]) == 1)
            #expect(try await settings.remove(accountID: "1001", campaignID: "", keys: []) == 0)
            #expect(try await settings.values(accountID: "1001") == ["": ["anomaly_z": "6"], "77": ["target_cpa": "12.5"]])
            #expect(try await settings.remove(accountID: "1001", campaignID: "77") == 1)
            #expect(try await settings.values(accountID: "1001") == ["": ["anomaly_z": "6"]])
            #expect(try await settings.values(accountID: "2002") == ["": ["target_roas": "3"]])
            #expect(try await store.rowCounts()["recommendation_settings"] == 2)
        }
    }
}
