import Foundation

/// A row of `meta_connections`: one connected Meta user (or system user) and its encrypted access token.
///
/// The token is only ever stored as AES-256-GCM ciphertext with the id of the key that encrypted it; read the
/// plaintext through ``ConnectionRepository/accessToken(connectionID:)``.
public struct MetaConnectionRow: ColumnTableRow {
    public static var insertOnlyColumns: Set<String> { ["created_at"] }

    /// The token lifecycle state.
    public enum Status: String, Codable, Sendable, CaseIterable, TextColumnType {
        case active, expiring, expired, revoked
    }

    /// Connection id (MetaSync's own; a UUID string unless the caller chooses).
    public var id: String
    /// Meta (app-scoped) user id, or the system user id.
    public var metaUserID: String
    /// The Meta app the token belongs to.
    public var appID: String?
    /// `USER`, `SYSTEM_USER`, `PAGE` or `APP` (debug_token `type`).
    public var tokenType: String
    /// Base64 nonce + ciphertext + tag (AES-256-GCM).
    public var tokenCiphertext: String
    /// The id of the key that encrypted `tokenCiphertext`.
    public var tokenKeyID: String
    /// When the token expires; nil when it never does (debug_token `expires_at: 0`).
    public var expiresAt: Date?
    /// When data access expires; nil when it never does.
    public var dataAccessExpiresAt: Date?
    /// When the token was issued, if known.
    public var issuedAt: Date?
    /// Granted permissions as a JSON array of strings.
    public var scopes: JSONText
    public var status: Status
    /// Why the status is what it is (e.g. "token expired", "user removed the app"); never contains the token.
    public var statusReason: String?
    /// When the token was last checked with debug_token.
    public var lastCheckedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    /// The scopes decoded.
    public var scopeList: [String] { (try? self.scopes.decode([String].self)) ?? [] }
}

extension MetaConnectionRow {
    /// The columns of `meta_connections`, in table order (how to add one: ``ColumnTable``; not a Graph object, so
    /// the columns' Graph fields go unused).
    public static let table = ColumnTable<MetaConnectionRow>(
        "meta_connections",
        key: ["id"],
        blank: MetaConnectionRow(
            id: "",
            metaUserID: "",
            tokenType: "",
            tokenCiphertext: "",
            tokenKeyID: "",
            scopes: JSONText(rawValue: "[]"),
            status: .active,
            createdAt: .distantPast,
            updatedAt: .distantPast
        ),
        columns: [
            Column("id", \.id),
            Column("meta_user_id", \.metaUserID),
            Column("app_id", \.appID),
            Column("token_type", \.tokenType),
            Column("token_ciphertext", \.tokenCiphertext),
            Column("token_key_id", \.tokenKeyID),
            Column("expires_at", \.expiresAt),
            Column("data_access_expires_at", \.dataAccessExpiresAt),
            Column("issued_at", \.issuedAt),
            Column("scopes", \.scopes),
            Column("status", \.status),
            Column("status_reason", \.statusReason),
            Column("last_checked_at", \.lastCheckedAt),
            Column("created_at", \.createdAt),
            Column("updated_at", \.updatedAt),
        ]
    )
}

extension MetaConnectionRow {
    /// The status now, as every surface shows it (`metasync connections list`, the API, `/health`, the dashboard):
    /// `revoked` and `expired` as stored; otherwise `expired` once the token's expiry has passed, `expiring` when the
    /// token or its data access ends within `expiringWithin` seconds, else `active`.
    public func currentStatus(now: Date, expiringWithin: TimeInterval) -> Status {
        switch self.status {
        case .revoked, .expired: return self.status
        case .active, .expiring:
            return Self.status(expiresAt: self.expiresAt, dataAccessExpiresAt: self.dataAccessExpiresAt, now: now, expiringWithin: expiringWithin)
        }
    }

    /// The status of a usable token with these expiries: `expired` past `expiresAt`, `expiring` when the token or its
    /// data access ends within `expiringWithin` seconds, else `active`.
    public static func status(expiresAt: Date?, dataAccessExpiresAt: Date?, now: Date, expiringWithin: TimeInterval) -> Status {
        if let expiresAt, expiresAt <= now { return .expired }
        let horizon = now.addingTimeInterval(expiringWithin)
        if let expiresAt, expiresAt <= horizon { return .expiring }
        if let dataAccessExpiresAt, dataAccessExpiresAt <= horizon { return .expiring }
        return .active
    }

    /// The earlier of the token's expiry and its data-access expiry: when the connection stops working unless the
    /// user logs in again (nil: neither expires).
    public var renewBy: Date? {
        [self.expiresAt, self.dataAccessExpiresAt].compactMap { $0 }.min()
    }
}
