import Logging
import NG
import NIOCore
import NIOPosix

/// Serves the ng protocol over UDP on one bound address. Each datagram is one request; the
/// reply goes back to the sender from the same socket.
public final class NGUDPServer: Sendable {
    public let localAddress: SocketAddress
    private let channel: Channel

    private init(channel: Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress!
    }

    /// Binds `address` on `group`. An IPv6 wildcard is bound IPv6-only so the IPv4 wildcard
    /// can be bound beside it, as rtpengine does for a bare port.
    public static func bind(
        _ address: SocketAddress, group: EventLoopGroup, processor: NGProcessor, logger: Logger
    ) throws -> NGUDPServer {
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 0)
            // A whole datagram per read: ng requests with SDP bodies exceed NIO's default.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NGDatagramHandler(processor: processor, logger: logger))
                }
            }
        if case .v6 = address {
            bootstrap = bootstrap.channelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        let channel = try bootstrap.bind(to: address).wait()
        return NGUDPServer(channel: channel)
    }

    public func close() {
        try? channel.close().wait()
    }
}

/// Turns each received datagram into one `NGProcessor` call and writes the reply back.
final class NGDatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let processor: NGProcessor
    private let logger: Logger

    init(processor: NGProcessor, logger: Logger) {
        self.processor = processor
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        let peer = envelope.remoteAddress
        let from = peer.logDescription
        let outcome = processor.handle(bytes)
        guard let reply = outcome.reply else {
            logger.warning("Received invalid data on NG port (no cookie) from \(from)")
            return
        }
        if let error = outcome.error {
            logger.warning("Protocol error in packet from \(from): \(error.reason)",
                           metadata: outcome.command.map { ["command": "\($0)"] } ?? [:])
        } else if let command = outcome.command {
            logger.info("Replying to '\(command)' from \(from)")
        }
        let buffer = context.channel.allocator.buffer(bytes: reply)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: peer, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A UDP socket reports ICMP errors (e.g. port unreachable) here; they end nothing.
        logger.debug("ng socket error: \(error)")
    }
}

extension SocketAddress {
    /// `127.0.0.1:5060` or `[::1]:5060`, as operators read addresses in rtpengine's logs.
    public var logDescription: String {
        guard let ip = ipAddress, let port else { return description }
        if case .v6 = self { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
