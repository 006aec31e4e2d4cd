import NG
import SDP
import Testing
@testable import Session

@Suite struct CodecFilterTests {
    static func media(_ lines: String...) throws -> MediaDescription {
        try SDPParser.parse((["v=0"] + lines).joined(separator: "\r\n") + "\r\n").media[0]
    }

    static let m = ["m=audio 5000 RTP/AVP 0 8 9 101", "a=rtpmap:101 telephone-event/8000"]

    static func offer(_ strip: [String] = [], except: [String] = [], offer: [String] = [], mask: [String] = []) throws -> [String]? {
        var o = NGRequest.CodecOptions()
        o.strip = strip
        o.except = except
        o.offer = offer
        o.mask = mask
        return CodecFilter.offerFormats(try media(m[0], m[1]), o)
    }

    @Test func stripExceptOfferAndMaskFollowTheReference() throws {
        #expect(try Self.offer(["PCMA"]) == ["0", "9", "101"])
        #expect(try Self.offer(["all"], except: ["G722"]) == ["9"])
        #expect(try Self.offer(["all"], offer: ["G722", "PCMA"]) == ["9", "8"])
        #expect(try Self.offer(["all"], except: ["PCMU"], offer: ["G722"]) == ["0", "9"])
        #expect(try Self.offer(["PCMU"], offer: ["PCMU"]) == ["8", "9", "0", "101"])
        #expect(try Self.offer(["all"]) == nil, "stripping everything keeps the original list")
        #expect(try Self.offer(["0"]) == ["0", "8", "9", "101"], "payload numbers are not codec names")
        #expect(try Self.offer(mask: ["pcmu"]) == ["8", "9", "101"])
        #expect(try Self.offer(offer: ["G722"]) == nil)
    }

    @Test func singleCodecKeepsTheFirstMainCodecAndSupplementalOnes() throws {
        let m = try Self.media("m=audio 5000 RTP/AVP 101 8 0 13", "a=rtpmap:101 telephone-event/8000")
        #expect(CodecFilter.singleCodecFormats(m) == ["101", "8", "13"])
    }

