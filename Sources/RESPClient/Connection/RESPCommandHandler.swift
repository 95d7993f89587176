import Logging
import NIOCore

/// One command on its way to the server: the encoded bytes, the promise its reply completes, and when to give up.
struct RESPRequest: Sendable {
    let bytes: ByteBuffer
    let reply: EventLoopPromise<RESPValue>
    let deadline: NIODeadline
}

/// Matches replies to requests in order, which is what makes pipelining work: every written request queues its
/// promise, every decoded reply completes the oldest one. When the channel closes or fails, every outstanding
/// promise fails with the reason.
///
/// Each request's deadline is scheduled here, on the channel's event loop: a reply that does not arrive in time fails
/// with ``RESPError/timeout(_:)`` and the channel is closed, since any later reply would be matched to the wrong
/// request (the other outstanding requests fail with ``RESPError/connectionLost(reason:)``).
final class RESPCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private struct Outstanding {
        let reply: EventLoopPromise<RESPValue>
        let timeout: Scheduled<Void>
    }

    private var outstanding = CircularBuffer<Outstanding>(initialCapacity: 16)
    private var failure: RESPError?
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        if self.failure != nil {
            let notSent = RESPError.connectionLost(reason: RESPConnection.notSentReason)
            request.reply.fail(notSent)
            promise?.fail(notSent)
            return
        }
        let channel = context.channel
        let logger = self.logger
        let timeout = context.eventLoop.scheduleTask(deadline: request.deadline) { [reply = request.reply] in
            reply.fail(RESPError.timeout(.command))
            logger.warning("Closing Redis connection after a reply timed out", metadata: ["error": "timeout_command"])
            channel.close(promise: nil)
        }
        self.outstanding.append(Outstanding(reply: request.reply, timeout: timeout))
        context.write(self.wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = self.unwrapInboundIn(data)
        guard let next = self.outstanding.popFirst() else {
            self.fail(.protocolViolation("received a reply with no command outstanding"), context: context)
            return
        }
        next.timeout.cancel()
        next.reply.succeed(value)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(self.failure ?? .connectionLost(reason: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let mapped = (error as? RESPError) ?? .connectionLost(reason: "\(error)")
        self.fail(mapped, context: context)
    }

    private func fail(_ error: RESPError, context: ChannelHandlerContext) {
        if self.failure == nil { self.failure = error }
        self.failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RESPError) {
        if self.failure == nil { self.failure = error }
        while let next = self.outstanding.popFirst() {
            next.timeout.cancel()
            next.reply.fail(error)
        }
    }
}
