import Foundation
import Testing
@testable import Appliance
@testable import Supervisor
import Daemon
import TestPorts
#if canImport(Glibc)
import Glibc
#endif

/// Config files made from a seed: legacy single-section files and declarative ones
/// (interface profiles and instances), with interface specs, port ranges, listeners and
/// tables drawn from values that are valid, broken, or valid only on another host.
struct ConfigGenerator {
    /// SplitMix64: the same seed gives the same files on every machine.
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// `interface` values: on this host, not on it, or not an interface at all.
    static let interfaceSpecs = [
        "127.0.0.1", "::1", "lo", "any", "0.0.0.0", "pub/127.0.0.1", "priv/127.0.0.2", "nat/127.0.0.1!203.0.113.1",
        "ext:1/127.0.0.3", "ext:2/127.0.0.4", "v6/::1", "pub/lo", "lo!203.0.113.5", "any!203.0.113.5", "v6/::1!2001:db8::5",
        "192.0.2.77", "pub/192.0.2.77",
        "300.1.1.1", "pub/300.1.1.1", "eth9", "pub/eth9", "/127.0.0.1", "a:b:c/127.0.0.1", "127.0.0.1!", "127.0.0.1!nonsense",
        "::1!203.0.113.5", "pub/", "pub 1/127.0.0.1", "1.2.3", "pub/1.2.3.4.5", "averyveryverylongname",
    ]

    /// Profile `address` values.
    static let profileAddresses = ["127.0.0.1", "::1", "lo", "any", "127.0.0.2", "192.0.2.77", "eth9", "300.1.1.1", "1.2.3", ""]

    /// Listener values; `P` becomes a free port, `Q` a second one.
    static let listeners = [
        "127.0.0.1:P", "P", "[::1]:P", "localhost:P", "127.0.0.1:Q", "127.0.0.1:P", "127.0.0.1:99999", "127.0.0.1:0",
        "nosuchhost.invalid:P", "192.0.2.77:P", "127.0.0.1", "", "[::1]", "::1:P", "127.0.0.1:-5", "127.0.0.1:P;127.0.0.1:Q",
    ]

    static let ranges: [(String, String)] = [
        ("30000", "30999"), ("30000", "30999"), ("40000", "30000"), ("30001", "30002"), ("30000", "30001"), ("65534", "65535"),
        ("1", "1023"), ("0", "10"), ("30000", "70000"), ("x", "30999"), ("30000", ""), ("-1", "30999"),
    ]

    static let tables = ["-1", "-1", "0", "5", "63", "64", "-2", "zero"]

    mutating func listener(_ ports: (Int, Int)) -> String {
        pick(Self.listeners).replacingOccurrences(of: "P", with: String(ports.0)).replacingOccurrences(of: "Q", with: String(ports.1))
    }

    mutating func rangeLines() -> String {
        guard chance(70) else { return "" }
        let (low, high) = pick(Self.ranges)
        return "port-min = \(low)\nport-max = \(high)\n"
    }

    /// Keys every daemon section may carry, now and then with a bad value.
    mutating func commonOptions() -> String {
        var out = ""
        if chance(60) { out += "table = \(pick(Self.tables))\n" }
        if chance(15) { out += "no-fallback = \(pick(["true", "false"]))\n" }
        if chance(15) { out += "num-threads = \(pick(["1", "2", "0", "-1", "many"]))\n" }
        if chance(15) { out += "log-level = \(pick(["3", "6", "7", "9", "loud"]))\n" }
        if chance(10) { out += "delete-delay = \(pick(["0", "30", "-5"]))\n" }
        if chance(10) { out += "endpoint-learning = \(pick(["delayed", "heuristic", "off", "sometimes"]))\n" }
        return out
    }

