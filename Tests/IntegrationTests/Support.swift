import Bencode
import Foundation
import Testing
import TestPorts
#if canImport(Glibc)
import Glibc
#endif

/// Locates the `rtpengine` binary built beside this test bundle (or `RTPENGINE_BIN`).
func daemonBinary() -> String {
    if let path = ProcessInfo.processInfo.environment["RTPENGINE_BIN"] { return path }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("rtpengine").path
}

/// Runs a program to completion; its exit status and its output (stdout and stderr together).
func runProcess(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The package's root folder, for shipped files such as `conf.d/rtpengine.conf`.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A daemon process started by a test. `stop()` (or deinit) ends it by pid, so no test
/// leaves a process behind even when it fails.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let stderrPath: String

    init(_ executable: String = daemonBinary(), arguments: [String], environment: [String: String] = [:]) throws {
        stderrPath = NSTemporaryDirectory() + "rtpengine-it-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // A clean environment: no NOTIFY_SOCKET from elsewhere unless the test sets one.
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"].merging(environment) { $1 }
        let log = FileHandle(forWritingAtPath: stderrPath)!
        process.standardError = log
        process.standardOutput = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var output: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits up to `timeout` seconds; returns the exit status and the time taken.
    @discardableResult
    func stop(signal: Int32 = SIGINT, timeout: Double = 5) -> (status: Int32?, seconds: Double) {
        let start = Date()
        if process.isRunning { kill(pid, signal) }
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        let elapsed = Date().timeIntervalSince(start)
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return (nil, elapsed)
        }
        return (process.terminationStatus, elapsed)
    }

    /// Waits for the process to exit by itself.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let start = Date()
        while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        unlink(stderrPath)
    }
}

/// Sends one datagram and waits up to `timeout` seconds for the reply.
func udpExchange(_ ip: String, _ port: UInt16, _ payload: [UInt8], timeout: Double = 1) -> [UInt8]? {
    let addr = TestAddress(ip, port)
    let fd = socket(addr.family, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let sent = addr.withSockaddr { sa, len in payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, len) } }
    guard sent == payload.count else { return nil }
    var buf = [UInt8](repeating: 0, count: 65536)
    let n = recv(fd, &buf, buf.count, 0)
    return n >= 0 ? Array(buf.prefix(n)) : nil
}

func udpExchange(_ ip: String, _ port: UInt16, _ text: String, timeout: Double = 1) -> String? {
    udpExchange(ip, port, Array(text.utf8), timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
}

/// Retries a ping until the daemon answers (it needs a moment to bind) or `timeout` passes.
func waitForPong(_ ip: String, _ port: UInt16, timeout: Double = 10) -> Bool {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if udpExchange(ip, port, "w d7:command4:pinge", timeout: 0.2) == "w d6:result4:ponge" { return true }
    }
    return false
}

/// Whether `pid` has exited: gone, or a zombie waiting for a parent (a detached daemon's
/// parent is init, which may reap late inside a container).
func processEnded(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

/// Test peers Debian ships as services, unpacked by `make peers` (tools/unpack-peers.sh)
/// into `.build-peers/PACKAGE` rather than installed, so none runs as a service.
enum Peers {
    static let folder = packageRoot.appendingPathComponent(".build-peers").path
    /// rtpengine 10.5, the reference (`RTPENGINE_REFERENCE` names another binary).
    static let rtpengine = ProcessInfo.processInfo.environment["RTPENGINE_REFERENCE"]
        ?? folder + "/rtpengine-daemon/usr/bin/rtpengine"
    static let kamailio = folder + "/kamailio/usr/sbin/kamailio"
    static let kamailioModules = folder + "/kamailio/usr/lib/x86_64-linux-gnu/kamailio/modules/"
    /// Kamailio's own libraries (libsrdb1 and friends), which its modules link against.
    static let kamailioLibraries = folder + "/kamailio/usr/lib/x86_64-linux-gnu/kamailio"
}

/// The reference rtpengine and ours, started side by side with the same interfaces on
/// their own ng ports and media ranges; both are killed when this is released.
final class ReferencePair {
    static let reference = Peers.rtpengine
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: reference) }
    static let missing: Comment = "reference rtpengine not at \(reference) (make peers unpacks it)"

    let refPort = freePort()
    let ourPort = freePort()
    let ref: DaemonProcess
    let ours: DaemonProcess

    /// `extra` options per daemon; media ports from `bases` (a range no concurrent test uses),
    /// `portRange` ports each (the same count, so port usage compares).
    init(interfaces: [String] = ["127.0.0.1"], extra: (ref: [String], ours: [String]) = ([], []),
         bases: (ref: Int, ours: Int) = (44000, 45000), portRange: Int = 1000) throws {
        let common = ["--config-file=none", "--table=-1", "--foreground", "--log-stderr"] + interfaces.map { "--interface=\($0)" }
        ref = try DaemonProcess(Self.reference, arguments: common + extra.ref + [
            "--listen-ng=127.0.0.1:\(refPort)", "--port-min=\(bases.ref)", "--port-max=\(bases.ref + portRange - 1)",
        ])
        ours = try DaemonProcess(arguments: common + extra.ours + [
            "--listen-ng=127.0.0.1:\(ourPort)", "--port-min=\(bases.ours)", "--port-max=\(bases.ours + portRange - 1)",
        ])
        guard waitForPong("127.0.0.1", refPort) else { throw StartFailure(description: "reference did not start: \(ref.output)") }
        guard waitForPong("127.0.0.1", ourPort) else { throw StartFailure(description: "ours did not start: \(ours.output)") }
    }

    struct StartFailure: Error, CustomStringConvertible { let description: String }

    /// Sends every step of every sequence to both daemons (each sequence a call of its own,
    /// its id starting with `prefix`), queries the call after each step, and expects what
    /// `digest` makes of the reply and that query to be the same from both.
    func expectStepsMatch(_ sequences: [(String, [[(String, BencodeValue)]])], prefix: String,
                          digest: (_ reply: BencodeValue?, _ query: BencodeValue?) -> String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, steps) in sequences {
            let callID: [(String, BencodeValue)] = [("call-id", .string("\(prefix)-\(UUID().uuidString)"))]
            for (n, step) in steps.enumerated() {
                let seen = [refPort, ourPort].map { port in
                    let reply = ngRequest(port, callID + step)
                    return digest(reply, ngRequest(port, callID + [("command", .string("query"))]))
                }
                #expect(seen[1] == seen[0], "\(name) step \(n + 1)\n--- reference\n\(seen[0])\n--- ours\n\(seen[1])",
                        sourceLocation: sourceLocation)
            }
        }
    }

    deinit {
        ref.stop(signal: SIGKILL)
        ours.stop(signal: SIGKILL)
    }
}
