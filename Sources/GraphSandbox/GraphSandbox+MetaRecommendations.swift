import Foundation
import Synchronization

/// Meta's own recommendations and creative-fatigue signals: changes and the webhooks that announce them.
///
/// The `ad_recommendations` and `creative_fatigue` value shapes are partly UNCONFIRMED (reference §9.5); the sandbox
/// sends `{"ad_account_id", "ad_object_ids": [...], "recommendation_type", "recommendation_message"}` and
/// `{"ad_account_id", "adgroup_id", "creative_fatigue_level", "creative_fatigue_message"}`.
extension GraphSandbox {
    /// Gives a campaign, ad set or ad one of Meta's recommendations (in its `recommendations` field and in its account's
    /// opportunity-score items) and notifies subscribers with `ad_recommendations`. Returns `false` for an unknown id.
    @discardableResult
    public func addMetaRecommendation(objectID: String) -> Bool {
        let found = self.state.withLock { s -> Bool in
            guard let i = s.world.node(objectID) else { return false }
            s.world.metaRecommended.insert(i)
            let account = s.world.accounts[s.world.nodes[i].accountIndex]
            s.queueWebhookChange(SandboxWebhookChange.adRecommendations(accountNumber: account.number, objectIDs: [objectID]), aboutNode: i)
            return true
        }
        self.wakeWebhookDeliverer()
        return found
    }

    /// Notifies subscribers that Meta rates an ad's creative fatigue at `level` (`creative_fatigue`). Returns `false` for
    /// an id that is not an ad.
    @discardableResult
    public func sendCreativeFatigue(
        adID: String,
        level: String = "HIGH",
        message: String = "Your ad's creative is showing signs of fatigue."
    ) -> Bool {
        let found = self.state.withLock { s -> Bool in
            guard let i = s.world.node(adID), s.world.nodes[i].kind == .ad else { return false }
            let account = s.world.accounts[s.world.nodes[i].accountIndex]
            s.queueWebhookChange(
                SandboxWebhookChange.creativeFatigue(accountNumber: account.number, adID: adID, level: level, message: message),
                aboutNode: i
            )
            return true
        }
        self.wakeWebhookDeliverer()
        return found
    }
}
