import Bencode
import Foundation
import NG
import NetAddress
import SDP
import Synchronization
import Testing
@testable import Session

/// Hands out ports from a counter and records releases.
final class FakePorts: PortAllocator {
    let state = Mutex<(next: UInt16, live: Set<UInt16>, limit: Int)>((40000, [], 1000))
    let tos = Mutex<[UInt16: Int]>([:])

    func setTOS(_ value: Int, for pair: PortPair, on interface: MediaInterface) {
        tos.withLock { $0[pair.rtp] = value }
    }

    init(limit: Int = 1000) { state.withLock { $0.limit = limit } }

    var live: Set<UInt16> { state.withLock { $0.live } }

    func allocate(on interface: MediaInterface, pairs: Int) -> PortPair? {
        state.withLock { s in
            guard s.live.count + pairs <= s.limit else { return nil }
            let block = PortPair(rtp: s.next, pairs: pairs)
            s.next += UInt16(2 * pairs)
            for pair in block.each { s.live.insert(pair.rtp) }
            return block
        }
    }

    func release(_ block: PortPair, on interface: MediaInterface) {
        state.withLock { s in
            for pair in block.each { s.live.remove(pair.rtp) }
        }
    }
}

final class FakeClock: Sendable {
    let now = Mutex<Double>(1000)
    func advance(_ s: Double) { now.withLock { $0 += s } }
}

@Suite struct CallRegistryTests {
    static let offerSDP = "v=0\r\no=alice 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 8\r\na=sendrecv\r\n"
    static let answerSDP = "v=0\r\no=bob 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\n"

    let ports = FakePorts()
    let clock = FakeClock()
    let registry: CallRegistry

    init() {
        var settings = CallRegistry.Settings(interfaces: [MediaInterface(name: "default", address: IPAddress("192.0.2.1")!,
                                                                         advertised: IPAddress("203.0.113.100"))])
        settings.deleteDelay = 30
        let clock = self.clock
        registry = CallRegistry(settings: settings, ports: ports, clock: { clock.now.withLock { $0 } })
    }

    func request(_ command: NGCommand, _ entries: [(String, BencodeValue)], flags: [String] = []) -> NGRequest {
        var all = entries
        if !flags.isEmpty { all.append(("flags", .list(flags.map { .string($0) }))) }
        return NGRequestParser.parse(.dictionary(all.map { (key: $0.0, value: $0.1) }), command: command)
    }

