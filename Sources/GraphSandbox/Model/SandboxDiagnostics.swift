import Foundation

/// Graph's delivery diagnostics for sandbox objects: `learning_stage_info` (ad sets) and `issues_info` (campaigns, ad
/// sets, ads), deterministic from the seed.
///
/// - `learning_stage_info` (`AdCampaignLearningStageInfo`: `status`, `conversions`, `last_sig_edit_ts`,
///   `attribution_windows`) only for effectively ACTIVE ad sets, as Meta documents ("only returned for active ad
///   sets"). Default data: about 70 % `SUCCESS`, 15 % `LEARNING`, 15 % `FAIL` (Ads Manager's "Learning limited"); scenario
///   mode: `SUCCESS` except a planted `learning_limited` ad set (`FAIL`).
/// - `issues_info` (`error_code`, `error_message`, `error_summary`, `error_type`, `level`, `mid`): objects in
///   `WITH_ISSUES` or `DISAPPROVED`, and in default data about 1 in 20 active objects with a soft warning. The meaning
///   of `mid` is not documented in the reference (unconfirmed); the sandbox sends the object's id.
extension SandboxWorld {
    /// The learning stage of an ad set: status, conversions in the learning window, last significant edit; nil when
    /// Graph would omit the field.
    func learningStage(_ i: Int) -> (status: String, conversions: Int, lastEdit: Int)? {
        let node = self.nodes[i]
        guard node.kind == .adset, self.effectiveStatus(i) == "ACTIVE" else { return nil }
        let h = SandboxRandom.hash(self.seed, UInt64(node.seq), 0x1EA)
        let u = Double(h % 1_000) / 1_000
        let status = node.learningStage ?? (self.calm ? "SUCCESS" : u < 0.7 ? "SUCCESS" : u < 0.85 ? "LEARNING" : "FAIL")
        let spread = Int((h >> 16) % 1_000)
        let conversions =
            switch status {
            case "SUCCESS": 50 + spread % 150
            case "LEARNING": spread % 50
            default: 2 + spread % 30
            }
        return (status, conversions, Int(node.updatedTime.timeIntervalSince1970))
    }

    /// The `learning_stage_info` object of an ad set, or nil.
    func learningStageJSON(_ i: Int) -> SandboxJSON? {
        guard let stage = self.learningStage(i) else { return nil }
        return .object([
            JSONMember("attribution_windows", .array([.string("7d_click"), .string("1d_view")])),
            JSONMember("conversions", .int(stage.conversions)),
            JSONMember("last_sig_edit_ts", .int(stage.lastEdit)),
            JSONMember("status", .string(stage.status)),
        ])
    }

    /// The `issues_info` entries of an object (empty: Graph omits the field).
    func issues(_ i: Int) -> [SandboxJSON] {
        let node = self.nodes[i]
        let level = node.kind == .campaign ? "CAMPAIGN" : node.kind == .adset ? "AD_SET" : "AD"
        func entry(_ code: Int, _ message: String, _ summary: String, _ type: String) -> SandboxJSON {
            .object([
                JSONMember("error_code", .int(code)), JSONMember("error_message", .string(message)),
                JSONMember("error_summary", .string(summary)), JSONMember("error_type", .string(type)),
                JSONMember("level", .string(level)), JSONMember("mid", .string(node.id)),
            ])
        }
        switch self.effectiveStatus(i) {
        case "WITH_ISSUES": return [entry(1_815_869, "Ad rejected for policy", "Ad not running", "HARD_ERROR")]
        case "DISAPPROVED":
            return [entry(1_487_079, "The ad does not comply with the Advertising Policies", "Ad disapproved", "HARD_ERROR")]
        case "ACTIVE" where !self.calm && SandboxRandom.hash(self.seed, UInt64(node.seq), 0x155) % 20 == 0:
            return [entry(2_446_173, "The audience is narrow: delivery may be limited", "Audience too narrow", "SOFT_ERROR")]
        default: return []
        }
    }
}