    /// An answer as the offerer gets it: what it takes of the open codecs, in its own
    /// order; when it takes none but names one 10.5 can transcode, the offerer's first main
    /// codec that 10.5 can transcode; otherwise the answer as it is.
    @Test func answersAreJudgedByTheOffer() throws {
        let offer = try Self.media("m=audio 5000 RTP/AVP 0 8 5 101", "a=rtpmap:101 telephone-event/8000")
        let own = CodecFilter.ordered(StaticPayloadTypes.codecNames(of: offer), formats: offer.mediaLine.formats)
        let offered = OfferCodecs(offered: own.filter { [0, 5, 101].contains($0.payloadType) })
        func answer(_ m: String, to codecs: OfferCodecs = offered) throws -> [String]? {
            let media = try Self.media(m, "a=rtpmap:101 telephone-event/8000")
            return CodecFilter.answerFormats(media, single: nil, offered: codecs, names: StaticPayloadTypes.codecNames(of: media), answerer: 1)
        }
        #expect(try answer("m=audio 6000 RTP/AVP 101 8 0 9") == ["101", "0"])
        #expect(try answer("m=audio 6000 RTP/AVP 8") == ["0"])
        // Telephone-event alone counts in the offer's first answer; from another branch the
        // offerer gets its first main codec 10.5 can transcode, with it, where the answer
        // has the unopened one.
        #expect(try answer("m=audio 6000 RTP/AVP 101 8") == ["101"])
        let afterOther = offered.answered(CodecFilter.ordered(StaticPayloadTypes.codecNames(of: try Self.media("m=audio 6000 RTP/AVP 0 101",
            "a=rtpmap:101 telephone-event/8000")), formats: ["0", "101"]), by: 2).after
        #expect(try answer("m=audio 6000 RTP/AVP 101 8", to: afterOther) == ["101", "0"], "in the answer's order")
        #expect(try answer("m=audio 6000 RTP/AVP 3 8") == ["0"])
        #expect(try answer("m=audio 6000 RTP/AVP 9", to: OfferCodecs(offered: own.filter { [8, 0].contains($0.payloadType) })) == ["0"],
                "the first of PCMU and PCMA only")
        #expect(try answer("m=audio 6000 RTP/AVP 15") == nil)
        // A re-answer is judged by what the answerer's last answer gave: after PCMU, DVI4 (5)
        // is not open to it; to another branch it is (10.5 cannot transcode DVI4).
        let names = { (m: MediaDescription) in CodecFilter.ordered(StaticPayloadTypes.codecNames(of: m), formats: m.mediaLine.formats) }
        let afterPCMU = offered.answered(names(try Self.media("m=audio 6000 RTP/AVP 0")), by: 1).after
        func answer(_ m: String, by answerer: Int, to codecs: OfferCodecs) throws -> [String]? {
            let media = try Self.media(m)
            return CodecFilter.answerFormats(media, single: nil, offered: codecs, names: StaticPayloadTypes.codecNames(of: media),
                                             answerer: answerer)
        }
        #expect(try answer("m=audio 6000 RTP/AVP 5 8", by: 1, to: afterPCMU) == ["0"])
        #expect(try answer("m=audio 6000 RTP/AVP 5", by: 2, to: afterPCMU) == ["5"])
        // Unless it also names a codec 10.5 can transcode that is not open: then it gets
        // the first open one.
        #expect(try answer("m=audio 6000 RTP/AVP 5 8", by: 2, to: afterPCMU) == ["0"])
        #expect(try answer("m=audio 6000 RTP/AVP 5 9", by: 2, to: afterPCMU) == ["0"])
    }

    /// A rejected answer: naming a transcodable codec that is not open, the first open
    /// transcodable codec and the open ones it takes; otherwise as it is (10.5).
    @Test func rejectedAnswersAreTranscodedOnlyForACodecThatIsNotOpen() throws {
        let offer = try Self.media("m=audio 5000 RTP/AVP 0 8 3")
        let offered = OfferCodecs(offered: CodecFilter.ordered(StaticPayloadTypes.codecNames(of: offer), formats: offer.mediaLine.formats))
        func answer(_ m: String) throws -> [String]? {
            let media = try Self.media(m, "a=rtpmap:110 iLBC/8000")
            return CodecFilter.answerFormats(media, single: nil, offered: offered, names: StaticPayloadTypes.codecNames(of: media), answerer: 1)
        }
        #expect(try answer("m=audio 0 RTP/AVP 9 8") == ["0", "8"])
        #expect(try answer("m=audio 0 RTP/AVP 8 0") == nil)
        #expect(try answer("m=audio 0 RTP/AVP 8 0 9") == ["8", "0"], "the first open one in place of the unopened one")
        let withCN = try Self.media("m=audio 5000 RTP/AVP 0 8 13")
        let cnOpen = OfferCodecs(offered: CodecFilter.ordered(StaticPayloadTypes.codecNames(of: withCN), formats: withCN.mediaLine.formats))
        let cnFirst = try Self.media("m=audio 0 RTP/AVP 13 9 8")
        #expect(CodecFilter.answerFormats(cnFirst, single: nil, offered: cnOpen, names: StaticPayloadTypes.codecNames(of: cnFirst),
                                          answerer: 1) == ["13", "0", "8"], "comfort noise where the answer has it")
        #expect(try answer("m=audio 0 RTP/AVP 110 8") == nil)
        #expect(try answer("m=audio 0 RTP/AVP 13 8 110") == ["8"], "with comfort noise nobody offered, the open codecs taken")
        // (Open ones 10.5 cannot transcode are not among them.)
        let g728 = try Self.media("m=audio 5000 RTP/AVP 15 8 96", "a=rtpmap:96 opus/48000/2")
        let open = OfferCodecs(offered: CodecFilter.ordered(StaticPayloadTypes.codecNames(of: g728), formats: g728.mediaLine.formats))
        let rejected = try Self.media("m=audio 0 RTP/AVP 0 96 15", "a=rtpmap:96 opus/48000/2")
        #expect(CodecFilter.answerFormats(rejected, single: nil, offered: open, names: StaticPayloadTypes.codecNames(of: rejected),
                                          answerer: 1) == ["8", "96"])
    }

    /// Comfort noise or telephone-event alone, not offered, count as a codec 10.5 can
    /// transcode (the first open main one); beside main codecs it cannot transcode, the
    /// offerer gets the open codecs taken, here none.
    @Test func supplementalCodecsAloneOrBesideUntranscodableOnes() throws {
        let offer = try Self.media("m=audio 5000 RTP/AVP 3 8")
        let offered = OfferCodecs(offered: CodecFilter.ordered(StaticPayloadTypes.codecNames(of: offer), formats: offer.mediaLine.formats))
        func answer(_ m: String) throws -> [String]? {
            let media = try Self.media(m, "a=rtpmap:96 AMR/8000", "a=rtpmap:101 telephone-event/8000")
            return CodecFilter.answerFormats(media, single: nil, offered: offered, names: StaticPayloadTypes.codecNames(of: media), answerer: 1)
        }
        #expect(try answer("m=audio 6000 RTP/AVP 13") == ["3"])
        #expect(try answer("m=audio 6000 RTP/AVP 101 13") == ["3"])
        #expect(try answer("m=audio 0 RTP/AVP 101") == ["3"], "a rejected answer too")
        // (10.5 leaves no format there and writes an m= line without one; ours gives the
        // answer as it is rather than invalid SDP.)
        #expect(try answer("m=audio 6000 RTP/AVP 96 13") == nil)
        #expect(try answer("m=audio 0 RTP/AVP 96 101") == nil)
        #expect(try answer("m=audio 6000 RTP/AVP 96") == nil, "codecs it cannot transcode alone go as they are")
        #expect(try answer("m=audio 6000 RTP/AVP 96 9") == ["3"])
        #expect(try answer("m=audio 6000 RTP/AVP 101 10") == ["3"], "telephone-event/8000 beside L16/44100 is as good as alone")
    }

    /// On an offered payload type, an answer's codec 10.5 cannot transcode takes the
    /// offered one; one it can transcode does not.
    @Test func anAnswersUntranscodableCodecTakesTheOfferedPayloadType() {
        let pcma = CodecName(payloadType: 8, name: "PCMA/8000")
        #expect(CodecName(payloadType: 8, name: "AMR/8000").answers(pcma))
        #expect(!CodecName(payloadType: 8, name: "PCMU/8000").answers(pcma))
        #expect(!CodecName(payloadType: 9, name: "AMR/8000").answers(pcma))
        #expect(CodecName(payloadType: 8, name: "pcma/8000").answers(pcma))
    }

    /// Another branch's answer 10.5 transcodes (10.5's outcomes for these answers).
    @Test func anotherBranchsTranscodedAnswer() {
        func c(_ pt: Int, _ name: String) -> CodecName { CodecName(payloadType: pt, name: name) }
        let gsm = c(3, "GSM/8000"), pcma = c(8, "PCMA/8000"), pcmu = c(0, "PCMU/8000"), dvi = c(5, "DVI4/8000")
        let g722 = c(9, "G722/8000"), te = c(118, "telephone-event/8000"), l16 = c(10, "L16/44100")
        func branch(_ answer: [CodecName], open: [CodecName]) -> [Int]?? {
            let kept = answer.filter { a in open.contains(where: a.answers) }
            return OfferCodecs.branchTranscoding(answer, kept: kept, open: open).map { $0?.map(\.payloadType) }
        }
        #expect(branch([pcma], open: [gsm, pcma]) == .none, "nothing unopened: not transcoded")
        #expect(branch([dvi, pcma, g722], open: [gsm, pcma, dvi]) == .some([8, 3]))
        #expect(branch([pcmu, pcma, te], open: [gsm, pcma, pcmu]) == .some([0, 8, 3]))
        #expect(branch([g722, pcma], open: [gsm, pcma]) == .some([3, 8]), "in place of the unopened codec")
        #expect(branch([dvi, pcma, te], open: [gsm, pcma, dvi]) == .some([8]), "telephone-event after DVI4 at its rate")
        #expect(branch([te, l16], open: [g722, l16]) == .some([9]), "L16 at 44100 Hz does not pair with it")
        #expect(branch([pcmu, te], open: [dvi, te]) == .some(nil), "no open codec to transcode to: as it is")
        let g723 = c(4, "G723/8000"), g728 = c(15, "G728/8000")
        #expect(branch([te, g723, g728], open: [g722, te]) == .some([9, 118]), "beside G728: after the main codecs")
        let speex = c(109, "speex/16000")
        #expect(branch([g728, speex, te], open: [g723, te]) == .some([4]), "no main codec of its rate in the answer")
    }

    /// A re-answer after another branch's, and a first answer after an offer whose codec
    /// flags changed its list (10.5's outcomes for these answers).
    @Test func reanswersAfterAnotherBranchAndAnswersAfterFlags() {
        func c(_ pt: Int, _ name: String) -> CodecName { CodecName(payloadType: pt, name: name) }
        let pcmu = c(0, "PCMU/8000"), pcma = c(8, "PCMA/8000"), cn = c(13, "CN/8000"), te = c(101, "telephone-event/8000")
        let amr = c(97, "AMR/8000"), cn16 = c(122, "CN/16000"), g722 = c(9, "G722/8000")
        let pts = { (l: [CodecName]) in l.map(\.payloadType) }
        #expect(pts(OfferCodecs.retaken([pcmu, pcma], current: [pcma])) == [8], "not left: the first main codec left")
        #expect(pts(OfferCodecs.retaken([te, cn], current: [pcma, pcmu, cn])) == [8, 13])
        #expect(pts(OfferCodecs.retaken([amr, pcmu], current: [pcma])) == [97, 8], "AMR stays as it is")
        #expect(pts(OfferCodecs.retaken([te], current: [amr])) == [101], "nothing left to transcode to")
        #expect(pts(OfferCodecs.sortedByFlags([cn, te, cn16, pcma, g722, pcmu])) == [122, 8, 9, 0, 13, 101])
        #expect(pts(OfferCodecs.sortedByFlags([te, cn, amr])) == [97], "beside no main codec it can transcode")
        #expect(pts(OfferCodecs.sortedByFlags([cn])) == [13], "nothing would stay: as it is")
    }

    @Test func codecSpecsMatchClockAndChannels() {
        let stereo = CodecFilter.Codec(format: "96", name: "opus", clock: 48000, channels: 2)
        #expect(stereo.matches("OPUS"))
        #expect(stereo.matches("opus/48000/2"))
        #expect(!stereo.matches("opus/48000"))
        #expect(!stereo.matches("opus/16000/2"))
    }
}