    func sdp(of reply: [(key: String, value: BencodeValue)]) throws -> SessionDescription {
        try SDPParser.parse(try #require(reply.first { $0.key == "sdp" }?.value.stringValue))
    }

    @Test func offerAndAnswerPointBothSidesAtTheProxy() throws {
        let offer = try sdp(of: registry.handle(request(.offer, [("call-id", .string("c")), ("from-tag", .string("a")),
                                                                 ("sdp", .string(Self.offerSDP))])))
        #expect(offer.connection?.address == "203.0.113.100")  // the advertised address
        let offerPort = offer.media[0].mediaLine.port
        let answer = try sdp(of: registry.handle(request(.answer, [("call-id", .string("c")), ("from-tag", .string("a")),
                                                                   ("to-tag", .string("b")), ("sdp", .string(Self.answerSDP))])))
        let answerPort = answer.media[0].mediaLine.port
        #expect(offerPort != answerPort)
        #expect(ports.live == [offerPort, answerPort])
        #expect(answer.media[0].attribute("rtcp")?.attributeValue == String(answerPort + 1))
        #expect(registry.callCount == 1)

        let q = try registry.handle(request(.query, [("call-id", .string("c"))]))
        #expect(q.map(\.key) == ["created", "created_us", "last signal", "SSRC", "tags", "totals"])
        let tags = try #require(q.first { $0.key == "tags" }?.value)
        #expect(tags["a"]?["subscriptions"] == .list([.dictionary([("tag", .string("b")), ("type", .string("offer/answer"))])]))
        let stream = tags["a"]?["medias"].flatMap { if case .list(let l) = $0 { l.first } else { nil } }?["streams"]
        if case .list(let streams)? = stream {
            #expect(streams.first?["local port"] == .integer(Int64(answerPort)))
            #expect(streams.first?["endpoint"]?["address"]?.stringValue == "198.51.100.1")
        } else {
            Issue.record("no streams in \(tags)")
        }
    }

    @Test func deleteLingersForTheDelayThenReleasesPorts() throws {
        _ = try registry.handle(request(.offer, [("call-id", .string("d")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        let reply = try registry.handle(request(.delete, [("call-id", .string("d"))]))
        #expect(reply.isEmpty)
        // Listed, counted and queryable while the delete delay runs (10.5); deleting again
        // is quiet; its end is counted when it goes.
        #expect(try registry.handle(request(.list, [])).first?.value == .list([.string("d")]))
        #expect(try registry.handle(request(.query, [("call-id", .string("d"))])).contains { $0.key == "tags" })
        #expect(try registry.handle(request(.delete, [("call-id", .string("d"))])).isEmpty)
        #expect(registry.callCount == 1)
        #expect(registry.lifetimeTotals.managedSessions == 0)
        #expect(ports.live.count == 2)
        clock.advance(29)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(ports.live.count == 2)
        clock.advance(2)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(ports.live.isEmpty)
        #expect(registry.callCount == 0)
        #expect(registry.lifetimeTotals.managedSessions == 1)
        #expect(registry.lifetimeTotals.regularTerminated == 1)
    }

    /// An offer or answer for a lingering call brings it back whole (its participants, their
    /// ports, the tags), and it no longer goes when the delay runs out: 10.5 does so for a
    /// whole-call delete and for tagged ones.
    @Test(arguments: [false, true])
    func anOfferOrAnswerBringsALingeringCallBack(tagged: Bool) throws {
        let id: BencodeValue = .string(tagged ? "rt" : "rw")
        _ = try registry.handle(request(.offer, [("call-id", id), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        _ = try registry.handle(request(.answer, [("call-id", id), ("from-tag", .string("a")), ("to-tag", .string("b")), ("sdp", .string(Self.answerSDP))]))
        let held = ports.live
        var delete: [(String, BencodeValue)] = [("call-id", id)]
        if tagged { delete += [("from-tag", .string("a")), ("to-tag", .string("b"))] }
        _ = try registry.handle(request(.delete, delete))
        _ = try registry.handle(request(.answer, [("call-id", id), ("from-tag", .string("a")), ("to-tag", .string("b")), ("sdp", .string(Self.answerSDP))]))
        #expect(ports.live == held, "the same ports, no new call")
        clock.advance(31)
        registry.expire(now: clock.now.withLock { $0 })
        let q = try registry.handle(request(.query, [("call-id", id)]))
        let tags = try #require(q.first { $0.key == "tags" }?.value)
        #expect(tags["a"] != nil && tags["b"] != nil)
        #expect(ports.live == held)
        #expect(registry.lifetimeTotals.managedSessions == 0)
    }

    /// A tagged delete in a fork retires the branch it names once its delay runs out: its
    /// ports go while the call and the other branch stay, and an offer from the branch's
    /// tag starts a participant of its own (10.5).
    @Test func aTaggedDeleteRetiresTheBranchWhenItsDelayRunsOut() throws {
        let id: BencodeValue = .string("retire")
        _ = try registry.handle(request(.offer, [("call-id", id), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        for tag in ["x", "y"] {
            _ = try registry.handle(request(.answer, [("call-id", id), ("from-tag", .string("a")), ("to-tag", .string(tag)),
                                                     ("sdp", .string(tag == "x" ? Self.answerSDP : Self.answerSDP.replacingOccurrences(of: "6000", with: "6100")))]))
        }
        let held = ports.live.count
        _ = try registry.handle(request(.delete, [("call-id", id), ("from-tag", .string("a")), ("to-tag", .string("x")), ("delete-delay", .integer(5))]))
        clock.advance(4)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(ports.live.count == held)
        clock.advance(2)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(ports.live.count == held - 1, "x's pair released, a's two and y's kept")
        #expect(registry.callCount == 1)
        let tags = try #require(try registry.handle(request(.query, [("call-id", id)])).first { $0.key == "tags" }?.value)
        #expect(tags["x"]?["medias"]?[0]?["streams"]?[0]?["local port"] == nil)
        #expect(tags["x"]?["medias"]?[0]?["streams"]?[0]?["endpoint"]?["port"] == .integer(6000))
        #expect(tags["y"]?["medias"]?[0]?["streams"]?[0]?["local port"] != nil)
        // From its own tag: a new participant (two entries tagged x).
        _ = try registry.handle(request(.offer, [("call-id", id), ("from-tag", .string("x")), ("to-tag", .string("a")), ("sdp", .string(Self.answerSDP))]))
        guard case .dictionary(let entries)? = try registry.handle(request(.query, [("call-id", id)])).first(where: { $0.key == "tags" })?.value else {
            Issue.record("no tags"); return
        }
        #expect(entries.filter { $0.key == "x" }.count == 2)
    }

    @Test func deleteDelayZeroReleasesAtOnceAndUnknownCallsWarn() throws {
        _ = try registry.handle(request(.offer, [("call-id", .string("e")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        _ = try registry.handle(request(.delete, [("call-id", .string("e")), ("delete-delay", .integer(0))]))
        #expect(ports.live.isEmpty)
        let warn = try registry.handle(request(.delete, [("call-id", .string("nope"))]))
        #expect(warn.first?.key == "warning")
        #expect(throws: NGError.unknownCall) { try registry.handle(request(.query, [("call-id", .string("nope"))])) }
    }

    /// A delete naming only a to-tag (known or not) deletes the whole call, as 10.5 does.
    @Test func aToTagAloneDeletesTheWholeCall() throws {
        for (id, tag) in [("t1", "b"), ("t2", "nobody")] {
            _ = try registry.handle(request(.offer, [("call-id", .string(id)), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
            _ = try registry.handle(request(.answer, [("call-id", .string(id)), ("from-tag", .string("a")), ("to-tag", .string("b")),
                                                     ("sdp", .string(Self.answerSDP))]))
            let reply = try registry.handle(request(.delete, [("call-id", .string(id)), ("to-tag", .string(tag)), ("delete-delay", .integer(0))]))
            #expect(reply.allSatisfy { $0.key != "warning" })
            #expect(throws: NGError.unknownCall) { try registry.handle(request(.query, [("call-id", .string(id))])) }
        }
        #expect(ports.live.isEmpty)
    }

    /// A lingering call deleted again with `delete-delay: 0` goes at once, as in 10.5 (it
    /// held its ports for the first delete's 30 s).
    @Test func aDelayOfZeroCutsALingeringCallShort() throws {
        _ = try registry.handle(request(.offer, [("call-id", .string("f")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        _ = try registry.handle(request(.delete, [("call-id", .string("f")), ("from-tag", .string("a"))]))
        #expect(ports.live.count == 2)
        _ = try registry.handle(request(.delete, [("call-id", .string("f")), ("delete-delay", .integer(10))]))
        clock.advance(11)
        registry.expire(now: clock.now.withLock { $0 })
        #expect(ports.live.isEmpty, "the shorter delay ends the lingering")
        _ = try registry.handle(request(.offer, [("call-id", .string("g")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        _ = try registry.handle(request(.delete, [("call-id", .string("g"))]))
        _ = try registry.handle(request(.delete, [("call-id", .string("g")), ("delete-delay", .integer(0))]))
        #expect(ports.live.isEmpty)
        #expect(throws: NGError.unknownCall) { try registry.handle(request(.query, [("call-id", .string("g"))])) }
    }

    /// `record call` without `--recording-dir` records nothing and is no error, as in 10.5;
    /// with one, it asks for recording, which this version does not have.
    @Test func recordCallIsRefusedOnlyWhereRecordingIsConfigured() throws {
        let offer: [(String, BencodeValue)] = [("call-id", .string("r")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP)),
                                                ("record call", .string("yes"))]
        #expect(try registry.handle(request(.offer, offer)).contains { $0.key == "sdp" })
        registry.updateSettings { $0.recordingDirectory = true }
        #expect(throws: NGError.notSupported("call recording")) {
            try registry.handle(request(.offer, [("call-id", .string("r2"))] + offer.dropFirst(), flags: ["record-call"]))
        }
    }

    @Test func errorsNameWhatIsMissing() {
        #expect(throws: NGError.missingKey("call-id")) { try registry.handle(request(.offer, [("sdp", .string("v=0"))])) }
        #expect(throws: NGError.missingKey("from-tag")) {
            try registry.handle(request(.offer, [("call-id", .string("x")), ("sdp", .string("v=0"))]))
        }
        #expect(throws: NGError.missingSDP) {
            try registry.handle(request(.offer, [("call-id", .string("x")), ("from-tag", .string("a"))]))
        }
        #expect(throws: NGError.missingKey("to-tag")) {
            try registry.handle(request(.answer, [("call-id", .string("x")), ("from-tag", .string("a")), ("sdp", .string("v=0"))]))
        }
        #expect(throws: NGError.sdpParse) {
            try registry.handle(request(.offer, [("call-id", .string("x")), ("from-tag", .string("a")), ("sdp", .string("garbage"))]))
        }
        #expect(throws: NGError.unknownCall) {
            try registry.handle(request(.answer, [("call-id", .string("none")), ("from-tag", .string("a")),
                                                  ("to-tag", .string("b")), ("sdp", .string(Self.answerSDP))]))
        }
    }

    @Test func unbuiltFeaturesAreRefusedNotFaked() {
        let base: [(String, BencodeValue)] = [("call-id", .string("u")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]
        for flags in [["ICE=force"], ["codec-transcode-G722"], ["codec-accept-PCMA"], ["codec-consume-PCMA"], ["SDES-off"]] {
            #expect(throws: NGError.self, "\(flags)") { try registry.handle(request(.offer, base, flags: flags)) }
        }
        let srtp = Self.offerSDP.replacingOccurrences(of: "RTP/AVP", with: "RTP/SAVP")
        #expect(throws: NGError.notSupported("SRTP (RTP/SAVP)")) {
            try registry.handle(request(.offer, [("call-id", .string("s")), ("from-tag", .string("a")), ("sdp", .string(srtp))]))
        }
        #expect(ports.live.isEmpty)
    }

    @Test func portExhaustionIsAnErrorAndLeaksNothing() throws {
        let few = FakePorts(limit: 1)
        let clock = self.clock
        let r = CallRegistry(settings: .init(interfaces: [MediaInterface(name: "default", address: IPAddress("192.0.2.1")!)]),
                             ports: few, clock: { clock.now.withLock { $0 } })
        #expect(throws: NGError.portsExhausted) {
            try r.handle(request(.offer, [("call-id", .string("x")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        }
        _ = try r.handle(request(.delete, [("call-id", .string("x")), ("delete-delay", .integer(0))]))
        #expect(few.live.isEmpty)
    }

    @Test func tosKeySetsKeepsAndRevertsTheCallsTOS() throws {
        let base: [(String, BencodeValue)] = [("call-id", .string("t")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]
        _ = try registry.handle(request(.offer, base + [("TOS", .integer(184))]))
        #expect(ports.tos.withLock { $0 }.values.sorted() == [184, 184])
        _ = try registry.handle(request(.offer, base + [("TOS", .integer(-1))]))
        #expect(ports.tos.withLock { $0 }.values.sorted() == [184, 184], "negative keeps the value")
        _ = try registry.handle(request(.offer, base))
        #expect(ports.tos.withLock { $0 }.values.sorted() == [0, 0], "absent goes back to --tos")
        _ = try registry.handle(request(.offer, base + [("TOS", .integer(300))]))
        #expect(ports.tos.withLock { $0 }.values.sorted() == [0, 0], "256 or more goes back to --tos")
    }

    @Test func listIsNewestFirstAndLimited() throws {
        for id in ["l1", "l2", "l3"] {
            clock.advance(1)
            _ = try registry.handle(request(.offer, [("call-id", .string(id)), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        }
        let all = try registry.handle(request(.list, []))
        #expect(all.first?.value == .list([.string("l3"), .string("l2"), .string("l1")]))
        let one = try registry.handle(request(.list, [("limit", .integer(1))]))
        #expect(one.first?.value == .list([.string("l3")]))
    }
    /// `m=audio 5000/N`: N consecutive pairs on both sides, fewer on a later SDP keep the
    /// first ones, more than 8 end the call ("Ran out of ports", as in 10.5).
    @Test func portCountsHoldThatManyPairs() throws {
        func offer(_ port: String) throws(NGError) -> [(key: String, value: BencodeValue)] {
            try registry.handle(request(.offer, [("call-id", .string("n")), ("from-tag", .string("a")),
                                                 ("sdp", .string(Self.offerSDP.replacingOccurrences(of: "5000", with: port)))]))
        }
        let first = try sdp(of: offer("5000/3"))
        #expect(first.media[0].mediaLine.portCount == 3)
        let base = first.media[0].mediaLine.port
        // Three pairs for the callee (in the SDP) and three for the caller.
        #expect(ports.live.count == 6)
        #expect(ports.live.isSuperset(of: [base, base + 2, base + 4]))
        let q = try registry.handle(request(.query, [("call-id", .string("n"))]))
        let streams = q.first { $0.key == "tags" }?.value["a"]?["medias"]
            .flatMap { if case .list(let l) = $0 { l.first?["streams"] } else { nil } }
        guard case .list(let list)? = streams else { Issue.record("no streams"); return }
        #expect(list.map { $0["endpoint"]?["port"]?.integerValue } == [5000, 5001, 5002, 5003, 5004, 5005])

        let second = try sdp(of: offer("5000/2"))
        #expect(second.media[0].mediaLine.port == base)
        #expect(second.media[0].mediaLine.portCount == 2)
        #expect(ports.live.count == 4)
        #expect(try sdp(of: offer("5000/1")).media[0].mediaLine.portCount == nil)

        #expect(throws: NGError.portsExhausted) { try offer("5000/9") }
        #expect(ports.live.isEmpty)
        #expect(throws: NGError.unknownCall) { try registry.handle(request(.query, [("call-id", .string("n"))])) }
    }
    /// The offerer's ports depend on where the callee receives (10.5's endpoint maps): a new
    /// endpoint, or a forked branch at one, gets new ports, a known one its ports back; the
    /// ports stay held until the call ends.
    @Test func portsFollowTheFarEndpoint() throws {
        func answer(_ tag: String, _ port: Int) throws(NGError) -> UInt16 {
            let reply = try registry.handle(request(.answer, [("call-id", .string("m")), ("from-tag", .string("a")), ("to-tag", .string(tag)),
                                                              ("sdp", .string(Self.answerSDP.replacingOccurrences(of: "6000", with: String(port))))]))
            return (try? sdp(of: reply).media[0].mediaLine.port) ?? 0
        }
        _ = try registry.handle(request(.offer, [("call-id", .string("m")), ("from-tag", .string("a")), ("sdp", .string(Self.offerSDP))]))
        let first = try answer("b", 6000)
        let moved = try answer("b", 6002)
        #expect(moved != first)
        #expect(try answer("b", 6000) == first)
        // A second branch at the first endpoint shares those ports; at the other, the other ones.
        #expect(try answer("c", 6000) == first)
        #expect(try answer("d", 6002) == moved)
        // The callee's, and A's two sets; each new branch has its own (b, c, d).
        #expect(ports.live.count == 5)
        _ = try registry.handle(request(.delete, [("call-id", .string("m")), ("delete-delay", .integer(0))]))
        #expect(ports.live.isEmpty)
    }
}
