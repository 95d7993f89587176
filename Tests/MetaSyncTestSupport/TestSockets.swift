import Foundation

/// Loopback sockets for tests: a free port, and a listener that never answers.
public enum TestSockets {
    public struct SocketError: Error {
        public let call: String
        public let code: Int32
    }

    /// A loopback port nothing listens on (bound to port 0, read back, closed).
    public static func freePort() throws -> Int {
        let listener = try SilentListener(backlog: 1)
        defer { listener.stop() }
        return listener.port
    }
}

/// A loopback TCP listener that never calls `accept`: the kernel completes connections into its backlog, so a
/// client connects, writes, and never hears back.
public final class SilentListener: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init(backlog: Int32 = 16) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSockets.SocketError(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, backlog) == 0 else {
            let code = errno
            _ = close(descriptor)
            throw TestSockets.SocketError(call: "bind/listen", code: code)
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            _ = close(descriptor)
            throw TestSockets.SocketError(call: "getsockname", code: code)
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Closes the listening socket; connections in its backlog are reset.
    public func stop() {
        _ = close(self.descriptor)
    }
}
