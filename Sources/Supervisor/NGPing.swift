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
        let sent = ip.withSocketAddress(port: listen.port) { sa, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, length) }
        }
        guard sent == message.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 && String(decoding: buffer[0..<n], as: UTF8.self).hasSuffix("d6:result4:ponge")
    }
}
