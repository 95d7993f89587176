import RESPClient
import Testing

@Suite struct RESPConfigurationTests {
    @Test func parsesHostPortAndDatabase() throws {
        let configuration = try RESPConfiguration(url: "redis://127.0.0.1:56379/3")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 56_379)
        #expect(configuration.database == 3)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
    }

    @Test func appliesDefaults() throws {
        let configuration = try RESPConfiguration(url: "redis://cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.commandTimeout == .seconds(5))
        #expect(configuration.maximumConnections == 4)
        #expect(try RESPConfiguration(url: "REDIS://cache.internal/").database == 0)
    }

    @Test func parsesPasswordAndACLUser() throws {
        let passwordOnly = try RESPConfiguration(url: "redis://:s3cr%40t@localhost:6380")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "s3cr@t")
        #expect(passwordOnly.port == 6380)

        let withUser = try RESPConfiguration(url: "redis://worker:p%3Ass/w@rd@localhost/1")
        #expect(withUser.username == "worker")
        #expect(withUser.password == "p:ss/w@rd")
        #expect(withUser.host == "localhost")
        #expect(withUser.database == 1)
    }

    @Test func parsesIPv6Hosts() throws {
        let configuration = try RESPConfiguration(url: "redis://[::1]:7000/2")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
        #expect(configuration.redactedURL == "redis://[::1]:7000/2")
    }

    @Test(arguments: [
        ("http://h:1", "scheme"), ("redis://", "no host"), ("redis://:pw@:6379", "no host"), ("redis://h:port", "port"),
        ("redis://h:70000", "port"), ("redis://h:1/db", "database"), ("redis://h:1/-1", "database"), ("redis://h?x=1", "query"),
        ("redis://[::1", "IPv6"), ("redis://:%zz@h", "percent-escape"),
    ])
    func rejectsMalformedURLsNamingTheProblem(url: String, problem: String) {
        let error = #expect(throws: RESPError.self) { try RESPConfiguration(url: url) }
        guard case .invalidConfiguration(let message)? = error else {
            Issue.record("expected invalidConfiguration, got \(String(describing: error))")
            return
        }
        #expect(message.contains(problem), "\(message)")
    }

    @Test(arguments: [
        "redis://:hunter2@h:notaport", "redis://user:hunter2@h/notadb", "redis://hunter2@:1", "rediss://:hunter2@h",
        "redis://:hunter2@h?timeout=1", "redis://u:hunter2", "hunter2", "redis://:hunter2%g1@h",
    ])
    func neverEchoesThePasswordOfAMalformedURL(url: String) {
        let error = #expect(throws: RESPError.self) { try RESPConfiguration(url: url) }
        #expect(error != nil)
        #expect(!"\(String(describing: error))".contains("hunter2"))
    }

    @Test func redactsThePasswordEverywhere() throws {
        let configuration = try RESPConfiguration(url: "redis://app:hunter2@h:6379/4")
        #expect(configuration.redactedURL == "redis://app:***@h:6379/4")
        #expect("\(configuration)" == "redis://app:***@h:6379/4")
        #expect(!String(reflecting: configuration).contains("hunter2"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(dumped.contains("***"))
    }

    @Test func validationNamesTheBadSetting() {
        var configuration = RESPConfiguration(host: "h")
        configuration.maximumConnections = 0
        #expect(throws: RESPError.invalidConfiguration("maximumConnections must be at least 1")) { try configuration.validate() }
        configuration = RESPConfiguration(host: "h", port: 0)
        #expect(throws: RESPError.self) { try configuration.validate() }
        #expect(throws: RESPError.self) { try RESPClient(configuration: configuration) }
    }

    @Test func scriptSHA1MatchesKnownDigests() {
        #expect(RESPScript("").sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(RESPScript("abc").sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            RESPScript("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").sha1 == "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        )
        #expect(RESPScript(String(repeating: "a", count: 1_000_000)).sha1 == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(RESPScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    @Test func errorsHaveLowCardinalityShortDescriptions() {
        #expect(RESPError.timeout(.command).shortDescription == "timeout_command")
        #expect(RESPError.server(message: "NOSCRIPT No matching script").shortDescription == "server_error")
        #expect(RESPError.server(message: "NOSCRIPT No matching script").serverErrorCode == "NOSCRIPT")
        #expect(RESPError.connectionRefused(endpoint: "h:1", reason: "refused").isConnectivityError)
        #expect(!RESPError.authenticationFailed(message: "WRONGPASS").isConnectivityError)
    }
}
