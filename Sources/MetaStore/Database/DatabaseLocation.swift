import Foundation

/// Where the database lives, parsed from `METASYNC_DATABASE_URL` or a `--database` flag.
///
/// - `sqlite://metasync.sqlite` (a relative path), `sqlite:///var/lib/metasync/db.sqlite` (absolute), `sqlite::memory:`
///   or `sqlite://:memory:` (a private in-memory database, for tests).
/// - `postgres://user:password@host:5432/database?sslmode=disable` (also `postgresql://`). Query parameters:
///   `sslmode` (`disable`, `prefer` (default), `require`) and `search_path` (a schema to use instead of `public`).
///
/// `description` never contains the password.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite database file at `path`.
    case sqliteFile(path: String)
    /// A private SQLite database in memory that vanishes when closed.
    case sqliteMemory
    /// A PostgreSQL server.
    case postgres(PostgresLocation)

    /// The environment variable holding the database URL.
    public static let environmentVariable = "METASYNC_DATABASE_URL"
    /// The URL used when none is configured.
    public static let defaultURL = "sqlite://metasync.sqlite"

    /// The PostgreSQL connection settings parsed from a `postgres://` URL.
    public struct PostgresLocation: Sendable, Equatable {
        /// Host name or address.
        public var host: String
        /// TCP port (default 5432).
        public var port: Int
        /// User name.
        public var username: String
        /// Password, if any. Never printed.
        public var password: String?
        /// Database name (default: the user name).
        public var database: String
        /// TLS mode: `disable`, `prefer` or `require`.
        public var sslMode: String
        /// A schema to put first on the `search_path`, or nil for the server default.
        public var searchPath: String?

        /// The URL with the password replaced by `***`.
        public var redacted: String {
            let auth = self.password == nil ? self.username : "\(self.username):***"
            return "postgres://\(auth)@\(self.host):\(self.port)/\(self.database)"
        }
    }

    /// Reads the location from `METASYNC_DATABASE_URL`, or the default `sqlite://metasync.sqlite`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseLocation {
        let value = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURL
        return try DatabaseLocation(url: value)
    }

    /// Parses a database URL; the error names the problem and never contains the password.
    public init(url: String) throws {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "sqlite::memory:" || lower == "sqlite://:memory:" {
            self = .sqliteMemory
            return
        }
        if lower.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw MetaStoreError.invalidDatabaseURL("database URL 'sqlite://' has no file path (e.g. sqlite://metasync.sqlite)")
            }
            self = .sqliteFile(path: path.removingPercentEncoding ?? path)
            return
        }
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try Self.parsePostgres(trimmed))
            return
        }
        let scheme = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        throw MetaStoreError.invalidDatabaseURL(
            "unsupported database URL scheme '\(scheme.prefix(20))': use sqlite://path, sqlite::memory: or postgres://user:password@host:port/database"
        )
    }

    private static func parsePostgres(_ url: String) throws -> PostgresLocation {
        // Split by hand so that an unparseable URL never ends up in an error message with its password.
        let afterScheme = url[url.range(of: "://")!.upperBound...]
        let (authority, rest): (Substring, Substring) = {
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                return (afterScheme[..<slash], afterScheme[slash...])
            }
            return (afterScheme, "")
        }()
        var userInfo: Substring = ""
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
        }
        var username = ""
        var password: String?
        if !userInfo.isEmpty {
            if let colon = userInfo.firstIndex(of: ":") {
                username = String(userInfo[..<colon])
                password = String(userInfo[userInfo.index(after: colon)...])
            } else {
                username = String(userInfo)
            }
        }
        username = username.removingPercentEncoding ?? username
        password = password.map { $0.removingPercentEncoding ?? $0 }
        guard !username.isEmpty else {
            throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has no user name (expected postgres://user:password@host:port/database)")
        }
        let (host, port) = try Self.parseHostPort(hostPort)
        guard !host.isEmpty else {
            throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has no host (expected postgres://user:password@host:port/database)")
        }
        var path = rest
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            path = rest[..<q]
            query = rest[rest.index(after: q)...]
        }
        var database = String(path.drop(while: { $0 == "/" }))
        database = database.removingPercentEncoding ?? database
        if database.isEmpty { database = username }
        let (sslMode, searchPath) = try Self.parseQuery(query)
        return PostgresLocation(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            sslMode: sslMode,
            searchPath: searchPath
        )
    }

    /// `host`, `host:port` or `[ipv6]:port` (port 5432 by default).
    private static func parseHostPort(_ hostPort: Substring) throws -> (host: String, port: Int) {
        var host = String(hostPort)
        var port = 5432
        if hostPort.hasPrefix("[") {  // [ipv6]:port
            guard let close = hostPort.firstIndex(of: "]") else {
                throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has a malformed IPv6 host")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has an invalid port '\(after.dropFirst().prefix(10))'")
                }
                port = p
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            let portText = hostPort[hostPort.index(after: colon)...]
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has an invalid port '\(portText.prefix(10))'")
            }
            port = p
        }
        return (host, port)
    }

    /// The query parameters of a PostgreSQL URL: `sslmode` (default prefer) and `search_path` (or `schema`).
    private static func parseQuery(_ query: Substring) throws -> (sslMode: String, searchPath: String?) {
        var sslMode = "prefer"
        var searchPath: String?
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let key = String(kv[0]).lowercased()
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            switch key {
            case "sslmode":
                guard ["disable", "prefer", "require", "allow", "verify-full", "verify-ca"].contains(value) else {
                    throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has an unknown sslmode '\(value.prefix(20))'")
                }
                sslMode = value
            case "search_path", "schema":
                guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL search_path must be a plain schema name")
                }
                searchPath = value
            default:
                throw MetaStoreError.invalidDatabaseURL("PostgreSQL URL has an unknown parameter '\(key.prefix(30))'")
            }
        }
        return (sslMode, searchPath)
    }

    public var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite://\(path)"
        case .sqliteMemory: "sqlite::memory:"
        case .postgres(let location): location.redacted
        }
    }
}
