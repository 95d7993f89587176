import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client does not complete a request header within `timeout`: from the moment the
/// connection opens, and again after each response (a kept-alive connection waiting for its next request is closed
/// after the same time). Stops slow-header ("slowloris") clients from holding connections: Hummingbird's idle timeout
/// alone is reset by every byte that arrives.
///
/// Sits in the HTTP/1 pipeline after the HTTP codec (``HTTP1Channel/Configuration/additionalChannelHandlers``), so it
/// sees whole request heads.
final class HeaderReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var scheduled: Scheduled<Void>?
    /// Requests whose head arrived and whose response has not ended (pipelined requests can overlap).
    private var inFlight = 0

    /// - Parameters:
    ///   - timeout: How long a client may take to send a request head.
    ///   - onTimeout: Called (on the event loop) when a connection is closed for being too slow (metrics).
    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void = {}) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) {
            self.inFlight += 1
            self.disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) {
            self.inFlight = max(0, self.inFlight - 1)
            if self.inFlight == 0 { self.arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard self.scheduled == nil else { return }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        self.scheduled = context.eventLoop.scheduleTask(in: self.timeout) {
            let (handler, context) = loopBound.value
            handler.scheduled = nil
            handler.onTimeout()
            context.close(promise: nil)
        }
    }

    private func disarm() {
        self.scheduled?.cancel()
        self.scheduled = nil
    }
}

@available(*, unavailable)
extension HeaderReadTimeoutHandler: Sendable {}
