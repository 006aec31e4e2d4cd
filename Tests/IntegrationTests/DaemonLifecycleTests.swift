import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DaemonLifecycleTests {
    @Test func issueCommandLineAnswersPingOnBothFamiliesAndStopsCleanly() throws {
        let ng = freePort(), cli = freePort(), udp = freePort()
        let d = try DaemonProcess(arguments: [
            "--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-i", "::1", "-n", "\(ng)",
            "-c", "\(cli)", "-f", "-L", "7", "-E", "-u", "\(udp)", "--silence-detect=1",
        ])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng), "no pong over IPv4; log:\n\(d.output)")
        #expect(udpExchange("::1", ng, "v6 d7:command4:pinge") == "v6 d6:result4:ponge")
        #expect(!portIsFree("0.0.0.0", ng))

        let (status, seconds) = d.stop(signal: SIGINT)
        #expect(status == 0)
        #expect(seconds < 2)
        #expect(portIsFree("0.0.0.0", ng) && portIsFree("::", ng), "ng port still bound after exit")
        // Options whose features are not built are reported, once each.
        let log = d.output
        for option in ["--listen-udp", "--silence-detect"] {
            #expect(log.components(separatedBy: "Option \(option)=").count == 2, "\(option) reported once:\n\(log)")
        }
        #expect(!log.contains("Option --listen-cli="), "the CLI listener is built:\n\(log)")
        #expect(log.contains("Startup complete"))
    }

    @Test func shippedLoopbackConfigStarts() throws {
        let ng = freePort()
        let conf = packageRoot.appendingPathComponent("conf.d/rtpengine.conf").path
        // The shipped file sets everything but the ng and CLI ports, which a test must not share.
        let cli = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=\(conf)", "--listen-ng=127.0.0.1:\(ng)", "--listen-cli=127.0.0.1:\(cli)"])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng), "log:\n\(d.output)")
        #expect(cliCommand(cli, "list timeout") == "TIMEOUT=60\n")
        #expect(d.stop(signal: SIGTERM).status == 0)
    }

    @Test func configErrorsExitNonZeroNamingTheProblem() throws {
        let cases: [([String], String)] = [
            (["--config-file=/nonexistent/rtpengine.conf", "-i", "127.0.0.1"], "/nonexistent/rtpengine.conf"),
            (["--config-file=none", "-i", "127.0.0.1", "-t", "abc"], "--table: invalid value 'abc'"),
            (["--config-file=none", "-i", "127.0.0.1", "--bogus"], "Unknown option --bogus"),
            (["--config-file=none", "-i", "nosuchif0", "-f", "-E"], "nosuchif0"),
            (["--config-file=none", "-f", "-E"], "--interface"),
            (["--config-file=none", "-i", "127.0.0.1", "-t", "0", "-F", "-f", "-E"], "--no-fallback"),
        ]
        for (args, message) in cases {
            let d = try DaemonProcess(arguments: args)
            let status = d.waitForExit()
            #expect(status == 1, "\(args)")
            #expect(d.output.contains(message), "\(args): \(d.output)")
        }
    }

    @Test func busyNGPortIsFatal() throws {
        let ng = freePort()
        let first = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"])
        defer { first.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng))
        let second = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"])
        #expect(second.waitForExit() == 1)
        #expect(second.output.contains("Failed to bind ng listener"))
        #expect(second.output.contains("is another rtpengine, such as Debian's rtpengine-daemon service, running?"))
        #expect(waitForPong("127.0.0.1", ng), "first daemon must keep its port")
    }

    @Test func helpAndVersion() throws {
        let help = try DaemonProcess(arguments: ["--help"])
        #expect(help.waitForExit() == 0)
        #expect(help.output.contains("-t, --table=INT"))
        let version = try DaemonProcess(arguments: ["-v"])
        #expect(version.waitForExit() == 0)
        #expect(version.output.hasPrefix("Version: "))
    }

    @Test func daemonizesWritesPidfileAndRemovesItOnStop() throws {
        let ng = freePort()
        let pidfile = NSTemporaryDirectory() + "rtpengine-it-\(UUID().uuidString).pid"
        let launcher = try DaemonProcess(arguments: [
            "--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-p", pidfile, "-E",
        ])
        // The launching process returns once the detached daemon is up.
        #expect(launcher.waitForExit() == 0, "\(launcher.output)")
        let text = try String(contentsOfFile: pidfile, encoding: .utf8)
        let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(pid, SIGKILL) }
        #expect(pid != launcher.pid)
        #expect(kill(pid, 0) == 0)
        #expect(udpExchange("127.0.0.1", ng, "p d7:command4:pinge") == "p d6:result4:ponge")
        kill(pid, SIGTERM)
        let start = Date()
        while !processEnded(pid), Date().timeIntervalSince(start) < 2 { usleep(10_000) }
        #expect(processEnded(pid), "daemon did not exit within 2 s")
        #expect(!FileManager.default.fileExists(atPath: pidfile))
        #expect(portIsFree("127.0.0.1", ng))
    }

    @Test func notifiesSystemdReadyAndStopping() throws {
        let notify = try NotifySocket()
        func receive() -> String { notify.receive() }
        let ng = freePort()
        let d = try DaemonProcess(
            arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"],
            environment: ["NOTIFY_SOCKET": notify.path])
        defer { d.stop(signal: SIGKILL) }
        #expect(receive().hasPrefix("READY=1"))
        // Ready means listening.
        #expect(udpExchange("127.0.0.1", ng, "r d7:command4:pinge") == "r d6:result4:ponge")
        kill(d.pid, SIGTERM)
        #expect(receive().contains("STOPPING=1"))
        #expect(d.stop().status == 0)
    }

    @Test func hostileDatagramsGetErrorsAndTheDaemonSurvives() throws {
        let ng = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng))
        #expect(udpExchange("127.0.0.1", ng, "a garbage") == "a d6:result5:error12:error-reason22:Invalid NG data formate")
        #expect(udpExchange("127.0.0.1", ng, "o d7:command15:start recording7:call-id1:xe")?.contains("not supported") == true)
        var payload = Array("big ".utf8)
        payload += [UInt8](repeating: UInt8(ascii: "l"), count: 60_000)
        #expect(udpExchange("127.0.0.1", ng, payload)
                .map { String(decoding: $0, as: UTF8.self) } == "big d6:result5:error12:error-reason22:Invalid NG data formate")
        // A large but valid request is read whole.
        let pad = String(repeating: "x", count: 60_000)
        #expect(udpExchange("127.0.0.1", ng, "large d7:command4:ping3:pad60000:\(pad)e") == "large d6:result4:ponge")
        for i in 0..<200 {
            let junk = (0..<Int.random(in: 0..<300)).map { _ in UInt8.random(in: 0...255) }
            _ = udpExchange("127.0.0.1", ng, Array("j\(i) ".utf8) + junk, timeout: 0.05)
        }
        #expect(udpExchange("127.0.0.1", ng, "after d7:command4:pinge") == "after d6:result4:ponge")
        #expect(d.stop().status == 0)
    }
}
