/// One Graph object a webhook asks MetaSync to re-read.
public struct WebhookTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of object, as far as the webhook said.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        case campaign
        case adSet = "adset"
        case ad
        case creative
        /// The ad account itself: its opportunity score and recommendations (`ad_recommendations`); `objectID` is the
        /// numeric account id.
        case account
        /// The webhook did not say; the refresher looks the object up.
        case unknown

        /// Maps a webhook `level` (`CAMPAIGN`, `AD_SET`, `AD`, `CREATIVE`; reference §9.5) to a level.
        public init(webhookLevel: String?) {
            switch webhookLevel?.uppercased() {
            case "CAMPAIGN": self = .campaign
            case "AD_SET", "ADSET": self = .adSet
            case "AD": self = .ad
            case "CREATIVE": self = .creative
            default: self = .unknown
            }
        }
    }

    /// The Graph id of the object.
    public var objectID: String
    /// Its level.
    public var level: Level
    /// The numeric ad account id the event came through (`entry[].id`), when known.
    public var accountID: String?
    /// Meta's `creative_fatigue_level` when a `creative_fatigue` change named the ad (stored before the ad is re-read).
    public var fatigueLevel: String?
    /// Meta's `creative_fatigue_message`, when sent.
    public var fatigueMessage: String?
    /// When Meta sent the `creative_fatigue` change (`entry[].time`, unix seconds), when known.
    public var fatigueTime: Int64?

    /// A target.
    public init(
        objectID: String,
        level: Level,
        accountID: String? = nil,
        fatigueLevel: String? = nil,
        fatigueMessage: String? = nil,
        fatigueTime: Int64? = nil
    ) {
        self.objectID = objectID
        self.level = level
        self.accountID = accountID
        self.fatigueLevel = fatigueLevel
        self.fatigueMessage = fatigueMessage
        self.fatigueTime = fatigueTime
    }

    enum CodingKeys: String, CodingKey {
        case objectID = "object_id"
        case level
        case accountID = "account_id"
        case fatigueLevel = "fatigue_level"
        case fatigueMessage = "fatigue_message"
        case fatigueTime = "fatigue_time"
    }

    public var description: String { "\(self.level.rawValue):\(self.objectID)" }
}
