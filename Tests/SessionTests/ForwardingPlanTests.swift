import ByteText
import Bencode
import NG
import NetAddress
import Synchronization
import Testing
@testable import Session

/// Records what the registry installs, as the media engine would receive it.
final class FakeMedia: MediaPlane {
    let installed = Mutex<[ByteString: [SocketRule]]>([:])
    let counters = Mutex<[LocalSocket: StreamCounters]>([:])

    func install(callID: ByteString, rules: [SocketRule]) { installed.withLock { $0[callID] = rules } }
    func counters(of socket: LocalSocket) -> StreamCounters? { counters.withLock { $0[socket] } }
    func rules(_ id: String) -> [SocketRule] { installed.withLock { $0[ByteString(id)] ?? [] } }
}

/// The socket rules signalling hands to the media engine, without sockets.
@Suite struct ForwardingPlanTests {
    static let local = IPAddress("192.0.2.1")!
    let ports = FakePorts()
    let clock = FakeClock()
    let media = FakeMedia()
    let registry: CallRegistry

    init() {
        var settings = CallRegistry.Settings(interfaces: [MediaInterface(name: "default", address: Self.local)])
        settings.timeout = 60
        let clock = self.clock
        registry = CallRegistry(settings: settings, ports: ports, media: media, clock: { clock.now.withLock { $0 } })
    }

    func run(_ command: NGCommand, _ entries: [(String, BencodeValue)]) throws {
        _ = try registry.handle(NGRequestParser.parse(.dictionary(entries.map { (key: $0.0, value: $0.1) }), command: command))
    }

    func establish(_ id: String, offer: [(String, BencodeValue)] = [], aMedia: [String] = [], bMedia: [String] = []) throws {
        let a = (["v=0", "o=a 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 198.51.100.1", "t=0 0", "m=audio 5000 RTP/AVP 0"] + aMedia)
            .map { $0 + "\r\n" }.joined()
        let b = (["v=0", "o=b 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5", "t=0 0", "m=audio 6000 RTP/AVP 0"] + bMedia)
            .map { $0 + "\r\n" }.joined()
        try run(.offer, [("call-id", .string(id)), ("from-tag", .string("a")), ("sdp", .string(a))] + offer)
        try run(.answer, [("call-id", .string(id)), ("from-tag", .string("a")), ("to-tag", .string("b")), ("sdp", .string(b))])
    }

    func rule(_ rules: [SocketRule], port: UInt16) -> SocketRule? { rules.first { $0.socket.port == port } }

    @Test func aPlainCallForwardsEachSocketToThePeersSocket() throws {
        try establish("plain")
        let rules = media.rules("plain")
        #expect(rules.count == 4)
        // A's pair is 40000/40001 (allocated first), B's 40002/40003.
        let aRTP = try #require(rule(rules, port: 40000)), bRTP = try #require(rule(rules, port: 40002))
        #expect(aRTP.advertised == Endpoint(address: IPAddress("198.51.100.1")!, port: 5000))
        #expect(aRTP.rtpTarget?.port == 40002 && aRTP.rtcpTarget?.port == 40003)
        #expect(bRTP.advertised == Endpoint(address: IPAddress("203.0.113.5")!, port: 6000))
        #expect(bRTP.rtpTarget?.port == 40000 && bRTP.rtcpTarget?.port == 40001)
        #expect(rule(rules, port: 40003)?.isRTCP == true && rule(rules, port: 40003)?.advertised?.port == 6001)
        #expect(rules.allSatisfy { $0.action == .forward && $0.learning == .delayed })
    }

    /// `Userspace-only media streams` counts streams with packets while learning ran; one
    /// confirmed after learning counts as kernelized in 10.5 (no kernel support), not here.
    @Test func userspaceStreamsAreThoseWithPacketsBeforeConfirmation() throws {
        try establish("count")
        var learning = StreamCounters(), confirmed = StreamCounters()
        learning.packets = 3
        confirmed.packets = 3
        confirmed.confirmed = true
        media.counters.withLock {
            $0[LocalSocket(address: Self.local, port: 40000)] = learning
            $0[LocalSocket(address: Self.local, port: 40002)] = confirmed
        }
        #expect(registry.streamsWithTraffic() == 1)
    }

    @Test func rtcpTowardsAMuxingSideGoesToItsRTPSocket() throws {
        try establish("mux", offer: [("rtcp-mux", .list([.string("demux")]))], aMedia: ["a=rtcp-mux"])
        let rules = media.rules("mux")
        // B's RTCP goes to A muxed; A's RTP socket tells RTCP apart.
        #expect(rule(rules, port: 40003)?.rtcpTarget?.port == 40000)
        #expect(rule(rules, port: 40000)?.demux == true && rule(rules, port: 40000)?.rtcpTarget?.port == 40003)
    }

    @Test func blockEchoAndDropChangeTheAction() throws {
        try establish("ctl", offer: [("media-echo", .string("forward"))])
        var rules = media.rules("ctl")
        #expect(rule(rules, port: 40002)?.action == .echo, "forward echoes towards the offer's receiver")
        #expect(rule(rules, port: 40000)?.action == .drop)
        try run(.blockMedia, [("call-id", .string("ctl")), ("from-tag", .string("b"))])
        rules = media.rules("ctl")
        #expect(rule(rules, port: 40002)?.action == .drop)
        #expect(throws: NGError.unknownFromTag) { try self.run(.blockMedia, [("call-id", .string("ctl")), ("from-tag", .string("x"))]) }
        #expect(throws: NGError.unknownCallID) { try self.run(.unblockMedia, [("call-id", .string("none"))]) }
    }

    @Test func asymmetricTurnsLearningOffForItsSender() throws {
        try establish("asym", offer: [("flags", .list([.string("asymmetric"), .string("strict-source")]))])
        let rules = media.rules("asym")
        #expect(rule(rules, port: 40000)?.learning == .off)
        #expect(rule(rules, port: 40002)?.learning == .delayed)
        #expect(rules.allSatisfy { $0.strictSource })
    }

    @Test func silentCallsTimeOutAndCountedOnce() throws {
        try establish("idle")
        clock.advance(30)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(registry.callCount == 1)
        // Packets keep it alive.
        let now = clock.now.withLock { $0 }
        var c = StreamCounters()
        c.lastPacket = now
        media.counters.withLock { $0[LocalSocket(address: Self.local, port: 40000)] = c }
        clock.advance(40)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(registry.callCount == 1)
        clock.advance(30)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(registry.callCount == 0)
        #expect(registry.lifetimeTotals.timeouts == 1)
        #expect(ports.live.isEmpty)
    }
}
