import Foundation

/// A row of `webhook_events`: one change notification received from Meta, stored raw before it is processed.
public struct WebhookEventRow: ColumnTableRecord, Equatable {
    /// Processing state.
    public enum Status: String, Codable, Sendable, CaseIterable, TextColumnType {
        case received, queued, processed, ignored, failed
    }

    /// Generated id (nil before insert).
    public var id: Int?
    /// Unique key that makes re-deliveries no-ops (e.g. a hash of object, entry id, time, field and value).
    public var dedupeKey: String
    /// Payload `object`, e.g. `ad_account`.
    public var object: String
    /// `entry[].id`.
    public var entryID: String?
    /// `changes[].field`, e.g. `with_issues_ad_objects`.
    public var field: String?
    /// The object the change is about (`value.id`), if any.
    public var objectID: String?
    /// `entry[].time` (when Meta sent it).
    public var eventTime: Date?
    /// The change (or whole entry) as JSON.
    public var payload: JSONText
    public var status: Status
    public var error: String?
    public var receivedAt: Date
    public var processedAt: Date?

    /// An event as received.
    public init(
        id: Int? = nil,
        dedupeKey: String,
        object: String,
        entryID: String? = nil,
        field: String? = nil,
        objectID: String? = nil,
        eventTime: Date? = nil,
        payload: JSONText,
        status: Status = .received,
        error: String? = nil,
        receivedAt: Date,
        processedAt: Date? = nil
    ) {
        self.id = id
        self.dedupeKey = dedupeKey
        self.object = object
        self.entryID = entryID
        self.field = field
        self.objectID = objectID
        self.eventTime = eventTime
        self.payload = payload
        self.status = status
        self.error = error
        self.receivedAt = receivedAt
        self.processedAt = processedAt
    }
}

extension WebhookEventRow {
    /// The columns of `webhook_events`, in table order (how to add one: ``ColumnTable``; filled from a webhook
    /// delivery, not a Graph read).
    public static let table = ColumnTable<WebhookEventRow>(
        "webhook_events",
        key: ["dedupe_key"],
        blank: WebhookEventRow(dedupeKey: "", object: "", payload: JSONText(rawValue: "{}"), receivedAt: .distantPast),
        columns: [
            Column(generated: "id", \.id),
            Column("dedupe_key", \.dedupeKey, graph: nil),
            Column("object", \.object, graph: nil),
            Column("entry_id", \.entryID, graph: nil),
            Column("field", \.field, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("event_time", \.eventTime, graph: nil),
            Column("payload", \.payload, graph: nil),
            Column("status", \.status, graph: nil),
            Column("error", \.error, graph: nil),
            Column("received_at", \.receivedAt, graph: nil),
            Column("processed_at", \.processedAt, graph: nil),
        ]
    )
}
