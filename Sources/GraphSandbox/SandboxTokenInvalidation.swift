/// Why a user token that was valid stopped working before its expiry: Graph answers its calls with code 190 and a
/// subcode (reference §6.3), and `debug_token` reports it as invalid.
public enum SandboxTokenInvalidation: Sendable, Hashable {
    /// 458: the user removed the app (message as in the reference's sample body).
    case appRemoved
    /// 460: the user changed their password, or Meta reset the session (message as quoted with subcode 460 in
    /// roughike/flutter_facebook_login#151, HTTP 400).
    case passwordChanged
    /// 467: the session was invalidated (user logged out). The message is the widely reported logout text; its pairing
    /// with subcode 467 is unconfirmed.
    case loggedOut

    /// The `error_subcode`.
    public var subcode: Int {
        switch self {
        case .appRemoved: 458
        case .passwordChanged: 460
        case .loggedOut: 467
        }
    }

    /// The `error.message` Graph sends.
    func message(appID: String) -> String {
        switch self {
        case .appRemoved: "Error validating access token: The user has not authorized application \(appID)."
        case .passwordChanged:
            "Error validating access token: The session has been invalidated because the user changed their password or Facebook has "
                + "changed the session for security reasons."
        case .loggedOut: "Error validating access token: The session is invalid because the user logged out."
        }
    }
}
