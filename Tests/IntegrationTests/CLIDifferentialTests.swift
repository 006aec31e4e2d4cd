import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Sends one command line to a CLI listener and reads the answer to the end.
func cliCommand(_ port: UInt16, _ line: String, timeout: Double = 3) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let ok = TestAddress("127.0.0.1", port).withSockaddr { connect(fd, $0, $1) == 0 }
    guard ok else { return nil }
    let bytes = Array((line + "\n").utf8)
    guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n == 0 { break }
        guard n > 0 else { return nil }
        out += buffer[..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

/// The operator's CLI of Debian's rtpengine 10.5 and ours, fed the same calls, media and
/// commands: every answer has the same text once values that differ between any two runs
/// (ports, times, durations, ping counts, rates) are masked. Skipped without the reference.
@Suite(.serialized) struct CLIDifferentialTests {
    /// Commands whose answers are compared, in order; they change state as they go.
    static let commands = [
        "list numsessions", "list sessions all", "list sessions own", "list sessions foreign",
        "list sessions call-one", "list sessions call-two", "list sessions call-three", "list sessions nope", "list totals", "list jsonstats",
        "list maxopenfiles", "list maxsessions", "list timeout", "list silenttimeout", "list finaltimeout",
        "list offertimeout", "list deletedelay", "list interfaces", "list loglevel", "list loglevel core",
        "list loglevels", "list controltos", "list transcoders", "list", "list foo", "bogus", "list sessions",
        "set loglevel 5", "get loglevel", "set loglevel core 7", "get loglevel core", "set loglevel core x",
        "get loglevel core", "set maxsessions 10", "get maxsessions", "set maxsessions x", "set maxsessions -5",
        "set maxsessions 10abc", "set maxsessions -1", "set timeout 30", "list timeout", "set timeout -3",
        "set timeout abc", "set timeout 99999999999", "set silenttimeout 40", "set finaltimeout 50",
        "set offertimeout 55", "list offertimeout", "set deletedelay 5", "get deletedelay", "set deletedelay -1",
        "set deletedelay x", "set", "set foo 1", "set timeout", "terminate", "terminate nope", "terminate all x",
        "terminate call-two", "list numsessions", "list sessions all", "list totals", "terminate all",
        "list numsessions", "list sessions own", "list totals", "list jsonstats", "list interfaces",
    ]

    /// Masks what differs between two daemons in the same state: 5-digit numbers (ports,
    /// open-files limit), 10-digit times, durations, uptime, rates and ping counts (a test
    /// pings until a daemon answers).
    static func normalize(_ text: String, command: String) -> String {
        var t = text
        let rules: [(String, String)] = [
            (#"\b\d{10}\b"#, "TTTTTTTTTT"), (#"\b\d{5}\b"#, "PPPPP"), (#"\d+\.\d{6}"#, "F"),
            (#"(Uptime of rtpengine\s+:)\d+"#, "$1U"), (#""uptime":\d+"#, #""uptime":U"#),
            (#"(per second \((?:userspace|kernel|total)\)\s+:)\d+"#, "$1R"),
            (#""(packet|byte|error)rate(_user|_kernel)?":\d+"#, #""$1rate$2":R"#),
            (#"(127\.0\.0\.1 \|\s+)\d+"#, "$1N"), (#""(total)?pingcount":\d+"#, #""$1pingcount":N"#),
            (#"(/proc/)\d+"#, "$1PID"),
        ]
        for (pattern, template) in rules {
            t = t.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        // Calls are listed in hash order by the reference, in creation order by ours.
        if command.hasPrefix("list sessions all") || command.hasPrefix("list sessions own") {
            t = t.split(separator: "\n", omittingEmptySubsequences: false).sorted().joined(separator: "\n")
        }
        return t
    }

    /// Terminate commands that name no call: asked twice, they answer the same.
    static let terminatesNothing: Set<String> = ["terminate", "terminate nope", "terminate all x"]

    /// Three calls (one answered, with 3 PCMA packets from A; one only offered; one with
    /// labels and a via-branch, re-INVITEd by the callee), then every command; the answers as sent.
    static func run(ng: UInt16, cli: UInt16) throws -> [String] {
        let call = RelayedCall(ng: ng, callID: "call-one")
        try call.establish()
        call.relayPCMAFromA(3)
        let x = UDPPeer()
        let offer = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("call-two")), ("from-tag", .string("x")),
                                   ("sdp", .string(phoneSDP(x.port)))])
        guard offer?["result"]?.stringValue == "ok" else { throw RelayedCall.Failed(description: "offer: \(String(describing: offer))") }
        let (y, z) = (UDPPeer(), UDPPeer())
        let steps: [[(String, BencodeValue)]] = [
            [("command", .string("offer")), ("from-tag", .string("x")), ("sdp", .string(phoneSDP(z.port))),
             ("label", .string("caller")), ("via-branch", .string("z9hG4bK1"))],
            [("command", .string("answer")), ("from-tag", .string("x")), ("to-tag", .string("y")), ("sdp", .string(phoneSDP(y.port))),
             ("label", .string("callee")), ("via-branch", .string("z9hG4bK1"))],
            // The callee re-INVITEs: it becomes the FROM_TAG side.
            [("command", .string("offer")), ("from-tag", .string("y")), ("to-tag", .string("x")), ("sdp", .string(phoneSDP(y.port)))],
            [("command", .string("answer")), ("from-tag", .string("y")), ("to-tag", .string("x")), ("sdp", .string(phoneSDP(z.port)))],
        ]
        for step in steps {
            let reply = ngRequest(ng, [("call-id", .string("call-three"))] + step)
            guard reply?["result"]?.stringValue == "ok" else { throw RelayedCall.Failed(description: "\(step): \(String(describing: reply))") }
        }
        // The reference adds relayed packets to its totals from its own threads: on a loaded
        // machine they show a moment after the packets came back. Wait (bounded) for them.
        for _ in 0..<100 {
            if cliCommand(cli, "list totals")?.contains("Total relayed packets (userspace)               :3\n") == true { break }
            usleep(100_000)
        }
        return commands.map { command in
            // On a loaded machine the reference now and then closes a CLI connection without
            // writing its answer: a command that changes nothing, or sets what it set (asked
            // twice, the same), is asked again then.
            let answer = cliCommand(cli, command)
            if answer == "" || answer == nil,
               command.hasPrefix("list ") || command.hasPrefix("get ") || command.hasPrefix("set ") || Self.terminatesNothing.contains(command) {
                return cliCommand(cli, command) ?? "<no answer>"
            }
            return answer ?? "<no answer>"
        }
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func everyCommandAnswersAsTheReference() throws {
        let refCLI = freePort(), ourCLI = freePort()
        // (Learning at the first packet: with the default delay, whether a stream still
        // counts as userspace-only depends on how long a loaded machine took to send.)
        let learning = "--endpoint-learning=immediate"
        let pair = try ReferencePair(extra: (ref: ["--listen-cli=127.0.0.1:\(refCLI)", learning],
                                             ours: ["--listen-cli=127.0.0.1:\(ourCLI)", learning]),
                                     bases: (42000, 42200), portRange: 100)
        let theirs = try Self.run(ng: pair.refPort, cli: refCLI)
        let mine = try Self.run(ng: pair.ourPort, cli: ourCLI)
        // The comparison means something only when the reference answered for real.
        let answer = { (command: String) in theirs[Self.commands.firstIndex(of: command)!] }
        #expect(answer("list sessions call-one").contains("using PCMA/8000\n-------- Port"), "\(answer("list sessions call-one"))")
        #expect(answer("list totals").contains("Total relayed packets (userspace)               :3\n"))
        #expect(answer("list numsessions").hasPrefix("Current sessions own: 3\n"))
        #expect(answer("list sessions call-three").contains("--- Tag 'y', type: FROM_TAG, label 'callee', branch 'z9hG4bK1'"))
        for (i, command) in Self.commands.enumerated() {
            let expected = Self.normalize(theirs[i], command: command), actual = Self.normalize(mine[i], command: command)
            #expect(actual == expected, "\(command)\n--- reference\n\(theirs[i])\n--- ours\n\(mine[i])")
        }
    }

    @Test func rtpengineCtlPrintsTheDaemonsAnswer() throws {
        let cli = freePort()
        let (daemon, ng) = try startRelayDaemon(portMin: 48600, extra: ["--listen-cli=127.0.0.1:\(cli)"])
        defer { daemon.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish()
        let ctl = URL(fileURLWithPath: daemonBinary()).deletingLastPathComponent().appendingPathComponent("rtpengine-ctl").path
        func runCtl(_ args: [String]) throws -> (status: Int32, out: String) {
            // A config file that does not exist: the test must not read the host's.
            let (status, output) = try runProcess(ctl, ["-config-file", "/nonexistent/rtpengine.conf"] + args)
            return (status, output)
        }
        let totals = try runCtl(["-ip", "127.0.0.1", "-port", "\(cli)", "list", "totals"])
        #expect(totals.status == 0)
        #expect(totals.out.contains("\n Owned sessions                                  :1\n"), "\(totals.out)")
        #expect(totals.out.contains("Control statistics:"))
        let sessions = try runCtl(["-ip", "127.0.0.1:\(cli)", "list", "sessions", call.callID])
        #expect(sessions.out.hasPrefix("\ncallid: \(call.callID)\n"), "\(sessions.out)")
        // Settings changed over the CLI apply to the next request.
        #expect(try runCtl(["-ip", "127.0.0.1:\(cli)", "set", "maxsessions", "1"]).out == "Success setting maxsessions to 1\n")
        let refused = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("over-limit")), ("from-tag", .string("a")),
                                     ("sdp", .string(phoneSDP(UDPPeer().port)))])
        #expect(refused?["error-reason"]?.stringValue == "Parallel session limit reached", "\(String(describing: refused))")
        let set = try runCtl(["-ip", "127.0.0.1:\(cli)", "set", "maxsessions", "-1"])
        #expect(set.out == "Success setting maxsessions to -1; disable feature\n")
        let second = RelayedCall(ng: ng)
        try second.establish()
        // A delete delay of 0 set at run time: a deleted call is gone at once.
        #expect(try runCtl(["-ip", "127.0.0.1:\(cli)", "set", "deletedelay", "0"]).out == "Success setting delete-delay to 0\n")
        _ = second.command("delete")
        #expect(second.command("query")?["error-reason"]?.stringValue == "Unknown call-id")
        let gone = try runCtl(["-ip", "127.0.0.1:\(cli)", "terminate", call.callID])
        #expect(gone.out.contains("successfully terminated by operator"))
        #expect(ngRequest(ng, [("command", .string("query")), ("call-id", .string(call.callID))])?["result"]?.stringValue == "error")
        // Nobody listening: a clear error and a non-zero status, not a hang.
        let noListener = try runCtl(["-ip", "127.0.0.1", "-port", "\(freePort())", "list", "totals"])
        #expect(noListener.status == 1)
        #expect(noListener.out.contains("cannot connect to the rtpengine"))
        #expect(try runCtl([]).status == 1)
        #expect(try runCtl(["--help"]).status == 0)
        #expect(daemon.stop().status == 0)
    }

    @Test func rtpengineCtlReachesAnInstanceByName() throws {
        let ngA = freePort(), cliA = freePort(), ngB = freePort(), cliB = freePort()
        let dir = NSTemporaryDirectory() + "ctl-instances-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/rtpengine.conf"
        try """
            [rtpengine]
            table = -1
            timeout = 60
            [interface-a-lo]
            address = 127.0.0.1
            port-min = 42400
            port-max = 42499
            [interface-b-lo]
            address = 127.0.0.1
            port-min = 42500
            port-max = 42599
            [instance-a]
            interfaces = a-lo
            listen-ng = 127.0.0.1:\(ngA)
            listen-cli = 127.0.0.1:\(cliA)
            timeout = 11
            [instance-b]
            interfaces = b-lo
            listen-ng = 127.0.0.1:\(ngB)
            listen-cli = 127.0.0.1:\(cliB)
            timeout = 22

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["--config-file=\(config)", "--config-section=instance-a", "-f", "-E"])
        defer { daemon.stop(signal: SIGKILL) }
        try #require(waitForPong("127.0.0.1", ngA), "\(daemon.output)")
        let ctl = URL(fileURLWithPath: daemonBinary()).deletingLastPathComponent().appendingPathComponent("rtpengine-ctl").path
        let a = try runProcess(ctl, ["-config-file", config, "-instance", "a", "list", "timeout"])
        #expect(a.status == 0 && a.output == "TIMEOUT=11\n", "\(a)")
        // Instance b is not running: the error names its own listener, not the default one.
        let b = try runProcess(ctl, ["-config-file", config, "-instance", "b", "list", "timeout"])
        #expect(b.status == 1 && b.output.contains("127.0.0.1:\(cliB)"), "\(b)")
        let unknown = try runProcess(ctl, ["-config-file", config, "-instance", "zzz", "list", "timeout"])
        #expect(unknown.status == 1 && unknown.output.contains("has no instance 'zzz'"), "\(unknown)")
        #expect(daemon.stop().status == 0)
    }

    @Test func cliListenerSurvivesHostileInput() throws {
        let cli = freePort()
        let (daemon, ng) = try startRelayDaemon(portMin: 48800, extra: ["--listen-cli=127.0.0.1:\(cli)"])
        defer { daemon.stop(signal: SIGKILL) }
        // No newline, then end of input: the bytes are the command.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        #expect(TestAddress("127.0.0.1", cli).withSockaddr { connect(fd, $0, $1) } == 0)
        _ = send(fd, "list timeout", 12, 0)
        shutdown(fd, Int32(SHUT_WR))
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = recv(fd, &buffer, buffer.count, 0)
        #expect(n > 0 && String(decoding: buffer[..<max(0, n)], as: UTF8.self) == "TIMEOUT=60\n")
        // Binary garbage and an over-long line get an answer or a hang-up, never a crash.
        #expect(cliCommand(cli, String(decoding: [0xff, 0xfe, 0x00, 0x01], as: UTF8.self))?.hasPrefix("Unknown or incomplete command::") == true)
        _ = cliCommand(cli, String(repeating: "x", count: 100_000))
        #expect(cliCommand(cli, "list numsessions")?.hasPrefix("Current sessions own: 0\n") == true)
        #expect(waitForPong("127.0.0.1", ng))
        #expect(daemon.stop().status == 0)
    }
}
