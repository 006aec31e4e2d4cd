import Config
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

/// An ng `ping` over UDP, answered with `pong` or not.
enum NGPing {
    static func ping(_ listen: ListenAddress, timeout: Double) -> Bool {
        let ip: IPAddress
        switch listen.host {
        case .any: ip = IPAddress("127.0.0.1")!
        case .ip(let a): ip = a.isUnspecified ? (a.family == .inet ? IPAddress("127.0.0.1")! : IPAddress("::1")!) : a
        case .hostname: return false
        }
        let fd = socket(ip.family == .inet ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let message = Array("sv\(UInt32.random(in: 0...UInt32.max)) d7:command4:pinge".utf8)
        var storage = sockaddr_storage()
        let length: socklen_t
        switch ip {
        case .v4(let a):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = listen.port.bigEndian
            sin.sin_addr = in_addr(s_addr: a)
            withUnsafeBytes(of: sin) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let hi, let lo):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = listen.port.bigEndian
            var words = (hi, lo)
            withUnsafeBytes(of: &words) { raw in withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyMemory(from: raw) } }
            withUnsafeBytes(of: sin6) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        let sent = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, length) } }
        }
        guard sent == message.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 && String(decoding: buffer[0..<n], as: UTF8.self).hasSuffix("d6:result4:ponge")
    }
}
