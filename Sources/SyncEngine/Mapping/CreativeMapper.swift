import Foundation
import GraphAPI
import MetaStore

/// How creatives and their media are read and mapped to `ad_creatives`, `ad_images` and `ad_videos` rows.
enum CreativeMapper {
    /// The explicit AdCreative fields read (reference §3.5: `/act_X/adcreatives`; field names from the SDK's AdCreative).
    static let creativeFields = GraphColumns.fields(AdCreativeRow.self)
    /// The AdImage fields kept.
    static let imageFields = GraphColumns.fields(AdImageRow.self).fields
    /// The AdVideo fields kept.
    static let videoFields = GraphColumns.fields(AdVideoRow.self).fields

    static func creative(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdCreativeRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        var row = GraphColumns.read(AdCreativeRow(id: id, accountID: account.accountID, raw: RawJSON.text(json), syncedAt: syncedAt), from: json)
        if row.linkURL == nil, let spec = json["object_story_spec"], !spec.isNull { row.linkURL = Self.storyLink(spec) }
        return row
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
        return GraphColumns.read(AdImageRow(accountID: account.accountID, hash: hash, raw: RawJSON.text(json), syncedAt: syncedAt), from: json)
    }

    static func video(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdVideoRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return GraphColumns.read(AdVideoRow(id: id, accountID: account.accountID, raw: RawJSON.text(json), syncedAt: syncedAt), from: json)
    }
}
