import Bencode
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Per-call media controls and learning variants over loopback (media ports 58200-59999).
@Suite struct MediaControlTests {
    @Test func heuristicLearningPrefersTheSDPAddressOverTheNewestSource() throws {
        let (d, ng) = try startRelayDaemon(portMin: 58200)
        defer { d.stop(signal: SIGKILL) }
        for (mode, expectAtSDPPort) in [("heuristic", true), ("delayed", false)] {
            let call = RelayedCall(ng: ng, callID: "learn-\(mode)")
            try call.establish(offer: [("endpoint-learning", .string(mode))])
            let other = UDPPeer()
            // Within the learning window: another source, then the SDP's, then the other again.
            for (seq, peer) in [other, call.a, other].enumerated() {
                peer.send(rtpPacket(seq: UInt16(seq)), to: call.aSendsTo)
                #expect(call.b.receive() != nil)
            }
            call.b.send(rtpPacket(seq: 9), to: call.bSendsTo)
            let atSDP = call.a.receive(timeout: 0.5) != nil
            let atOther = other.receive(timeout: 0.2) != nil
            #expect(atSDP == expectAtSDPPort && atOther == !expectAtSDPPort, "\(mode): SDP port \(atSDP), other \(atOther)")
        }
    }

    @Test func pierceNATSendsEmptyDatagramsUntilThePeerSends() throws {
        let (d, ng) = try startRelayDaemon(portMin: 58400)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish(offer: [("flags", .list([.string("pierce-NAT")]))])
        let punch = try #require(call.b.receive(timeout: 2.5), "B must get a NAT-opening datagram")
        #expect(punch.bytes.isEmpty && punch.from == call.bSendsTo)
        call.b.send(rtpPacket(seq: 1), to: call.bSendsTo)
        // A is pierced too (the flag is the call's): skip its empty datagrams.
        var atA = call.a.receive()
        while atA?.bytes.isEmpty == true { atA = call.a.receive() }
        #expect(atA?.bytes == rtpPacket(seq: 1))
        call.b.drain(wait: 0.1)
        #expect(call.b.receive(timeout: 1.5) == nil, "no more once B has sent")
        // Without the flag nothing is sent unasked.
        let quiet = RelayedCall(ng: ng, callID: "quiet")
        try quiet.establish()
        #expect(quiet.b.receive(timeout: 1.5) == nil)
    }

    @Test func mediaEchoForwardAndBoth() throws {
        let (d, ng) = try startRelayDaemon(portMin: 58600)
        defer { d.stop(signal: SIGKILL) }
        // forward: towards the receiver of the offer, B; what A sends is discarded.
        let forward = RelayedCall(ng: ng, callID: "echo-forward")
        try forward.establish(offer: [("media-echo", .string("forward"))])
        forward.b.send(rtpPacket(seq: 1), to: forward.bSendsTo)
        #expect(forward.b.receive().map { Array($0.bytes[12...]) } == Array(rtpPacket(seq: 1)[12...]))
        #expect(forward.a.receive(timeout: 0.2) == nil)
        forward.a.send(rtpPacket(seq: 2), to: forward.aSendsTo)
        #expect(forward.b.receive(timeout: 0.3) == nil && forward.a.receive(timeout: 0.1) == nil)
        // both: each side hears itself.
        let both = RelayedCall(ng: ng, callID: "echo-both")
        try both.establish(offer: [("media-echo", .string("both"))])
        both.a.send(rtpPacket(seq: 3), to: both.aSendsTo)
        both.b.send(rtpPacket(seq: 4), to: both.bSendsTo)
        #expect(both.a.receive()?.bytes[3] == 3)
        #expect(both.b.receive()?.bytes[3] == 4)
        // blackhole: nothing anywhere.
        let hole = RelayedCall(ng: ng, callID: "echo-blackhole")
        try hole.establish(offer: [("media-echo", .string("blackhole"))])
        hole.a.send(rtpPacket(seq: 5), to: hole.aSendsTo)
        hole.b.send(rtpPacket(seq: 6), to: hole.bSendsTo)
        #expect(hole.a.receive(timeout: 0.3) == nil && hole.b.receive(timeout: 0.1) == nil)
    }