    /// A legacy file: one [rtpengine] section the daemon runs as it is.
    mutating func legacy(ports: (Int, Int, Int, Int)) -> String {
        var out = "[rtpengine]\n"
        if chance(95) {
            let count = chance(70) ? 1 : 2
            out += "interface = " + (0..<count).map { _ in pick(Self.interfaceSpecs) }.joined(separator: ";") + "\n"
        }
        if chance(90) { out += "listen-ng = \(listener((ports.0, ports.1)))\n" }
        if chance(30) { out += "listen-tcp-ng = \(listener((chance(30) ? ports.0 : ports.2, ports.1)))\n" }
        if chance(30) { out += "listen-cli = \(listener((ports.3, ports.2)))\n" }
        out += rangeLines()
        out += commonOptions()
        return out
    }

    /// A declarative file: profiles and one or two instances over them.
    mutating func declarative(ports: (Int, Int, Int, Int)) -> String {
        var out = "[rtpengine]\n" + (chance(30) ? commonOptions() : "")
        let profiles = chance(60) ? ["lo", "lo2"] : ["lo"]
        for (i, name) in profiles.enumerated() {
            out += "\n[interface-\(name)]\n"
            if chance(95) { out += "address = \(pick(Self.profileAddresses))\n" }
            if chance(20) { out += "advertised = \(pick(["203.0.113.1", "2001:db8::1", "public.example.com"]))\n" }
            if chance(20) { out += "name = \(pick(["pub", "ext:\(i + 1)", "a:b:c", "priv"]))\n" }
            if chance(70) {
                let (low, high) = pick(Self.ranges)
                out += "port-min = \(low.count == 5 ? String(Int(low)! + 1000 * i) : low)\nport-max = \(high.count == 5 ? String(Int(high)! + 1000 * i) : high)\n"
            }
        }
        let instances = chance(50) ? ["a", "b"] : ["a"]
        for (i, name) in instances.enumerated() {
            out += "\n[instance-\(name)]\n"
            if chance(95) {
                out += "interfaces = \(chance(85) ? profiles[i % profiles.count] : pick(["lo3", "lo;lo2", ""]))\n"
            }
            out += "table = \(chance(80) ? String(i) : pick(Self.tables))\n"
            if chance(90) { out += "listen-ng = \(i == 0 ? listener((ports.0, ports.1)) : listener((ports.2, chance(20) ? ports.0 : ports.3)))\n" }
            if chance(20) { out += "listen-cli = \(listener((ports.3 + i, ports.1)))\n" }
            if chance(20) { out += commonOptions() }
        }
        return out
    }
}

/// `rtpengine-supervisor check` and the daemon agree: for every config of the validator's
/// corpus and a few hundred generated ones, check says valid exactly when the daemon (each
/// of the file's instances) starts with it on this machine.
@Suite struct CheckAgreementPropertyTests {
    enum Verdict: Equatable, CustomStringConvertible {
        case starts, refuses, hangs

        var description: String {
            switch self {
            case .starts: "starts"
            case .refuses: "refuses"
            case .hangs: "neither started nor exited"
            }
        }
    }

