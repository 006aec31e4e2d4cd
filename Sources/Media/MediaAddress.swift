import CMediaIO
import NetAddress
import Session
#if canImport(Glibc)
import Glibc
#endif

/// Conversions between endpoints and the C socket addresses media threads send to.
extension mio_addr {
    init(_ endpoint: Endpoint) {
        self.init()
        switch endpoint.address {
        case .v4(let a):
            u.sin.sin_family = sa_family_t(AF_INET)
            u.sin.sin_port = endpoint.port.bigEndian
            u.sin.sin_addr = in_addr(s_addr: a)
            len = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let hi, let lo):
            u.sin6.sin6_family = sa_family_t(AF_INET6)
            u.sin6.sin6_port = endpoint.port.bigEndian
            var words = (hi, lo)
            withUnsafeBytes(of: &words) { raw in
                withUnsafeMutableBytes(of: &u.sin6.sin6_addr) { $0.copyMemory(from: raw) }
            }
            len = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }

    /// The endpoint this address names; nil for an empty or non-IP address.
    var endpoint: Endpoint? {
        guard len > 0 else { return nil }
        switch Int32(u.sa.sa_family) {
        case AF_INET: return Endpoint(address: IPAddress(u.sin.sin_addr), port: UInt16(bigEndian: u.sin.sin_port))
        case AF_INET6: return Endpoint(address: IPAddress(u.sin6.sin6_addr), port: UInt16(bigEndian: u.sin6.sin6_port))
        default: return nil
        }
    }
}
