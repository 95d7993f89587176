import Foundation
import MetaStore

/// The rows of one page of an entity stream (only one array is filled).
struct EntityRows: Sendable {
    var campaigns: [CampaignRow] = []
    var adSets: [AdSetRow] = []
    var ads: [AdRow] = []

    var count: Int { self.campaigns.count + self.adSets.count + self.ads.count }

    /// The newest `updated_time` of the page.
    var maxUpdatedTime: Date? {
        (self.campaigns.compactMap(\.updatedTime) + self.adSets.compactMap(\.updatedTime) + self.ads.compactMap(\.updatedTime)).max()
    }
}
