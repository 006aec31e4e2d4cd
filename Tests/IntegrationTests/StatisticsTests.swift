import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct StatisticsTests {
    @Test func countersFollowRequestsAndSessionLimitAnswersLikeTheReference() throws {
        let ng = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)",
                                              "-m", "48400", "-M", "48499", "--max-sessions=1", "-f", "-E"])
        defer { d.stop(signal: SIGKILL) }
        try #require(waitForPong("127.0.0.1", ng))
        let sdp = BencodeValue.string(CallPortTests.offerSDP)
        let first = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("s1")), ("from-tag", .string("a")), ("sdp", sdp)])
        #expect(first?["result"]?.stringValue == "ok")
        let limited = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("s2")), ("from-tag", .string("a")), ("sdp", sdp)])
        #expect(limited?["error-reason"]?.stringValue == "Parallel session limit reached")
        let loadLimit = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("s3")), ("from-tag", .string("a")),
                                       ("sdp", sdp), ("supports", .list([.string("load limit")]))])
        #expect(loadLimit?["result"]?.stringValue == "load limit")
        #expect(loadLimit?["message"]?.stringValue == "Parallel session limit reached")

        let stats = try #require(ngRequest(ng, [("command", .string("statistics"))])?["statistics"])
        #expect(stats["currentstatistics"]?["sessionsown"] == .integer(1))
        // Totals cover ended calls only, as rtpengine's ("does not include current running sessions").
        #expect(stats["totalstatistics"]?["managedsessions"] == .integer(0))
        #expect(stats["totalstatistics"]?["rejectedsessions"] == .integer(2))
        let control = stats["controlstatistics"]
        #expect(control?["totaloffercount"] == .integer(3))
        #expect(control?["totalpingcount"] == .integer(1) || control?["totalpingcount"] == .integer(2))
        if case .list(let proxies)? = control?["proxies"], let proxy = proxies.first {
            #expect(proxy["proxy"]?.stringValue == "127.0.0.1")
            #expect(proxy["offercount"] == .integer(3))
            #expect(proxy["errorcount"] == .integer(1))
        } else {
            Issue.record("no proxies in \(String(describing: control))")
        }
        if case .list(let ifaces)? = stats["interfaces"], let iface = ifaces.first {
            #expect(iface["ports"]?["used"] == .integer(4))
            #expect(iface["ports"]?["totals"] == .integer(100))
        } else {
            Issue.record("no interfaces")
        }
        #expect(d.stop().status == 0)
    }
}
