import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// Ports for tests that start daemons. Every test target runs in one process, in parallel, so
// the ports handed out are tracked here once for all of them.

/// A socket address for a literal IPv4/IPv6 address.
public struct TestAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    public let family: Int32

    public init(_ ip: String, _ port: UInt16) {
        if ip.contains(":") {
            family = AF_INET6
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            inet_pton(AF_INET6, ip, &a.sin6_addr)
            withUnsafeBytes(of: a) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            family = AF_INET
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            inet_pton(AF_INET, ip, &a.sin_addr)
            withUnsafeBytes(of: a) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
    }

    public func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
    }
}

/// Whether `ports` lie outside the kernel's ephemeral range (32768-60999 by default). A test
/// that counts a daemon's ports exactly (exhaustion, free after release) needs that: inside
/// it, any test's ephemeral socket (every ng request binds one) may hold a port for a moment.
/// Such tests use 61000-65535.
public func outsideEphemeralRange(_ ports: ClosedRange<Int>) -> Bool {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? "32768 60999"
    let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    guard bounds.count == 2 else { return false }
    return !ports.overlaps(bounds[0]...bounds[1])
}

/// Whether a UDP (or TCP) port can be bound on `ip` right now, i.e. nobody holds it. For TCP
/// SO_REUSEADDR is set, as servers do, so connections in TIME_WAIT do not count.
public func portIsFree(_ ip: String, _ port: UInt16, type: Int32 = Int32(SOCK_DGRAM.rawValue)) -> Bool {
    let addr = TestAddress(ip, port)
    let fd = socket(addr.family, type, 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    if type == Int32(SOCK_STREAM.rawValue) {
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    }
    if addr.family == AF_INET6 {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
    return addr.withSockaddr { bind(fd, $0, $1) } == 0
}

/// Ports `freePort` has handed out in this process. Tests run in parallel, and a port is free
/// until its daemon binds it, so without this two tests could be given the same one.
private let handedOut = Mutex(Set<UInt16>())

/// The first of `count` consecutive ports that are free on loopback for UDP on both families
/// and for TCP, from a range tests alone use (20000-29000); no port is handed out twice.
public func freePort(count: UInt16 = 1) -> UInt16 {
    while true {
        let p = UInt16.random(in: 20000...(29000 - count + 1))
        let ports = p..<p + count
        let reserved = handedOut.withLock { taken in
            guard taken.isDisjoint(with: ports) else { return false }
            taken.formUnion(ports)
            return true
        }
        guard reserved else { continue }
        if ports.allSatisfy({ portIsFree("127.0.0.1", $0) && portIsFree("::1", $0) && portIsFree("0.0.0.0", $0)
                              && portIsFree("127.0.0.1", $0, type: Int32(SOCK_STREAM.rawValue)) }) { return p }
    }
}
