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
