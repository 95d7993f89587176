/// One Graph object a webhook asks MetaSync to re-read.
public struct WebhookTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of object, as far as the webhook said.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        case campaign
        case adSet = "adset"
        case ad
        case creative
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

    /// A target.
    public init(objectID: String, level: Level, accountID: String? = nil) {
        self.objectID = objectID
        self.level = level
        self.accountID = accountID
    }

    enum CodingKeys: String, CodingKey {
        case objectID = "object_id"
        case level
        case accountID = "account_id"
    }

    public var description: String { "\(self.level.rawValue):\(self.objectID)" }
}
