import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Feeds the same ng datagrams to Debian's rtpengine 10.5 and to ours and compares replies.
/// Skipped, with the reason printed, when the reference binary is not installed.
@Suite struct ReferenceDifferentialTests {
    static let reference = "/usr/bin/rtpengine"
    static var referenceInstalled: Bool { FileManager.default.isExecutableFile(atPath: reference) }

    static let requests = [
        "d7:command4:pinge",
        "d7:command3:fooe",
        "d7:command4:PINGe",
        "garbage",
        "l4:pinge",
        "i3e",
        "d7:commandi3ee",
        "de",
        "d7:command9:statisticse",
        "d7:command4:pinge3:xyz",
        "{\"command\":\"ping\"}",
    ]

    @Test(.enabled(if: referenceInstalled, "reference rtpengine not installed at /usr/bin/rtpengine (apt-get install rtpengine-daemon)"))
    func pingAndErrorRepliesMatchTheReference() throws {
        let refPort = freePort(), ourPort = freePort()
        let common = ["--config-file=none", "--table=-1", "--interface=127.0.0.1", "--foreground", "--log-stderr"]
        let ref = try DaemonProcess(Self.reference, arguments: common + [
            "--listen-ng=127.0.0.1:\(refPort)", "--port-min=41000", "--port-max=41100",
        ])
        defer { ref.stop(signal: SIGKILL) }
        let ours = try DaemonProcess(arguments: common + ["--listen-ng=127.0.0.1:\(ourPort)"])
        defer { ours.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", refPort), "reference did not start: \(ref.output)")
        #expect(waitForPong("127.0.0.1", ourPort), "ours did not start: \(ours.output)")
        for (n, body) in Self.requests.enumerated() {
            // Fresh cookies: the reference caches replies by cookie.
            let cookie = "diff\(n)-\(UUID().uuidString.prefix(8))"
            let theirs = udpExchange("127.0.0.1", refPort, "\(cookie) \(body)")
            let mine = udpExchange("127.0.0.1", ourPort, "\(cookie) \(body)")
            #expect(mine == theirs, "request \(body)")
        }
        #expect(ours.stop().status == 0)
    }
}
