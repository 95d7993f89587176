import Crypto
import Foundation
import GraphAPI
import MetaStore
import SyncEngine

/// A parsed webhook delivery: `{"object": ..., "entry": [{"id", "time", "changes": [{"field", "value"}]}]}`
/// (reference §9.3, §9.5), flattened into one ``Change`` per change entry.
public struct WebhookNotification: Sendable {
    /// One change entry of one `entry[]`.
    public struct Change: Sendable {
        /// Payload `object`, e.g. `ad_account`.
        public var object: String
        /// `entry[].id` (for `ad_account`, the numeric account id).
        public var entryID: String?
        /// `entry[].time`: when Meta sent it.
        public var time: Date?
        /// `changes[].field` (or one of `changed_fields` when values are not included).
        public var field: String?
        /// `changes[].value`, when included.
        public var value: JSONValue?
        /// The objects this change asks to re-read.
        public var targets: [WebhookTarget]

        /// The object the change is about, if it names one.
        public var objectID: String? { self.targets.first?.objectID ?? self.value?["id"]?.stringValue }

        /// A key that is equal for re-deliveries of the same change (Meta re-delivers and duplicates; §9.3).
        public var dedupeKey: String { self.dedupeKey(serializedValue: self.value?.serialized()) }

        /// ``dedupeKey`` and ``payloadJSON`` together, serialising `value` once (this runs for every change received).
        public var keyAndPayload: (dedupeKey: String, payload: JSONText) {
            let serialized = self.value?.serialized()
            return (self.dedupeKey(serializedValue: serialized), self.payload(serializedValue: serialized))
        }

        private func dedupeKey(serializedValue: String?) -> String {
            var hasher = SHA256()
            for part in [self.object, self.entryID ?? "", self.time.map { String(Int64($0.timeIntervalSince1970)) } ?? "", self.field ?? ""] {
                hasher.update(data: Data(part.utf8))
                hasher.update(data: Data([0x1F]))
            }
            hasher.update(data: Data((serializedValue ?? "").utf8))
            return Self.hex(hasher.finalize())
        }

        /// `{"field": …, "value": …}` (keys sorted, as `JSONValue.serialized()` writes objects).
        private func payload(serializedValue: String?) -> JSONText {
            var members: [String] = []
            if let field = self.field { members.append(#""field":"# + JSONValue.string(field).serialized()) }
            if let serializedValue { members.append(#""value":"# + serializedValue) }
            return JSONText(rawValue: "{" + members.joined(separator: ",") + "}")
        }

        private static let digits = Array("0123456789abcdef".utf8)

        /// Lowercase hex of a digest (no `String(format:)`: this runs for every change received).
        static func hex(_ digest: some Sequence<UInt8>) -> String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(64)
            for byte in digest {
                bytes.append(Self.digits[Int(byte >> 4)])
                bytes.append(Self.digits[Int(byte & 0x0F)])
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// The change as stored in `webhook_events.payload`.
        public var payloadJSON: JSONText { self.payload(serializedValue: self.value?.serialized()) }
    }

    /// Why a body is not a webhook notification.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        /// What is wrong (safe to return to the sender).
        public var description: String
    }

    /// Every change, in delivery order.
    public var changes: [Change]

    /// Parses a raw body.
    ///
    /// - Throws: ``Malformed`` when the body is not JSON or not shaped like a notification.
    public init(body: some Collection<UInt8>) throws {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw Malformed(description: "The body is not valid JSON")
        }
        guard let object = json["object"]?.stringValue, !object.isEmpty else {
            throw Malformed(description: "The body has no \"object\"")
        }
        guard let entries = json["entry"]?.arrayValue else {
            throw Malformed(description: "The body has no \"entry\" list")
        }
        var changes: [Change] = []
        for entry in entries {
            guard entry.objectValue != nil else { throw Malformed(description: "An entry is not an object") }
            let entryID = entry["id"]?.stringValue
            let time = entry["time"]?.int64Value.map { Date(timeIntervalSince1970: TimeInterval($0)) }
            if let list = entry["changes"]?.arrayValue {
                for change in list {
                    guard change.objectValue != nil else { throw Malformed(description: "A change is not an object") }
                    let field = change["field"]?.stringValue
                    let value = change["value"]
                    changes.append(
                        Change(
                            object: object,
                            entryID: entryID,
                            time: time,
                            field: field,
                            value: value,
                            targets: Self.targets(object: object, field: field, value: value, accountID: entryID, time: entry["time"]?.int64Value)
                        )
                    )
                }
            } else if let fields = entry["changed_fields"]?.arrayValue {
                // Without "Include Values" only field names arrive: stored, nothing specific to refresh.
                for field in fields {
                    changes.append(Change(object: object, entryID: entryID, time: time, field: field.stringValue, value: nil, targets: []))
                }
            } else {
                throw Malformed(description: "An entry has neither \"changes\" nor \"changed_fields\"")
            }
        }
        self.changes = changes
    }

    /// The objects a change names (reference §9.5): the campaign / ad set / ad of `in_process_ad_objects` and
    /// `with_issues_ad_objects`, the ad of `creative_fatigue` (with Meta's level, stored by the refresher), the objects
    /// of `ad_recommendations` and the account itself (its opportunity score and recommendations). The value shapes of
    /// `creative_fatigue` and `ad_recommendations` are partly unconfirmed (reference §9.5): `adgroup_id` or `ad_id`,
    /// `ad_account_id` or the entry id.
    static func targets(object: String, field: String?, value: JSONValue?, accountID: String?, time: Int64? = nil) -> [WebhookTarget] {
        guard let value else { return [] }
        let account = accountID.flatMap { $0 == "0" ? nil : $0 }
        switch field {
        case "in_process_ad_objects", "with_issues_ad_objects":
            guard let id = value["id"]?.stringValue, !id.isEmpty else { return [] }
            return [WebhookTarget(objectID: id, level: .init(webhookLevel: value["level"]?.stringValue), accountID: account)]
        case "creative_fatigue":
            guard let id = (value["adgroup_id"] ?? value["ad_id"])?.stringValue, !id.isEmpty else { return [] }
            let owner = account ?? Self.numericAccount(value["ad_account_id"])
            return [
                WebhookTarget(
                    objectID: id,
                    level: .ad,
                    accountID: owner,
                    fatigueLevel: value["creative_fatigue_level"]?.stringValue,
                    fatigueMessage: value["creative_fatigue_message"]?.stringValue,
                    fatigueTime: time
                )
            ]
        case "ad_recommendations":
            let owner = account ?? Self.numericAccount(value["ad_account_id"])
            let ids = value["ad_object_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let objects = ids.filter { !$0.isEmpty }.map { WebhookTarget(objectID: $0, level: .unknown, accountID: owner) }
            return objects + (owner.map { [WebhookTarget(objectID: $0, level: .account, accountID: $0)] } ?? [])
        default:
            // Any other change that names an object and its level is refreshed the same way.
            guard let id = value["id"]?.stringValue, !id.isEmpty, let level = value["level"]?.stringValue else { return [] }
            return [WebhookTarget(objectID: id, level: .init(webhookLevel: level), accountID: account)]
        }
    }

    /// A numeric ad account id from `ad_account_id` (`act_` prefix dropped).
    static func numericAccount(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        return text.hasPrefix("act_") ? String(text.dropFirst(4)) : text
    }
}
