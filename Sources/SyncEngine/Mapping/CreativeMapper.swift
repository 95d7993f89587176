import Foundation
import GraphAPI
import MetaStore

/// How creatives and their media are read and mapped to `ad_creatives`, `ad_images` and `ad_videos` rows.
enum CreativeMapper {
    /// The explicit AdCreative fields read (reference §3.5: `/act_X/adcreatives`; field names from the SDK's AdCreative).
    static let creativeFields: GraphFields = [
        "id", "account_id", "name", "title", "body", "object_type", "status", "call_to_action_type", "image_hash", "image_url",
        "thumbnail_url", "video_id", "url_tags", "link_url", "effective_object_story_id", "object_story_spec", "asset_feed_spec",
    ]
    /// The AdImage fields kept.
    static let imageFields: [GraphFields.Field] = ["hash", "url", "width", "height", "name"]
    /// The AdVideo fields kept.
    static let videoFields: [GraphFields.Field] = ["id", "title", "length", "picture"]

    static func creative(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdCreativeRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let spec = json["object_story_spec"].flatMap { $0.isNull ? nil : $0 }
        let feed = json["asset_feed_spec"].flatMap { $0.isNull ? nil : $0 }
        return AdCreativeRow(
            id: id,
            accountID: json["account_id"]?.stringValue ?? account.accountID,
            name: json["name"]?.stringValue,
            title: json["title"]?.stringValue,
            body: json["body"]?.stringValue,
            objectType: json["object_type"]?.stringValue,
            status: json["status"]?.stringValue,
            callToActionType: json["call_to_action_type"]?.stringValue,
            imageHash: json["image_hash"]?.stringValue,
            imageURL: json["image_url"]?.stringValue,
            thumbnailURL: json["thumbnail_url"]?.stringValue,
            videoID: json["video_id"]?.stringValue,
            urlTags: json["url_tags"]?.stringValue,
            linkURL: json["link_url"]?.stringValue ?? spec.flatMap(Self.storyLink),
            effectiveObjectStoryID: json["effective_object_story_id"]?.stringValue,
            objectStorySpec: spec.map(RawJSON.text),
            assetFeedSpec: feed.map(RawJSON.text),
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }

    /// The destination inside `object_story_spec`: `link_data.link`, else the video's call-to-action link, else
    /// `template_data.link` (dynamic/carousel templates).
    static func storyLink(_ spec: JSONValue) -> String? {
        spec["link_data"]?["link"]?.stringValue
            ?? spec["video_data"]?["call_to_action"]?["value"]?["link"]?.stringValue
            ?? spec["template_data"]?["link"]?.stringValue
    }

    static func image(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdImageRow? {
        guard let hash = json["hash"]?.stringValue else { return nil }
        return AdImageRow(
            accountID: account.accountID,
            hash: hash,
            name: json["name"]?.stringValue,
            url: json["url"]?.stringValue,
            width: EntityMapper.int(json["width"]),
            height: EntityMapper.int(json["height"]),
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }

    static func video(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdVideoRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return AdVideoRow(
            id: id,
            accountID: account.accountID,
            title: json["title"]?.stringValue,
            length: EntityMapper.decimal(json["length"]),
            picture: json["picture"]?.stringValue,
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }
}
