import Foundation

/// A Graph error the sandbox answers with: HTTP status and the `{"error": {...}}` envelope of reference §6.
struct GraphErrorSpec: Error, Sendable, Hashable {
    var status: Int
    var code: Int
    var subcode: Int?
    var message: String
    var type: String
    var isTransient: Bool?
    var userTitle: String?
    var userMessage: String?

    init(
        status: Int = 400,
        code: Int,
        subcode: Int? = nil,
        message: String,
        type: String = "OAuthException",
        isTransient: Bool? = nil,
        userTitle: String? = nil,
        userMessage: String? = nil
    ) {
        self.status = status
        self.code = code
        self.subcode = subcode
        self.message = message
        self.type = type
        self.isTransient = isTransient
        self.userTitle = userTitle
        self.userMessage = userMessage
    }

    /// The error envelope, with a fresh `fbtrace_id`.
    func envelope(traceID: String) -> SandboxJSON {
        var members: [JSONMember] = [JSONMember("message", .string(self.message)), JSONMember("type", .string(self.type))]
        members.append(JSONMember("code", .int(self.code)))
        if let subcode { members.append(JSONMember("error_subcode", .int(subcode))) }
        if let isTransient { members.append(JSONMember("is_transient", .bool(isTransient))) }
        if let userTitle { members.append(JSONMember("error_user_title", .string(userTitle))) }
        if let userMessage { members.append(JSONMember("error_user_msg", .string(userMessage))) }
        members.append(JSONMember("fbtrace_id", .string(traceID)))
        return .object([JSONMember("error", .object(members))])
    }

    /// The `WWW-Authenticate` header Graph adds to OAuth errors.
    var wwwAuthenticate: String? {
        guard self.type == "OAuthException" else { return nil }
        let text = self.message.replacingOccurrences(of: "\"", with: "'")
        return "OAuth \"Facebook Platform\" \"\(self.code == 190 ? "invalid_token" : "invalid_request")\" \"\(text)\""
    }

    // MARK: The errors of reference §6

    static let missingToken = GraphErrorSpec(code: 104, message: "An access token is required to request this resource.")
    static let invalidToken = GraphErrorSpec(code: 190, message: "Invalid OAuth access token - Cannot parse access token")
    /// 190/463, "Session has expired on <expiry>. The current time is <now>." (reference §6.3 sample, huydx/facy#15).
    static func expiredToken(at text: String, now: String) -> GraphErrorSpec {
        GraphErrorSpec(code: 190, subcode: 463, message: "Error validating access token: Session has expired on \(text). The current time is \(now).")
    }
    static func invalidatedToken(_ reason: SandboxTokenInvalidation, appID: String) -> GraphErrorSpec {
        GraphErrorSpec(code: 190, subcode: reason.subcode, message: reason.message(appID: appID))
    }
    static let invalidAppSecretProof = GraphErrorSpec(code: 100, message: "Invalid appsecret_proof provided in the API argument")
    /// Graph answers code 2 with HTTP **400** (bodies quoted in facebook/facebook-python-business-sdk#431 and
    /// facebook/facebook-nodejs-business-sdk#86: `Status: 400`, `"is_transient": true`), so a client must key on
    /// `code`/`is_transient`, not on a 5xx status.
    static let transient = GraphErrorSpec(status: 400, code: 2, message: "(#2) Service temporarily unavailable", isTransient: true)
    /// Code 1 bodies carry no `is_transient` (reference §6.3 sample `{"code":1,"message":"An unknown error
    /// occurred","error_subcode":99}` and Airbyte's "reduce the amount of data" fixture), so a client must not read
    /// its absence as "permanent".
    static let unknown = GraphErrorSpec(status: 500, code: 1, subcode: 99, message: "An unknown error occurred")
    static let reduceData = GraphErrorSpec(
        status: 500,
        code: 1,
        message: "Please reduce the amount of data you're asking for, then retry your request"
    )

    /// A rate-limit error. `is_transient` follows real bodies: BUC errors 80000–80014 carry none (reference §6.3 sample,
    /// Airbyte and singer-io/tap-facebook#192 bodies); 17/2446079 (the ad-account score block) is `is_transient: false`
    /// with `error_user_title` "Ad Account Has Too Many API Calls" (airbytehq/airbyte#86315, v25.0, and client fixtures
    /// quoting the title and user message); 4, 17 (other subcodes), 32 and 613 keep `true` (unconfirmed).
    static func throttle(code: Int, subcode: Int?) -> GraphErrorSpec {
        let message: String
        var isTransient: Bool? = true
        var userTitle: String?
        var userMessage: String?
        switch code {
        case 4 where subcode == 1_504_022 || subcode == 1_504_039: message = "(#4) User request limit reached"
        case 4: message = "(#4) Application request limit reached"
        case 17 where subcode == 2_446_079:
            message = "(#17) User request limit reached"
            isTransient = false
            userTitle = "Ad Account Has Too Many API Calls"
            userMessage = "There have been too many calls from this ad-account. Please wait a bit and try again."
        case 17: message = "(#17) User request limit reached"
        case 32: message = "(#32) Page request limit reached"
        case 613 where subcode == 1_487_742: message = "(#613) There have been too many calls from this ad-account. Please wait a bit and try again."
        case 613: message = "(#613) Calls to this api have exceeded the rate limit."
        case 80000: message = rateLimitMessage(80000, "calls from this ad-account")
        case 80004: message = rateLimitMessage(80004, "calls to this ad-account")
        default: message = "(#\(code)) There have been too many calls. Wait a bit and try again."
        }
        if (80_000...80_014).contains(code) { isTransient = nil }
        return GraphErrorSpec(
            code: code,
            subcode: subcode,
            message: message,
            isTransient: isTransient,
            userTitle: userTitle,
            userMessage: userMessage
        )
    }

    private static func rateLimitMessage(_ code: Int, _ what: String) -> String {
        "(#\(code)) There have been too many \(what). Wait a bit and try again. For more info, please refer to "
            + "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
    }

    static func invalidParameter(_ message: String, subcode: Int? = nil) -> GraphErrorSpec {
        GraphErrorSpec(code: 100, subcode: subcode, message: "(#100) \(message)")
    }

    static func nonexistingField(_ field: String, nodeType: String) -> GraphErrorSpec {
        GraphErrorSpec(code: 100, message: "(#100) Tried accessing nonexisting field (\(field)) on node type (\(nodeType))")
    }

    static func unsupportedGet(_ id: String) -> GraphErrorSpec {
        GraphErrorSpec(
            code: 100,
            subcode: 33,
            message: "Unsupported get request. Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not "
                + "support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            type: "GraphMethodException"
        )
    }

    static func unsupportedPost(_ id: String) -> GraphErrorSpec {
        GraphErrorSpec(
            code: 100,
            subcode: 33,
            message: "Unsupported post request. Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not "
                + "support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            type: "GraphMethodException"
        )
    }

    static func unknownPath(_ components: String) -> GraphErrorSpec {
        GraphErrorSpec(code: 2500, message: "Unknown path components: \(components)")
    }

    static func parseError(_ message: String) -> GraphErrorSpec {
        GraphErrorSpec(code: 2500, message: "Syntax error \"\(message)\"")
    }

    static let deprecatedVersion = GraphErrorSpec(
        code: 2635,
        message: "(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version."
    )
    static let beyond37Months = GraphErrorSpec(
        code: 3018,
        message: "(#3018) The start date of the time range cannot be beyond 37 months from the current date"
    )
}
