import NIOCore

/// One command on its way to the server: the encoded bytes and the promise its reply completes.
struct RESPRequest: Sendable {
    let bytes: ByteBuffer
    let reply: EventLoopPromise<RESPValue>
}

/// Matches replies to requests in order, which is what makes pipelining work: every written request queues its
/// promise, every decoded reply completes the oldest one. When the channel closes or fails, every outstanding
/// promise fails with the reason.
final class RESPCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private var outstanding = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 16)
    private var failure: RESPError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        if self.failure != nil {
            let notSent = RESPError.connectionLost(reason: RESPConnection.notSentReason)
            request.reply.fail(notSent)
            promise?.fail(notSent)
            return
        }
        self.outstanding.append(request.reply)
        context.write(self.wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = self.unwrapInboundIn(data)
        guard let reply = self.outstanding.popFirst() else {
            self.fail(.protocolViolation("received a reply with no command outstanding"), context: context)
            return
        }
        reply.succeed(value)
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
        while let reply = self.outstanding.popFirst() {
            reply.fail(error)
        }
    }
}
