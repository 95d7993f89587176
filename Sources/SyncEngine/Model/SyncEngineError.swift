import Foundation

/// Errors of the sync engine that are not Graph or store errors (those are passed through as
/// `GraphClientError` and `MetaStoreError`).
public enum SyncEngineError: Error, Sendable, CustomStringConvertible {
    /// No such connection.
    case connectionNotFound(String)
    /// The connection cannot sync: its token is expired or revoked (the reason is stored on the connection).
    case connectionUnusable(connectionID: String, reason: String)
    /// An operation needs the Meta app id and secret (`METASYNC_APP_ID`, `METASYNC_APP_SECRET`).
    case appCredentialsMissing(String)
    /// `debug_token` says the token is not valid.
    case tokenInvalid(String)
    /// No connection can reach this ad account.
    case accountNotFound(String)
    /// An insights range could not be read even after splitting it to single days.
    case insightsUnavailable(String)
    /// Another process (or a sync of this one) holds the account's lease until `until`: a targeted refresh waits
    /// for it (the webhook worker puts the work back in the queue for then) instead of running beside a sync.
    case accountLeased(accountID: String, holder: String?, until: Date)

    /// A low-cardinality label for metrics.
    public var shortDescription: String {
        switch self {
        case .connectionNotFound: return "connection_not_found"
        case .connectionUnusable: return "connection_unusable"
        case .appCredentialsMissing: return "app_credentials_missing"
        case .tokenInvalid: return "token_invalid"
        case .accountNotFound: return "account_not_found"
        case .insightsUnavailable: return "insights_unavailable"
        case .accountLeased: return "account_leased"
        }
    }

    public var description: String {
        switch self {
        case .connectionNotFound(let id): return "No Meta connection \(id)"
        case .connectionUnusable(let id, let reason): return "Meta connection \(id) cannot sync: \(reason)"
        case .appCredentialsMissing(let what): return "\(what) needs the Meta app id and secret (METASYNC_APP_ID, METASYNC_APP_SECRET)"
        case .tokenInvalid(let reason): return "The access token is not valid: \(reason)"
        case .accountNotFound(let id): return "No connection can see ad account \(id)"
        case .insightsUnavailable(let reason): return "Insights could not be read: \(reason)"
        case .accountLeased(let id, let holder, let until):
            return "Ad account \(id) is being synced by \(holder ?? "another process") (lease until \(until)); the refresh waits for it"
        }
    }
}
