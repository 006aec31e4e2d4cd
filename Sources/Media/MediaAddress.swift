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
        len = endpoint.address.withSocketAddress(port: endpoint.port) { sa, length in
            withUnsafeMutableBytes(of: &u) { $0.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(length))) }
            return length
        }
    }

    /// The endpoint this address names; nil for an empty or non-IP address. Read from the
    /// union's own bytes: `u.sa` is a copy of just the 16-byte `sockaddr` member, so a
    /// pointer to it, read as `sockaddr_in6`, ran past it (the low half of IPv6 addresses
    /// came out as whatever followed on the stack).
    var endpoint: Endpoint? {
        guard len > 0 else { return nil }
        var copy = u
        return withUnsafeBytes(of: &copy) { IPAddress.fromSocketAddress($0) }.map { Endpoint(address: $0.address, port: $0.port) }
    }
}