@Suite struct OutgoingOriginTests {
    static func sdp(_ o: String, _ s: String, _ port: Int) throws -> SessionDescription {
        try SDPParser.parse("v=0\r\no=\(o)\r\ns=\(s)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\n")
    }

    @Test func usernameSessionNameAndVersionAreKeptStable() throws {
        var state = OutgoingOrigin()
        let all: Set<NGRequest.ReplaceOption> = [.sdpVersion, .username, .sessionName]
        func send(_ o: String, _ s: String, _ port: Int) throws -> (String, String) {
            let incoming = try Self.sdp(o, s, port)
            var out = incoming
            state.apply(to: &out, all)
            return (out.sessionLines[1].value, out.sessionLines[2].value)
        }
        #expect(try send("alice 1 456 IN IP4 1.1.1.1", "call", 5000) == ("alice 1 456 IN IP4 1.1.1.1", "call"))
        #expect(try send("alice 1 457 IN IP4 1.1.1.1", "call", 5000) == ("alice 1 456 IN IP4 1.1.1.1", "call"))
        #expect(try send("bob 9 1 IN IP4 1.1.1.1", "other", 5000) == ("alice 9 457 IN IP4 1.1.1.1", "call"))
        #expect(try send("bob 9 1 IN IP4 1.1.1.1", "other", 5002) == ("alice 9 458 IN IP4 1.1.1.1", "call"))
        #expect(try send("bob 9 1 IN IP4 1.1.1.1", "other", 5002) == ("alice 9 458 IN IP4 1.1.1.1", "call"))
    }

    /// 10.5 compares a body with the last one sent with `replace SDP version`: changes in
    /// bodies sent without it count for nothing, and the first one with it counts none.
    @Test func onlyBodiesSentWithReplaceSDPVersionAreCompared() throws {
        var state = OutgoingOrigin()
        func send(_ port: Int, _ replace: Set<NGRequest.ReplaceOption>) throws -> String {
            let incoming = try Self.sdp("a 1 3 IN IP4 1.1.1.1", "-", port)
            var out = incoming
            state.apply(to: &out, replace)
            return out.sessionLines[1].value
        }
        #expect(try send(5000, []) == "a 1 3 IN IP4 1.1.1.1")
        #expect(try send(5002, [.sdpVersion]) == "a 1 3 IN IP4 1.1.1.1")
        #expect(try send(5004, []) == "a 1 3 IN IP4 1.1.1.1")
        #expect(try send(5002, [.sdpVersion]) == "a 1 3 IN IP4 1.1.1.1")
        #expect(try send(5004, [.sdpVersion]) == "a 1 4 IN IP4 1.1.1.1")
    }
}
