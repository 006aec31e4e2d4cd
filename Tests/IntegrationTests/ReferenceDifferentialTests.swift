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
        // JSON in, JSON out, for the call commands too (SDP escaped as JSON strings).
        #"{"command":"offer","call-id":"json-CALL","from-tag":"a","label":"caf\u00e9","flags":["trust-address"],"sdp":"v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 8\r\na=x:\"q\"\r\n"}"#,
        #"{"command":"query","call-id":"json-unknown"}"#,
        #"{"command":"delete","call-id":"json-CALL","from-tag":"zz"}"#,
        #"{"command":"offer"}"#,
    ]

    /// Allocated ports differ between the two daemons; everything else must not.
    static func maskPorts(_ reply: String) -> String {
        reply.replacingOccurrences(of: #"(m=audio |a=rtcp:)[0-9]+"#, with: "$1PORT", options: .regularExpression)
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func pingAndErrorRepliesMatchTheReference() throws {
        let pair = try ReferencePair()
        let (refPort, ourPort) = (pair.refPort, pair.ourPort)
        for (n, body) in Self.requests.enumerated() {
            // Fresh cookies: the reference caches replies by cookie.
            let cookie = "diff\(n)-\(UUID().uuidString.prefix(8))"
            let request = body.replacingOccurrences(of: "json-CALL", with: "json-\(cookie)")
            let theirs = udpExchange("127.0.0.1", refPort, "\(cookie) \(request)").map(Self.maskPorts)
            let mine = udpExchange("127.0.0.1", ourPort, "\(cookie) \(request)").map(Self.maskPorts)
            #expect(mine == theirs, "request \(body)")
        }
        #expect(pair.ours.stop().status == 0)
    }
}
