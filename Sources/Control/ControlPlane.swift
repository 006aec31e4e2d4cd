import Config
import Logging
import NG
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The control listeners of one daemon (ng over UDP so far) on their own event loop,
/// apart from the media threads.
public final class ControlPlane {
    private let group: MultiThreadedEventLoopGroup
    private var servers: [NGUDPServer] = []
    private let logger: Logger

    public init(logger: Logger) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
    }

    /// The addresses actually bound, for logs and tests.
    public var boundAddresses: [SocketAddress] { servers.map(\.localAddress) }

    /// Binds every `--listen-ng` address. A bare port binds `0.0.0.0` and `[::]`; on a host
    /// without IPv6 the second is skipped with a warning. Any other failure is thrown.
    public func startNG(_ addresses: [ListenAddress], processor: NGProcessor) throws {
        for listen in addresses {
            for (address, optional) in try Self.socketAddresses(for: listen) {
                do {
                    servers.append(try NGUDPServer.bind(address, group: group, processor: processor, logger: logger))
                } catch where optional {
                    logger.warning("Not listening for ng on \(address): \(error)")
                } catch {
                    throw ControlError("Failed to bind ng listener \(listen) (\(address)): \(error)")
                }
            }
        }
    }

    /// Closes every listener and stops the event loop.
    public func shutdown() {
        for server in servers { server.close() }
        servers.removeAll()
        try? group.syncShutdownGracefully()
    }

    static func socketAddresses(for listen: ListenAddress) throws -> [(SocketAddress, optional: Bool)] {
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
