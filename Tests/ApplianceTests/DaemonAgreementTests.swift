import Foundation
import Testing
@testable import Appliance
@testable import Supervisor
import Daemon
import TestPorts
#if canImport(Glibc)
import Glibc
#endif

/// `check` and the daemon agree: every broken config that `check` rejects, the daemon
/// refuses to start with (an instance section names the same file:line, since the daemon
/// runs the same validator); the valid ones start.
@Suite struct DaemonAgreementTests {
    static func daemon() -> String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("rtpengine").path
    }

    /// Replaces each `old` text with its `new` one in effect at once: replaced one by one, a
    /// new port that begins with a later old one (`:22241` after `:2223`, then `:2224`) was
    /// rewritten again into a bad port, and the daemon refused the config.
    static func movePorts(_ text: String, _ moves: [(old: String, new: String)]) -> String {
        var t = text
        for (i, m) in moves.enumerated() { t = t.replacingOccurrences(of: m.old, with: "\u{1}\(i)\u{1}") }
        for (i, m) in moves.enumerated() { t = t.replacingOccurrences(of: "\u{1}\(i)\u{1}", with: m.new) }
        return t
    }

    /// Runs the daemon on `path` (as its first instance, if it declares any); returns its
    /// exit status (nil: still running after `seconds`, then killed) and its output.
    static func start(_ path: String, seconds: Double = 5, namespace: String? = nil) throws -> (status: Int32?, output: String) {
        let config = ApplianceConfig(files: try ConfigFiles.load(path))
        var arguments = ["--config-file=\(path)", "-f", "-E"]
        if let first = config.sections.first(where: { $0.name.hasPrefix(ApplianceConfig.instancePrefix) }) {
            arguments.append("--config-section=\(first.name)")
        }
        let p = Process()
        if let namespace {
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            p.arguments = ["netns", "exec", namespace, daemon()] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: daemon())
            p.arguments = arguments
        }
        let log = path + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let end = Date().addingTimeInterval(seconds)
        while p.isRunning, Date() < end { usleep(20_000) }
        let running = p.isRunning
        if running {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        return (running ? nil : p.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test(arguments: brokenCases.map(\.name))
    func theDaemonRefusesWhatCheckRejects(_ name: String) throws {
        let c = try #require(brokenCases.first { $0.name == name })
        let path = try writeConfig(c.main, dropins: c.dropins)
        defer { removeConfig(path) }
        let (status, output) = try Self.start(path)
        #expect(status != nil && status != 0, "\(name): the daemon started (or hung):\n\(output)")
        if c.main.contains("[instance-") {
            let file = String(path.dropLast("main.conf".count)) + c.file
            #expect(output.contains("\(file):\(c.line):"), "\(name): the daemon must name \(c.file):\(c.line):\n\(output)")
        }
    }

    @Test func theShippedMultiInstanceExampleStartsEachInstance() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../conf.d/multi-instance.conf").standardized.path
        var o = CheckCommand.Options()
        o.file = example
        #expect(CheckCommand.run(o, host: ConfigFiles.currentHost()).status == 0)
        // A valid instance runs until stopped: still running after a second.
        let ng = Int(freePort(count: 2))
        let copy = try writeConfig(Self.movePorts(String(contentsOfFile: example, encoding: .utf8),
                                                  [("127.0.0.1:2223", "127.0.0.1:\(ng)"), ("127.0.0.1:2224", "127.0.0.1:\(ng + 1)")]))
        defer { removeConfig(copy) }
        let (status, output) = try Self.start(copy, seconds: 1)
        #expect(status == nil, "instance-a must keep running:\n\(output)")
    }

    @Test func movingPortsRewritesEachOldPortOnce() {
        // 22241 begins with the next old port (2224); 22300 with the last (2230).
        let moves = [("2223", 22241), ("2224", 22242), ("2225", 22300), ("2230", 22301)].map { (":\($0.0)", ":\($0.1)") }
        #expect(Self.movePorts("a=1.2.3.4:2223 b=:2224 c=:2225 d=:2230", moves) == "a=1.2.3.4:22241 b=:22242 c=:22300 d=:22301")
    }

    /// The valid configs that only use this machine's loopback addresses start (the others
    /// name addresses of the test's imaginary host).
    @Test(arguments: ["legacy single section", "legacy with every common option", "two instances on loopback",
                      "drop-ins add an instance", "drop-in overrides a port", "UDP and TCP listeners share a port",
                      "custom interface prefix"])
    func theDaemonStartsWhatCheckAccepts(_ name: String) throws {
        let c = try #require(validCases.first { $0.name == name })
        let p = Int(freePort(count: 4))
        func movePorts(_ text: String) -> String {
            Self.movePorts(text, [("2223", 0), ("2224", 1), ("2225", 2), ("2230", 3)].map { (":\($0.0)", ":\(p + $0.1)") })
        }
        let path = try writeConfig(movePorts(c.main), dropins: c.dropins.map { ($0.0, movePorts($0.1)) })
        defer { removeConfig(path) }
        let (status, output) = try Self.start(path, seconds: 1)
        #expect(status == nil, "\(name): the daemon must keep running:\n\(output)")
    }

    /// The valid configs that name the test host's other addresses run in a network
    /// namespace given exactly those interfaces (veth pairs; eth0 192.0.2.10 and 2001:db8::10, eth1
    /// 198.51.100.10), so the daemon agrees with check on all ten.
    @Test(.enabled(if: getuid() == 0 && access("/usr/sbin/ip", X_OK) == 0, "needs root and iproute2 for a network namespace"),
          arguments: ["multi-homed with NAT", "BASE:SUFFIX round robin", "same ports on different addresses"])
    func theDaemonStartsTheMultiHomedOnesInANamespace(_ name: String) throws {
        let c = try #require(validCases.first { $0.name == name })
        let ns = "rtpe-agree-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        func ip(_ arguments: [String]) throws {
            let p = try Process.run(URL(fileURLWithPath: "/usr/sbin/ip"), arguments: arguments)
            p.waitUntilExit()
        }
        try ip(["netns", "add", ns])
        defer { try? ip(["netns", "del", ns]) }
        for command in [["link", "set", "lo", "up"], ["link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"], ["link", "add", "eth1", "type", "veth", "peer", "name", "eth1p"],
                        ["addr", "add", "192.0.2.10/24", "dev", "eth0"], ["addr", "add", "2001:db8::10/64", "dev", "eth0", "nodad"],
                        ["addr", "add", "198.51.100.10/24", "dev", "eth1"], ["link", "set", "eth0", "up"], ["link", "set", "eth1", "up"]] {
            try ip(["netns", "exec", ns, "/usr/sbin/ip"] + command)
        }
        let path = try writeConfig(c.main, dropins: c.dropins)
        defer { removeConfig(path) }
        let (status, output) = try Self.start(path, seconds: 1, namespace: ns)
        #expect(status == nil, "\(name): the daemon must keep running in the namespace:\n\(output)")
    }
}
