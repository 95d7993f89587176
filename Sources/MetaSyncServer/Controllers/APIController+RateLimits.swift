import Foundation
import GraphAPI
import Hummingbird

extension APIController {
    /// `GET /api/rate-limits`: Meta's limits as this process sees them, per ad account and business use case (usage
    /// %, pause, calls in the last hour), plus app- and user-wide pauses. Never a token; user ids are Meta's.
    struct RateLimitsDTO: ResponseEncodable, Sendable {
        struct Scope: Encodable, Sendable {
            var accountID: String
            /// `ads_insights`, `ads_management`, …; nil for the account-wide score (`X-Ad-Account-Usage`).
            var useCase: String?
            var usagePercent: Double
            var pausedUntil: Date?
            var pauseReason: String?
            var callsLastHour: Int
            var updatedAt: Date?

            enum CodingKeys: String, CodingKey {
                case accountID = "account_id"
                case useCase = "use_case"
                case usagePercent = "usage_percent"
                case pausedUntil = "paused_until"
                case pauseReason = "pause_reason"
                case callsLastHour = "calls_last_hour"
                case updatedAt = "updated_at"
            }
        }

        var appUsagePercent: Double
        var appPausedUntil: Date?
        var usersPausedUntil: [String: Date]
        var data: [Scope]

        enum CodingKeys: String, CodingKey {
            case appUsagePercent = "app_usage_percent"
            case appPausedUntil = "app_paused_until"
            case usersPausedUntil = "users_paused_until"
            case data
        }

        init(_ snapshot: GraphUsageSnapshot) {
            self.appUsagePercent = snapshot.appPercent
            self.appPausedUntil = snapshot.appPausedUntil
            self.usersPausedUntil = snapshot.usersPausedUntil
            self.data = snapshot.accounts.map { account in
                Scope(
                    accountID: account.id.allSatisfy(\.isNumber) ? "act_\(account.id)" : account.id,
                    useCase: account.useCase,
                    usagePercent: account.percent,
                    pausedUntil: account.pausedUntil,
                    pauseReason: account.pauseReason,
                    callsLastHour: account.callsLastHour,
                    updatedAt: account.updatedAt
                )
            }
        }
    }

    @Sendable func rateLimits(_ request: Request, context: AppRequestContext) async throws -> RateLimitsDTO {
        RateLimitsDTO(self.governor?.snapshot(now: self.now()) ?? GraphUsageSnapshot(appPercent: 0, accounts: []))
    }
}
