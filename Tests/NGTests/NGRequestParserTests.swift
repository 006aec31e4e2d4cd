import Bencode
import NetAddress
import Testing
@testable import NG

@Suite struct NGRequestParserTests {
    static func parse(_ entries: [(String, BencodeValue)], flags: [String] = []) -> NGRequest {
        var all = entries
        if !flags.isEmpty { all.append(("flags", .list(flags.map { .string($0) }))) }
        return NGRequestParser.parse(.dictionary(all.map { (key: $0.0, value: $0.1) }), command: .offer)
    }

    @Test func basicKeysInEverySpelling() {
        let r = Self.parse([("call-id", .string("c1")), ("from-tag", .string("f1")), ("to tag", .string("t1")),
                            ("via-branch", .string("z9")), ("sdp", .string("v=0")), ("label", .string("caller"))])
        #expect(r.callID == "c1" && r.fromTag == "f1" && r.toTag == "t1" && r.viaBranch == "z9")
        #expect(r.sdp == Array("v=0".utf8) && r.label == "caller")
        #expect(r.ignored.isEmpty)
    }

    @Test func keysNormalizeTheSameOnEveryPath() {
        // The spellings the fast path knows, and the same keys through the byte mapping.
        for (wire, canonical) in [("call-id", "call id"), ("from-tag", "from tag"), ("to-tag", "to tag"),
                                  ("via-branch", "via branch"), ("received-from", "received from")] {
            #expect(NGFlag.normalize(wire) == canonical)
            #expect(NGFlag.normalize(canonical) == canonical)
            #expect(NGFlag.normalize(String(wire.map { $0 == "-" ? " " : $0 }) + "") == canonical)
        }
        #expect(NGFlag.normalize("sdp") == "sdp" && NGFlag.normalize("Ä-b") == "Ä-b")
    }

    /// 10.5 reads a key or flag in the spelling it documents or in lower case, hyphens as
    /// spaces: other capitals and underscores are other words to it (found by the
    /// generative differential test: `no_rtcp_attribute`, `Generate-Mid` are ignored).
    @Test func spellingsAsTenFiveReadsThem() {
        for (wire, canonical) in [("SIP-source-address", "sip source address"), ("sip-source-address", "sip source address"),
                                  ("SIP source address", "sip source address"), ("ICE", "ice"), ("ice", "ice"),
                                  ("trickle-ICE", "trickle ice"), ("generate-mid", "generate mid"), ("TOS", "tos")] {
            #expect(NGFlag.normalize(wire) == canonical, "\(wire)")
        }
        for other in ["Sip-Source-Address", "SIP-SOURCE-ADDRESS", "Ice", "Generate-Mid", "GENERATE-MID", "generate_mid",
                      "call_id", "Call-ID", "Transport-Protocol"] {
            #expect(NGFlag.normalize(other) != NGFlag.normalize(String(other.lowercased().map { $0 == "_" ? "-" : $0 })), "\(other)")
        }
        let r = Self.parse([("call_id", .string("c")), ("Transport-Protocol", .string("RTP/AVPF"))],
                           flags: ["no_rtcp_attribute", "Generate-Mid", "RTP/AVPF"])
        #expect(r.callID == nil && r.transportProtocol == nil && r.flags.isEmpty)
        #expect(r.ignored == ["call_id", "Transport-Protocol", "no_rtcp_attribute", "Generate-Mid", "RTP/AVPF"])
    }

    @Test func wrongTypesAreAbsent() {
        let r = Self.parse([("call-id", .integer(5)), ("from-tag", .string("")), ("flags", .integer(3))])
        #expect(r.callID == nil)
        #expect(r.fromTag == nil)
        #expect(r.flags.isEmpty)
    }

