import Crypto
import Foundation
import SQLKit

/// `oauth_states`: the `state` values of the OAuth connect flow, shared by every process on the database, so
/// `/connect` and `/oauth/callback` may be served by different processes behind a load balancer.
///
/// Only SHA-256 hashes are stored (of the state and of the browser cookie it is bound to). Consuming is one atomic
/// `DELETE … RETURNING`: of two processes racing to consume the same state, exactly one succeeds.
///
/// ```swift
/// try await store.oauthStates.issue(state: state, browser: cookie, expiresAt: now + 600, now: now)
/// switch try await store.oauthStates.consume(state: returned, browser: cookie, now: now) {
/// case .consumed: exchangeTheCode()
/// case .unknown, .expired, .wrongBrowser: refuse()
/// }
/// ```
public struct OAuthStateRepository: Sendable {
    let executor: StoreExecutor

    private static let table = "oauth_states"

    /// The outcome of ``consume(state:browser:now:)``.
    public enum Consumption: String, Sendable, Hashable, CaseIterable {
        /// Known, unexpired, same browser: deleted now, so it cannot be used again.
        case consumed
        /// Never issued, already consumed, or purged.
        case unknown
        /// Issued but expired (deleted now).
        case expired
        /// Issued to another browser (the cookie is missing or different): left unused.
        case wrongBrowser
    }

    /// Stores a new `state` bound to `browser` (the cookie value), valid until `expiresAt`. In the same transaction,
    /// deletes the states that expired before `purgeExpiredBefore` (default `now`) and, when more than `capacity` are
    /// outstanding, the oldest (a flood of `/connect` requests cannot grow the table without bound).
    public func issue(
        state: String,
        browser: String,
        expiresAt: Date,
        now: Date,
        purgeExpiredBefore: Date? = nil,
        capacity: Int = 10_000
    ) async throws {
        try await self.executor.write { sql in
            try await sql.delete(from: Self.table).where("expires_at", .lessThanOrEqual, SQLBind(purgeExpiredBefore ?? now)).run()
            try await sql.insert(into: Self.table)
                .columns("state_hash", "browser_hash", "created_at", "expires_at")
                .values(SQLBind(Self.hash(state)), SQLBind(Self.hash(browser)), SQLBind(now), SQLBind(expiresAt))
                .run()
            let count =
                try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table).first()?
                .decode(column: "n", as: Int.self) ?? 0
            if count > max(1, capacity) {
                let oldest = try await sql.select().column("state_hash").from(Self.table)
                    .orderBy("created_at").orderBy("state_hash")
                    .limit(count - max(1, capacity))
                    .all().map { try $0.decode(column: "state_hash", as: String.self) }
                try await sql.delete(from: Self.table).where(SQLColumn("state_hash"), .in, SQLBind.group(oldest)).run()
            }
        }
    }

    /// Checks a `state` returned by the login dialog and, when it is valid for `browser`, consumes it atomically.
    public func consume(state: String, browser: String?, now: Date) async throws -> Consumption {
        let stateHash = Self.hash(state)
        return try await self.executor.write { sql in
            if let browser {
                let deleted = try await sql.delete(from: Self.table)
                    .where("state_hash", .equal, SQLBind(stateHash))
                    .where("browser_hash", .equal, SQLBind(Self.hash(browser)))
                    .where("expires_at", .greaterThan, SQLBind(now))
                    .returning("state_hash")
                    .first()
                if deleted != nil { return .consumed }
            }
            guard
                let row = try await sql.select().column("expires_at").from(Self.table)
                    .where("state_hash", .equal, SQLBind(stateHash))
                    .first()
            else { return .unknown }
            if try row.decode(column: "expires_at", as: Date.self) <= now {
                try await sql.delete(from: Self.table).where("state_hash", .equal, SQLBind(stateHash)).run()
                return .expired
            }
            return .wrongBrowser
        }
    }

    /// Deletes the states that expired at or before `before`; returns how many.
    @discardableResult
    public func purgeExpired(before: Date) async throws -> Int {
        try await self.executor.write { sql in
            try await sql.delete(from: Self.table).where("expires_at", .lessThanOrEqual, SQLBind(before)).returning("state_hash").all().count
        }
    }

    /// Outstanding (stored) states, expired or not.
    public func count() async throws -> Int {
        try await self.executor.read { sql in
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(Self.table).first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex SHA-256 of a value: what is stored instead of it.
    static func hash(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(value.utf8)) {
            out.append(Self.hexDigits[Int(byte >> 4)])
            out.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
