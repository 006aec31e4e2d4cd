import Bencode
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Real RTP/RTCP through the daemon over loopback: what arrives where, byte for byte, and
/// what must not arrive at all. Each test has its own daemon and media port range (46000-47999).
@Suite struct MediaRelayTests {
    @Test func relaysRTPAndRTCPBothWaysFromTheNegotiatedPorts() throws {
        let (d, ng) = try startRelayDaemon(portMin: 46000)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish()
        for seq in 0..<5 {
            let p = rtpPacket(seq: UInt16(seq))
            call.a.send(p, to: call.aSendsTo)
            let got = try #require(call.b.receive(), "B must receive A's RTP")
            #expect(got.bytes == p)
            #expect(got.from == call.bSendsTo, "symmetric: B hears A from the port B sends to")
        }
        let back = rtpPacket(seq: 7, ssrc: 0xabcdef01, payloadType: 8)
        call.b.send(back, to: call.bSendsTo)
        let atA = try #require(call.a.receive())
        #expect(atA.bytes == back && atA.from == call.aSendsTo)

        // RTCP goes port+1 to port+1.
        call.a.send(rtcpPacket(), to: call.aSendsTo + 1)
        #expect(call.b.receive(timeout: 0.3) == nil, "RTCP must not arrive on B's RTP port")
        #expect(call.a.receive(timeout: 0.1) == nil, "nothing comes back to the sender")

        let q = try #require(call.command("query"))
        let aStream = q["tags"]?["a"]?["medias"]?[0]?["streams"]?[0]
        #expect(aStream?["stats"]?["packets"]?.integerValue == 5)
        #expect(aStream?["stats"]?["bytes"]?.integerValue == Int64(5 * 172))
        #expect(aStream?["SSRC"]?.integerValue == 0x1122_3344)
        #expect(q["tags"]?["b"]?["medias"]?[0]?["codec"]?.stringValue == "PCMA/8000")
        #expect(q["totals"]?["RTP"]?["packets"]?.integerValue == 6)
    }

    @Test func relaysWithOneDatagramPerSystemCallToo() throws {
        let (d, ng) = try startRelayDaemon(portMin: 59400, environment: ["RTPENGINE_NO_MMSG": "1"])
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish()
        for seq in 0..<40 { call.a.send(rtpPacket(seq: UInt16(seq)), to: call.aSendsTo) }
        var got = 0
        while let p = call.b.receive(timeout: 0.5), p.bytes == rtpPacket(seq: UInt16(got)) { got += 1 }
        #expect(got == 40, "every datagram, in order")
        #expect(d.output.contains("one datagram per system call"))
    }

    @Test func hostileDatagramsAreCountedAndTheRelayCarriesOn() throws {
        let (d, ng) = try startRelayDaemon(portMin: 59600)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish(offer: [("rtcp-mux", .list([.string("demux")]))], aSDP: ["a=rtcp-mux"])
        // Empty, one-byte, not-RTP and oversized (beyond any MTU) datagrams, on RTP and RTCP ports.
        let junk: [[UInt8]] = [[], [0xff], [0x80], Array(repeating: 0x41, count: 40), Array(repeating: 0x80, count: 9000)]
        for j in junk {
            call.a.send(j, to: call.aSendsTo)
            call.a.send(j, to: call.aSendsTo + 1)
        }
        // Everything is relayed as it is (a relay does not judge payloads), the oversized one
        // cut to 8192 bytes as 10.5 cuts it.
        var relayed = 0
        while let p = call.b.receive(timeout: 0.3) {
            #expect(p.bytes.count <= 8192)
            relayed += 1
        }
        // On B's RTP port: the empty, one-byte, 0x80 and oversized ones (0x41 0x41... reads as
        // RTCP type 65 on A's muxed port and goes to B's RTCP port; A's section, muxed from
        // the start, holds no RTCP port, so what went to the port after it reached nobody).
        #expect(relayed == 4)
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        call.b.drain(wait: 0.1)
        call.b.send(rtpPacket(seq: 2), to: call.bSendsTo)
        #expect(call.a.receive()?.bytes == rtpPacket(seq: 2), "the call still works")
        #expect(ngRequest(ng, [("command", .string("ping"))])?["result"]?.stringValue == "pong")
    }

    @Test func rtcpReachesThePeersRTCPPort() throws {
        let (d, ng) = try startRelayDaemon(portMin: 46200)
        defer { d.stop(signal: SIGKILL) }
        // B receives RTCP on its own socket at B's port + 1.
        let call = RelayedCall(ng: ng)
        let (b, bRTCP) = (call.b, call.bRTCP)
        try call.establish()
        let report = rtcpPacket()
        call.a.send(report, to: call.aSendsTo + 1)
        let got = try #require(bRTCP.receive())
        #expect(got.bytes == report && got.from == call.bSendsTo + 1)
        #expect(b.receive(timeout: 0.2) == nil)
    }

