import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `rtpengine-supervisor run` on the shipped two-instance example (ng ports moved to free
/// ones): both instances answer on their own ports and allocate from their own ranges, a
/// killed instance is back within a second, SIGHUP restarts only what changed, SIGTERM
/// stops everything and exits 0.
@Suite(.serialized) struct SupervisorTests {
    static var supervisor: String {
        URL(fileURLWithPath: daemonBinary()).deletingLastPathComponent().appendingPathComponent("rtpengine-supervisor").path
    }

    /// The state file's pid for `instance`.
    static func pid(_ instance: String, in runDir: String) -> pid_t? {
        let text = (try? String(contentsOfFile: runDir + "/supervisor.state", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count > 1, fields[0] == instance { return pid_t(fields[1]) }
        }
        return nil
    }

    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    @Test func runsRestartsReloadsAndStopsTheInstances() throws {
        let dir = NSTemporaryDirectory() + "supervisor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/conf.d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ngA = freePort(), ngB = freePort()
        let example = try String(contentsOf: packageRoot.appendingPathComponent("conf.d/multi-instance.conf"), encoding: .utf8)
        try example.replacingOccurrences(of: "127.0.0.1:2223", with: "127.0.0.1:\(ngA)")
            .replacingOccurrences(of: "127.0.0.1:2224", with: "127.0.0.1:\(ngB)")
            .write(toFile: dir + "/rtpengine.conf", atomically: true, encoding: .utf8)
        let runDir = dir + "/run"
        let notify = try NotifySocket()
        let s = try DaemonProcess(Self.supervisor, arguments: ["run", "-c", dir + "/rtpengine.conf", "--run-dir", runDir],
                                  environment: ["NOTIFY_SOCKET": notify.path])
        defer {
            s.stop(signal: SIGKILL)
            for name in ["a", "b"] { if let p = Self.pid(name, in: runDir) { kill(p, SIGKILL) } }
        }
        // READY comes from the supervisor alone, once both instances answer.
        let ready = notify.receive()
        #expect(ready.hasPrefix("READY=1"), "notification '\(ready)'; supervisor said: \(s.output)")
        #expect(udpExchange("127.0.0.1", ngA, "r d7:command4:pinge") == "r d6:result4:ponge")
        #expect(udpExchange("127.0.0.1", ngB, "r d7:command4:pinge") == "r d6:result4:ponge")

        // Each instance allocates from its own range and advertises its own address.
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
        for (ng, range, advertised) in [(ngA, 30000...30999, "203.0.113.10"), (ngB, 31000...31999, "203.0.113.11")] {
            let reply = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("sv-\(ng)")), ("from-tag", .string("x")),
                                       ("sdp", .string(sdp))])
            let port = try #require(reply?["sdp"]?.stringValue.flatMap { mediaPorts($0).first })
            #expect(range.contains(Int(port)), "port \(port) outside \(range)")
            #expect(reply?["sdp"]?.stringValue?.contains("c=IN IP4 \(advertised)") == true)
        }

        // status: pid, uptime, restarts and a fresh ping per instance.
        let table = try FirewallTests.sh([Self.supervisor, "status", "--run-dir", runDir])
        let rows = table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for name in ["a", "b"] {
            let row = rows.first { $0.first == name }
            #expect(row?.count == 5 && row?[1] == Self.pid(name, in: runDir).map(String.init) && row?[3] == "0" && row?[4] == "ok",
                    "\(table)")
        }

        // kill -9: a new instance answers within a second.
        let first = try #require(Self.pid("a", in: runDir))
        let b = try #require(Self.pid("b", in: runDir))
        kill(first, SIGKILL)
        let killed = Date()
        #expect(Self.wait(1) { (Self.pid("a", in: runDir).map { $0 != first } ?? false) && udpExchange("127.0.0.1", ngA, "k d7:command4:pinge", timeout: 0.1) == "k d6:result4:ponge" },
                "instance a not back within 1 s")
        #expect(Date().timeIntervalSince(killed) < 1.2)
        #expect(Self.pid("b", in: runDir) == b, "b is untouched")
        let afterKill = try FirewallTests.sh([Self.supervisor, "status", "--run-dir", runDir])
        #expect(afterKill.split(separator: "\n").contains { $0.hasPrefix("a ") && $0.split(separator: " ").map(String.init)[3] == "1" },
                "restart counted:\n\(afterKill)")

        // SIGHUP after a drop-in changes b: b restarts, a keeps running.
        let a = try #require(Self.pid("a", in: runDir))
        try "[instance-b]\nlog-level = 5\n".write(toFile: dir + "/conf.d/10-b.conf", atomically: true, encoding: .utf8)
        kill(s.pid, SIGHUP)
        #expect(Self.wait(3) { Self.pid("b", in: runDir).map { $0 != b } ?? false }, "b must restart with its new settings")
        #expect(waitForPong("127.0.0.1", ngB))
        #expect(Self.pid("a", in: runDir) == a, "a did not change and keeps running")

        // SIGTERM: everything stops and the supervisor exits 0.
        let pids = ["a", "b"].compactMap { Self.pid($0, in: runDir) }
        let (status, seconds) = s.stop(signal: SIGTERM, timeout: 8)
        #expect(status == 0 && seconds < 6, "status \(String(describing: status)) after \(seconds) s\n\(s.output)")
        #expect(pids.allSatisfy(processEnded))
        #expect(portIsFree("127.0.0.1", ngA) && portIsFree("127.0.0.1", ngB))
        #expect(s.output.contains("[a] ") && s.output.contains("[b] "), "instance log lines are tagged")
    }

    @Test func runsALegacySingleSectionFileUnchanged() throws {
        let dir = NSTemporaryDirectory() + "supervisor-legacy-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ng = freePort()
        try "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:\(ng)\nport-min = 43000\nport-max = 43099\n"
            .write(toFile: dir + "/rtpengine.conf", atomically: true, encoding: .utf8)
        let s = try DaemonProcess(Self.supervisor, arguments: ["run", "-c", dir + "/rtpengine.conf", "--run-dir", dir + "/run"])
        defer {
            s.stop(signal: SIGKILL)
            if let p = Self.pid("rtpengine", in: dir + "/run") { kill(p, SIGKILL) }
        }
        #expect(waitForPong("127.0.0.1", ng), "\(s.output)")
        #expect(Self.pid("rtpengine", in: dir + "/run") != nil, "the one instance is named after its section")
        #expect(s.stop(signal: SIGTERM, timeout: 8).status == 0)
        #expect(portIsFree("127.0.0.1", ng))
    }

    @Test func refusesToRunABrokenConfig() throws {
        let dir = NSTemporaryDirectory() + "supervisor-bad-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[rtpengine]\ntable = 99\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:2299\n"
            .write(toFile: dir + "/rtpengine.conf", atomically: true, encoding: .utf8)
        let s = try DaemonProcess(Self.supervisor, arguments: ["run", "-c", dir + "/rtpengine.conf", "--run-dir", dir + "/run"])
        defer { s.stop(signal: SIGKILL) }
        #expect(s.waitForExit(timeout: 5) == 1)
        #expect(s.output.contains("rtpengine.conf:2: error: [rtpengine] table"))
    }
}
