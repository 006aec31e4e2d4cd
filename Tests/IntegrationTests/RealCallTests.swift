import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real call end to end: Kamailio (its rtpengine module pointed at our ng port) routes a
/// call between two baresip user agents on loopback; audio flows both ways through our
/// daemon, and the call is gone after the BYE.
@Suite struct RealCallTests {
    static let kamailio = Peers.kamailio
    static let baresip = "/usr/bin/baresip"
    static var installed: Bool { access(kamailio, X_OK) == 0 && access(baresip, X_OK) == 0 }

    /// A port that is free for UDP and TCP, with the next one free too (baresip binds SIP
    /// over UDP and TCP on it and TLS on the next).
    static func sipPort() -> UInt16 { freePort(count: 2) }

    static func kamailioConfig(sip: UInt16, ng: UInt16, alice: UInt16, bob: UInt16) -> String {
        """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=1
        auto_aliases=no
        listen=udp:127.0.0.1:\(sip)
        mpath="\(Peers.kamailioModules)"
        loadmodule "tm.so"
        loadmodule "sl.so"
        loadmodule "rr.so"
        loadmodule "pv.so"
        loadmodule "maxfwd.so"
        loadmodule "textops.so"
        loadmodule "siputils.so"
        loadmodule "rtpengine.so"
        modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:\(ng)")

        request_route {
            if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
            if (has_totag()) {
                if (loose_route()) {
                    if (is_method("BYE")) { rtpengine_delete(); }
                    if (is_method("INVITE") && has_body("application/sdp")) { rtpengine_offer(); }
                    t_on_reply("MEDIA");
                    t_relay();
                    exit;
                }
                if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                sl_send_reply("404", "Not here");
                exit;
            }
            if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
            if (!is_method("INVITE")) { sl_send_reply("405", "Method Not Allowed"); exit; }
            record_route();
            if ($rU == "bob") { $du = "sip:127.0.0.1:\(bob)"; }
            else if ($rU == "alice") { $du = "sip:127.0.0.1:\(alice)"; }
            else { sl_send_reply("404", "Unknown user"); exit; }
            if (has_body("application/sdp")) { rtpengine_offer(); }
            t_on_reply("MEDIA");
            t_relay();
        }

        onreply_route[MEDIA] {
            if (has_body("application/sdp")) { rtpengine_answer(); }
        }

        """
    }

    /// A baresip configuration folder for `user` on `port`: PCMU, a tone file as the
    /// microphone, a bridge as the speaker, auto-answer, RTCP summary at hang-up.
    static func agent(_ user: String, port: UInt16, in dir: String, tone: String) throws -> String {
        let home = dir + "/" + user
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let config = """
            sip_listen 127.0.0.1:\(port)
            audio_player aubridge,sink-\(user)
            audio_source aufile,\(tone)
            audio_alert aubridge,alert-\(user)
            module_path /usr/lib/baresip/modules
            module g711.so
            module aufile.so
            module aubridge.so
            module account.so
            module menu.so
            module rtcpsummary.so

            """
        try config.write(toFile: home + "/config", atomically: true, encoding: .utf8)
        try "<sip:\(user)@127.0.0.1:\(port)>;regint=0;answermode=auto;audio_codecs=PCMU\n"
            .write(toFile: home + "/accounts", atomically: true, encoding: .utf8)
        return home
    }

