import Foundation

/// The level of an ad object below the account.
enum SandboxNodeKind: Int, Sendable, Hashable, Comparable {
    case campaign = 1
    case adset = 2
    case ad = 3

    /// The Graph node type name used in error messages.
    var graphTypeName: String {
        switch self {
        case .campaign: "AdCampaignGroup"
        case .adset: "AdCampaign"
        case .ad: "AdGroup"
        }
    }

    /// The `filtering` / insights prefix (`campaign.`, `adset.`, `ad.`) and `level` name.
    var prefix: String {
        switch self {
        case .campaign: "campaign"
        case .adset: "adset"
        case .ad: "ad"
        }
    }

    /// The edge name listing objects of this kind.
    var edge: String {
        switch self {
        case .campaign: "campaigns"
        case .adset: "adsets"
        case .ad: "ads"
        }
    }

    /// The `effective_status` values Graph accepts for this kind: the SDK's `Campaign`/`AdSet`/`Ad.EffectiveStatus`
    /// enums, which type the edges' `effective_status` parameter (`list<effective_status_enum>`).
    var effectiveStatuses: [String] {
        switch self {
        case .campaign: ["ACTIVE", "ARCHIVED", "DELETED", "IN_PROCESS", "PAUSED", "WITH_ISSUES"]
        case .adset: ["ACTIVE", "ARCHIVED", "CAMPAIGN_PAUSED", "DELETED", "IN_PROCESS", "PAUSED", "WITH_ISSUES"]
        case .ad:
            [
                "ACTIVE", "ADSET_PAUSED", "ARCHIVED", "CAMPAIGN_PAUSED", "DELETED", "DISAPPROVED", "IN_PROCESS", "PAUSED",
                "PENDING_BILLING_INFO", "PENDING_REVIEW", "PREAPPROVED", "WITH_ISSUES",
            ]
        }
    }

    /// The kind objects of this kind sit under (`nil` for campaigns, which sit under the account).
    var parent: SandboxNodeKind? { SandboxNodeKind(rawValue: self.rawValue - 1) }

    static func < (lhs: SandboxNodeKind, rhs: SandboxNodeKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A campaign, ad set or ad.
struct SandboxNode: Sendable {
    let kind: SandboxNodeKind
    let id: String
    /// Creation order across the whole world; edges list newest first and cursors point at a `seq`.
    let seq: Int
    let accountIndex: Int
    /// The node index of the campaign (self for campaigns).
    let campaignIndex: Int
    /// The node index of the ad set (self for ad sets; `-1` for campaigns).
    let adsetIndex: Int
    var name: String
    /// `status` / `configured_status`: ACTIVE, PAUSED, ARCHIVED or DELETED.
    var status: String
    /// A review/delivery state shown as `effective_status` while the object and its parents are active
    /// (PENDING_REVIEW, DISAPPROVED, WITH_ISSUES, IN_PROCESS), or `nil`.
    var deliveryIssue: String?
    var createdTime: Date
    var updatedTime: Date
    var startTime: Date
    let objective: String
    let optimizationGoal: String
    let billingEvent: String
    let bidStrategy: String
    /// Minor units; `nil` when the budget sits on the other level.
    var dailyBudget: Int?
    var lifetimeBudget: Int?
    let bidAmount: Int?
    /// Node indices of direct children, in creation order.
    var children: [Int] = []
    /// Delivery model (ads only): mean daily impressions (0 = never delivers), CTR, CPM in minor units, conversion
    /// rate and average order value in minor units.
    var baseImpressions: Int
    var ctr: Double
    var cpmMinor: Double
    var conversionRate: Double
    let orderValueMinor: Int
    /// The first local day with delivery (for ad sets and campaigns: the earliest of their ads), or `nil`.
    var deliveryStartDay: Int?
    /// A planted scenario (``SandboxScenarios``), or `nil`.
    var plant: SandboxPlant? = nil
    /// A planted `learning_stage_info.status` (ad sets), or `nil` for the seeded one.
    var learningStage: String? = nil
}
