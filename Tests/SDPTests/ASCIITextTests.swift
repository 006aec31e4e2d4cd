import Testing
@testable import SDP

/// The byte-level helpers the parser uses agree with Swift's own splitting on every input
/// SDP can carry, odd spacing included.
@Suite struct ASCIITextTests {
    static let samples = [
        "", " ", "a", "IN IP4 10.0.0.1", "  IN  IP4   10.0.0.1  ", "audio 5000 RTP/AVP 0 8 101", "a//b/", "/",
        "0 PCMU/8000", "x y", "héllo wörld ünïcode", "tab\there", "one  two",
    ]

    @Test(arguments: samples)
    func splitMatchesSwift(_ text: String) {
        for (sep, byte) in [(Character(" "), UInt8(ascii: " ")), (Character("/"), UInt8(ascii: "/"))] {
            for omit in [true, false] {
                for maxSplits in [0, 1, 2, Int.max] {
                    let ours = text.asciiSplit(byte, maxSplits: maxSplits, omittingEmpty: omit).map(String.init)
                    let swift = text.split(separator: sep, maxSplits: maxSplits, omittingEmptySubsequences: omit).map(String.init)
                    #expect(ours == swift, "\(text) sep \(sep) omit \(omit) max \(maxSplits)")
                    #expect(text.asciiFields(byte, maxSplits: maxSplits, omittingEmpty: omit) == swift, "fields: \(text) sep \(sep) omit \(omit) max \(maxSplits)")
                }
            }
        }
        let sub = text.dropFirst()
        #expect(sub.asciiSplit(UInt8(ascii: " ")).map(String.init) == sub.split(separator: " ").map(String.init))
        #expect(sub.asciiFields(UInt8(ascii: " ")) == sub.split(separator: " ").map(String.init))
    }

    @Test(arguments: samples)
    func containsMatchesSwift(_ text: String) {
        #expect(text.asciiContains("IP4") == text.contains("IP4"), "\(text)")
        #expect(text.asciiContains(" ") == text.contains(" "), "\(text)")
        #expect(text.asciiContains("") && text.dropFirst().asciiContains(""))
        #expect(text.dropFirst().asciiContains("AVP") == text.dropFirst().contains("AVP"), "\(text)")
    }

    @Test func containsFindsWordsAnywhere() {
        #expect("RTP/SAVP".asciiContains("SAVP") && "UDP/TLS/RTP/SAVPF".asciiContains("SAVP"))
        #expect(!"RTP/AVP".asciiContains("SAVP") && !"SAV".asciiContains("SAVP") && !"SSAV P".asciiContains("SAVP"))
        #expect("SSAVP".asciiContains("SAVP") && "SAVP".asciiContains("SAVP"))
    }

    @Test func leadingNumberOfAttributes() {
        #expect(SDPLine("a", "rtpmap:101 telephone-event/8000").leadingNumber == 101)
        #expect(SDPLine("a", "fmtp:0").leadingNumber == 0)
        #expect(SDPLine("a", "rtcp-fb:96 nack").leadingNumber == 96)
        #expect(SDPLine("a", "rtpmap:x PCMU/8000").leadingNumber == nil)
        #expect(SDPLine("a", "rtpmap: 0 PCMU/8000").leadingNumber == nil)
        #expect(SDPLine("a", "sendrecv").leadingNumber == nil)
        #expect(SDPLine("b", "AS:64").leadingNumber == nil)
        #expect(SDPLine.attribute("rtpmap", "8 PCMA/8000").attributeName == "rtpmap")
        #expect(SDPLine.attribute("rtpmap", "8 PCMA/8000") == SDPLine("a", "rtpmap:8 PCMA/8000"))
        // The parser names attributes from the bytes; the result equals a line built from text.
        let sdp = try! SDPParser.parse("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\na=x:\r\na=:y\r\nc=IN IP4 1.2.3.4\r\n")
        #expect(sdp.media[0].lines == [SDPLine("a", "rtpmap:0 PCMU/8000"), SDPLine("a", "sendrecv", ending: .lf), SDPLine("a", "x:"),
                                        SDPLine("a", ":y"), SDPLine("c", "IN IP4 1.2.3.4")])
        #expect(sdp.media[0].lines.map(\.attributeName) == ["rtpmap", "sendrecv", "x", "", nil])
        #expect(sdp.media[0].hasConnection && !(try! SDPParser.parse("v=0\r\nm=audio 1 RTP/AVP 0\r\n")).media[0].hasConnection)
    }
}
