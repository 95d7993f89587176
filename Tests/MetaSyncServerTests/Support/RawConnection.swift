import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP connection to a live test server, for what no HTTP client sends: half a request header, a
/// `Transfer-Encoding` the server must refuse.
struct RawConnection: Sendable {
    /// Collects what the server sends.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = Mutex<String>("")

        var text: String { self.received.withLock { $0 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.received.withLock { $0 += String(buffer: buffer) }
        }
    }

    let channel: any Channel
    let collector: Collector

    /// Connects to `127.0.0.1:port`.
    static func open(port: Int) async throws -> RawConnection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Sends `text` as is.
    func send(_ text: String) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Whether the server has not closed the connection.
    var isOpen: Bool { self.channel.isActive }

    /// Waits (polling) until the server closed the connection; false when it is still open after `timeout`.
    func waitUntilClosed(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while self.channel.isActive {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Waits until the server sent a complete status line and headers (or closed), up to `timeout`; returns the text.
    func response(timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while !self.collector.text.contains("\r\n\r\n"), self.channel.isActive, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.collector.text
    }

    /// A complete `GET path` on a new connection (`Connection: close`); the whole answer, head and body, once the
    /// server closed it (at most 10 s).
    static func get(port: Int, _ path: String) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        try await connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        _ = try await connection.waitUntilClosed(timeout: .seconds(10))
        await connection.close()
        return connection.collector.text
    }

    /// Closes the connection from this side.
    func close() async {
        try? await self.channel.close()
    }
}
