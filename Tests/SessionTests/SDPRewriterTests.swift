import NetAddress
import SDP
import Testing
@testable import Session

/// Expected outputs are what rtpengine 10.5 writes for the same input (ports aside).
@Suite struct SDPRewriterTests {
    static func rewrite(_ lines: [String], ports: [UInt16?], configure: (inout RewritePlan) -> Void = { _ in }) throws -> [String] {
        let sdp = try SDPParser.parse(lines.joined(separator: "\r\n") + "\r\n")
        var plan = RewritePlan(address: IPAddress("127.0.0.1")!, rtpPorts: ports)
        configure(&plan)
        return SDPRewriter.rewrite(sdp, plan: plan).text.split(separator: "\r\n").map(String.init)
    }

    static let head = ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "c=IN IP4 198.51.100.1", "t=0 0"]

    /// A section passed through (MSRP) gets the call's mid for it; where the call keeps
    /// none, `generate mid` adds none either (10.5); without the call's mids it generates one.
    @Test func passedThroughSectionsTakeTheCallsMidOnly() throws {
        let lines = Self.head + ["m=message 9944 TCP/MSRP *"]
        let kept = try Self.rewrite(lines, ports: [nil]) { $0.generateMid = true; $0.callMids = true }
        // (The session's c= given to the section ends in a bare LF, as 10.5 writes it.)
        #expect(!kept.joined(separator: "\n").contains("a=mid"))
        let given = try Self.rewrite(lines, ports: [nil]) { $0.generateMid = true; $0.callMids = true; $0.sections[0].mid = "m0" }
        #expect(given.joined(separator: "\n").contains("\na=mid:m0"))
        let generated = try Self.rewrite(lines, ports: [nil]) { $0.generateMid = true }
        #expect(generated.joined(separator: "\n").contains("\na=mid:1"))
    }

    @Test func ownedAttributesAreRegeneratedInOrder() throws {
        let out = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 8 0 101", "a=sendrecv", "a=ptime:20", "a=foo:bar",
                                               "a=fmtp:101 0-15", "a=rtpmap:101 telephone-event/8000", "a=maxptime:40", "a=rtcp:5001"],
                                   ports: [42248])
        #expect(out == ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "c=IN IP4 127.0.0.1", "t=0 0",
                        "m=audio 42248 RTP/AVP 8 0 101", "a=foo:bar", "a=maxptime:40", "a=rtpmap:8 PCMA/8000",
                        "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=sendrecv",
                        "a=rtcp:42249", "a=ptime:20"])
    }

    /// Sections on interfaces of different families: each c= names its own section's
    /// address, the session's c= (and o= under `replace origin`) its first section's.
    @Test func eachSectionSpeaksTheAddressOfItsInterface() throws {
        let out = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 0", "c=IN IP6 2001:db8::1", "m=audio 5002 RTP/AVP 0"],
                                   ports: [100, 200]) {
            $0.sections[0].address = IPAddress("::1")!
            $0.replaceOrigin = true
        }
        #expect(out.filter { $0.hasPrefix("c=") || $0.hasPrefix("o=") }
            == ["o=alice 123 456 IN IP6 ::1", "c=IN IP6 ::1", "c=IN IP6 ::1"])
        let second = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0", "c=IN IP4 198.51.100.1"],
                                      ports: [100, 200]) { $0.sections[0].address = IPAddress("::1")!; $0.sections[1].address = IPAddress("127.0.0.1")! }
        #expect(second.filter { $0.hasPrefix("c=") } == ["c=IN IP6 ::1", "c=IN IP4 127.0.0.1"])
    }

    /// A session c= that no section relies on stays, unless `replace session connection`.
    @Test func replaceSessionConnectionRewritesAnUnusedSessionConnection() throws {
        let lines = Self.head + ["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.2"]
        #expect(try Self.rewrite(lines, ports: [100]).contains("c=IN IP4 198.51.100.1"))
        let replaced = try Self.rewrite(lines, ports: [100]) { $0.replaceSessionConnection = true }
        #expect(replaced.filter { $0.hasPrefix("c=") } == ["c=IN IP4 127.0.0.1", "c=IN IP4 127.0.0.1"])
    }

    @Test func zeroAddressHoldAndRejectedSections() throws {
        let hold = try Self.rewrite(["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0",
                                     "m=audio 5000 RTP/AVP 0", "a=recvonly"], ports: [42708])
        #expect(hold.contains("c=IN IP4 0.0.0.0"))
        #expect(hold.contains("a=inactive"))
        let rejected = try Self.rewrite(Self.head + ["m=audio 0 RTP/AVP 0", "c=IN IP4 1.2.3.4", "b=AS:1", "a=sendrecv"], ports: [nil])
        #expect(rejected == ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "c=IN IP4 198.51.100.1", "t=0 0",
                             "m=audio 0 RTP/AVP 0", "c=IN IP4 127.0.0.1", "b=AS:1"])
    }

    @Test func rtcpAttributeModesAndOrigin() throws {
        let none = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 0"], ports: [100]) { $0.rtcpAttribute = .none }
        #expect(!none.contains { $0.hasPrefix("a=rtcp") })
        let full = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 0"], ports: [100]) { $0.rtcpAttribute = .full }
        #expect(full.contains("a=rtcp:101 IN IP4 127.0.0.1"))
        let origin = try Self.rewrite(Self.head + ["m=audio 5000 RTP/AVP 0"], ports: [100]) { $0.replaceOrigin = true }
        #expect(origin[1] == "o=alice 123 456 IN IP4 127.0.0.1")
    }

    @Test func staticPayloadTypesFollowTheReferenceTable() {
        #expect(StaticPayloadTypes.rtpmapValue(for: 10) == "10 L16/44100")
        #expect(StaticPayloadTypes.rtpmapValue(for: 11) == "11 L16/44100/2")
        #expect(StaticPayloadTypes.rtpmapValue(for: 19) == "19 /0")
    }

    @Test func iceAndSessionDirectionAndBundle() throws {
        let out = try Self.rewrite(["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 1.1.1.1", "t=0 0", "a=sendonly",
                                    "a=group:BUNDLE 0", "m=audio 5000 RTP/AVP 0", "a=mid:0", "a=ice-ufrag:x", "a=candidate:1 1 UDP 1 1.1.1.1 5000 typ host",
                                    "a=rtcp-fb:0 nack", "a=fmtp:0 x=y", "a=rtcp-mux"], ports: [200])
        #expect(out == ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 200 RTP/AVP 0",
                        "a=mid:0", "a=rtpmap:0 PCMU/8000", "a=fmtp:0 x=y", "a=rtcp-fb:0 nack", "a=sendonly", "a=rtcp:201", "a=rtcp-mux"])
    }
}
