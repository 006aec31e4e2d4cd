import ByteText
import Logging
import NIOCore
import NIOPosix

/// The operator's CLI over TCP (`--listen-cli`): one command line per connection, answered
/// with text, then the connection is closed (what rtpengine-ctl reads to the end).
final class CLIServer: Sendable {
    let localAddress: SocketAddress
    private let channel: Channel

    /// Longest command line accepted; longer ones are refused unanswered.
    static let maxLine = 16 * 1024

    private init(channel: Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress!
    }

    static func bind(_ address: SocketAddress, group: EventLoopGroup, logger: Logger,
                     answer: @escaping @Sendable (String) -> String) throws -> CLIServer {
        // Half-closure: a client may send its command and shut down its side before reading.
        CLIServer(channel: try TCPListener.bind(address, group: group, halfClosure: true) {
            CLILineHandler(logger: logger, answer: answer)
        })
    }

    func close() {
        try? channel.close().wait()
    }
}

/// One CLI connection: reads up to the first newline (or the end of input), answers, closes.
final class CLILineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let logger: Logger
    private let answer: @Sendable (String) -> String
    private var pending: [UInt8] = []
    private var answered = false

    init(logger: Logger, answer: @escaping @Sendable (String) -> String) {
        self.logger = logger
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        pending.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            respond(context: context, line: Array(pending[..<newline]))
        } else if pending.count > CLIServer.maxLine {
            logger.warning("CLI command from \(context.channel.remoteAddress?.logDescription ?? "?") too long, closing")
            answered = true
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client finished sending without a newline: its bytes are the command.
        if event as? ChannelEvent == .inputClosed, !answered { respond(context: context, line: pending) }
    }

    private func respond(context: ChannelHandlerContext, line: [UInt8]) {
        answered = true
        var bytes = line
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        // Lossless both ways: a call-id in a command or a listing keeps its bytes.
        let command = LosslessText.decode(bytes)
        logger.info("Got CLI command: \(String(decoding: bytes, as: UTF8.self))")
        let text = LosslessText.encode(answer(command))
        // Close once the whole answer is written: the client reads until the end.
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: text))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
