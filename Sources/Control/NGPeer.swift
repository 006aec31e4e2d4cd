import NIOCore
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

/// Who sent an ng request: an IP address and port, a plain value (cheap to hash for the
/// reply cache and the per-proxy counters).
public struct NGPeer: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// From a NIO socket address (TCP connections); nil for a non-IP address.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let a): self.init(address: IPAddress(a.address.sin_addr), port: UInt16(bigEndian: a.address.sin_port))
        case .v6(let a): self.init(address: IPAddress(a.address.sin6_addr), port: UInt16(bigEndian: a.address.sin6_port))
        default: return nil
        }
    }

    /// From a received datagram's source.
    init?(_ storage: sockaddr_storage) {
        var s = storage
        guard let peer = withUnsafePointer(to: &s, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { NGPeer($0) } })
        else { return nil }
        self = peer
    }

    /// From a C socket address (IPv4 or IPv6).
    init?(_ address: UnsafePointer<sockaddr>) {
        guard let (ip, port) = IPAddress.fromSocketAddress(address) else { return nil }
        self.init(address: ip, port: port)
    }

    /// `127.0.0.1:5060` or `[::1]:5060`, as operators read addresses in rtpengine's logs.
    public var logDescription: String {
        "\(address.bracketedDescription):\(port)"
    }
}
