import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The units in systemd/: `systemd-analyze verify` accepts them (with the built binaries in
/// place of /usr/bin, and man pages checked against man/ instead of the man database), and
/// each ExecStart, run with a notification socket, reports READY=1 and, on SIGTERM,
/// STOPPING=1 before exiting 0.
@Suite(.serialized) struct SystemdUnitTests {
    static let units = ["rtpengine.service", "rtpengine@.service", "rtpengine-supervisor.service"]
    static var analyze: Bool { access("/usr/bin/systemd-analyze", X_OK) == 0 }

    static func unit(_ name: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("systemd/" + name), encoding: .utf8)
    }

    /// The unit with the built executables in place of the installed ones.
    static func localized(_ text: String) -> String {
        let built = URL(fileURLWithPath: daemonBinary()).deletingLastPathComponent().path
        return text.replacingOccurrences(of: "/usr/bin/rtpengine-supervisor", with: built + "/rtpengine-supervisor")
            .replacingOccurrences(of: "/usr/bin/rtpengine ", with: built + "/rtpengine ")
    }

    @Test(.enabled(if: analyze, "systemd-analyze not installed"), arguments: units)
    func systemdAnalyzeAcceptsTheUnit(_ name: String) throws {
        let dir = NSTemporaryDirectory() + "units-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try Self.unit(name)
        try Self.localized(text).write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        let output = try FirewallTests.sh(["/usr/bin/systemd-analyze", "verify", "--man=no", dir + "/" + name])
        #expect(output.isEmpty, "\(name): \(output)")
        // Its man pages are the ones in man/.
        for line in text.split(separator: "\n") where line.hasPrefix("Documentation=") {
            for page in line.dropFirst("Documentation=".count).split(separator: " ") {
                let ref = page.dropFirst("man:".count)   // rtpengine(8)
                let file = ref.replacingOccurrences(of: "(", with: ".").replacingOccurrences(of: ")", with: "")
                #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("man/" + file).path), "\(name): no man/\(file)")
            }
        }
    }

    /// ExecStart with the test's config and run folder in place of /etc and /run.
    static func execStart(_ name: String, config: String, runDir: String, instance: String) throws -> [String] {
        let line = try #require(Self.localized(try unit(name)).split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        return line.dropFirst("ExecStart=".count)
            .replacingOccurrences(of: "/etc/rtpengine/rtpengine.conf", with: config)
            .replacingOccurrences(of: "/run/rtpengine", with: runDir)
            .replacingOccurrences(of: "%i", with: instance)
            .split(separator: " ").map(String.init)
    }

    @Test(arguments: units)
    func execStartNotifiesReadyAndStopping(_ name: String) throws {
        let dir = NSTemporaryDirectory() + "unit-run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/run/a", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ngA = freePort(), ngB = freePort()
        let config: String
        if name == "rtpengine.service" {
            config = "[rtpengine]\ntable = -1\ninterface = 127.0.0.1\nlisten-ng = 127.0.0.1:\(ngA)\nport-min = 43100\nport-max = 43199\n"
        } else {
            config = try String(contentsOf: packageRoot.appendingPathComponent("conf.d/multi-instance.conf"), encoding: .utf8)
                .replacingOccurrences(of: "127.0.0.1:2223", with: "127.0.0.1:\(ngA)")
                .replacingOccurrences(of: "127.0.0.1:2224", with: "127.0.0.1:\(ngB)")
        }
        try config.write(toFile: dir + "/rtpengine.conf", atomically: true, encoding: .utf8)
        let command = try Self.execStart(name, config: dir + "/rtpengine.conf", runDir: dir + "/run", instance: "a")
        let notify = try NotifySocket()
        let p = try DaemonProcess(command[0], arguments: Array(command.dropFirst()), environment: ["NOTIFY_SOCKET": notify.path])
        defer {
            p.stop(signal: SIGKILL)
            for n in ["a", "b"] { if let pid = SupervisorTests.pid(n, in: dir + "/run") { kill(pid, SIGKILL) } }
        }
        #expect(notify.receive().hasPrefix("READY=1"), "\(name): \(p.output)")
        #expect(udpExchange("127.0.0.1", ngA, "u d7:command4:pinge") == "u d6:result4:ponge", "\(name): instance a answers")
        kill(p.pid, SIGTERM)
        #expect(notify.receive().contains("STOPPING=1"))
        #expect(p.stop(timeout: 8).status == 0)
    }
}
