/// Marketing API business use cases (`type` in `X-Business-Use-Case-Usage`, reference §7.3): each ad account has a
/// separate quota per use case, so the governor paces and pauses them separately.
public enum GraphUseCase {
    /// Insights reads: `/…/insights`, async report runs and their results.
    public static let adsInsights = "ads_insights"
    /// Ad object reads and writes: campaigns, ad sets, ads, creatives, the ad account.
    public static let adsManagement = "ads_management"

    /// The `type` values of `X-Business-Use-Case-Usage` (reference §7.3): the only use cases that become metric labels.
    public static let known: Set<String> = ["ads_insights", "ads_management", "custom_audience", "instagram", "leadgen", "messenger", "pages"]

    /// The use case of a call by its path: insights edges count against `ads_insights`, everything else against
    /// `ads_management`. (Report-run polls set ``GraphCallContext/useCase`` explicitly: their path is a bare id.)
    public static func of(path: String) -> String {
        path.split(separator: "?").first.map { $0.hasSuffix("/insights") || $0.contains("/insights/") } == true
            ? Self.adsInsights : Self.adsManagement
    }
}

/// Which scope a throttle error pauses (reference §6.3, §7): exactly one ad account and use case for BUC and
/// ad-account limits, every call of the token's user for user-level limits, every call of the app for app limits.
public enum GraphThrottleScope {
    public static func of(_ error: GraphError, accountID: String?, useCase: String, userID: String?) -> GraphUsageGovernor.Scope {
        let code = error.code ?? 0
        let subcode = error.subcode ?? 0
        let accountLevel = (80_000...80_014).contains(code) || (code == 17 && subcode == 2_446_079) || (code == 613 && subcode == 1_487_742)
        if accountLevel, let accountID { return .account(accountID, useCase: useCase) }
        switch code {
        case 4, 341:
            // "Application request limit reached" (4, incl. the insights platform limit 1504022/1504039) and 341.
            return .app
        case 17, 32, 613:
            // User-level ("User request limit reached" without a BUC subcode), page-level, custom: every call with
            // this token. Without a user id the whole app waits, which is safe.
            return userID.map { .user($0) } ?? .app
        default:
            return accountID.map { .account($0, useCase: useCase) } ?? .app
        }
    }
}
