/// Purchases and leads per attribution window, as Graph reports them in `actions` / `action_values` (reference §4.3,
/// §4.6), computed deterministically per ad-day from the seed.
///
/// - Click windows nest: 1d_click ≤ 7d_click ≤ 28d_click; `1d_view` is separate (view-through only), `1d_ev` a part
///   of it, `dda` follows 7d_click. Late conversions (``GraphSandbox/addLateConversions(adID:day:purchases:)``)
///   add to every click window.
/// - The unlabelled `value` follows the ad set's attribution setting (since 2025-06-10 Graph ignores
///   `use_unified_attribution_setting` and always does so, reference §4.6): the setting's click window plus
///   `1d_view` when the setting includes it.
/// - Purchase types overlap as Meta sends them: `omni_purchase` (all channels) = `purchase`, and
///   `offsite_conversion.fb_pixel_purchase` is the website part. Leads (ads of lead campaigns or lead-generation ad
///   sets): `lead` (all), `onsite_conversion.lead_grouped` (instant forms) and `offsite_conversion.fb_pixel_lead`
///   (website).
/// - `7d_view` and `28d_view` are accepted but never returned (Meta stopped on 2026-01-12).
enum ConversionModel {
    /// Attribution slots: 0 is the unlabelled `value`, then the windows the sandbox returns.
    static let windows = ["1d_click", "7d_click", "28d_click", "1d_view", "1d_ev", "dda"]
    /// The slot of a requested window (1-based; nil for a window Graph no longer returns).
    static func slot(_ window: String) -> Int? { Self.windows.firstIndex(of: window).map { $0 + 1 } }

    /// Ad set attribution settings, as Graph names them in `attribution_setting`.
    static let settings = ["7d_click_1d_view", "1d_click", "7d_click", "1d_click_1d_view"]

    /// The attribution setting of an ad set (by its sequence number); most use Meta's default 7d_click_1d_view.
    static func setting(seed: UInt64, adsetSeq: Int) -> String {
        let u = SandboxRandom.unit(seed, UInt64(adsetSeq), 0xA771)
        return u < 0.55 ? Self.settings[0] : Self.settings[1 + Int((u - 0.55) / 0.45 * 3) % 3]
    }

    /// Counts of one slot, summed over ad-days.
    struct Counts: Sendable {
        var purchases = 0
        var purchasesWeb = 0
        var valueMinor = 0
        var valueWebMinor = 0
        var leads = 0
        var leadsOnsite = 0
        var leadsWeb = 0
    }

    /// Adds one ad-day's conversions to `slots` (index 0 = `value`, then ``windows``).
    ///
    /// - Parameters:
    ///   - base: purchases of the day before late conversions; `late`: late conversions; `leadBase`: leads.
    static func add(
        into slots: inout [Counts],
        seed: UInt64,
        seq: Int,
        day: Int,
        setting: String,
        base: Int,
        late: Int,
        leadBase: Int,
        orderValueMinor: Int
    ) {
        guard base > 0 || late > 0 || leadBase > 0 else { return }
        let h = SandboxRandom.hash(seed, UInt64(seq), UInt64(bitPattern: Int64(day)), 0xC0DE)
        let f7 = 0.8 + 0.15 * Double(h & 0xFFFF) / 65_536
        let f1 = 0.55 + 0.2 * Double((h >> 16) & 0xFFFF) / 65_536
        let fv = 0.1 + 0.15 * Double((h >> 32) & 0xFFFF) / 65_536
        let web = SandboxRandom.unit(seed, UInt64(seq), 0x3EB) < 0.4 ? 1.0 : 0.7 + 0.25 * SandboxRandom.unit(seed, UInt64(seq), 0x3EC)
        let onsite = 0.5 + 0.5 * SandboxRandom.unit(seed, UInt64(seq), 0x1EAD)
        func windowCounts(_ n: Int, late: Int) -> [Int] {
            let click7 = Int((Double(n) * f7).rounded())
            let click1 = Int((Double(n) * f7 * f1).rounded())
            let view1 = Int((Double(n) * fv).rounded())
            return [click1 + late, click7 + late, n + late, view1, Int((Double(view1) * 0.3).rounded()), click7 + late]
        }
        var purchases = windowCounts(base, late: late)
        var leads = windowCounts(leadBase, late: 0)
        let click = setting.hasPrefix("1d_click") ? 0 : 1
        let view = setting.hasSuffix("1d_view") ? 3 : nil
        purchases.insert(purchases[click] + (view.map { purchases[$0] } ?? 0), at: 0)
        leads.insert(leads[click] + (view.map { leads[$0] } ?? 0), at: 0)
        for slot in slots.indices {
            let p = purchases[slot]
            let pWeb = Int((Double(p) * web).rounded())
            slots[slot].purchases += p
            slots[slot].purchasesWeb += pWeb
            slots[slot].valueMinor += p * orderValueMinor
            slots[slot].valueWebMinor += pWeb * orderValueMinor
            let l = leads[slot]
            let lOnsite = Int((Double(l) * onsite).rounded())
            slots[slot].leads += l
            slots[slot].leadsOnsite += lOnsite
            slots[slot].leadsWeb += l - lOnsite
        }
    }

    /// The count of a conversion action type in a slot, or nil when the type is not a conversion.
    static func count(_ type: String, _ c: Counts) -> Int? {
        switch type {
        case "omni_purchase", "purchase": c.purchases
        case "offsite_conversion.fb_pixel_purchase": c.purchasesWeb
        case "lead": c.leads
        case "onsite_conversion.lead_grouped": c.leadsOnsite
        case "offsite_conversion.fb_pixel_lead": c.leadsWeb
        default: nil
        }
    }

    /// The value (minor units) of a purchase action type in a slot, or nil for other types.
    static func valueMinor(_ type: String, _ c: Counts) -> Int? {
        switch type {
        case "omni_purchase", "purchase": c.valueMinor
        case "offsite_conversion.fb_pixel_purchase": c.valueWebMinor
        default: nil
        }
    }
}
