import Bencode
import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CallPortTests {
    static let offerSDP = "v=0\r\no=alice 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"

    /// The m= port of the SDP in a reply.
    static func mediaPort(_ reply: BencodeValue?) -> UInt16? {
        guard let sdp = reply?["sdp"]?.stringValue,
              let line = sdp.split(separator: "\r\n").first(where: { $0.hasPrefix("m=") }) else { return nil }
        return UInt16(line.split(separator: " ")[1])
    }

    /// Both tests count ports exactly, so their ranges lie outside the ephemeral range.
    @Test func offeredPortsAreBoundUntilDeleteAndFreedOnShutdown() throws {
        try #require(outsideEphemeralRange(65220...65319), "media range overlaps the kernel's ephemeral ports")
        let ng = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)",
                                              "-m", "65220", "-M", "65319", "-f", "-E"])
        defer { d.stop(signal: SIGKILL) }
        try #require(waitForPong("127.0.0.1", ng), "\(d.output)")
        func offer(_ id: String) -> UInt16? {
            Self.mediaPort(ngRequest(ng, [("command", .string("offer")), ("call-id", .string(id)),
                                          ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        }
        let p1 = try #require(offer("call-1"))
        #expect((65220...65318).contains(Int(p1)) && p1 % 2 == 0)
        #expect(!portIsFree("127.0.0.1", p1) && !portIsFree("127.0.0.1", p1 + 1), "RTP/RTCP must be bound")
        _ = ngRequest(ng, [("command", .string("delete")), ("call-id", .string("call-1")), ("delete-delay", .integer(0))])
        #expect(portIsFree("127.0.0.1", p1) && portIsFree("127.0.0.1", p1 + 1), "ports must be released on delete")

        var held: [UInt16] = []
        for i in 0..<10 { if let p = offer("call-many-\(i)") { held.append(p) } }
        #expect(held.count == 10)
        let (status, seconds) = d.stop(signal: SIGINT)
        #expect(status == 0 && seconds < 2)
        #expect(held.allSatisfy { portIsFree("127.0.0.1", $0) }, "shutdown must close every media socket")
    }

    @Test func exhaustedRangeAnswersAnErrorAndRecovers() throws {
        try #require(outsideEphemeralRange(65320...65323), "media range overlaps the kernel's ephemeral ports")
        let ng = freePort()
        // Room for two pairs: one offer takes both (caller and callee side).
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)",
                                              "-m", "65320", "-M", "65323", "-f", "-E"])
        defer { d.stop(signal: SIGKILL) }
        try #require(waitForPong("127.0.0.1", ng))
        let offer: (String) -> BencodeValue? = { id in
            ngRequest(ng, [("command", .string("offer")), ("call-id", .string(id)), ("from-tag", .string("a")),
                           ("sdp", .string(Self.offerSDP))])
        }
        #expect(offer("x1")?["result"]?.stringValue == "ok")
        #expect(offer("x2")?["error-reason"]?.stringValue == "Ran out of ports")
        _ = ngRequest(ng, [("command", .string("delete")), ("call-id", .string("x1")), ("delete-delay", .integer(0))])
        _ = ngRequest(ng, [("command", .string("delete")), ("call-id", .string("x2")), ("delete-delay", .integer(0))])
        #expect(offer("x3")?["result"]?.stringValue == "ok", "ports of failed and deleted calls must come back")
        #expect(d.stop().status == 0)
    }
}
