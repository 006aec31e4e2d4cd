import Logging
import NG
import NIOCore
import NIOPosix

/// Serves the ng protocol over TCP (`--listen-tcp-ng`): the same `cookie SP dictionary`
/// messages as UDP, any number per connection, replies in order on the same connection.
final class NGTCPServer: Sendable {
    let localAddress: SocketAddress
    private let channel: Channel

    private init(channel: Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress!
    }

    static func bind(
        _ address: SocketAddress, group: EventLoopGroup, dispatcher: NGDispatcher, logger: Logger
    ) throws -> NGTCPServer {
        NGTCPServer(channel: try TCPListener.bind(address, group: group) {
            NGStreamHandler(dispatcher: dispatcher, logger: logger)
        })
    }

    func close() {
        try? channel.close().wait()
    }
}

/// One TCP connection: frames the byte stream into messages and answers each.
final class NGStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let dispatcher: NGDispatcher
    private let logger: Logger
    private var framer = NGStreamFramer()

    init(dispatcher: NGDispatcher, logger: Logger) {
        self.dispatcher = dispatcher
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data).readableBytesView)
        guard let remote = context.channel.remoteAddress, let peer = NGPeer(remote) else { return }
        do {
            while let message = try framer.next() {
                if let reply = dispatcher.handle(message, from: peer) {
                    context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
                }
            }
            context.flush()
        } catch {
            // The stream cannot be resynchronised after garbage: answer the broken message
            // when its cookie is known, then hang up.
            let (cookie, ngError): ([UInt8]?, NGError) = switch error {
            case .malformed(let c): (c, .invalidFormat)
            case .tooLarge(let c): (c, .messageTooLarge)
            }
            logger.warning("Closing ng TCP connection from \(peer.logDescription): \(ngError.reason)")
            if let cookie {
                let reply = NGProcessor.errorReply(cookie: cookie, ngError)
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
            }
            context.flush()
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// A TCP listening channel as the control listeners want it: address reuse, an IPv6
/// wildcard bound IPv6-only (so the IPv4 one can be bound beside it), and a fresh
/// `handler` on every connection. A proxy that reconnects all its workers at once (1,000
/// connections in a burst) must not overflow the listen queue: each overflow costs the
/// client a SYN retransmission, a stall of a second or more. So the queue is as long as the
/// kernel allows (it caps the value at net.core.somaxconn) and a wake-up accepts many.
enum TCPListener {
    static func bind<Handler: ChannelHandler>(
        _ address: SocketAddress, group: EventLoopGroup, halfClosure: Bool = false,
        handler: @escaping @Sendable () -> Handler
    ) throws -> Channel {
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 65535)
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: halfClosure)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler())
                }
            }
        if case .v6 = address {
            bootstrap = bootstrap.serverChannelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        return try bootstrap.bind(to: address).wait()
    }
}
