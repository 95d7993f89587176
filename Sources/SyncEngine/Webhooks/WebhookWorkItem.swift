import GraphAPI
import MetaStore

/// The payload of one webhook queue item: the stored event and the objects to re-read.
public struct WebhookWorkItem: Codable, Sendable, Equatable {
    /// `webhook_events.id`.
    public var eventID: Int
    /// The objects to refresh (empty: nothing specific; the event is marked `ignored`).
    public var targets: [WebhookTarget]

    /// An item.
    public init(eventID: Int, targets: [WebhookTarget]) {
        self.eventID = eventID
        self.targets = targets
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case targets
    }
}

extension WebhookWorkItem {
    /// The queue payload: the JSON `JSONEncoder` would write for this item, built directly (it runs for every event
    /// received; the worker decodes it with `JSONDecoder`).
    public var json: JSONText { Self.json(eventID: self.eventID, targetsJSON: Self.targetsJSON(self.targets)) }

    /// The `targets` array as JSON: computed before the event id is known (outside the write transaction).
    public static func targetsJSON(_ targets: [WebhookTarget]) -> String {
        let values = targets.map { target in
            var members: [String: JSONValue] = ["object_id": .string(target.objectID), "level": .string(target.level.rawValue)]
            if let account = target.accountID { members["account_id"] = .string(account) }
            if let level = target.fatigueLevel { members["fatigue_level"] = .string(level) }
            if let message = target.fatigueMessage { members["fatigue_message"] = .string(message) }
            if let time = target.fatigueTime { members["fatigue_time"] = .number(String(time)) }
            return JSONValue.object(members)
        }
        return JSONValue.array(values).serialized()
    }

    /// The payload of event `eventID` whose targets are `targetsJSON` (keys in sorted order, as `JSONValue` writes them).
    public static func json(eventID: Int, targetsJSON: String) -> JSONText {
        JSONText(rawValue: #"{"event_id":"# + String(eventID) + #","targets":"# + targetsJSON + "}")
    }
}
