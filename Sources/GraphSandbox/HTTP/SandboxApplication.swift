import Hummingbird
import Logging

/// Builds the Hummingbird application serving `sandbox` on `host:port` (use port 0 for an ephemeral port in
/// tests; HummingbirdTesting's `.router` mode needs no socket at all).
///
/// The app serves the Graph API subset under any `/vNN.0/` prefix, `GET /__stats` (counters as JSON),
/// `POST /__reset` (zeroes the counters) and the login-dialog stand-in at `/vNN.0/dialog/oauth`.
public func buildSandboxApplication(
    sandbox: GraphSandbox,
    host: String = "127.0.0.1",
    port: Int = 9090,
    logger: Logger? = nil
) -> some ApplicationProtocol {
    Application(
        responder: SandboxResponder(sandbox: sandbox),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "MetaSync Graph sandbox"),
        logger: logger ?? Logger(label: "metasync.sandbox")
    )
}
