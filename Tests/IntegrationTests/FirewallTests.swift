import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Firewall management in a network namespace the test creates: the chain, the jump from
/// INPUT and one rule per instance address appear when `rtpengine-supervisor run` starts
/// and are gone after it stops; rules it did not create stay. The `RTPENGINE` target needs
/// the kernel module (a later issue), so this config substitutes the stock ACCEPT target
/// through the test-only `firewall-target` setting.
@Suite(.serialized) struct FirewallTests {
    static let tools = ["/usr/sbin/ip", "/usr/sbin/iptables-legacy", "/usr/sbin/iptables-legacy-save", "/usr/sbin/ip6tables-legacy-save"]
    static var usable: Bool { getuid() == 0 && tools.allSatisfy { access($0, X_OK) == 0 } }

    /// Runs a command to completion; returns its output.
    @discardableResult
    static func sh(_ arguments: [String]) throws -> String {
        try runProcess(arguments[0], Array(arguments.dropFirst())).output
    }

    @Test(.enabled(if: usable, "needs root and iproute2 + iptables (legacy) to make a network namespace"))
    func rulesAppearOnStartAndGoOnStopLeavingForeignRules() throws {
        let ns = "rtpe-fw-\(getpid())"
        try Self.sh(["/usr/sbin/ip", "netns", "add", ns])
        defer { _ = try? Self.sh(["/usr/sbin/ip", "netns", "del", ns]) }
        func inNS(_ command: [String]) throws -> String { try Self.sh(["/usr/sbin/ip", "netns", "exec", ns] + command) }
        _ = try inNS(["/usr/sbin/ip", "link", "set", "lo", "up"])
        _ = try inNS(["/usr/sbin/iptables-legacy", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-m", "comment", "--comment", "foreign", "-j", "ACCEPT"])

        let dir = NSTemporaryDirectory() + "firewall-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let example = try String(contentsOf: packageRoot.appendingPathComponent("conf.d/multi-instance.conf"), encoding: .utf8)
        try example.replacingOccurrences(of: "[rtpengine]\n", with: "[rtpengine]\nfirewall = iptables\nfirewall-target = ACCEPT\n")
            .write(toFile: dir + "/rtpengine.conf", atomically: true, encoding: .utf8)
        // `ip netns exec` execs the supervisor, so the pid is the supervisor's.
        let s = try DaemonProcess("/usr/sbin/ip", arguments: ["netns", "exec", ns, SupervisorTests.supervisor, "run",
                                                             "-c", dir + "/rtpengine.conf", "--run-dir", dir + "/run"])
        defer { s.stop(signal: SIGKILL) }
        let rule4a = "-A rtpengine -d 127.0.0.1/32 -p udp -m udp --dport 30000:30999 -m comment --comment \"rtpengine-supervisor:a\" -j ACCEPT"
        let rule4b = "-A rtpengine -d 127.0.0.1/32 -p udp -m udp --dport 31000:31999 -m comment --comment \"rtpengine-supervisor:b\" -j ACCEPT"
        let rule6a = "-A rtpengine -d ::1/128 -p udp -m udp --dport 30000:30999 -m comment --comment \"rtpengine-supervisor:a\" -j ACCEPT"
        let jump = "-A INPUT -m comment --comment rtpengine-supervisor -j rtpengine"
        var v4 = ""
        #expect(SupervisorTests.wait(5) {
            v4 = (try? inNS(["/usr/sbin/iptables-legacy-save"])) ?? ""
            return v4.contains(rule4a) && v4.contains(rule4b)
        }, "rules did not appear:\n\(v4)\n\(s.output)")
        #expect(v4.contains(":rtpengine - [0:0]") && v4.contains(jump))
        let v6 = try inNS(["/usr/sbin/ip6tables-legacy-save"])
        #expect(v6.contains(rule6a) && v6.contains(jump), "\(v6)")
        // A restarted instance puts its rules in place again without doubling them.
        if let a = SupervisorTests.pid("a", in: dir + "/run") {
            kill(a, SIGKILL)
            #expect(SupervisorTests.wait(3) { SupervisorTests.pid("a", in: dir + "/run").map { $0 != a } ?? false })
            usleep(200_000)
            let again = try inNS(["/usr/sbin/iptables-legacy-save"])
            #expect(again.components(separatedBy: rule4a).count == 2 && again.components(separatedBy: jump).count == 2, "\(again)")
        }
        // The dry run prints the same rules.
        let dry = try Self.sh([SupervisorTests.supervisor, "rules", "--dry-run", "-c", dir + "/rtpengine.conf"])
        #expect(dry.contains(rule4a) && dry.contains(rule6a), "\(dry)")

        #expect(s.stop(signal: SIGTERM, timeout: 8).status == 0)
        let after4 = try inNS(["/usr/sbin/iptables-legacy-save"])
        let after6 = try inNS(["/usr/sbin/ip6tables-legacy-save"])
        #expect(!after4.contains("rtpengine") && !after6.contains("rtpengine"), "left behind:\n\(after4)\n\(after6)")
        #expect(after4.contains("-A INPUT -p tcp -m tcp --dport 22 -m comment --comment foreign -j ACCEPT"), "foreign rule must stay")
    }
}
