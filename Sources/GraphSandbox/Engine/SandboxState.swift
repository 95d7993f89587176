import Foundation

/// The mutable state of a ``GraphSandbox``, guarded by its mutex.
struct SandboxState: Sendable {
    /// A token the sandbox accepts.
    struct Token: Sendable {
        var type: String
        var userID: String?
        var issuedAt: Date
        /// `nil` = never expires.
        var expiresAt: Date?
        var scopes: [String]
        /// Data-access expiry set by a test; by default 90 days after `issuedAt` for user tokens, none for system
        /// users (reference §8.3–8.4).
        var dataAccessExpiresAt: Date?
        /// Set when the token was invalidated before its expiry (190 with this reason's subcode).
        var invalidation: SandboxTokenInvalidation? = nil
    }

    /// An OAuth authorization code from the login-dialog stand-in.
    struct Code: Sendable {
        var redirectURI: String
        var issuedAt: Date
        var used: Bool
        /// The Facebook Login for Business `config_id` the dialog was opened with (nil: classic `scope`).
        var configID: String? = nil
    }

    /// A scripted fault waiting for a matching call.
    struct ScriptedFault: Sendable {
        var fault: SandboxFault
        var pattern: String?
        var remaining: Int
    }

    var world: SandboxWorld
    var rng: SandboxRandom
    var stats = SandboxStats()
    var usage = UsageTracker()
    var tokens: [String: Token] = [:]
    var codes: [String: Code] = [:]
    var reportRuns: [String: ReportRun] = [:]
    var scripted: [ScriptedFault] = []
    var serial = 0
    /// Graph calls made with the configured access token (for `accessTokenExpiresAfterCalls`).
    var configuredTokenCalls = 0
    /// App subscription, subscribed accounts and the webhook outbox.
    var webhooks = SandboxWebhookState()

    /// Takes the first scripted fault whose pattern occurs in `path` (and that `accepts`).
    mutating func takeScriptedFault(path: String, accepts: (SandboxFault) -> Bool) -> SandboxFault? {
        guard
            let i = self.scripted.firstIndex(where: { s in
                (s.pattern.map { path.contains($0) } ?? true) && accepts(s.fault)
            })
        else { return nil }
        let fault = self.scripted[i].fault
        self.scripted[i].remaining -= 1
        if self.scripted[i].remaining <= 0 { self.scripted.remove(at: i) }
        return fault
    }

    mutating func nextSerial() -> Int {
        self.serial += 1
        return self.serial
    }
}
