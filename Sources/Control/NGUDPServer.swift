import NIOCore
import NIOPosix

/// Serves the ng protocol over UDP on one bound address. Each datagram is one request; the
/// reply goes back to the sender from the same socket.
final class NGUDPServer: Sendable {
    let localAddress: SocketAddress
    private let channel: Channel

    private init(channel: Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress!
    }

    /// Binds `address` on `group`. An IPv6 wildcard is bound IPv6-only so the IPv4 wildcard
    /// can be bound beside it, as rtpengine does for a bare port.
    static func bind(_ address: SocketAddress, group: EventLoopGroup, dispatcher: NGDispatcher) throws -> NGUDPServer {
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 0)
            // A whole datagram per read: ng requests with SDP bodies exceed NIO's default.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NGDatagramHandler(dispatcher: dispatcher))
                }
            }
        if case .v6 = address {
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        return NGUDPServer(channel: try bootstrap.bind(to: address).wait())
    }

    func close() {
        try? channel.close().wait()
    }
}

/// Hands each received datagram to the dispatcher and writes the reply back.
final class NGDatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let dispatcher: NGDispatcher

    init(dispatcher: NGDispatcher) { self.dispatcher = dispatcher }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let reply = dispatcher.handle(Array(envelope.data.readableBytesView), from: envelope.remoteAddress) else {
            return
        }
        let buffer = context.channel.allocator.buffer(bytes: reply)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                              promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors (port unreachable after a reply) arrive here; they end nothing.
    }
}
