import Foundation
import MetaStore

extension DashboardView.Status {
    /// An object's `effective_status` (ACTIVE, PAUSED, CAMPAIGN_PAUSED, ARCHIVED, DISAPPROVED, …).
    static func delivery(_ raw: String?) -> Self {
        guard let raw, !raw.isEmpty else { return Self(icon: "?", text: "Unknown", kind: "off", code: "") }
        let text = raw.replacingOccurrences(of: "_", with: " ").capitalized
        switch raw.uppercased() {
        case "ACTIVE": return Self(icon: "✓", text: "Active", kind: "ok", code: raw)
        case "PAUSED", "CAMPAIGN_PAUSED", "ADSET_PAUSED": return Self(icon: "‖", text: text, kind: "off", code: raw)
        case "ARCHIVED", "DELETED": return Self(icon: "○", text: text, kind: "off", code: raw)
        case "DISAPPROVED", "WITH_ISSUES", "ERROR": return Self(icon: "✗", text: text, kind: "bad", code: raw)
        case "PENDING_REVIEW", "IN_PROCESS", "PENDING_BILLING_INFO", "PREAPPROVED": return Self(icon: "⋯", text: text, kind: "busy", code: raw)
        default: return Self(icon: "•", text: text, kind: "warn", code: raw)
        }
    }

    /// A token's status judged now.
    static func token(_ status: MetaConnectionRow.Status) -> Self {
        switch status {
        case .active: return Self(icon: "✓", text: "Active", kind: "ok", code: status.rawValue)
        case .expiring: return Self(icon: "⚠", text: "Expiring", kind: "warn", code: status.rawValue)
        case .expired: return Self(icon: "✗", text: "Expired", kind: "bad", code: status.rawValue)
        case .revoked: return Self(icon: "✗", text: "Revoked", kind: "bad", code: status.rawValue)
        }
    }

    /// A sync run's outcome.
    static func outcome(_ outcome: SyncRunRow.Outcome) -> Self {
        switch outcome {
        case .succeeded: return Self(icon: "✓", text: "Succeeded", kind: "ok", code: outcome.rawValue)
        case .partial: return Self(icon: "⚠", text: "Partial", kind: "warn", code: outcome.rawValue)
        case .failed: return Self(icon: "✗", text: "Failed", kind: "bad", code: outcome.rawValue)
        case .running: return Self(icon: "⋯", text: "Running", kind: "busy", code: outcome.rawValue)
        case .cancelled: return Self(icon: "○", text: "Cancelled", kind: "off", code: outcome.rawValue)
        }
    }

    /// An ad account's `account_status` (reference: 1 active, 2 disabled, 3 unsettled, 7 pending risk review, 8 pending
    /// settlement, 9 in grace period, 100 pending closure, 101 closed).
    static func account(_ code: Int?) -> Self {
        let raw = code.map(String.init) ?? ""
        switch code {
        case 1: return Self(icon: "✓", text: "Active", kind: "ok", code: raw)
        case 2: return Self(icon: "✗", text: "Disabled", kind: "bad", code: raw)
        case 3: return Self(icon: "⚠", text: "Unsettled", kind: "warn", code: raw)
        case 7: return Self(icon: "⋯", text: "Pending risk review", kind: "busy", code: raw)
        case 8: return Self(icon: "⚠", text: "Pending settlement", kind: "warn", code: raw)
        case 9: return Self(icon: "⚠", text: "In grace period", kind: "warn", code: raw)
        case 100: return Self(icon: "⚠", text: "Pending closure", kind: "warn", code: raw)
        case 101: return Self(icon: "○", text: "Closed", kind: "off", code: raw)
        case nil: return Self(icon: "?", text: "Unknown", kind: "off", code: raw)
        default: return Self(icon: "•", text: "Status \(raw)", kind: "warn", code: raw)
        }
    }
}
