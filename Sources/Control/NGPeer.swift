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
        switch Int32(s.ss_family) {
        case AF_INET:
            let sin = withUnsafeBytes(of: &s) { $0.load(as: sockaddr_in.self) }
            self.init(address: IPAddress(sin.sin_addr), port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = withUnsafeBytes(of: &s) { $0.load(as: sockaddr_in6.self) }
            self.init(address: IPAddress(sin6.sin6_addr), port: UInt16(bigEndian: sin6.sin6_port))
        default:
            return nil
        }
    }

    /// `127.0.0.1:5060` or `[::1]:5060`, as operators read addresses in rtpengine's logs.
    public var logDescription: String {
        address.family == .inet ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
}
