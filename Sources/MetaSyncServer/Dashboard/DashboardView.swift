import Foundation
import MetaStore

/// The values the dashboard templates render (plain structs: the template engine reads their stored properties).
enum DashboardView {
    /// What every page's `head` partial needs.
    struct Chrome: Sendable {
        var title: String
        var lang: String
        var signedIn: Bool
        var notice: String?
    }

    /// A status as an icon and a word (readable without colour); `kind` picks the colour (`ok`, `warn`, `bad`, `off`,
    /// `busy`) and `code` is the raw value (`data-status`).
    struct Status: Sendable, Equatable {
        var icon: String
        var text: String
        var kind: String
        var code: String
    }

    /// A horizontal gauge (`role="meter"`), 0–100 %.
    struct Gauge: Sendable {
        var percent: String
        var kind: String
        var text: String
        var label: String

        /// A gauge for `fraction` (0…1); warns from 75 %, alarms from 90 %.
        init(fraction: Double, text: String, label: String) {
            let clamped = max(0, min(1, fraction.isFinite ? fraction : 0))
            self.percent = String(Int((clamped * 100).rounded()))
            self.kind = clamped >= 0.9 ? "bad" : clamped >= 0.75 ? "warn" : "ok"
            self.text = text
            self.label = label
        }
    }

    struct Link: Sendable {
        var href: String
        var label: String
        var current = false
    }

    struct Hidden: Sendable {
        var name: String
        var value: String
    }

    /// One figure of the totals row: formatted text and the exact value (`data-value`).
    struct Total: Sendable {
        var metric: String
        var label: String
        var text: String
        var value: String
    }

    /// The range form, totals and charts of an account, campaign, ad set or ad.
    struct Performance: Sendable {
        var since: String
        var until: String
        var days: Int
        var rangeText: String
        var hidden: [Hidden]
        /// The attribution windows of the purchase, CPA and ROAS figures (the window selector).
        var windows: [Option]
        var presets: [Link]
        var hasData: Bool
        var totals: [Total]
        var charts: [SVGChart]
        var sourceNote: String
        var emptyMessage: String
    }

    /// An option of a `<select>`.
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Column: Sendable {
        var label: String
        var href: String?
        var arrow: String?
        var ariaSort: String?
        var numeric: Bool
    }

    struct Cell: Sendable {
        var metric: String
        var text: String
        var value: String
    }

    struct MetricsRow: Sendable {
        var id: String
        var name: String
        var href: String
        var status: Status
        var cells: [Cell]
    }

    /// A sortable table of campaigns, ad sets or ads with their figures in the range.
    struct MetricsTable: Sendable {
        var caption: String
        var kind: String
        var columns: [Column]
        var rows: [MetricsRow]
        var hasRows: Bool
        var empty: String
        var note: String?
    }

    struct RunError: Sendable {
        var message: String
        var fbtraceID: String?
    }

    struct Run: Sendable {
        var id: String
        var started: String
        var age: String
        var kind: String
        var account: String
        var accountHref: String?
        var status: Status
        var duration: String
        var calls: String
        var rows: String
        var rowsDetail: String
        var error: RunError?
    }

    struct Connection: Sendable {
        var id: String
        var shortID: String
        var metaUserID: String
        var tokenType: String
        var status: Status
        var reason: String?
        var expiry: String
        var budget: Gauge?
        var urgent: Bool
    }

    /// A banner above the overview for a connection that needs the login flow again (expiring, expired, revoked).
    struct TokenBanner: Sendable {
        var id: String
        /// `notice` (expiring) or `error` (expired, revoked): the CSS class.
        var kind: String
        var text: String
        /// The re-connect link: the OAuth flow, which replaces the token of the same Meta user in place.
        var href: String
    }

    struct Account: Sendable {
        var id: String
        var name: String
        var href: String
        var currency: String
        var status: Status
        var lastSync: String?
        var lastSyncAge: String?
        var usage: Gauge?
        var paused: String?
        var budget: Gauge?
    }

    struct DeadLetter: Sendable {
        var id: Int
        var event: String
        var targets: String
        var attempts: Int
        var lastError: String
        var updated: String
    }

    struct LoginPage: Sendable {
        var chrome: Chrome
        var enabled: Bool
        var error: String?
        var next: String
        var sessionHours: Int
    }

    struct OverviewPage: Sendable {
        var chrome: Chrome
        var connectionCount: Int
        var connectionSummary: String
        var accountCount: Int
        var staleSummary: String
        var failedRuns: Int
        var deadLetterCount: Int
        var queueSummary: String
        var tokenBanners: [TokenBanner] = []
        var hasConnections: Bool
        var connections: [Connection]
        var hasAccounts: Bool
        var accounts: [Account]
        var hasRuns: Bool
        var runs: [Run]
        var hasDeadLetters: Bool
        var deadLetters: [DeadLetter]
    }

    struct AccountPage: Sendable {
        var chrome: Chrome
        var id: String
        var name: String
        var currency: String
        var timezone: String
        var status: Status
        var performance: Performance
        var table: MetricsTable
    }

    struct ObjectPage: Sendable {
        var chrome: Chrome
        var crumbs: [Link]
        var kindLabel: String
        var id: String
        var name: String
        var status: Status
        var details: [String]
        var performance: Performance
        var table: MetricsTable?
        /// The ad's creative (ad pages only).
        var creative: CreativeCard? = nil
    }

    struct SyncRunsPage: Sendable {
        var chrome: Chrome
        var filters: [Link]
        var hasRuns: Bool
        var runs: [Run]
        var newerHref: String?
        var olderHref: String?
    }

    struct MessagePage: Sendable {
        var chrome: Chrome
        var heading: String
        var text: String
        var link: Link?
    }
}
