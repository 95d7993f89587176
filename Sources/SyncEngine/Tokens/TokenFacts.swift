import Foundation
import GraphAPI

/// What `debug_token` says about a token (reference §8.4).
struct TokenFacts: Sendable {
    var isValid: Bool
    var type: String?
    var appID: String?
    var userID: String?
    /// nil: never expires (`expires_at: 0`).
    var expiresAt: Date?
    /// nil: no data-access expiry (`0`, system users).
    var dataAccessExpiresAt: Date?
    var issuedAt: Date?
    var scopes: [String]
    /// The `error.message` inside `data` for an invalid token.
    var errorMessage: String?

    init(debugTokenResponse json: JSONValue) {
        let data = json["data"] ?? json
        self.isValid = data["is_valid"]?.boolValue ?? false
        self.type = data["type"]?.stringValue
        self.appID = data["app_id"]?.stringValue
        self.userID = data["user_id"]?.stringValue
        self.expiresAt = Self.instant(data["expires_at"])
        self.dataAccessExpiresAt = Self.instant(data["data_access_expires_at"])
        self.issuedAt = Self.instant(data["issued_at"])
        self.scopes = data["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.errorMessage = data["error"]?["message"]?.stringValue
    }

    /// Unix seconds; 0 or absent means "never".
    private static func instant(_ value: JSONValue?) -> Date? {
        guard let seconds = value?.int64Value, seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
