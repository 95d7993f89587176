import ArgumentParser
import Foundation
import Logging
import SyncEngine

/// `metasync webhooks`: subscribe the app and the connected ad accounts to Meta's `ad_account` webhooks.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Subscribe the Meta app and every connected ad account to ad_account webhooks, or show the subscription.",
        discussion: """
            Meta delivers ad_account webhooks only when the app has a subscription (POST /<app-id>/subscriptions, \
            verified against your callback) and each ad account has subscribed the app (POST /act_<id>/subscribed_apps). \
            `metasync serve` must be reachable at the callback URL while subscribing. Needs METASYNC_APP_ID, \
            METASYNC_APP_SECRET and, for subscribe, METASYNC_WEBHOOK_VERIFY_TOKEN.
            """,
        subcommands: [Subscribe.self, Status.self]
    )

    /// `metasync webhooks subscribe`.
    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (or replace) the app's ad_account subscription and subscribe every connected ad account.",
            discussion: """
                Example: METASYNC_PUBLIC_URL=https://metasync.example.com metasync webhooks subscribe
                Exits 1 when Meta reports the subscription inactive or an account could not be subscribed.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("callback-url"), help: ArgumentHelp("Where Meta posts webhooks. Default: <server.public_url>/webhooks/meta."))
        var callbackURL: String?
        @Option(help: "ad_account fields, comma-separated.") var fields = SyncEngine.webhookFields.joined(separator: ",")

        func run() async throws {
            let input = try SettingsInput.load(flags: self.global.settingFlags)
            let settings = try MetaSyncSettings(input)
            LoggingBootstrap.bootstrap(settings)
            let publicURL = try ServeSettings.publicURL(input)
            guard let callback = self.callbackURL ?? publicURL.map({ ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/webhooks/meta" }) else {
                throw CommandFailure(
                    description:
                        "Give --callback-url, or set METASYNC_PUBLIC_URL (metasync.toml server.public_url) to the URL where `metasync serve` is reachable."
                )
            }
            guard let components = URLComponents(string: callback), components.scheme == "https" || components.scheme == "http",
                components.host != nil
            else { throw CommandFailure(description: "--callback-url must be an http(s) URL such as https://metasync.example.com/webhooks/meta.") }
            guard let verifyToken = settings.webhookVerifyToken else {
                throw CommandFailure(description: "Set METASYNC_WEBHOOK_VERIFY_TOKEN (the same value `metasync serve` uses) before subscribing.")
            }
            let fields = self.fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let complete = try await SyncRuntime.withEngine(settings, sandbox: nil, logger: Logger(label: "metasync.webhooks")) { engine in
                let report = try await engine.subscribeWebhooks(callbackURL: callback, verifyToken: verifyToken, fields: fields)
                print(WebhooksCommand.render(report))
                return report.isComplete
            }
            if !complete { throw ExitCode(1) }
        }
    }

    /// `metasync webhooks status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the app's ad_account subscription and which connected ad accounts deliver to it (read-only)."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let complete = try await SyncRuntime.withEngine(settings, sandbox: nil, logger: Logger(label: "metasync.webhooks")) { engine in
                let report = try await engine.webhookSubscriptionStatus()
                print(WebhooksCommand.render(report))
                return report.isComplete
            }
            if !complete { throw ExitCode(1) }
        }
    }

    static func render(_ report: WebhookSubscriptionReport) -> String {
        var lines: [String] = []
        if let callback = report.callbackURL {
            lines.append("app subscription: ad_account -> \(callback) (\(report.active ? "active" : "INACTIVE"))")
            lines.append("  fields: \(report.fields.isEmpty ? "(none)" : report.fields.joined(separator: ", "))")
        } else {
            lines.append("app subscription: none")
        }
        lines.append("ad accounts: \(report.accounts.filter(\.subscribed).count) of \(report.accounts.count) subscribed")
        for account in report.accounts {
            lines.append("  \(account.accountID) (connection \(account.connectionID)): \(account.subscribed ? "subscribed" : "NOT subscribed")")
        }
        for problem in report.problems { lines.append("PROBLEM: \(problem)") }
        lines.append("Graph calls: \(report.callsUsed)")
        lines.append(report.isComplete ? "OK: Meta will deliver ad_account webhooks." : "NOT COMPLETE: fix the problems above.")
        return lines.joined(separator: "\n")
    }
}
