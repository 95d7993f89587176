import Foundation
import Hummingbird
import Logging
import MetaStore
import Recommendations

extension APIController {
    /// The answer of the settings endpoints: every effective threshold of the scope with where it came from.
    struct RecommendationSettingsResponse: ResponseEncodable, Sendable {
        struct Setting: Encodable, Sendable {
            var key: String
            /// Nil for a target that is off.
            var value: Double?
            /// `default`, `toml`, `env` or `api`.
            var source: String
            /// `default`, `global`, `account` or `campaign`.
            var level: String
            var perCampaign: Bool

            enum CodingKeys: String, CodingKey {
                case key, value, source, level
                case perCampaign = "per_campaign"
            }

            /// `value` is `null` (not absent) for a target that is off.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(self.key, forKey: .key)
                try container.encode(self.value, forKey: .value)
                try container.encode(self.source, forKey: .source)
                try container.encode(self.level, forKey: .level)
                try container.encode(self.perCampaign, forKey: .perCampaign)
            }
        }

        var accountID: String
        var campaignID: String?
        var settings: [Setting]
        /// The values set through the API on exactly this scope (key → `25`, `0.2`, `off`).
        var overrides: [String: String]

        enum CodingKeys: String, CodingKey {
            case accountID = "account_id"
            case campaignID = "campaign_id"
            case settings, overrides
        }

        init(_ report: RecommendationSettings.Report) {
            self.accountID = "act_" + report.scope.accountID
            self.campaignID = report.scope.campaignID
            self.settings = report.entries.map {
                Setting(key: $0.key, value: $0.value, source: $0.source.origin.rawValue, level: $0.source.level.rawValue, perCampaign: $0.perCampaign)
            }
            self.overrides = report.overrides
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.accountID, forKey: .accountID)
            try container.encode(self.campaignID, forKey: .campaignID)
            try container.encode(self.settings, forKey: .settings)
            try container.encode(self.overrides, forKey: .overrides)
        }
    }

    /// One value of a `PUT` body: a number, or `"off"` for a target.
    enum SettingInput: Decodable, Sendable {
        case number(Double)
        case text(String)
        case other(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .other("null")
            } else if (try? container.decode(Bool.self)) != nil {
                self = .other("a boolean")
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .other("an array or object")
            }
        }
    }

    /// `GET /api/recommendations/settings?account_id=…[&campaign_id=…]`: the effective thresholds and targets of an
    /// account or campaign, each with its source (`default`, `toml`, `env`, `api`) and level.
    @Sendable func recommendationSettings(_ request: Request, context: AppRequestContext) async throws -> RecommendationSettingsResponse {
        let scope = try Self.settingsScope(request)
        return try await self.settingsAnswer { try await self.settingsService.report(scope) }
    }

    /// `PUT /api/recommendations/settings?account_id=…[&campaign_id=…]` with `{"target_cpa": 25, "target_roas": "off"}`:
    /// sets those values on the scope (other values stay); they win over `metasync.toml`. Everything is validated before
    /// anything is stored: an unknown key, a wrong type or a value out of range answers 400 naming the key.
    @Sendable func putRecommendationSettings(_ request: Request, context: AppRequestContext) async throws -> RecommendationSettingsResponse {
        let scope = try Self.settingsScope(request)
        let body: [String: SettingInput]
        do {
            body = try await request.decode(as: [String: SettingInput].self, context: context)
        } catch {
            throw APIError.badRequest(#"the body must be a JSON object of settings, e.g. {"target_cpa": 25}"#, code: "invalid_setting")
        }
        guard !body.isEmpty else {
            throw APIError.badRequest(#"the body names no setting, e.g. {"target_cpa": 25}"#, code: "invalid_setting")
        }
        var texts: [String: String] = [:]
        for (name, input) in body {
            texts[name] = try Self.settingText(name, input)
        }
        return try await self.settingsAnswer {
            let stored = try await self.settingsService.set(texts, scope: scope)
            self.logger.notice("recommendation settings set", metadata: ["account_id": "\(scope.accountID)", "keys": "\(stored.keys.sorted())"])
            return try await self.settingsService.report(scope)
        }
    }

    /// `DELETE /api/recommendations/settings?account_id=…[&campaign_id=…][&key=…]`: removes the API values of the scope
    /// (only `key`, comma-separated or repeated, when given); the `metasync.toml` or default value applies again.
    @Sendable func deleteRecommendationSettings(_ request: Request, context: AppRequestContext) async throws -> RecommendationSettingsResponse {
        let scope = try Self.settingsScope(request)
        let keys = try ListQuery(request).list("key")
        return try await self.settingsAnswer {
            let removed = try await self.settingsService.unset(keys.isEmpty ? nil : keys, scope: scope)
            self.logger.notice("recommendation settings removed", metadata: ["account_id": "\(scope.accountID)", "removed": "\(removed)"])
            return try await self.settingsService.report(scope)
        }
    }

    var settingsService: RecommendationSettings {
        RecommendationSettings(store: self.store, policy: self.recommendationPolicy, now: self.now)
    }

    static func settingsScope(_ request: Request) throws -> RecommendationSettings.Scope {
        let query = try ListQuery(request)
        let account = try query.requiredAccount()
        if let campaign = query.single("campaign_id"), !campaign.allSatisfy(\.isNumber) {
            throw APIError.badRequest("campaign_id must be a numeric campaign id", code: "invalid_parameter")
        }
        return RecommendationSettings.Scope(accountID: account, campaignID: query.single("campaign_id"))
    }

    /// The text of one body value, checked for its JSON type (numbers; `"off"` only for targets).
    static func settingText(_ name: String, _ input: SettingInput) throws -> String {
        let target = RecommendationThresholds.keys.first { $0.name == name }.map { if case .optional = $0.key { true } else { false } }
        switch input {
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .text(let text) where target == true:
            guard text == "off" else {
                throw APIError.badRequest("\(name) must be a number or \"off\"", code: "invalid_setting")
            }
            return text
        case .text, .other:
            guard target != nil else { return "" }  // unknown key: refused by name when validated
            let kind: String =
                if case .other(let what) = input { what } else { "a string" }
            throw APIError.badRequest("\(name) must be a number\(target == true ? " or \"off\"" : ""), not \(kind)", code: "invalid_setting")
        }
    }

    /// Runs a settings operation, mapping its errors to 400 / 404.
    func settingsAnswer(_ body: () async throws -> RecommendationSettings.Report) async throws -> RecommendationSettingsResponse {
        do {
            return RecommendationSettingsResponse(try await body())
        } catch let invalid as RecommendationThresholds.InvalidValue {
            throw APIError.badRequest(invalid.description, code: "invalid_setting")
        } catch let error as RecommendationError {
            if case .invalidSetting = error { throw APIError.badRequest(error.description, code: "invalid_setting") }
            throw APIError.notFound(error.description)
        }
    }
}
