/// One object a targeted refresh re-reads (e.g. from a webhook `ad_account` change).
///
/// ```swift
/// try await engine.refresh([RefreshTarget(id: "120200000000101", kind: .adset)], accountID: "act_1")
/// ```
public struct RefreshTarget: Sendable, Hashable {
    /// The kind of object, which decides the fields read and the table written.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case campaign, adset, ad
        /// An ad creative (`ad_creatives`), e.g. from an `in_process_ad_objects` change with level `CREATIVE`.
        case creative
        /// The ad account's opportunity score and recommendations (`meta_recommendations`), e.g. from an
        /// `ad_recommendations` change; the id is the account's (numeric or `act_<id>`).
        case account
    }

    /// Graph id.
    public var id: String
    public var kind: Kind

    public init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }
}

/// What a targeted refresh did.
public struct RefreshReport: Sendable, Hashable {
    /// `sync_runs.id` of the refresh (kind `refresh`).
    public var runID: String
    /// Rows written per table.
    public var rowsByTable: [String: Int]
    /// Ids Graph no longer returns (deleted for good, or not visible to the token).
    public var missingIDs: [String]
    /// Graph calls used (a multi-id read counts one per id, as Meta counts it).
    public var callsUsed: Int
}
