#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between an address and port and the C socket addresses system calls take.
extension IPAddress {
    /// Calls `body` with this address and `port` as a `sockaddr_in` or `sockaddr_in6`.
    public func withSocketAddress<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) rethrows -> T {
        switch self {
        case .v4(let a):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr = in_addr(s_addr: a)
            return try withUnsafePointer(to: &sin) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let hi, let lo):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            var words = (hi, lo)
            withUnsafeBytes(of: &words) { raw in
                withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyMemory(from: raw) }
            }
            return try withUnsafePointer(to: &sin6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// The address and port of an IPv4 or IPv6 socket address; nil for another family.
    /// The address and port in the socket address held by `bytes` (a `sockaddr_storage` or
    /// a union of the `sockaddr` kinds); nil when too short or not IP.
    public static func fromSocketAddress(_ bytes: UnsafeRawBufferPointer) -> (address: IPAddress, port: UInt16)? {
        guard bytes.count >= MemoryLayout<sockaddr>.size else { return nil }
        switch Int32(bytes.loadUnaligned(fromByteOffset: 0, as: sockaddr.self).sa_family) {
        case AF_INET:
            guard bytes.count >= MemoryLayout<sockaddr_in>.size else { return nil }
            let sin = bytes.loadUnaligned(as: sockaddr_in.self)
            return (IPAddress(sin.sin_addr), UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            guard bytes.count >= MemoryLayout<sockaddr_in6>.size else { return nil }
            let sin6 = bytes.loadUnaligned(as: sockaddr_in6.self)
            return (IPAddress(sin6.sin6_addr), UInt16(bigEndian: sin6.sin6_port))
        default:
            return nil
        }
    }

    public static func fromSocketAddress(_ sa: UnsafePointer<sockaddr>) -> (address: IPAddress, port: UInt16)? {
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            let sin = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in.self)
            return (IPAddress(sin.sin_addr), UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = UnsafeRawPointer(sa).loadUnaligned(as: sockaddr_in6.self)
            return (IPAddress(sin6.sin6_addr), UInt16(bigEndian: sin6.sin6_port))
        default:
            return nil
        }
    }
}
