import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Feeds the same ng datagrams to Debian's rtpengine 10.5 and to ours and compares replies.
/// Skipped, with the reason printed, when the reference binary is not installed.
@Suite struct ReferenceDifferentialTests {

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

    @Test(.enabled(if: ReferencePair.installed, "reference rtpengine not installed at /usr/bin/rtpengine (apt-get install rtpengine-daemon)"))
    func pingAndErrorRepliesMatchTheReference() throws {
        let pair = try ReferencePair()
        let (refPort, ourPort) = (pair.refPort, pair.ourPort)
        for (n, body) in Self.requests.enumerated() {
            // Fresh cookies: the reference caches replies by cookie.
            let cookie = "diff\(n)-\(UUID().uuidString.prefix(8))"
            let theirs = udpExchange("127.0.0.1", refPort, "\(cookie) \(body)")
            let mine = udpExchange("127.0.0.1", ourPort, "\(cookie) \(body)")
            #expect(mine == theirs, "request \(body)")
        }
        #expect(pair.ours.stop().status == 0)
    }
}