    @Test func rtcpMuxIsDemuxedTowardsAPeerWithoutMux() throws {
        let (d, ng) = try startRelayDaemon(portMin: 46400)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        let (b, bRTCP) = (call.b, call.bRTCP)
        // A offers mux; the proxy accepts it for A and demuxes towards B, which does not mux.
        try call.establish(offer: [("rtcp-mux", .list([.string("demux")]))], aSDP: ["a=rtcp-mux"])
        let report = rtcpPacket()
        call.a.send(report, to: call.aSendsTo)
        let got = try #require(bRTCP.receive(), "RTCP muxed on A's RTP port must reach B's RTCP port")
        #expect(got.bytes == report)
        #expect(b.receive(timeout: 0.2) == nil)
        // B's RTCP goes back muxed, to A's RTP port.
        bRTCP.send(report, to: call.bSendsTo + 1)
        let atA = try #require(call.a.receive())
        #expect(atA.bytes == report && atA.from == call.aSendsTo)
        // RTP on the muxed port still goes to B's RTP port.
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(b.receive()?.bytes == rtpPacket(seq: 1))
        // Muxed from the start, A's section holds its RTP port alone (as 10.5 binds it):
        // the port after it is not the proxy's.
        let query = call.command("query")
        #expect(query?["tags"]?["a"]?["medias"]?[0]?["streams"]?[1]?["local port"]?.integerValue == 0, "\(String(describing: query))")
    }

