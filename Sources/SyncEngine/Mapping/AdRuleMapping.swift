import Foundation
import GraphAPI
import MetaStore

/// Meta's Automated Rules (`/act_X/adrules_library`, Business SDK `AdRule`) as `ad_rules` rows.
///
/// They ride on the account discovery read: `/me/adaccounts?fields=…,adrules_library.limit(100){…}` (nested field
/// expansion), so a plain sync makes no extra Graph call unless an account has more rules than one nested page.
/// Unconfirmed against live Graph (the reference does not cover `adrules_library`): that the edge expands nested in
/// `/me/adaccounts` like the other account edges, and that an account without rules omits the field; an omitted field is
/// read as "no rules".
enum AdRuleMapping {
    /// Rules per nested page (Meta's usual maximum page size for small edges).
    static let nestedLimit = 100

    /// The fields read for each rule (the Graph fields of ``AdRuleRow/table``).
    static let fields = GraphColumns.fields(AdRuleRow.self).fields

    /// The account object without its nested rules (so `ad_accounts.raw` stays the account's own fields).
    static func withoutRules(_ json: JSONValue) -> JSONValue {
        guard case .object(var members) = json, members["adrules_library"] != nil else { return json }
        members.removeValue(forKey: "adrules_library")
        return .object(members)
    }

    /// One rule as a row; nil without an id.
    static func rule(_ json: JSONValue, accountID: String, syncedAt: Date) -> AdRuleRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return GraphColumns.read(AdRuleRow(id: id, accountID: accountID, raw: RawJSON.text(json), syncedAt: syncedAt), from: json)
    }

    /// The `after` cursor of a nested connection that has more pages (nil when `paging.next` is absent).
    static func nextCursor(_ connection: JSONValue?) -> String? {
        guard connection?["paging"]?["next"] != nil else { return nil }
        return connection?["paging"]?["cursors"]?["after"]?.stringValue
    }
}
