/// An insights field the sandbox knows, resolved once per request so rows switch on an enum, not on strings.
enum InsightsField: String, Sendable, CaseIterable {
    case account_id, account_name, account_currency, campaign_id, campaign_name, adset_id, adset_name, ad_id, ad_name
    case objective, optimization_goal, buying_type, attribution_setting, date_start, date_stop, created_time, updated_time
    case impressions, reach, frequency, clicks, unique_clicks, inline_link_clicks, spend, social_spend, cpc, cpm, cpp, ctr
    case unique_ctr, inline_link_click_ctr, cost_per_inline_link_click, actions, action_values, conversions, conversion_values
    case cost_per_action_type, cost_per_conversion, purchase_roas, outbound_clicks
}
