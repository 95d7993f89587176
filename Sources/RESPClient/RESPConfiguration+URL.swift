extension RESPConfiguration {
    /// Parses `redis://[:password@|user:password@]host[:port][/db]`.
    ///
    /// The password and user name may be percent-encoded; an IPv6 host goes in brackets (`redis://[::1]:6379`).
    /// The port defaults to 6379 and the database to 0. Every other setting takes its default.
    ///
    /// - Throws: ``RESPError/invalidConfiguration(_:)`` naming the problem (scheme, host, port, database, query,
    ///   encoding); the message never contains the password.
    public init(url: String) throws(RESPError) {
        let schemePrefix = "redis://"
        guard url.lowercased().hasPrefix(schemePrefix) else {
            let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            let isPlainScheme = url.contains("://") && !scheme.isEmpty && scheme.count <= 16 && scheme.allSatisfy(\.isLetter)
            throw .invalidConfiguration(
                "URL scheme \(isPlainScheme ? "'\(scheme)'" : "missing") is not supported; use redis://host:port[/db]"
            )
        }
        var rest = Substring(url.dropFirst(schemePrefix.count))
        if rest.contains("?") || rest.contains("#") {
            throw .invalidConfiguration("URL query and fragment are not supported")
        }
        // The authority ends at the first "/" after the user info (a password may itself contain "/", so split the
        // user info off at the last "@" first).
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = try Self.percentDecoded(userInfo[..<colon], part: "user name")
                username = user.isEmpty ? nil : user
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                // `redis://secret@host` is how some tools pass a bare password; treat it as one.
                password = try Self.percentDecoded(userInfo, part: "password")
            }
            if password?.isEmpty == true { password = nil }
        }
        let authority: Substring
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
        }
        let (host, port) = try Self.hostAndPort(authority)
        var database = 0
        if !path.isEmpty {
            guard let parsed = Int(path), parsed >= 0 else {
                throw .invalidConfiguration("the database in the URL (after the host) is not a non-negative number")
            }
            database = parsed
        }
        self.init(host: String(host), port: port, username: username, password: password, database: database)
    }

    /// `host`, `host:port` or `[ipv6]:port` of a URL's authority (port 6379 by default).
    private static func hostAndPort(_ authority: Substring) throws(RESPError) -> (host: Substring, port: Int) {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidConfiguration("unterminated IPv6 host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidConfiguration("unexpected characters after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalidConfiguration("URL has no host") }
        var port = 6379
        if let portText {
            guard let parsed = Int(portText), (1...65_535).contains(parsed) else {
                throw .invalidConfiguration("the port in the URL is not a number in 1-65535")
            }
            port = parsed
        }
        return (host, port)
    }

    /// Decodes `%XX` escapes; an invalid escape is reported by naming the part, never by quoting it.
    private static func percentDecoded(_ text: Substring, part: String) throws(RESPError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                throw .invalidConfiguration("the \(part) in the URL has an invalid percent-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidConfiguration("the \(part) in the URL is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
