/// Graph's facts about insights `breakdowns`: the names Graph accepts, the ones MetaSync's reports and sandbox serve,
/// and the combinations Graph allows. Shared by the sandbox (which answers like Graph) and report validation (which
/// refuses a bad report before any Graph call).
///
/// Sources: Meta's "Insights API Breakdowns" page
/// (https://developers.facebook.com/docs/marketing-api/insights/breakdowns) and Graph's own #100 message for an
/// unknown value ("breakdowns[0] must be one of the following values: age, country, dma, gender, …", quoted in
/// facebook/facebook-nodejs-business-sdk#15).
public enum GraphBreakdowns {
    /// Every value Graph accepts in `breakdowns`, in the order of Graph's #100 message.
    public static let graphValues = [
        "age", "country", "dma", "gender", "frequency_value", "hourly_stats_aggregated_by_advertiser_time_zone",
        "hourly_stats_aggregated_by_audience_time_zone", "impression_device", "place_page_id", "publisher_platform",
        "platform_position", "device_platform", "product_id", "region",
    ]

    /// The breakdowns MetaSync's reports may use (and the sandbox serves).
    public static let supported = [
        "age", "gender", "country", "region", "publisher_platform", "platform_position", "impression_device", "device_platform",
    ]

    /// The combinations Graph allows (as sets: Graph accepts them in any order).
    ///
    /// Confirmed: `age` + `gender`; `publisher_platform` + `platform_position` (+ `impression_device`), and
    /// `platform_position` never without `publisher_platform` (Graph answers #100). Unconfirmed (Meta's page lists its
    /// combination table only for the older API versions): `publisher_platform` + `impression_device` and
    /// `publisher_platform` + `device_platform`; every breakdown alone except `platform_position`. Any other mix (e.g. `age` + `country`) is refused like Graph's
    /// "Current combination of data breakdown columns (…) is invalid".
    public static let allowedCombinations: [Set<String>] =
        Self.graphValues.filter { $0 != "platform_position" }.map { [$0] } + [
            ["age", "gender"], ["publisher_platform", "platform_position"], ["publisher_platform", "impression_device"],
            ["publisher_platform", "platform_position", "impression_device"], ["publisher_platform", "device_platform"],
        ]

    /// `action_breakdowns` values Graph accepts (`action_type` is the default).
    public static let actionBreakdowns = [
        "action_type", "action_target_id", "action_destination", "action_device", "action_reaction", "action_video_type",
        "action_carousel_card_id", "action_carousel_card_name", "action_canvas_component_name",
    ]

    /// Breakdowns for which Graph no longer returns off-Meta action metrics (Meta's "Type 1" restriction): rows carry
    /// on-Meta metrics only, so `offsite_conversion.*` actions are absent.
    public static let withoutOffMetaActions: Set<String> = ["region", "dma"]

    /// Why Graph would refuse this `breakdowns` list (the message without Graph's `(#100)` prefix), or nil when allowed.
    /// - Parameter actionBreakdowns: the request's `action_breakdowns` (Graph names them in its combination message).
    public static func problem(with breakdowns: [String], actionBreakdowns: [String] = ["action_type"]) -> String? {
        for (i, name) in breakdowns.enumerated() where !Self.graphValues.contains(name) {
            return "breakdowns[\(i)] must be one of the following values: \(Self.graphValues.joined(separator: ", "))"
        }
        guard !breakdowns.isEmpty else { return nil }
        let set = Set(breakdowns)
        if set.count == breakdowns.count, Self.allowedCombinations.contains(set) { return nil }
        // Graph separates the columns with ", " ("(action_type, country, dma, region)", "(action_device, country)" in
        // replies quoted by public connectors); which columns it lists when `actions` is not requested is unconfirmed.
        return "Current combination of data breakdown columns (\((actionBreakdowns + breakdowns).joined(separator: ", "))) is invalid"
    }

    /// Why an `action_breakdowns` list is refused, or nil.
    public static func problem(withActionBreakdowns values: [String]) -> String? {
        for (i, name) in values.enumerated() where !Self.actionBreakdowns.contains(name) {
            return "action_breakdowns[\(i)] must be one of the following values: \(Self.actionBreakdowns.joined(separator: ", "))"
        }
        return nil
    }
}