    /// Starts the daemon once per instance of the file at `path` (the legacy file as it is),
    /// all at once; `.starts` when every one reports READY=1 to systemd's notification socket.
    static func daemonVerdict(_ path: String) throws -> (Verdict, String) {
        let config = ApplianceConfig(files: try ConfigFiles.load(path))
        let sections = config.sections.map(\.name).filter { $0.hasPrefix(ApplianceConfig.instancePrefix) }
        let notify = try NotifySocket()
        var processes: [(Process, String)] = []
        defer {
            for (p, log) in processes {
                if p.isRunning {
                    kill(p.processIdentifier, SIGKILL)
                    p.waitUntilExit()
                }
                unlink(log)
            }
        }
        for section in sections.isEmpty ? [nil] : sections.map(Optional.some) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: DaemonAgreementTests.daemon())
            p.arguments = ["--config-file=\(path)", "-f", "-E"] + (section.map { ["--config-section=\($0)"] } ?? [])
            p.environment = ["NOTIFY_SOCKET": notify.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
            let log = path + ".\(processes.count).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            p.standardOutput = handle
            p.standardError = handle
            try p.run()
            processes.append((p, log))
        }
        var ready = 0
        let deadline = Date().addingTimeInterval(10)
        while ready < processes.count, Date() < deadline, !processes.contains(where: { !$0.0.isRunning }) {
            if notify.receive(timeout: 0.05).contains("READY=1") { ready += 1 }
        }
        let output = processes.map { (try? String(contentsOfFile: $0.1, encoding: .utf8)) ?? "" }.joined(separator: "\n")
        if ready == processes.count { return (.starts, output) }
        return (processes.contains { !$0.0.isRunning } ? .refuses : .hangs, output)
    }

    static func checkVerdict(_ path: String) throws -> (Verdict, String) {
        let checked = try ConfigFiles.check(path)
        return (checked.errors.isEmpty ? .starts : .refuses, checked.findings.map(\.description).joined(separator: "\n"))
    }

    /// The corpus (valid configs on loopback and every broken one) and `generated` files
    /// from fixed seeds; each is written with fresh listener ports.
    static func configs(generated: Int) -> [(name: String, main: String, dropins: [(String, String)])] {
        var out: [(String, String, [(String, String)])] = []
        for c in brokenCases { out.append(("broken: \(c.name)", c.main, c.dropins)) }
        for c in validCases { out.append(("valid: \(c.name)", c.main, c.dropins)) }
        var g = ConfigGenerator(seed: 0x5EED_0012)
        for i in 0..<generated {
            let ports = (Int(freePort()), Int(freePort()), Int(freePort()), Int(freePort()))
            let legacy = i % 2 == 0
            out.append(("generated #\(i)", legacy ? g.legacy(ports: ports) : g.declarative(ports: ports), []))
        }
        return out
    }

    @Test func checkSaysValidExactlyWhenTheDaemonStarts() throws {
        var disagreements: [String] = []
        let all = Self.configs(generated: 240)
        for (name, main, dropins) in all {
            // The corpus's example ports (2223..., after a host or bare) are moved to free ones.
            let p = Int(freePort(count: 4))
            func move(_ text: String) -> String {
                let ports = [("2223", 0), ("2224", 1), ("2225", 2), ("2230", 3)]
                return DaemonAgreementTests.movePorts(text, ports.map { (":\($0.0)", ":\(p + $0.1)") } + ports.map { ("= \($0.0)\n", "= \(p + $0.1)\n") })
            }
            let path = try writeConfig(move(main), dropins: dropins.map { ($0.0, move($0.1)) })
            defer { removeConfig(path) }
            let (check, findings) = try Self.checkVerdict(path)
            let (daemon, output) = try Self.daemonVerdict(path)
            if check != daemon {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                disagreements.append("\(name): check says \(check), the daemon \(daemon)\n\(text)--- check:\n\(findings)\n--- daemon:\n\(output)")
            }
        }
        #expect(all.count >= 200)
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(all.count) configs:\n\(disagreements.joined(separator: "\n\n"))")
    }

    /// The case that started it: `300.1.1.1` reads as a system interface name, which this
    /// host lacks, so the daemon refuses; check used to call the file valid.
    @Test func aLegacyInterfaceThatIsNoAddressOfThisHostIsAnError() throws {
        let path = try writeConfig("[rtpengine]\ntable = -1\ninterface = pub/300.1.1.1\nlisten-ng = 127.0.0.1:\(freePort())\n")
        defer { removeConfig(path) }
        var o = CheckCommand.Options()
        o.file = path
        let (status, output) = CheckCommand.run(o)
        #expect(status == 1)
        #expect(output.contains("the daemon would not start") && output.contains("'pub/300.1.1.1'"), "\(output)")
        #expect(try Self.daemonVerdict(path).0 == .refuses)
    }
}
