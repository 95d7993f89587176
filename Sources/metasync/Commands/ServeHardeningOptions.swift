import ArgumentParser
import Foundation
import MetaSyncServer

/// `metasync serve`'s limits against guessing, replays and slow clients (docs/security.md). Each has a flag and a
/// `METASYNC_*` variable; the flag wins.
struct ServeHardeningOptions: ParsableArguments {
    @Option(
        name: .customLong("auth-failure-limit"),
        help: ArgumentHelp(
            "Failed sign-ins / API keys allowed per client address and per key prefix before 429. Env METASYNC_AUTH_FAILURE_LIMIT. Default 10.",
            valueName: "n"
        )
    )
    var authFailureLimit: Int?

    @Option(
        name: .customLong("auth-failure-window"),
        help: ArgumentHelp(
            "The window the failure limit refills over (e.g. 5m). Env METASYNC_AUTH_FAILURE_WINDOW. Default 5m.",
            valueName: "duration"
        )
    )
    var authFailureWindow: DurationOption?

    @Flag(
        name: .customLong("trust-forwarded-for"),
        help:
            "Take the client address for the failure limit from the last X-Forwarded-For entry (only behind a proxy that sets it). Env METASYNC_TRUST_FORWARDED_FOR=1."
    )
    var trustForwardedFor = false

    @Option(
        name: .customLong("signed-request-max-age"),
        help: ArgumentHelp(
            "Refuse deauthorize / data-deletion signed_requests issued longer ago than this. Env METASYNC_SIGNED_REQUEST_MAX_AGE. Default 1h.",
            valueName: "duration"
        )
    )
    var signedRequestMaxAge: DurationOption?

    @Option(
        name: .customLong("header-timeout"),
        help: ArgumentHelp(
            "Close a connection that has not sent a complete request header within this time. Env METASYNC_HEADER_TIMEOUT. Default 10s.",
            valueName: "duration"
        )
    )
    var headerTimeout: DurationOption?

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp("Close a connection silent for this long. Env METASYNC_IDLE_TIMEOUT. Default 60s.", valueName: "duration")
    )
    var idleTimeout: DurationOption?

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp("The most open connections; more wait in the backlog. Env METASYNC_MAX_CONNECTIONS. Default 512.", valueName: "n")
    )
    var maxConnections: Int?

    @Flag(
        name: .customLong("metrics-require-api-key"),
        help: "Serve /metrics only with Authorization: Bearer <API key>. Env METASYNC_METRICS_REQUIRE_API_KEY=1. Default: public."
    )
    var metricsRequireAPIKey = false

    /// Applies the flags, then the variables of `environment`, to `configuration`.
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {
        func env(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        func duration(_ flag: DurationOption?, _ key: String, _ name: String) throws -> Duration? {
            if let flag { return flag.duration }
            guard let text = env(key) else { return nil }
            guard let parsed = DurationOption(argument: text) else {
                throw ValidationError("\(name) (\(key)) must be a duration such as 30s, 5m or 1h; got '\(text)'")
            }
            return parsed.duration
        }
        func count(_ flag: Int?, _ key: String, _ name: String) throws -> Int? {
            if let flag { return flag }
            guard let text = env(key) else { return nil }
            guard let value = Int(text), value > 0 else { throw ValidationError("\(name) (\(key)) must be a positive integer; got '\(text)'") }
            return value
        }
        func flag(_ set: Bool, _ key: String) throws -> Bool {
            if set { return true }
            guard let text = env(key)?.lowercased() else { return false }
            switch text {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ValidationError("\(key) must be 1/true or 0/false; got '\(text)'")
            }
        }
        if let value = try count(self.authFailureLimit, "METASYNC_AUTH_FAILURE_LIMIT", "--auth-failure-limit") {
            configuration.authFailureLimit = value
        }
        if let value = try duration(self.authFailureWindow, "METASYNC_AUTH_FAILURE_WINDOW", "--auth-failure-window") {
            configuration.authFailureWindow = value
        }
        configuration.trustForwardedFor = try flag(self.trustForwardedFor, "METASYNC_TRUST_FORWARDED_FOR")
        if let value = try duration(self.signedRequestMaxAge, "METASYNC_SIGNED_REQUEST_MAX_AGE", "--signed-request-max-age") {
            configuration.signedRequestMaxAge = value
        }
        if let value = try duration(self.headerTimeout, "METASYNC_HEADER_TIMEOUT", "--header-timeout") { configuration.headerReadTimeout = value }
        if let value = try duration(self.idleTimeout, "METASYNC_IDLE_TIMEOUT", "--idle-timeout") { configuration.idleTimeout = value }
        if let value = try count(self.maxConnections, "METASYNC_MAX_CONNECTIONS", "--max-connections") { configuration.maxConnections = value }
        configuration.metricsRequireAPIKey = try flag(self.metricsRequireAPIKey, "METASYNC_METRICS_REQUIRE_API_KEY")
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
