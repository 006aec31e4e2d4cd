import Appliance
import CLI
import Config
import Daemon
import KeyFile
#if canImport(Glibc)
import Glibc
#endif

// rtpengine-ctl: sends one command line to the daemon's CLI listener and prints the answer.

func fail(_ message: String, status: Int32 = 1) -> Never {
    let text = "rtpengine-ctl: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(status)
}

struct CtlConfigError: Error, CustomStringConvertible { let description: String }

struct NoInstance: Error, CustomStringConvertible {
    let name: String, path: String
    var description: String { "\(path) has no instance '\(name)'" }
}

func printOut(_ text: String) {
    _ = text.withCString { write(1, $0, strlen($0)) }
}

let action: CtlInvocation.Action
do {
    action = try CtlInvocation.parse(Array(CommandLine.arguments.dropFirst())) { path, instance in
        guard let instance else {
            guard access(path, F_OK) == 0 else { return nil }
            return try KeyFile(path: path).rawValue(group: "rtpengine", key: "listen-cli")
        }
        // The instance's own settings: its section over [rtpengine], drop-ins included.
        let config: ApplianceConfig
        do { config = try ConfigFiles.check(path).config } catch { throw CtlConfigError(description: "\(path): \(error)") }
        guard let found = config.instance(named: instance) else { throw NoInstance(name: instance, path: path) }
        guard case .string(let listen)? = config.settings(for: found).values["listen-cli"] else { return nil }
        return listen
    }
} catch {
    fail("\(error)")
}

let invocation: CtlInvocation
switch action {
case .help:
    printOut(CtlInvocation.usage)
    exit(0)
case .usageError(let why):
    printOut(CtlInvocation.usage)
    fail(why)
case .run(let i):
    invocation = i
}

struct ConnectFailure: Error { let reason: String }

/// Connects to the first address of `host` that answers; the socket or why not.
func connectTo(_ host: String, _ port: Int) -> Result<Int32, ConnectFailure> {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0, let first = list else { return .failure(ConnectFailure(reason: String(cString: gai_strerror(rc)))) }
    defer { freeaddrinfo(list) }
    var lastError = "no address"
    var cursor: UnsafeMutablePointer<addrinfo>? = first
    while let ai = cursor {
        cursor = ai.pointee.ai_next
        let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
        guard fd >= 0 else { continue }
        // A daemon that accepts but never answers must not hang the operator's shell.
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return .success(fd) }
        lastError = String(cString: strerror(errno))
        close(fd)
    }
    return .failure(ConnectFailure(reason: lastError))
}

let fd: Int32
switch connectTo(invocation.host, invocation.port) {
case .success(let s): fd = s
case .failure(let why): fail("cannot connect to the rtpengine at \(invocation.host):\(invocation.port): \(why.reason)")
}

var request = Array((invocation.command + "\n").utf8)
var sent = 0
while sent < request.count {
    let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    guard n > 0 else { fail("sending the command failed: \(String(cString: strerror(errno)))") }
    sent += n
}
var buffer = [UInt8](repeating: 0, count: 65536)
while true {
    let n = recv(fd, &buffer, buffer.count, 0)
    if n == 0 { break }
    guard n > 0 else { fail("reading the answer failed: \(String(cString: strerror(errno)))") }
    _ = buffer.withUnsafeBytes { write(1, $0.baseAddress, n) }
}
close(fd)
exit(0)
