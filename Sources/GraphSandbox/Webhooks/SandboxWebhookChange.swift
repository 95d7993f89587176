/// One change of an `ad_account` webhook notification (reference §9.5).
public struct SandboxWebhookChange: Sendable, Hashable {
    /// The webhook field, e.g. `in_process_ad_objects` or `with_issues_ad_objects`.
    public var field: String
    /// The `value` object's members, in order (all strings, as Meta sends them).
    public var value: [String: String]
    /// The order of `value`'s keys in the JSON.
    public var keyOrder: [String]
    /// Members sent as arrays of strings (e.g. `ad_object_ids`); their keys are in ``keyOrder`` too.
    public var lists: [String: [String]] = [:]

    /// A change with arbitrary members.
    public init(field: String, value: [(String, String)]) {
        self.field = field
        self.value = Dictionary(value, uniquingKeysWith: { _, last in last })
        self.keyOrder = value.map(\.0)
    }

    /// An object left `IN_PROCESS` (`level` is `CAMPAIGN`, `AD_SET`, `AD` or `CREATIVE`).
    public static func inProcess(objectID: String, level: String, statusName: String = "Active") -> SandboxWebhookChange {
        SandboxWebhookChange(field: "in_process_ad_objects", value: [("id", objectID), ("level", level), ("status_name", statusName)])
    }

    /// An object entered `WITH_ISSUES`.
    public static func withIssues(
        objectID: String,
        level: String,
        errorCode: String = "1815869",
        summary: String = "Ad not running",
        message: String = "Your ad was rejected because it does not follow our policies."
    ) -> SandboxWebhookChange {
        SandboxWebhookChange(
            field: "with_issues_ad_objects",
            value: [("id", objectID), ("level", level), ("error_code", errorCode), ("error_summary", summary), ("error_message", message)]
        )
    }

    /// Meta generated recommendations for some objects (`ad_recommendations`). The value's field list comes from a
    /// secondary summary of Meta's docs and is partly UNCONFIRMED (reference §9.5).
    public static func adRecommendations(
        accountNumber: String,
        objectIDs: [String],
        type: String = "CREATIVE_DIVERSITY",
        message: String = "Add more creative variations to reach more people"
    ) -> SandboxWebhookChange {
        var change = SandboxWebhookChange(
            field: "ad_recommendations",
            value: [
                ("ad_account_id", accountNumber), ("ad_object_ids", ""), ("recommendation_type", type), ("recommendation_message", message),
            ]
        )
        change.lists["ad_object_ids"] = objectIDs
        return change
    }

    /// An ad entered or left creative fatigue (`creative_fatigue`; value shape partly UNCONFIRMED, reference §9.5).
    public static func creativeFatigue(accountNumber: String, adID: String, level: String, message: String) -> SandboxWebhookChange {
        SandboxWebhookChange(
            field: "creative_fatigue",
            value: [("ad_account_id", accountNumber), ("adgroup_id", adID), ("creative_fatigue_level", level), ("creative_fatigue_message", message)]
        )
    }
}
