import Testing
@testable import SDP
import NetAddress

@Suite struct SDPParserTests {
    static let offer = """
        v=0\r
        o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r
        s=-\r
        c=IN IP4 198.51.100.1\r
        t=0 0\r
        m=audio 49170 RTP/AVP 0 8 101\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-15\r
        a=rtcp:49171 IN IP4 198.51.100.1\r
        a=sendrecv\r
        m=video 0 RTP/AVPF 96\r
        a=rtpmap:96 H264/90000\r
        m=audio 5004/2 RTP/SAVP 111\r
        c=IN IP6 2001:db8::1\r
        a=rtpmap:111 opus/48000/2\r
        a=x-unknown-attribute with spaces\r

        """

    @Test func roundTripsEveryLineInOrder() throws {
        let sdp = try SDPParser.parse(Self.offer)
        #expect(sdp.text == Self.offer)
        #expect(sdp.sessionLines.count == 5)
        #expect(sdp.media.count == 3)
    }

    @Test func exposesTypedFields() throws {
        let sdp = try SDPParser.parse(Self.offer)
        #expect(sdp.origin?.username == "alice")
        #expect(sdp.origin?.sessionVersion == "2890844526")
        #expect(sdp.connection == Connection(addressType: "IP4", address: "198.51.100.1"))
        let audio = sdp.media[0]
        #expect(audio.mediaLine == MediaLine(media: "audio", port: 49170, proto: "RTP/AVP", formats: ["0", "8", "101"]))
        #expect(audio.mediaLine.isRTP)
        #expect(audio.attributes("rtpmap").compactMap { $0.attributeValue.flatMap(RTPMap.init(parsing:)) }
                == [RTPMap(payloadType: 0, encoding: "PCMU", clockRate: 8000),
                    RTPMap(payloadType: 8, encoding: "PCMA", clockRate: 8000),
                    RTPMap(payloadType: 101, encoding: "telephone-event", clockRate: 8000)])
        #expect(audio.attribute("rtcp")?.attributeValue.flatMap(RTCPAttribute.init(parsing:))
                == RTCPAttribute(port: 49171, connection: Connection(addressType: "IP4", address: "198.51.100.1")))
        #expect(audio.attribute("sendrecv")?.attributeValue == nil)
        #expect(audio.attribute("sendrecv")?.attributeName == "sendrecv")
        #expect(sdp.media[1].isRejected)
        #expect(sdp.media[2].mediaLine.portCount == 2)
        #expect(sdp.media[2].connection?.address == "2001:db8::1")
        #expect(RTPMap(parsing: "111 opus/48000/2")?.channels == 2)
    }

    @Test func acceptsBareLineFeeds() throws {
        let sdp = try SDPParser.parse("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=x\nt=0 0\nm=audio 1000 RTP/AVP 0\n")
        // Each line is written back with the ending it came with, as rtpengine does.
        #expect(sdp.text == "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=x\nt=0 0\nm=audio 1000 RTP/AVP 0\n")
        let mixed = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\ns=x\r\nt=0 0\nm=audio 1000 RTP/AVP 0\r\na=x\n"
        #expect(try SDPParser.parse(mixed).text == mixed)
    }

    static let malformed: [(String, SDPError)] = [
        ("o=x\r\nv=0\r\n", .missingVersion),
        ("v=1\r\n", .missingVersion),
        ("v=0\r\nthis is not sdp\r\n", .malformedLine(number: 2, text: "this is not sdp")),
        ("v=0\r\nX=upper\r\n", .malformedLine(number: 2, text: "X=upper")),
        ("v=0\r\na\r\n", .malformedLine(number: 2, text: "a")),
        ("v=0\r\nm=audio\r\n", .badMediaLine(number: 2, text: "audio")),
        ("v=0\r\nm=audio 70000 RTP/AVP 0\r\n", .badMediaLine(number: 2, text: "audio 70000 RTP/AVP 0")),
        ("v=0\r\nm=audio 1000/0 RTP/AVP 0\r\n", .badMediaLine(number: 2, text: "audio 1000/0 RTP/AVP 0")),
        ("v=0\r\nc=IN IP4\r\n", .badConnection(number: 2, text: "IN IP4")),
        // c= as 10.5 reads it: IN, IP4 or IP6, a literal of that family, one space apart.
        ("v=0\r\nc=IN IP4 999.1.1.1\r\n", .badConnection(number: 2, text: "IN IP4 999.1.1.1")),
        ("v=0\r\nc=IN IP6 :::::zz\r\n", .badConnection(number: 2, text: "IN IP6 :::::zz")),
        ("v=0\r\nc=IN IP4 example.com\r\n", .badConnection(number: 2, text: "IN IP4 example.com")),
        ("v=0\r\nc=IN IP4 224.2.1.1/127\r\n", .badConnection(number: 2, text: "IN IP4 224.2.1.1/127")),
        ("v=0\r\nc=IN IP4 ::1\r\n", .badConnection(number: 2, text: "IN IP4 ::1")),
        ("v=0\r\nc=IN IP6 1.2.3.4\r\n", .badConnection(number: 2, text: "IN IP6 1.2.3.4")),
        ("v=0\r\nc=IN IP6 [::1]\r\n", .badConnection(number: 2, text: "IN IP6 [::1]")),
        ("v=0\r\nc=XX IP4 1.2.3.4\r\n", .badConnection(number: 2, text: "XX IP4 1.2.3.4")),
        ("v=0\r\nc=IN  IP4 1.2.3.4\r\n", .badConnection(number: 2, text: "IN  IP4 1.2.3.4")),
        ("v=0\r\nc=IN IP4 01.2.3.4\r\n", .badConnection(number: 2, text: "IN IP4 01.2.3.4")),
        // Lines of two bytes or more that are no line; a first line that is not v=0.
        ("  ", .malformedLine(number: 1, text: "  ")),
        ("ab", .malformedLine(number: 1, text: "ab")),
        (" \r\n", .malformedLine(number: 1, text: " ")),
        ("a=b\r\n", .missingVersion),
    ]

    /// What 10.5 reads as no session at all, or stops reading at.
    @Test func shortBodiesEmptyLinesAndTrailers() throws {
        for tiny in ["", " ", "\n", "\u{0}", "a"] {
            let sdp = try SDPParser.parse(tiny)
            #expect(sdp.sessions.isEmpty && sdp.bytes == Array(tiny.utf8), "\(tiny.debugDescription)")
        }
        for stop in ["\r\n", "\r\n\r\n", "\r\nv=0\r\n"] {
            let sdp = try SDPParser.parse(stop)
            #expect(sdp.sessions.isEmpty && sdp.bytes.isEmpty, "\(stop.debugDescription)")
        }
        // An empty line ends the body; after the last line ending, a fragment shorter than a
        // line is kept at the end; a last line without an ending stays without one.
        let body = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"
        #expect(try SDPParser.parse(body + "\r\na=dropped\r\n").text == body)
        #expect(try SDPParser.parse(body + "x").text == body + "x")
        #expect(try SDPParser.parse(body + "a=last").text == body + "a=last")
        var unterminated = try SDPParser.parse(body + "a=last")
        unterminated.media[0].lines.append(.attribute("added"))
        #expect(unterminated.text == body + "a=last\r\na=added\r\n", "a line after it gets a line break")
    }

    @Test func severalSessionsInOneBody() throws {
        let one = "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=one\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
        let two = "v=0\r\no=b 2 2 IN IP4 5.6.7.8\r\ns=two\r\nc=IN IP4 5.6.7.8\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\nm=video 7000 RTP/AVP 96\r\n"
        let sdp = try SDPParser.parse(one + two)
        #expect(sdp.text == one + two)
        #expect(sdp.sessions.map(\.media) == [0..<1, 1..<3])
        #expect(sdp.sessionConnection(ofMedia: 0)?.address == "1.2.3.4")
        #expect(sdp.sessionConnection(ofMedia: 2)?.address == "5.6.7.8")
        #expect(sdp.session(ofMedia: 1).lines[2].value == "two")
    }

    @Test func connectionKeepsWhatFollowsItsAddress() throws {
        let c = try #require(Connection(parsing: "IN IP4 1.2.3.4 extra"))
        #expect(c.address == "1.2.3.4" && c.trailing == "extra" && c.description == "IN IP4 1.2.3.4 extra")
        #expect(Connection(parsing: "IN IP6 ::ffff:1.2.3.4")?.address == "::ffff:1.2.3.4")
    }

    /// `c=` read over the bytes decides as the rule reads it field by field: fields one space
    /// apart (an empty one between two spaces counts), `IN`, `IP4`/`IP6` matching the
    /// literal's family, no brackets, everything after the address's space kept.
    @Test func connectionReadsAsTheFieldRule() {
        func byFields(_ value: String) -> Connection? {
            let f = value.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, f[0] == "IN", !f[2].hasPrefix("["), let ip = IPAddress(f[2]) else { return nil }
            guard (f[1] == "IP4" && ip.family == .inet) || (f[1] == "IP6" && ip.family == .inet6) else { return nil }
            return Connection(networkType: f[0], addressType: f[1], address: f[2], trailing: f.count == 4 ? f[3] : nil)
        }
        var rng = SystemRandomNumberGenerator()
        let pieces = ["IN", "IP4", "IP6", " ", " ", "1.2.3.4", "::1", "[::1]", "0.0.0.0", "x", "é", "256.1.1.1", "in", "IN IP4", "::"]
        var cases = ["IN IP4 1.2.3.4", "IN IP6 1.2.3.4", "IN IP4 ::1", "IN  IP4 1.2.3.4", "IN IP4  1.2.3.4", "IN IP4 1.2.3.4 ",
                     "IN IP4 1.2.3.4 a b", "IN IP4", "IN IP4 ", "IN IP6 [::1]", "IN IP6 ::1 x"]
        for _ in 0..<5_000 {
            cases.append((0..<Int.random(in: 1...7, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        for value in cases {
            let c = Connection(parsing: value), expected = byFields(value)
            #expect(c == expected, "\(value.debugDescription)")
        }
    }

    /// `m=` and `a=rtpmap` read over the bytes decide as the field rules read them: m= fields
    /// apart by any number of spaces, `port[/count]`; rtpmap's payload type after any
    /// spaces, then everything after the next space split at every `/`.
    @Test func mediaAndRTPMapLinesReadAsTheFieldRules() {
        func mediaByFields(_ value: String) -> MediaLine? {
            let f = value.split(separator: " ").map(String.init)
            guard f.count >= 3 else { return nil }
            let portParts = f[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let port = UInt16(portParts[0]) else { return nil }
            var count: Int?
            if portParts.count == 2 {
                guard let c = MediaLine.portCount(portParts[1]) else { return nil }
                count = c
            }
            return MediaLine(media: f[0], port: port, portCount: count, proto: f[2], formats: Array(f.dropFirst(3)))
        }
        func rtpmapByFields(_ value: String) -> RTPMap? {
            guard let start = value.firstIndex(where: { $0 != " " }) else { return nil }
            let parts = value[start...].split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty, let pt = Int(parts[0]), (0...127).contains(pt) else { return nil }
            let enc = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard enc.count == 2 || enc.count == 3, !enc[0].isEmpty, let clock = Int(enc[1]) else { return nil }
            var channels: Int?
            if enc.count == 3 {
                guard let c = Int(enc[2]) else { return nil }
                channels = c
            }
            return RTPMap(payloadType: pt, encoding: enc[0], clockRate: clock, channels: channels)
        }
        var rng = SystemRandomNumberGenerator()
        let mediaPieces = ["audio", " ", " ", "5000", "/", "2", "+3", "RTP/AVP", "0", "8", "101", "x", "é", "65536", "-0", "0/1"]
        let mapPieces = [" ", " ", "0", "96", "128", "PCMU", "/", "/", "8000", "2", "x", "+1", "-1", "é"]
        var media = ["audio 5000 RTP/AVP 0", "audio  5000  RTP/AVP  0 ", " audio 5000/2 RTP/AVP", "audio 5000/ RTP/AVP 0",
                     "audio 5000//2 RTP/AVP", "audio 5000 RTP/AVP", "audio 5000", "audio 70000 RTP/AVP 0", "audio 0 RTP/AVP"]
        var maps = ["0 PCMU/8000", " 0 PCMU/8000", "0  PCMU/8000", "0 PCMU/8000/2", "0 PCMU/8000/2/1", "0 /8000", "0 PCMU",
                    "0 PCMU/x", "0 ", "0", "128 PCMU/8000", "96 opus/48000/2", "+1 a/1", "0 PCMU/8000/"]
        for _ in 0..<5_000 {
            media.append((0..<Int.random(in: 1...9, using: &rng)).map { _ in mediaPieces.randomElement(using: &rng)! }.joined())
            maps.append((0..<Int.random(in: 1...8, using: &rng)).map { _ in mapPieces.randomElement(using: &rng)! }.joined())
        }
        for value in media { #expect(MediaLine(parsing: value) == mediaByFields(value), "\(value.debugDescription)") }
        for value in maps { #expect(RTPMap(parsing: value) == rtpmapByFields(value), "\(value.debugDescription)") }
    }

    @Test(arguments: malformed)
    func rejectsMalformed(text: String, expected: SDPError) {
        #expect(throws: expected) { try SDPParser.parse(text) }
    }

    @Test(arguments: ["0 PCMU", "x PCMU/8000", "128 PCMU/8000", "0 /8000", "0 PCMU/x", "0 PCMU/8000/x"])
    func rejectsBadRTPMaps(text: String) {
        #expect(RTPMap(parsing: text) == nil)
    }

    @Test(arguments: ["audio 0 RTP/AVP 0", "audio 65535 RTP/AVP 0 8 101", "video 49170/2 RTP/AVPF 96 97",
                      "application 9 UDP/DTLS/SCTP webrtc-datachannel", "audio 7 RTP/AVP", "audio 10/10 RTP/AVP 127"])
    func mediaLineWritesWhatItCounts(_ text: String) throws {
        let m = try #require(MediaLine(parsing: text))
        #expect(m.description == text)
        #expect(m.writtenCount == text.utf8.count)
    }

    /// 10.5's reading of a port count: `+` and leading zeros taken, whatever follows the
    /// digits ignored, 1 to 10 only.
    @Test(arguments: [("5000/2", 2), ("5000/02", 2), ("5000/+3", 3), ("5000/2/3", 2), ("5000/10", 10), ("5000/1", 1),
                      ("5000/0", nil), ("5000/11", nil), ("5000/x", nil), ("5000/", nil), ("5000/-1", nil),
                      ("5000/99999999999999999999", nil)] as [(String, Int?)])
    func portCountsReadAs105ReadsThem(_ port: String, _ count: Int?) {
        let m = MediaLine(parsing: "audio \(port) RTP/AVP 0")
        #expect(m?.portCount == count)
        #expect((m == nil) == (count == nil))
    }

    @Test func randomBytesNeverCrash() {
        let alphabet = Array("v=0\r\nmcao audio RTP/AVP 0123456789:/ IN IP4".unicodeScalars)
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<120)
            var s = "v=0\r\n"
            for _ in 0..<n { s.unicodeScalars.append(alphabet.randomElement()!) }
            _ = try? SDPParser.parse(s)
        }
    }
}
