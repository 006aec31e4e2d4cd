import Config
import Logging
import NG
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The control listeners of one daemon: ng over UDP on a thread per socket, ng over TCP
/// and the housekeeping timer on an event loop, all apart from the media threads. Listeners are added and removed only by the thread that
/// starts and stops the daemon; other threads only read the dispatcher, which is Sendable.
public final class ControlPlane: @unchecked Sendable {
    private let group: MultiThreadedEventLoopGroup
    private var udpServers: [NGUDPServer] = []
    private var tcpServers: [NGTCPServer] = []
    private var cliServers: [CLIServer] = []
    private let logger: Logger
    private let dispatcher: NGDispatcher

    public init(processor: NGProcessor, logger: Logger) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        self.dispatcher = NGDispatcher(processor: processor, logger: logger)
    }

    /// The per-proxy ng request counters.
    public var controlStatistics: ControlStatistics { dispatcher.controlStatistics }

    /// The addresses actually bound, for logs and tests.
    public var boundAddresses: [(transport: String, address: SocketAddress)] {
        udpServers.map { ("UDP", $0.localAddress) } + tcpServers.map { ("TCP", $0.localAddress) }
    }

    /// The CLI listeners' addresses.
    public var cliAddresses: [SocketAddress] { cliServers.map(\.localAddress) }

    /// Binds every `--listen-ng` (UDP) address. A bare port binds `0.0.0.0` and `[::]`; on a
    /// host without IPv6 the second is skipped with a warning. Any other failure is thrown.
    public func startNG(_ addresses: [ListenAddress]) throws {
        try bindAll(addresses, kind: "ng") { address in
            udpServers.append(try NGUDPServer.bind(address, dispatcher: dispatcher))
        }
    }

    /// Binds every `--listen-tcp-ng` address, with the same rules as `startNG`.
    public func startTCPNG(_ addresses: [ListenAddress]) throws {
        try bindAll(addresses, kind: "TCP ng") { address in
            tcpServers.append(try NGTCPServer.bind(address, group: group, dispatcher: dispatcher, logger: logger))
        }
    }

    /// Binds the `--listen-cli` address; each connection's command line goes to `answer`.
    public func startCLI(_ addresses: [ListenAddress], answer: @escaping @Sendable (String) -> String) throws {
        try bindAll(addresses, kind: "CLI") { address in
            cliServers.append(try CLIServer.bind(address, group: group, logger: logger, answer: answer))
        }
    }

    private func bindAll(_ addresses: [ListenAddress], kind: String, bind: (SocketAddress) throws -> Void) throws {
        for listen in addresses {
            for (address, optional) in try Self.socketAddresses(for: listen) {
                do {
                    try bind(address)
                } catch where optional {
                    logger.warning("Not listening for \(kind) on \(address.logDescription): \(error)")
                } catch {
                    throw ControlError("Failed to bind \(kind) listener \(listen) (\(address.logDescription)): \(error)")
                }
            }
        }
    }

    /// Runs `body` every `seconds` on the control event loop (housekeeping such as expiring
    /// deleted calls), until shutdown.
    public func every(seconds: Int64, _ body: @escaping @Sendable () -> Void) {
        group.next().scheduleRepeatedTask(initialDelay: .seconds(seconds), delay: .seconds(seconds)) { _ in body() }
    }

    /// Closes every listener and stops the event loop.
    public func shutdown() {
        for server in udpServers { server.close() }
        for server in tcpServers { server.close() }
        for server in cliServers { server.close() }
        udpServers.removeAll()
        tcpServers.removeAll()
        cliServers.removeAll()
        try? group.syncShutdownGracefully()
    }

    /// The socket addresses a listener value binds (hostnames resolved); `optional` ones may
    /// fail to bind with a warning.
    public static func socketAddresses(for listen: ListenAddress) throws -> [(SocketAddress, optional: Bool)] {
        let port = Int(listen.port)
        switch listen.host {
        case .any:
            return [(try SocketAddress(ipAddress: "0.0.0.0", port: port), false),
                    (try SocketAddress(ipAddress: "::", port: port), true)]
        case .ip(let ip):
            return [(try SocketAddress(ipAddress: ip.description, port: port), false)]
        case .hostname(let name):
            do {
                return [(try SocketAddress.makeAddressResolvingHost(name, port: port), false)]
            } catch {
                throw ControlError("Failed to resolve '\(name)' for listener \(listen): \(error)")
            }
        }
    }
}

public struct ControlError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
