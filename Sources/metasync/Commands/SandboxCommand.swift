import ArgumentParser
import Foundation
import GraphSandbox
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `metasync sandbox`: serves the deterministic Graph API simulator over HTTP.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve a deterministic, offline simulator of the Meta Graph / Marketing API.",
        discussion: """
            Serves ad accounts, campaigns, ad sets, ads and insights generated from --seed, with Graph's paging, \
            fields, filtering, batch, async insights, OAuth (login-dialog stand-in at /<version>/dialog/oauth), \
            usage headers and optional fault injection. GET /__stats shows call counters; POST /__reset zeroes them. \
            With --webhook-url (or a client's POST /<app-id>/subscriptions and POST /act_<id>/subscribed_apps) it \
            verifies the callback and sends signed ad_account webhooks when objects are edited (POST /<object-id>?status=…).

            Point a client at the printed base URL, e.g. METASYNC_GRAPH_URL=http://127.0.0.1:9090. See docs/sandbox.md.
            """
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: NumberOption.help("Port to listen on.", default: 9090), transform: NumberOption.parse) var port: Int = 9090
    @Option(help: NumberOption.help("Seed for all generated data and random faults.", default: 42), transform: NumberOption.parse) var seed: UInt64 =
        42
    @Option(help: NumberOption.help("Ad accounts the token can see.", default: 1), transform: NumberOption.parse) var accounts: Int = 1
    @Option(help: NumberOption.help("Campaigns per account.", default: 5), transform: NumberOption.parse) var campaigns: Int = 5
    @Option(name: .customLong("adsets-per-campaign"), help: NumberOption.help("Ad sets per campaign.", default: 3), transform: NumberOption.parse)
    var adsetsPerCampaign: Int = 3
    @Option(name: .customLong("ads-per-adset"), help: NumberOption.help("Ads per ad set.", default: 2), transform: NumberOption.parse)
    var adsPerAdset: Int = 2
    @Option(help: NumberOption.help("Days of insights history.", default: 30), transform: NumberOption.parse) var days: Int = 30
    @Option(name: .customLong("reference-date"), help: "Anchor the generated data to this day (YYYY-MM-DD, UTC noon); default: now.")
    var referenceDate: String?
    @Flag(
        name: .customLong("freeze-clock"),
        help: "Keep the sandbox's clock at --reference-date (UTC noon), so today's partial insights stop growing and repeated reads are identical."
    )
    var freezeClock = false
    @Option(name: .customLong("access-token"), help: "The token to accept (default: one derived from the seed, printed at start).")
    var accessToken: String?
    @Option(name: .customLong("app-id"), help: "App id for OAuth and debug_token.") var appID = "1234567890123456"
    @Option(name: .customLong("app-secret"), help: "App secret for OAuth, appsecret_proof and webhook signatures.")
    var appSecret = "sandbox-app-secret"
    @Option(
        name: .customLong("token-expires-in-days"),
        help:
            "Make the access token a long-lived user token expiring in this many days (e.g. 3 to see 'expiring'); default: a non-expiring system-user token.",
        transform: NumberOption.parse
    )
    var tokenExpiresInDays: Double?
    @Flag(name: .customLong("require-appsecret-proof"), help: "Reject calls without a valid appsecret_proof.")
    var requireAppSecretProof = false
    @Option(name: .customLong("latency-ms"), help: NumberOption.help("Latency added to every response.", default: 0), transform: NumberOption.parse)
    var latencyMs: Int = 0
    @Option(
        name: .customLong("jitter-ms"),
        help: NumberOption.help("Extra random latency, up to this much.", default: 0),
        transform: NumberOption.parse
    ) var jitterMs: Int = 0
    @Option(
        name: .customLong("fault-rate"),
        help: NumberOption.help(
            "Probability of each random fault kind per call (transient, unknown, drop, malformed; throttles at half).",
            default: 0.0
        ),
        transform: NumberOption.parse
    )
    var faultRate: Double = 0.0
    @Option(name: .customLong("transient-rate"), help: "Probability of HTTP 500 code 2 is_transient per call.", transform: NumberOption.parse)
    var transientRate: Double?
    @Option(name: .customLong("throttle-rate"), help: "Probability of a throttle (4, 17, 613, 80004) per call.", transform: NumberOption.parse)
    var throttleRate: Double?
    @Option(name: .customLong("drop-rate"), help: "Probability of a dropped connection per call.", transform: NumberOption.parse) var dropRate:
        Double?
    @Option(name: .customLong("malformed-rate"), help: "Probability of a truncated JSON body per call.", transform: NumberOption.parse)
    var malformedRate: Double?
    @Option(
        name: .customLong("empty-page-rate"),
        help: NumberOption.help("Probability that a non-final page is empty but has paging.next.", default: 0.0),
        transform: NumberOption.parse
    )
    var emptyPageRate: Double = 0.0
    @Option(name: .customLong("max-page-size"), help: NumberOption.help("Cap on limit.", default: 500), transform: NumberOption.parse)
    var maxPageSize: Int = 500
    @Option(
        name: .customLong("insights-row-budget"),
        help: NumberOption.help("Rows a sync insights request may produce before 'reduce the amount of data'.", default: 10_000),
        transform: NumberOption.parse
    )
    var insightsRowBudget: Int = 10_000
    @Option(
        name: .customLong("async-polls"),
        help: NumberOption.help("Polls of GET /<report_run> until an async report completes.", default: 3),
        transform: NumberOption.parse
    )
    var asyncPolls: Int = 3
    @Option(
        name: .customLong("async-failure-rate"),
        help: NumberOption.help("Probability that an async report ends in Job Failed.", default: 0.0),
        transform: NumberOption.parse
    )
    var asyncFailureRate: Double = 0.0
    @Option(
        name: .customLong("async-max-rows"),
        help: "An async report whose query produces more rows than this ends in Job Failed (tests chunking and splitting); default: no limit.",
        transform: NumberOption.parse
    )
    var asyncMaxRows: Int?
    @Option(
        name: .customLong("token-expires-after-calls"),
        help: "Expire the access token after this many calls (190/463).",
        transform: NumberOption.parse
    )
    var tokenExpiresAfterCalls: Int?
    @Option(
        name: .customLong("account-calls-per-hour"),
        help: NumberOption.help("BUC ads_management capacity per account per hour.", default: 10_000),
        transform: NumberOption.parse
    )
    var accountCallsPerHour: Int = 10_000
    @Option(
        name: .customLong("insights-calls-per-hour"),
        help: NumberOption.help("BUC ads_insights capacity per account per hour.", default: 5_000),
        transform: NumberOption.parse
    )
    var insightsCallsPerHour: Int = 5_000
    @Option(
        name: .customLong("app-calls-per-hour"),
        help: NumberOption.help("App-level capacity per hour (X-App-Usage).", default: 100_000),
        transform: NumberOption.parse
    )
    var appCallsPerHour: Int = 100_000
    @Flag(name: .customLong("no-rate-limits"), help: "Report usage headers but never throttle for exceeding them.")
    var noRateLimits = false
    @Option(
        name: .customLong("rate-limit-window"),
        help: "The rolling window the *-calls-per-hour capacities apply to (e.g. 30s to test pacing; default 1h).",
        transform: DurationOption.parse
    )
    var rateLimitWindow: DurationOption?
    @Option(name: .customLong("public-url"), help: "Base URL used in paging links (default: http://<host>:<port>).")
    var publicURL: String?
    @Option(
        name: .customLong("webhook-url"),
        help: ArgumentHelp(
            "Subscribe the app and every account to ad_account webhooks delivered to this callback (e.g. http://127.0.0.1:8080/webhooks/meta). Clients can also subscribe through POST /<app-id>/subscriptions.",
            valueName: "url"
        )
    )
    var webhookURL: String?
    @Option(name: .customLong("webhook-verify-token"), help: "hub.verify_token sent when verifying --webhook-url.")
    var webhookVerifyToken = "sandbox-verify-token"
    @Option(name: .customLong("webhook-fields"), help: "ad_account webhook fields subscribed with --webhook-url.")
    var webhookFields = "in_process_ad_objects,with_issues_ad_objects,ad_recommendations,creative_fatigue"

    func validate() throws {
        if self.accounts < 0 || self.campaigns < 0 || self.adsetsPerCampaign < 0 || self.adsPerAdset < 0 || self.days < 0 {
            throw ValidationError("Counts must not be negative.")
        }
        if let rows = self.asyncMaxRows, rows < 1 { throw ValidationError("--async-max-rows must be at least 1; got \(rows).") }
        if self.insightsRowBudget < 1 { throw ValidationError("--insights-row-budget must be at least 1; got \(self.insightsRowBudget).") }
        if let days = self.tokenExpiresInDays, !(days > 0) {
            throw ValidationError("--token-expires-in-days must be a positive number of days such as 3.")
        }
        if let referenceDate, Self.parseDate(referenceDate) == nil { throw ValidationError("--reference-date must be YYYY-MM-DD.") }
        if self.freezeClock && self.referenceDate == nil {
            throw ValidationError("--freeze-clock needs --reference-date (the moment the clock stays at).")
        }
        if let webhookURL, URLComponents(string: webhookURL).map({ ($0.scheme == "http" || $0.scheme == "https") && $0.host != nil }) != true {
            throw ValidationError("--webhook-url must be an http(s) URL such as http://127.0.0.1:8080/webhooks/meta.")
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        components.hour = 12
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar.date(from: components)
    }

    func run() async throws {
        let base = self.publicURL ?? "http://\(self.host):\(self.port)"
        let configuration = self.sandboxConfiguration(publicBaseURL: base)
        let sandbox = GraphSandbox(configuration: configuration)
        var logger = Logger(label: "metasync.sandbox")
        logger.logLevel = .info
        self.printBanner(sandbox, configuration, base: base)
        fflush(nil)  // all C streams: the banner must reach a redirected stdout before the server blocks
        let app = buildSandboxApplication(sandbox: sandbox, host: self.host, port: self.port, logger: logger)
        let deliverer = SandboxWebhookDeliverer(sandbox: sandbox, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: deliverer), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// The sandbox's configuration from the flags.
    func sandboxConfiguration(publicBaseURL base: String) -> SandboxConfiguration {
        var faults = SandboxFaultRates.uniform(self.faultRate)
        if let transientRate { faults.transient = transientRate }
        if let throttleRate { faults.throttle = throttleRate }
        if let dropRate { faults.dropConnection = dropRate }
        if let malformedRate { faults.malformedBody = malformedRate }
        var configuration = SandboxConfiguration(
            seed: self.seed,
            accounts: self.accounts,
            campaignsPerAccount: self.campaigns,
            adsetsPerCampaign: self.adsetsPerCampaign,
            adsPerAdset: self.adsPerAdset,
            days: self.days,
            accessToken: self.accessToken,
            appID: self.appID,
            appSecret: self.appSecret,
            requireAppSecretProof: self.requireAppSecretProof,
            maxPageSize: self.maxPageSize,
            insightsRowBudget: self.insightsRowBudget,
            latency: .milliseconds(self.latencyMs),
            latencyJitter: .milliseconds(self.jitterMs),
            faults: faults,
            emptyPageRate: self.emptyPageRate,
            asyncReports: SandboxAsyncReportBehaviour(
                pollsToComplete: self.asyncPolls,
                failureRate: self.asyncFailureRate,
                maxRows: self.asyncMaxRows
            ),
            usage: SandboxUsageLimits(
                appCallsPerHour: self.appCallsPerHour,
                accountCallsPerHour: self.accountCallsPerHour,
                insightsCallsPerHour: self.insightsCallsPerHour,
                enforce: !self.noRateLimits
            ).window(self.rateLimitWindow?.duration),
            accessTokenExpiresAfterCalls: self.tokenExpiresAfterCalls,
            publicBaseURL: base,
            referenceDate: self.referenceDate.flatMap(Self.parseDate)
        )
        if self.freezeClock {
            let frozen = configuration.referenceDate
            configuration.now = { frozen }
        }
        configuration.accessTokenExpiresInDays = self.tokenExpiresInDays
        return configuration
    }

    /// What the sandbox serves (its URL, accounts, app id and token) and, with `--webhook-url`, subscribes the webhook
    /// deliveries.
    func printBanner(_ sandbox: GraphSandbox, _ configuration: SandboxConfiguration, base: String) {
        print("MetaSync Graph sandbox: \(base)/\(configuration.graphVersion)/")
        print("  accounts: \(sandbox.accountIDs.joined(separator: ", "))")
        print("  app id: \(configuration.appID)")
        if self.accessToken == nil {
            // A made-up sandbox token, printed on purpose so clients can use it; it grants nothing outside the sandbox.
            print("  access token: \(sandbox.accessToken)")
        } else {
            print("  access token: the one given with --access-token")
        }
        print("  stats: GET \(base)/__stats   reset: POST \(base)/__reset")
        if let webhookURL {
            let fields = self.webhookFields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            sandbox.subscribeWebhooks(callbackURL: webhookURL, verifyToken: self.webhookVerifyToken, fields: fields)
            print("  webhooks: \(fields.joined(separator: ", ")) -> \(webhookURL) (edits through POST /<object-id> notify)")
        }
    }
}