    @Test func learnsWhereAPhoneReallySendsFrom() throws {
        let (d, ng) = try startRelayDaemon(portMin: 46600)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish()
        // A's SDP names one port but A sends from another (a NAT, or a phone's habit).
        let aReal = UDPPeer()
        aReal.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receive() != nil)
        call.b.send(rtpPacket(seq: 1, ssrc: 9), to: call.bSendsTo)
        #expect(aReal.receive()?.bytes == rtpPacket(seq: 1, ssrc: 9), "B's media must follow A to where it sends from")
        #expect(call.a.receive(timeout: 0.2) == nil, "and no longer go to the SDP's port")
        let q = call.command("query")
        #expect(q?["tags"]?["a"]?["medias"]?[0]?["streams"]?[0]?["endpoint"]?["port"]?.integerValue == Int64(aReal.port))
        #expect(q?["tags"]?["a"]?["medias"]?[0]?["streams"]?[0]?["advertised endpoint"]?["port"]?.integerValue == Int64(call.a.port))
    }

    @Test func asymmetricAndLearningOffKeepTheSDPAddress() throws {
        let (d, ng) = try startRelayDaemon(portMin: 46800)
        defer { d.stop(signal: SIGKILL) }
        for (i, offer) in [[("flags", BencodeValue.list([.string("asymmetric")]))],
                           [("endpoint-learning", .string("off"))]].enumerated() {
            let call = RelayedCall(ng: ng, callID: "asym-\(i)")
            try call.establish(offer: offer)
            let aReal = UDPPeer()
            aReal.send(rtpPacket(seq: 1), to: call.aSendsTo)
            #expect(call.b.receive() != nil)
            call.b.send(rtpPacket(seq: 1), to: call.bSendsTo)
            #expect(call.a.receive() != nil, "media to A stays on A's SDP port")
            #expect(aReal.receive(timeout: 0.2) == nil)
        }
    }

    @Test func strictSourceDropsASpoofedSourceAfterLearning() throws {
        let (d, ng) = try startRelayDaemon(portMin: 47000)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish(offer: [("flags", .list([.string("strict-source")])), ("endpoint-learning", .string("immediate"))])
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receive() != nil)
        let spoofer = UDPPeer()
        spoofer.send(rtpPacket(seq: 2, fill: 0x11), to: call.aSendsTo)
        #expect(call.b.receive(timeout: 0.3) == nil, "a packet from another source must be dropped")
        call.a.send(rtpPacket(seq: 3), to: call.aSendsTo)
        #expect(call.b.receive()?.bytes == rtpPacket(seq: 3))

        // Without strict source the same spoofed packet is forwarded (learning is over).
        let open = RelayedCall(ng: ng, callID: "open")
        try open.establish(offer: [("endpoint-learning", .string("immediate"))])
        open.a.send(rtpPacket(seq: 1), to: open.aSendsTo)
        #expect(open.b.receive() != nil)
        spoofer.send(rtpPacket(seq: 2), to: open.aSendsTo)
        #expect(open.b.receive() != nil)
        // media handover moves the endpoint to the new source instead.
        let moving = RelayedCall(ng: ng, callID: "handover")
        try moving.establish(offer: [("flags", .list([.string("media-handover")])), ("endpoint-learning", .string("immediate"))])
        moving.a.send(rtpPacket(seq: 1), to: moving.aSendsTo)
        #expect(moving.b.receive() != nil)
        spoofer.send(rtpPacket(seq: 2), to: moving.aSendsTo)
        #expect(moving.b.receive() != nil)
        moving.b.send(rtpPacket(seq: 5), to: moving.bSendsTo)
        #expect(spoofer.receive()?.bytes == rtpPacket(seq: 5), "handover: media follows the new source")
    }

    @Test func blockMediaStopsOneDirectionUntilUnblocked() throws {
        let (d, ng) = try startRelayDaemon(portMin: 47200)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish()
        #expect(call.command("block media", [("from-tag", .string("a"))])?["result"]?.stringValue == "ok")
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receive(timeout: 0.3) == nil, "A is blocked")
        call.b.send(rtpPacket(seq: 1), to: call.bSendsTo)
        #expect(call.a.receive() != nil, "B is not")
        #expect(call.command("unblock media", [("from-tag", .string("a"))])?["result"]?.stringValue == "ok")
        call.a.send(rtpPacket(seq: 2), to: call.aSendsTo)
        #expect(call.b.receive()?.bytes == rtpPacket(seq: 2))
        // Whole call.
        #expect(call.command("block media")?["result"]?.stringValue == "ok")
        call.b.send(rtpPacket(seq: 3), to: call.bSendsTo)
        #expect(call.a.receive(timeout: 0.3) == nil)
        #expect(call.command("block media", [("from-tag", .string("zz"))])?["error-reason"]?.stringValue
                == "From-tag given, but no such tag exists")
        #expect(ngRequest(ng, [("command", .string("block media")), ("call-id", .string("nope"))])?["error-reason"]?.stringValue
                == "Unknown call-ID")
    }

    @Test func dropTrafficAndMediaEcho() throws {
        let (d, ng) = try startRelayDaemon(portMin: 47400)
        defer { d.stop(signal: SIGKILL) }
        let dropped = RelayedCall(ng: ng, callID: "drop")
        try dropped.establish(answer: [("drop-traffic", .string("start"))])
        dropped.a.send(rtpPacket(seq: 1), to: dropped.aSendsTo)
        dropped.b.send(rtpPacket(seq: 1), to: dropped.bSendsTo)
        #expect(dropped.b.receive(timeout: 0.3) == nil && dropped.a.receive(timeout: 0.1) == nil)

        // backwards: media echoes to the sender of the message (A, for an offer), with a new SSRC;
        // what B sends is discarded.
        let echo = RelayedCall(ng: ng, callID: "echo")
        try echo.establish(offer: [("media-echo", .string("backwards"))])
        let p = rtpPacket(seq: 4)
        echo.a.send(p, to: echo.aSendsTo)
        let back = try #require(echo.a.receive(), "A hears itself")
        #expect(back.from == echo.aSendsTo)
        #expect(Array(back.bytes[0..<8]) == Array(p[0..<8]) && Array(back.bytes[12...]) == Array(p[12...]))
        #expect(Array(back.bytes[8..<12]) != Array(p[8..<12]), "the echo carries its own SSRC")
        #expect(echo.b.receive(timeout: 0.2) == nil)
        echo.b.send(p, to: echo.bSendsTo)
        #expect(echo.a.receive(timeout: 0.3) == nil)
    }

    @Test func natWaitHoldsMediaUntilThePeerHasSent() throws {
        let (d, ng) = try startRelayDaemon(portMin: 47600)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish(offer: [("flags", .list([.string("NAT-wait")]))])
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receive(timeout: 0.3) == nil, "B has not sent yet")
        call.b.send(rtpPacket(seq: 1), to: call.bSendsTo)
        #expect(call.a.receive() != nil)
        call.a.send(rtpPacket(seq: 2), to: call.aSendsTo)
        #expect(call.b.receive()?.bytes == rtpPacket(seq: 2))
    }

    @Test func packetsWithoutAPeerAreDroppedUntilTheAnswer() throws {
        let (d, ng) = try startRelayDaemon(portMin: 47800)
        defer { d.stop(signal: SIGKILL) }
        let a = UDPPeer(), b = UDPPeer()
        let o = ngRequest(ng, [("command", .string("offer")), ("call-id", .string("early")), ("from-tag", .string("a")),
                               ("sdp", .string(phoneSDP(a.port)))])
        let toB = try #require(o?["sdp"]?.stringValue.flatMap { mediaPorts($0).first })
        // A's media has nowhere to go before B answers (or sends): counted, not forwarded.
        let toA = toB - 2
        a.send(rtpPacket(seq: 2), to: toA)
        #expect(b.receive(timeout: 0.3) == nil)
        // Early media from B reaches A: A's address is known from the offer.
        b.send(rtpPacket(seq: 1), to: toB)
        #expect(a.receive()?.bytes == rtpPacket(seq: 1))
        // Now B's source is learned, so A's media has somewhere to go.
        a.send(rtpPacket(seq: 3), to: toA)
        #expect(b.receive()?.bytes == rtpPacket(seq: 3))
    }
}