    @Test func blockMediaByLabel() throws {
        let (d, ng) = try startRelayDaemon(portMin: 58800)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        try call.establish(offer: [("label", .string("caller"))])
        #expect(call.command("block media", [("label", .string("caller"))])?["result"]?.stringValue == "ok")
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receive(timeout: 0.3) == nil)
        #expect(call.command("block media", [("label", .string("nobody"))])?["error-reason"]?.stringValue
                == "No monologue matching the given label")
        #expect(call.command("unblock media", [("label", .string("caller"))])?["result"]?.stringValue == "ok")
        call.a.send(rtpPacket(seq: 2), to: call.aSendsTo)
        #expect(call.b.receive()?.bytes == rtpPacket(seq: 2))
        // By media address: B's is 127.0.0.1 like A's, so the first participant (A) matches.
        #expect(call.command("block media", [("address", .string("127.0.0.1"))])?["result"]?.stringValue == "ok")
        call.a.send(rtpPacket(seq: 3), to: call.aSendsTo)
        #expect(call.b.receive(timeout: 0.3) == nil)
        #expect(call.command("block media", [("address", .string("192.0.2.99"))])?["error-reason"]?.stringValue
                == "Failed to match address to any tag")
        #expect(call.command("block media", [("address", .string("garbage"))])?["error-reason"]?.stringValue
                == "Failed to parse network address")
    }

    @Test func finalAndSilentTimeouts() throws {
        let (d, ng) = try startRelayDaemon(portMin: 59000, extra: ["--final-timeout=2", "--silent-timeout=1", "--timeout=60"])
        defer { d.stop(signal: SIGKILL) }
        // On hold both ways: only the silent timeout applies.
        let held = RelayedCall(ng: ng, callID: "held")
        try held.establish(aSDP: ["a=inactive"], bSDP: ["a=inactive"])
        // Talking: ends at the final timeout all the same.
        let talking = RelayedCall(ng: ng, callID: "talking")
        try talking.establish()
        let end = Date().addingTimeInterval(3.2)
        var seq: UInt16 = 0
        while Date() < end {
            talking.a.send(rtpPacket(seq: seq), to: talking.aSendsTo)
            talking.b.send(rtpPacket(seq: seq), to: talking.bSendsTo)
            seq &+= 1
            usleep(50_000)
        }
        #expect(ngRequest(ng, [("command", .string("list"))])?["calls"] == .list([]))
        let stats = ngRequest(ng, [("command", .string("statistics"))])?["statistics"]?["totalstatistics"]
        #expect(stats?["silenttimeoutsessions"]?.integerValue == 1)
        #expect(stats?["finaltimeoutsessions"]?.integerValue == 1)
        #expect(stats?["timeoutsessions"]?.integerValue == 0)
    }

    @Test func outgoingPacketsCarryTheCallsTOS() throws {
        let (d, ng) = try startRelayDaemon(portMin: 59200)
        defer { d.stop(signal: SIGKILL) }
        let call = RelayedCall(ng: ng)
        // A request without TOS goes back to --tos (as rtpengine reads it), so both carry it.
        try call.establish(offer: [("TOS", .integer(184))], answer: [("TOS", .integer(184))])
        var on: Int32 = 1
        setsockopt(call.b.fd, Int32(IPPROTO_IP), IP_RECVTOS, &on, socklen_t(MemoryLayout<Int32>.size))
        call.a.send(rtpPacket(seq: 1), to: call.aSendsTo)
        #expect(call.b.receiveTOS() == 184)
    }
}

extension UDPPeer {
    /// The TOS byte of the next datagram (IP_RECVTOS must be on), or nil after a second.
    func receiveTOS() -> Int? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 1000) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var control = [UInt8](repeating: 0, count: 64)
        return buffer.withUnsafeMutableBytes { data -> Int? in
            control.withUnsafeMutableBytes { cmsg -> Int? in
                var iov = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &iov) { iovp -> Int? in
                    var msg = msghdr()
                    msg.msg_iov = iovp
                    msg.msg_iovlen = 1
                    msg.msg_control = cmsg.baseAddress
                    msg.msg_controllen = cmsg.count
                    guard recvmsg(fd, &msg, 0) >= 0, msg.msg_controllen >= MemoryLayout<cmsghdr>.size else { return nil }
                    // One control message: the header, then the TOS byte.
                    let header = cmsg.load(as: cmsghdr.self)
                    guard header.cmsg_level == IPPROTO_IP, header.cmsg_type == IP_TOS else { return nil }
                    return Int(cmsg[MemoryLayout<cmsghdr>.size])
                }
            }
        }
    }
}