    /// 10 s of a 440 Hz tone, 8 kHz mono 16-bit WAV.
    static func writeTone(_ path: String) throws {
        let samples = 80_000
        var data = Data("RIFF".utf8)
        func le32(_ v: Int) -> Data { withUnsafeBytes(of: UInt32(v).littleEndian) { Data($0) } }
        func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(v).littleEndian) { Data($0) } }
        data += le32(36 + samples * 2) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(8000) + le32(16000)
            + le16(2) + le16(16) + Data("data".utf8) + le32(samples * 2)
        for i in 0..<samples {
            let v = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / 8000))
            data += withUnsafeBytes(of: v.littleEndian) { Data($0) }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func start(_ path: String, _ arguments: [String], log: String, environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        FileManager.default.createFile(atPath: log, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Polls until `pid` has exited (Foundation's own wait is not used: it can miss a child
    /// that exits while the test is blocked elsewhere).
    static func waitForExit(_ pid: pid_t, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if processEnded(pid) { return true }
            usleep(50_000)
        }
        return processEnded(pid)
    }

    static func stop(_ p: Process) {
        let pid = p.processIdentifier
        guard !processEnded(pid) else { return }
        kill(pid, SIGKILL)
        _ = waitForExit(pid, seconds: 2)
    }

    /// Stops Kamailio and every worker it forked (they are found by their parent's pid).
    static func stopKamailio(_ p: Process) {
        let main = p.processIdentifier
        let workers = childPIDs(of: main)
        kill(main, SIGTERM)
        if !waitForExit(main, seconds: 3) { kill(main, SIGKILL) }
        for w in workers where !processEnded(w) { kill(w, SIGKILL) }
    }

    static func childPIDs(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == parent
        }
    }

    /// The last `audio=TX/RX (bit/s)` figures an agent printed.
    static func bitrates(_ log: String) -> (tx: Int, rx: Int)? {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard let range = text.range(of: "audio=", options: .backwards) else { return nil }
        let figures = text[range.upperBound...].prefix { $0.isNumber || $0 == "/" }.split(separator: "/").compactMap { Int($0) }
        return figures.count == 2 ? (figures[0], figures[1]) : nil
    }

    @Test(.enabled(if: installed, "kamailio (make peers unpacks it) or baresip (apt-get install baresip-core) missing"))
    func kamailioRoutesACallBetweenTwoBaresipAgentsThroughUs() throws {
        let dir = NSTemporaryDirectory() + "realcall-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // No delete delay: a deleted call lingers (listed) for it otherwise, as in 10.5.
        let (d, ng) = try startRelayDaemon(portMin: 58000, extra: ["--delete-delay=0"])
        defer { d.stop(signal: SIGKILL) }
        let sip = Self.sipPort(), alicePort = Self.sipPort(), bobPort = Self.sipPort()
        try Self.kamailioConfig(sip: sip, ng: ng, alice: alicePort, bob: bobPort)
            .write(toFile: dir + "/kamailio.cfg", atomically: true, encoding: .utf8)
        try Self.writeTone(dir + "/tone.wav")
        let alice = try Self.agent("alice", port: alicePort, in: dir, tone: dir + "/tone.wav")
        let bob = try Self.agent("bob", port: bobPort, in: dir, tone: dir + "/tone.wav")

        let kam = try Self.start(Self.kamailio, ["-DD", "-E", "-f", dir + "/kamailio.cfg", "-w", dir], log: dir + "/kamailio.log",
                                 environment: ["LD_LIBRARY_PATH": Peers.kamailioLibraries])
        // SIGTERM lets Kamailio's main process stop its workers; any left are killed by pid.
        defer { Self.stopKamailio(kam) }
        let callee = try Self.start(Self.baresip, ["-f", bob, "-t", "30"], log: dir + "/bob.log")
        defer { Self.stop(callee) }
        usleep(700_000)
        // Alice dials Bob through Kamailio, talks for 6 s and hangs up (quitting sends the BYE).
        let caller = try Self.start(Self.baresip, ["-f", alice, "-t", "7", "-e", "/dial sip:bob@127.0.0.1:\(sip)"],
                                    log: dir + "/alice.log")
        defer { Self.stop(caller) }

        // Mid-call: our daemon has the call and relays both ways.
        sleep(5)
        let calls = ngRequest(ng, [("command", .string("list"))])?["calls"]
        let callID = try #require(calls?[0]?.stringValue, "the call must reach us; kamailio said: \(try? String(contentsOfFile: dir + "/kamailio.log", encoding: .utf8))")
        let q = ngRequest(ng, [("command", .string("query")), ("call-id", .string(callID))])
        let tags = q?["tags"]
        var packets: [Int64] = []
        if case .dictionary(let entries)? = tags {
            for (_, tag) in entries { packets.append(tag["medias"]?[0]?["streams"]?[0]?["stats"]?["packets"]?.integerValue ?? 0) }
        }
        #expect(packets.count == 2 && packets.allSatisfy { $0 >= 100 }, "RTP from each agent through us: \(packets)")

        #expect(Self.waitForExit(caller.processIdentifier, seconds: 10), "alice must hang up and quit")
        // The BYE went through Kamailio, which deleted the call.
        var gone = false
        for _ in 0..<20 where !gone {
            gone = ngRequest(ng, [("command", .string("list"))])?["calls"] == .list([])
            if !gone { usleep(100_000) }
        }
        #expect(gone, "the call must be deleted after the BYE")
        // Each agent's own counters: audio sent and received at PCMU's 64 kbit/s.
        for log in [dir + "/alice.log", dir + "/bob.log"] {
            let rates = Self.bitrates(log)
            #expect((rates?.tx ?? 0) > 50_000 && (rates?.rx ?? 0) > 50_000, "\(log): \(String(describing: rates))")
        }
    }
}
