import GraphAPI
import MetaStore

/// The payload of one webhook queue item: the stored event and the objects to re-read.
struct WebhookWorkItem: Codable, Sendable, Equatable {
    /// `webhook_events.id`.
    var eventID: Int
    /// The objects to refresh (empty: nothing specific; the event is marked `ignored`).
    var targets: [WebhookTarget]

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case targets
    }
}

extension WebhookWorkItem {
    /// The queue payload: the JSON `JSONEncoder` would write for this item, built directly (it runs for every event
    /// received; the worker decodes it with `JSONDecoder`).
    var json: JSONText {
        let targets = self.targets.map { target in
            var members: [String: JSONValue] = ["object_id": .string(target.objectID), "level": .string(target.level.rawValue)]
            if let account = target.accountID { members["account_id"] = .string(account) }
            return JSONValue.object(members)
        }
        return JSONText(rawValue: JSONValue.object(["event_id": .number(String(self.eventID)), "targets": .array(targets)]).serialized())
    }
}
