import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The README's quick start, run as written, on a host that has Debian's rtpengine
/// configuration in /etc/rtpengine (its CLI on localhost:2224, not the 9900 `make run`
/// uses): in a network namespace (so the fixed ports 2223 and 9900 are free) and a mount
/// namespace over a copy of /etc holding that file, so the real host is not touched.
@Suite struct QuickStartTests {
    /// The commands of the README's "Try it once `make run` is up" block, comments cut.
    static func quickStart() throws -> [String] {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let after = try #require(readme.range(of: "Try it once `make run` is up:"))
        let block = readme[after.upperBound...].components(separatedBy: "```")[1]
        return block.split(separator: "\n").dropFirst().map { line in
            String(line.split(separator: "#", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `make run`'s command, from the Makefile.
    static func makeRun() throws -> String {
        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let recipe = try #require(makefile.components(separatedBy: "\nrun:").dropFirst().first)
        return try #require(recipe.split(separator: "\n").dropFirst().first).trimmingCharacters(in: .whitespaces)
    }

    static let debianConfig = """
        [rtpengine]
        table = 0
        interface = any
        listen-ng = localhost:2223
        listen-http = localhost:2225
        listen-cli = localhost:2224

        """

    @Test(.enabled(if: getuid() == 0 && access("/usr/sbin/ip", X_OK) == 0 && access("/usr/bin/unshare", X_OK) == 0
                   && access("/usr/bin/nc", X_OK) == 0, "needs root, iproute2, unshare and nc (netcat-openbsd)"))
    func theQuickStartWorksWhereDebiansRtpengineIsConfigured() throws {
        let built = URL(fileURLWithPath: daemonBinary()).deletingLastPathComponent().path
        func local(_ command: String) -> String { command.replacingOccurrences(of: ".build/release/", with: built + "/") }
        let ns = "rtpe-qs-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        let etc = NSTemporaryDirectory() + ns
        _ = try runProcess("/bin/cp", ["-a", "/etc", etc])
        defer { try? FileManager.default.removeItem(atPath: etc) }
        try FileManager.default.createDirectory(atPath: etc + "/rtpengine", withIntermediateDirectories: true)
        // Debian's own file when `make peers` unpacked it, else the lines that matter of it.
        let shipped = Peers.folder + "/rtpengine-daemon/etc/rtpengine/rtpengine.conf"
        let config = (try? String(contentsOfFile: shipped, encoding: .utf8)) ?? Self.debianConfig
        #expect(config.contains("listen-cli = localhost:2224"))
        try config.write(toFile: etc + "/rtpengine/rtpengine.conf", atomically: true, encoding: .utf8)
        _ = try runProcess("/usr/sbin/ip", ["netns", "add", ns])
        defer { _ = try? runProcess("/usr/sbin/ip", ["netns", "del", ns]) }
        _ = try runProcess("/usr/sbin/ip", ["netns", "exec", ns, "/usr/sbin/ip", "link", "set", "lo", "up"])
        /// `command` in the namespaces, from the package's folder, as a shell runs it.
        func inHost(_ command: String) -> [String] {
            ["netns", "exec", ns, "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
             "mount --bind \(etc) /etc && cd \(packageRoot.path) && \(command)"]
        }
        let daemon = try DaemonProcess("/usr/sbin/ip", arguments: inHost("exec " + local(try Self.makeRun())))
        defer { daemon.stop(signal: SIGKILL) }
        let commands = try Self.quickStart()
        #expect(commands.count == 2)
        // The ping: retried while the daemon starts.
        var ping = ""
        let deadline = Date().addingTimeInterval(10)
        while !ping.contains("x d6:result4:ponge"), Date() < deadline {
            ping = try runProcess("/usr/sbin/ip", inHost(local(commands[0]))).output
        }
        #expect(ping.contains("x d6:result4:ponge"), "\(daemon.output)")
        let ctl = try runProcess("/usr/sbin/ip", inHost(local(commands[1])))
        #expect(ctl.status == 0 && ctl.output.contains("Uptime of rtpengine"), "\(commands[1]): \(ctl.output)")
        // Without naming the file, rtpengine-ctl goes by Debian's: the failure the README avoids.
        let plain = try runProcess("/usr/sbin/ip", inHost(local(".build/release/rtpengine-ctl list totals")))
        #expect(plain.status != 0 && plain.output.contains("localhost:2224"), "\(plain.output)")
        #expect(daemon.stop().status == 0)
    }
}