    @Test func flagsTakeHyphensOrSpaces() {
        let r = Self.parse([], flags: ["SIP-source-address", "trust-address", "strict source", "loop-protect",
                                       "no-rtcp-attribute", "original-sendrecv", "generate-mid", "strip-extmap",
                                       "single-codec", "fatal", "NAT-wait", "pierce NAT"])
        #expect(r.flags == [.sipSourceAddress, .trustAddress, .strictSource, .loopProtect, .noRTCPAttribute,
                            .originalSendrecv, .generateMid, .stripExtmap, .singleCodec, .fatal, .natWait, .pierceNAT])
        #expect(r.ignored.isEmpty)
    }

    @Test func unknownFlagsAreIgnoredButKept() {
        let r = Self.parse([], flags: ["bogus-flag", "ICE=weird", "codec-frobnicate-PCMU"])
        #expect(r.flags.isEmpty)
        #expect(r.ice == nil)
        #expect(r.ignored == ["bogus-flag", "ICE=weird", "codec-frobnicate-PCMU"])
    }

    @Test func dedicatedKeysAndTheirFlagForms() {
        let keys = Self.parse([
            ("ICE", .string("remove")), ("replace", .list([.string("origin"), .string("session-connection")])),
            ("rtcp-mux", .list([.string("demux")])), ("transport protocol", .string("RTP/AVPF")),
            ("address family", .string("IP6")), ("media address", .string("2001:db8::5")),
            ("received from", .list([.string("IP4"), .string("192.0.2.9")])), ("direction", .list([.string("priv"), .string("pub")])),
            ("TOS", .integer(184)), ("delete delay", .integer(0)), ("record call", .string("yes")),
            ("endpoint-learning", .string("heuristic")), ("media echo", .string("backwards")),
            ("drop-traffic", .string("start")), ("supports", .list([.string("load-limit")])),
            ("metadata", .string("k:v")),
        ])
        let flags = Self.parse([], flags: [
            "ICE=remove", "replace=origin", "replace=session-connection", "rtcp-mux=demux", "transport-protocol=RTP/AVPF",
            "address-family=IP6", "media-address=2001:db8::5", "direction=priv", "direction=pub",
            "TOS=184", "delete-delay=0", "record-call=yes", "endpoint-learning-heuristic", "media-echo=backwards",
            "drop-traffic=start", "supports=load limit", "metadata=k:v",
        ])
        for r in [keys, flags] {
            #expect(r.ice == .remove)
            #expect(r.replace == [.origin, .sessionConnection])
            #expect(r.rtcpMux == [.demux])
            #expect(r.transportProtocol == .rtpAVPF)
            #expect(r.addressFamily == .ip6)
            #expect(r.mediaAddress == IPAddress("2001:db8::5"))
            #expect(r.direction == ["priv", "pub"])
            #expect(r.tos == 184)
            #expect(r.deleteDelay == 0)
            #expect(r.recordCall == true)
            #expect(r.endpointLearning == .heuristic)
            #expect(r.mediaEcho == .backwards)
            #expect(r.dropTraffic == .start)
            #expect(r.supports == ["load limit"])
            #expect(r.metadata == "k:v")
            #expect(r.ignored.isEmpty, "\(r.ignored)")
        }
        #expect(keys.receivedFrom == .init(family: .ip4, address: IPAddress("192.0.2.9")!))
    }

    @Test func codecOptionsKeepNameCase() {
        let r = Self.parse([("codec", .dictionary([(key: "strip", value: .list([.string("PCMA")])),
                                                   (key: "offer", value: .string("opus/48000/2"))]))],
                           flags: ["codec-strip-telephone-event", "codec-mask-all", "codec-except-G722", "transcode-PCMU"])
        #expect(r.codec.strip == ["PCMA", "telephone-event"])
        #expect(r.codec.offer == ["opus/48000/2"])
        #expect(r.codec.mask == ["all"])
        #expect(r.codec.except == ["G722"])
        #expect(r.codec.transcode == ["PCMU"])
    }

    @Test func prefixedFlagFamilies() {
        let r = Self.parse([], flags: ["SDES-no-NULL_HMAC_SHA1_32", "SDES-off", "OSRTP-offer", "from-tags-abc", "from-tags-def"])
        #expect(r.sdes == ["no-NULL_HMAC_SHA1_32", "off"])
        #expect(r.osrtp == ["offer"])
        #expect(r.fromTags == ["abc", "def"])
    }

    @Test func replaceAndRTCPMuxAsPlainFlagsAreIgnoredLikeTheReference() {
        let r = Self.parse([], flags: ["replace-origin", "rtcp-mux-demux"])
        #expect(r.replace.isEmpty && r.rtcpMux.isEmpty)
        #expect(r.ignored == ["replace-origin", "rtcp-mux-demux"])
    }

    @Test func dropTrafficStopWins() {
        #expect(Self.parse([], flags: ["drop-traffic=stop", "drop-traffic=start"]).dropTraffic == .stop)
        #expect(Self.parse([], flags: ["drop-traffic=start", "drop-traffic=stop"]).dropTraffic == .stop)
    }

    @Test func badEnumerationValuesAreIgnored() {
        let r = Self.parse([("address family", .string("IP7")), ("ICE", .string("weird")),
                            ("transport-protocol", .string("RTP/XYZ")), ("received-from", .list([.string("IP4")]))])
        #expect(r.addressFamily == nil && r.ice == nil && r.transportProtocol == nil && r.receivedFrom == nil)
        #expect(r.ignored.count == 4)
    }
}
