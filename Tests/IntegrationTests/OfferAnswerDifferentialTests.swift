import Bencode
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Sends one ng request and decodes the reply dictionary.
func ngRequest(_ port: UInt16, _ entries: [(String, BencodeValue)]) -> BencodeValue? {
    let cookie = "t\(UInt32.random(in: 0...UInt32.max))"
    var message = Array("\(cookie) ".utf8)
    BencodeEncoder.encode(.dictionary(entries.map { (key: $0.0, value: $0.1) }), into: &message)
    guard let reply = udpExchange("127.0.0.1", port, message, timeout: 2),
          let space = reply.firstIndex(of: 0x20) else { return nil }
    return try? BencodeDecoder.decodePrefix(Array(reply[(space + 1)...])).0
}

/// The non-zero m= ports of an SDP, in order (the first of a port count's).
func mediaPorts(_ sdp: String) -> [UInt16] {
    sdp.split(whereSeparator: \.isNewline).compactMap { line in
        guard line.hasPrefix("m=") else { return nil }
        let fields = line.split(separator: " ")
        return fields.count > 1 ? UInt16(fields[1].prefix { $0 != "/" }).flatMap { $0 == 0 ? nil : $0 } : nil
    }
}

/// The non-zero m= ports of an SDP with the address each is on (the c= line in force), so
/// the same number on two addresses counts as two sockets.
func mediaSockets(_ sdp: String) -> [String] {
    var address = ""
    var out: [String] = []
    for line in sdp.split(whereSeparator: \.isNewline) {
        if line.hasPrefix("c=") { address = String(line.split(separator: " ").last ?? "") }
        if line.hasPrefix("m="), let port = UInt16(line.split(separator: " ")[1]), port != 0 { out.append("\(address) \(port)") }
    }
    return out
}

/// Masks what legitimately differs between two proxies: allocated ports. Line endings are
/// kept (lines are split on LF only), so a CRLF/LF difference still shows.
func normalizeSDP(_ sdp: String) -> String {
    var mediaPort: Int?
    return sdp.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { bytes -> String in
        var l = String(decoding: bytes, as: UTF8.self)
        if l.hasPrefix("m="), let r = l.range(of: #"^m=\S+ [1-9][0-9]*"#, options: .regularExpression) {
            mediaPort = Int(l[r].split(separator: " ")[1])
            let prefix = l[r].prefix { $0 != " " }
            l.replaceSubrange(r, with: prefix + " PORT")
        }
        // RTCP on the RTP port (rtcp-mux) or the next one must still show.
        if l.hasPrefix("a=rtcp:"), let r = l.range(of: #"^a=rtcp:[0-9]+"#, options: .regularExpression) {
            let port = Int(l[r].dropFirst("a=rtcp:".count))
            let shown = port == mediaPort ? "PORT" : (mediaPort.map { $0 + 1 } == port ? "PORT+1" : "OTHER")
            l.replaceSubrange(r, with: "a=rtcp:" + shown)
        }
        if l.hasPrefix("a=rtpengine:") { l = "a=rtpengine:TOKEN" + (l.hasSuffix("\r") ? "\r" : "") }
        return l
    }.joined(separator: "\n")
}

/// Offer/answer scenarios fed to Debian's rtpengine 10.5 and to ours; replies must match
/// (result, error text, SDP with ports masked). Skipped when the reference is absent.
@Suite(.serialized) struct OfferAnswerDifferentialTests {
    static func sdp(_ lines: String...) -> BencodeValue { .string(lines.joined(separator: "\r\n") + "\r\n") }
    static let head = ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "c=IN IP4 198.51.100.1", "t=0 0"]
    static func offer(_ media: [String], head: [String] = head, extra: [(String, BencodeValue)] = [], flags: [String] = []) -> [(String, BencodeValue)] {
        var e: [(String, BencodeValue)] = [("command", .string("offer")), ("from-tag", .string("A")),
                                           ("sdp", .string((head + media).joined(separator: "\r\n") + "\r\n"))]
        if !flags.isEmpty { e.append(("flags", .list(flags.map { .string($0) }))) }
        return e + extra
    }
    static func answer(_ lines: [String], extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
         ("sdp", .string(lines.joined(separator: "\r\n") + "\r\n"))] + extra
    }
    static let bob = ["v=0", "o=bob 9 9 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5", "t=0 0"]
    static func bobHead(_ n: Int) -> [String] {
        ["v=0", "o=bob\(n) 1 1 IN IP4 203.0.113.\(n)", "s=-", "c=IN IP4 203.0.113.\(n)", "t=0 0"]
    }
    /// An answer from B to a from-tag the call does not have.
    static func answerToNobody(_ media: [String]) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
         ("sdp", .string((bob + media).joined(separator: "\r\n") + "\r\n"))]
    }
    static func answerFrom(_ tag: String, _ n: Int, _ media: [String], extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string(tag)),
         ("sdp", .string((bobHead(n) + media).joined(separator: "\r\n") + "\r\n"))] + extra
    }
    /// The caller's answer to the callee's offer (re-INVITE), with the caller's session lines.
    static func callerAnswer(_ media: [String]) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
         ("sdp", .string((head + media).joined(separator: "\r\n") + "\r\n"))]
    }
    /// The callee's offer (re-INVITE) to the caller, with bob's session lines.
    static func calleeOffer(_ media: [String]) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
         ("sdp", .string((bob + media).joined(separator: "\r\n") + "\r\n"))]
    }
    /// An answer to `offerer` (its from-tag) from `tag`, with bob`n`'s session lines.
    static func answer(to offerer: String, from tag: String, _ n: Int, _ media: [String]) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string(offerer)), ("to-tag", .string(tag)),
         ("sdp", .string((bobHead(n) + media).joined(separator: "\r\n") + "\r\n"))]
    }
    static let codecMedia = ["m=audio 5000 RTP/AVP 0 8 9 101", "a=rtpmap:9 G722/8000", "a=rtpmap:101 telephone-event/8000",
                             "a=fmtp:101 0-16", "a=ptime:20"]
    static let muxMedia = ["m=audio 5000 RTP/AVP 0", "a=rtcp-mux"]
    static let muxMedia6000 = ["m=audio 6000 RTP/AVP 0", "a=rtcp-mux"]
    static let rawBody = "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
    /// An offer of exactly `body`.
    static func raw(_ body: String) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("A")), ("sdp", .string(body))]
    }
    static let stripPCMA: [(String, BencodeValue)] = [("codec", .dictionary([(key: "strip", value: .list([.string("PCMA")]))]))]
    static let stripAllButPCMA: [(String, BencodeValue)] = [("codec", .dictionary([(key: "strip", value: .list([.string("all")])),
                                                                                   (key: "except", value: .list([.string("PCMA")]))]))]
    static let replaceAll: BencodeValue = .list([.string("SDP-version"), .string("username"), .string("session-name")])

    /// Each scenario is a sequence of requests on one fresh call-id.
    static let scenarios: [(String, [[(String, BencodeValue)]])] = [
        ("basic offer/answer", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=sendrecv"]),
                                answer(bob + ["m=audio 6000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("attribute order", [offer(["m=audio 5000 RTP/AVP 8 0 101", "a=sendrecv", "a=ptime:20", "a=foo:bar", "a=fmtp:101 0-15",
                                    "a=rtpmap:101 telephone-event/8000", "a=maxptime:40", "a=rtcp:5001"])]),
        ("media-level c and b", [offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.2", "b=AS:64", "a=recvonly"],
                                       head: ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "t=0 0"])]),
        ("several m= lines, rejected and inactive", [offer(["m=audio 5000 RTP/AVP 0", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000",
                                                            "m=video 6000 RTP/AVP 97", "a=rtpmap:97 VP8/90000", "a=inactive"])]),
        ("zero address sendrecv", [offer(["m=audio 5000 RTP/AVP 0", "a=sendrecv"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"])]),
        ("zero address recvonly", [offer(["m=audio 5000 RTP/AVP 0", "a=recvonly"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"])]),
        ("zero address no direction", [offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"])]),
        ("ICE=remove with mid, extmap, ssrc, rtcp-mux", [offer(["m=audio 5000 RTP/AVP 0", "a=mid:0", "a=rtcp-mux",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "a=candidate:1 1 UDP 2130706431 198.51.100.1 5000 typ host", "a=ssrc:1234 cname:x"], extra: [("ICE", .string("remove"))])]),
        ("no rtcp attribute", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["no-rtcp-attribute"])]),
        ("full rtcp attribute", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["full-rtcp-attribute"])]),
        ("replace origin and session connection", [offer(["m=audio 5000 RTP/AVP 0"],
            extra: [("replace", .list([.string("origin"), .string("session-connection")]))])]),
        ("replace-origin as a plain flag is ignored", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["replace-origin"])]),
        ("odd spacing in o= kept as sent", [offer(["m=audio 5000 RTP/AVP 0"],
            head: ["v=0", "o=alice  123 456   IN IP4 198.51.100.1", "s=call", "c=IN IP4 198.51.100.1", "t=0 0"])]),
        ("static payload types", [offer(["m=audio 5000 RTP/AVP 0 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 25 26 31 32 33 34 35"])]),
        ("answer recvonly with rtcp", [offer(["m=audio 5000 RTP/AVP 0 8", "a=sendrecv"]),
                                       answer(bob + ["m=audio 6000 RTP/AVP 8", "a=recvonly", "a=rtcp:7000"])]),
        ("session direction, bundle, rtcp-fb", [offer(["m=audio 5000 RTP/AVP 0", "a=rtcp-fb:0 nack", "a=fmtp:0 x=y"],
            head: head + ["a=sendonly", "a=group:BUNDLE 0"])]),
        ("transport protocol RTP/AVPF", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("transport-protocol", .string("RTP/AVPF"))])]),
        ("rejected only section with c and b", [offer(["m=audio 0 RTP/AVP 0", "c=IN IP4 1.2.3.4", "b=AS:1", "a=sendrecv"])]),
        ("IPv6 SDP on an IPv4 interface, bare LF", [[("command", .string("offer")), ("from-tag", .string("A")),
            ("sdp", .string("v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nt=0 0\nm=audio 5000 RTP/AVP 0\n"))]]),
        ("mixed line endings", [[("command", .string("offer")), ("from-tag", .string("A")),
            ("sdp", .string("v=0\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\nc=IN IP4 1.2.3.4\r\nt=0 0\nm=audio 5000 RTP/AVP 0\r\na=foo\n"))]]),
        ("original sendrecv on hold", [offer(["m=audio 5000 RTP/AVP 0", "a=sendrecv"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
                                             flags: ["original-sendrecv"])]),
        ("re-INVITE from the caller", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 8"]),
                                       offer(["m=audio 5002 RTP/AVP 8", "a=sendonly"], extra: [("to-tag", .string("B"))]),
                                       answer(bob + ["m=audio 6000 RTP/AVP 8", "a=recvonly"])]),
        ("re-INVITE moving the port, port latching", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 8"]),
                                       offer(["m=audio 5002 RTP/AVP 8"], extra: [("to-tag", .string("B")),
                                                                                   ("flags", .list([.string("port-latching")]))]),
                                       answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("re-answer moving the callee's port", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 8"]),
                                       offer(["m=audio 5000 RTP/AVP 8"], extra: [("to-tag", .string("B"))]),
                                       answer(bob + ["m=audio 6002 RTP/AVP 8"])]),
        ("strip PCMA", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("PCMA")]))]))])]),
        ("strip all except G722", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("all")])),
                                                                                  (key: "except", value: .list([.string("G722")]))]))])]),
        ("offer without strip keeps the order", [offer(codecMedia, extra: [("codec", .dictionary([(key: "offer", value: .list([.string("G722"), .string("PCMA")]))]))])]),
        ("strip all, offer reorders", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("all")])),
                                                                                      (key: "offer", value: .list([.string("G722"), .string("PCMA")]))]))])]),
        ("strip all, except and offer", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("all")])),
            (key: "except", value: .list([.string("PCMU")])), (key: "offer", value: .list([.string("G722")]))]))])]),
        ("strip and restore by offer", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")])),
                                                                                       (key: "offer", value: .list([.string("PCMU")]))]))])]),
        ("strip by payload number is ignored, by name works", [offer(codecMedia, flags: ["codec-strip-0", "codec-strip-telephone-event"])]),
        ("strip all alone changes nothing", [offer(codecMedia, flags: ["codec-strip-all"])]),
        ("strip full except", [offer(codecMedia, extra: [("codec", .dictionary([(key: "strip", value: .list([.string("full")])),
                                                                              (key: "except", value: .list([.string("PCMA")]))]))])]),
        ("mask without transcoding strips", [offer(codecMedia, flags: ["codec-mask-PCMU"])]),
        ("strip unknown codec", [offer(codecMedia, flags: ["codec-strip-opus"])]),
        ("strip is case-insensitive", [offer(["m=audio 5000 RTP/AVP 0 8"], flags: ["codec-strip-pcmu"])]),
        ("except alone changes nothing", [offer(["m=audio 5000 RTP/AVP 0 8"], flags: ["codec-except-PCMA"])]),
        ("strip with parameters", [offer(["m=audio 5000 RTP/AVP 96 97 0", "a=rtpmap:96 opus/48000/2", "a=rtpmap:97 opus/48000"],
                                         flags: ["codec-strip-opus/48000/2"])]),
        ("strip keeps telephone-event first", [offer(["m=audio 5000 RTP/AVP 101 0 13 8", "a=rtpmap:101 telephone-event/8000"],
                                                     extra: [("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")]))]))])]),
        // The answer as the offerer gets it: the codecs the offer went out with that the
        // answer takes (10.5 without transcoding).
        ("an answer loses a codec the offer stripped", [offer(["m=audio 5000 RTP/AVP 0 8"], extra: stripPCMA),
                                                        answer(bob + ["m=audio 6000 RTP/AVP 8 0"])]),
        ("an answer of only a stripped codec keeps the offer's", [offer(["m=audio 5000 RTP/AVP 0 8"], extra: stripPCMA),
                                                                  answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("an answer loses a codec nobody offered", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 0 8 9"])]),
        ("an answer loses a dynamic codec nobody offered", [offer(["m=audio 5000 RTP/AVP 0 8"]),
                                                            answer(bob + ["m=audio 6000 RTP/AVP 0 96", "a=rtpmap:96 opus/48000/2"])]),
        ("the answer's order", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
                                answer(bob + ["m=audio 6000 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("strip all except one, answered with more", [offer(["m=audio 5000 RTP/AVP 0 8"], extra: [("codec", .dictionary([
            (key: "strip", value: .list([.string("all")])), (key: "except", value: .list([.string("PCMA")]))]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"])]),
        // A codec `mask` took out of the offer stays on the offerer's side: an answer that
        // takes none of the offer's main codecs gives it the masked ones it names.
        ("an answer of only a masked codec", [offer(["m=audio 5000 RTP/AVP 8 0"], flags: ["codec-mask-PCMU"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("an answer of a masked codec and an offered one", [offer(["m=audio 5000 RTP/AVP 8 0"], flags: ["codec-mask-PCMU"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"])]),
        // An answer's own `codec` flags act on its list as an offer's do, `mask` aside.
        ("an answer strips a codec", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 0 8"], extra: [
            ("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")]))]))])]),
        ("an answer strips a codec by flag", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"], extra: [("flags", .list([.string("codec-strip-PCMU")]))])]),
        ("an answer strips all but one", [offer(["m=audio 5000 RTP/AVP 0 8 9"]), answer(bob + ["m=audio 6000 RTP/AVP 0 8 9"], extra: [
            ("codec", .dictionary([(key: "strip", value: .list([.string("all")])), (key: "except", value: .list([.string("G722")]))]))])]),
        ("an answer strips and offers again", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 0 8"], extra: [
            ("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")])), (key: "offer", value: .list([.string("PCMU")]))]))])]),
        ("an answer strips telephone-event", [offer(["m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"],
                   extra: [("flags", .list([.string("codec-strip-telephone-event")]))])]),
        // Left with no codec of the offer's, the answer is transcoded: the telephone-event
        // it came with (before its flags) stays.
        ("an answer strips telephone-event, left with a codec the offer lacks", [
            offer(["m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"],
                   extra: [("flags", .list([.string("codec-strip-telephone-event")]))])]),
        // (A re-answer so after one that took the offer's codecs keeps it too.)
        ("an answer takes the offer's codecs, then a re-answer strips all but one it lacks", [
            offer(["m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"], extra: stripPCMA),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"], extra: stripAllButPCMA)]),
        // (A re-answer the same way keeps only the codec.)
        ("an answer strips all but a codec the offer lacks, twice", [offer(["m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"], extra: stripAllButPCMA),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"], extra: stripAllButPCMA)]),
        ("an answer's mask and strip of everything change nothing", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"], extra: [("flags", .list([.string("codec-mask-PCMU"), .string("codec-strip-all")]))])]),
        ("a re-answer with another offered codec keeps the first", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        // 10.5 narrows the offerer's codecs by an answer only when it can transcode one the
        // answer took, and passes codecs it cannot transcode (DVI4, iLBC, AMR) as they are.
        ("a re-answer with a codec 10.5 cannot transcode passes", [offer(["m=audio 5000 RTP/AVP 0 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 5"])]),
        ("after an answer of such a codec another one goes as it is", [offer(["m=audio 5000 RTP/AVP 0 8 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 5"]), answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        // What such an answer gave the offerer (as it is) is what is open to the next one.
        ("after an answer of such a codec it alone is open", [offer(["m=audio 5000 RTP/AVP 0 8 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 5"]), answer(bob + ["m=audio 6000 RTP/AVP 8 5"])]),
        ("after a first answer of a codec nobody offered it alone is open", [offer(["m=audio 5000 RTP/AVP 0 8 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 110", "a=rtpmap:110 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 0 110", "a=rtpmap:110 AMR/8000"])]),
        ("a re-answer after a rejected answer of a codec nobody offered", [offer(["m=audio 5000 RTP/AVP 117 115",
            "a=rtpmap:117 telephone-event/8000", "a=rtpmap:115 iLBC/8000"]), answer(bob + ["m=audio 0 RTP/AVP 110", "a=rtpmap:110 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 115 117", "a=rtpmap:115 iLBC/8000", "a=rtpmap:117 telephone-event/8000"])]),
        // A re-answer to the same offerer is judged by its latest offer, even one that went
        // to another branch.
        ("a re-answer after the caller's offer to a new branch", [offer(["m=audio 5000 RTP/AVP 4"], extra: [("via-branch", .string("v1"))]),
            answer(bob + ["m=audio 6000 RTP/AVP 4"]), offer(["m=audio 5002 RTP/AVP 0"], extra: [("via-branch", .string("v2"))]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        // Unless it takes some of what was offered to it: then that judges it (10.5 keeps
        // codecs per media of each participant).
        ("a re-answer sharing codecs with its own offer after an offer to a new branch", [
            offer(["m=audio 5000 RTP/AVP 15"], extra: [("via-branch", .string("v1"))]), answer(bob + ["m=audio 6000 RTP/AVP 15"]),
            offer(["m=audio 5000 RTP/AVP 15 106", "a=rtpmap:106 opus/48000"], extra: [("via-branch", .string("v2"))]),
            answer(bob + ["m=audio 6000 RTP/AVP 15 106", "a=rtpmap:106 opus/48000"])]),
        // Another branch's answer 10.5 transcodes keeps the answer's order, telephone-event
        // first where it stands first.
        ("another branch's transcoded answer in its own order", [offer(["m=audio 5000 RTP/AVP 0 8 99", "a=rtpmap:99 telephone-event/8000"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 0 99", "a=rtpmap:99 telephone-event/8000"]),
            answerFrom("y", 2, ["m=audio 6002 RTP/AVP 99 9", "a=rtpmap:99 telephone-event/8000"])]),
        // A section only an answer had (more m= lines than the offer): what that answer
        // gave judges the next answers for it, as an offer of it would.
        ("another branch answers a section only the first answer had", [offer(["m=audio 5000 RTP/AVP 13"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 13", "m=audio 6003 RTP/AVP 125", "a=rtpmap:125 speex/16000"]),
            answerFrom("y", 2, ["m=audio 6002 RTP/AVP 13", "m=audio 6004 RTP/AVP 102", "a=rtpmap:102 telephone-event/8000"])]),
        ("another branch's codec 10.5 cannot transcode passes there", [offer(["m=audio 5000 RTP/AVP 13"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 13", "m=audio 6003 RTP/AVP 125 102", "a=rtpmap:125 speex/16000",
                                "a=rtpmap:102 telephone-event/8000"]),
            answerFrom("y", 2, ["m=audio 6002 RTP/AVP 13", "m=audio 6004 RTP/AVP 114 102", "a=rtpmap:114 iLBC/8000",
                                "a=rtpmap:102 telephone-event/8000"])]),
        ("a re-answer of such a section with a codec 10.5 cannot transcode", [offer(["m=audio 5000 RTP/AVP 13"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 13", "m=video 6003 RTP/AVP 106", "a=rtpmap:106 H264/90000"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 13", "m=video 6003 RTP/AVP 106 117", "a=rtpmap:106 H264/90000",
                                "a=rtpmap:117 VP8/90000"])]),
        ("a fork branch re-answers after the caller's offer to the other", [
            offer(["m=audio 5000 RTP/AVP 15"]), answerFrom("x", 1, ["m=audio 6001 RTP/AVP 15"]), answerFrom("y", 2, ["m=audio 6002 RTP/AVP 15"]),
            offer(["m=audio 5000 RTP/AVP 15 106", "a=rtpmap:106 opus/48000"]),
            answerFrom("x", 1, ["m=audio 6001 RTP/AVP 15 106", "a=rtpmap:106 opus/48000"])]),
        // An answer to an offerer with no codecs of its own is judged by what the answerer's
        // last answer to another gave.
        ("an answer to a from-tag nobody has after a rejected answer", [offer(["m=audio 5000 RTP/AVP 5 125", "a=rtpmap:125 AMR/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 5"]), [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
            ("sdp", .string((bob + ["m=audio 6556 RTP/AVP 5 125", "a=rtpmap:125 AMR/8000"]).joined(separator: "\r\n") + "\r\n"))]]),
        // ...only the codecs of it taken, else the answer as it is (10.5 transcodes nothing
        // there), and a re-answer to it by the first.
        ("answers to a from-tag nobody has", [offer(["m=audio 5000 RTP/AVP 0 8 13"]), answer(bob + ["m=audio 6000 RTP/AVP 8"]),
            answerToNobody(["m=audio 6000 RTP/AVP 13"]), answerToNobody(["m=audio 6000 RTP/AVP 0"])]),
        ("answers to a from-tag nobody has, taking one", [offer(["m=audio 5000 RTP/AVP 0 8 125", "a=rtpmap:125 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 125", "a=rtpmap:125 AMR/8000"]), answerToNobody(["m=audio 6000 RTP/AVP 0 125", "a=rtpmap:125 AMR/8000"])]),
        // An m= line 10.5 reads with an empty port goes as it came to a participant that
        // never sent an SDP (no profile of its own to write there).
        ("an answer with an empty port field to a from-tag nobody has", [offer(["m=audio 0 RTP/AVP 15"]),
            answerToNobody(["m=audio  0 RTP/AVP"])]),
        ("a rejected answer to a from-tag nobody has", [offer(["m=audio 5000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 8"]),
            answerToNobody(["m=audio 0 RTP/AVP 9 8"])]),
        // A rejected answer naming a codec nobody offered: the open ones taken that 10.5 can
        // transcode, the first open one in place of the unopened one, in the answer's order.
        ("a rejected answer beside G728 and opus", [offer(["m=audio 5000 RTP/AVP 15 8 96", "a=rtpmap:96 opus/48000/2"]),
            answer(bob + ["m=audio 0 RTP/AVP 0 96 15", "a=rtpmap:96 opus/48000/2"])]),
        ("a rejected answer with comfort noise first", [offer(["m=audio 5000 RTP/AVP 0 8 13"]), answer(bob + ["m=audio 0 RTP/AVP 13 9 8"])]),
        // A rejected line 10.5 reads no RTP profile in keeps its codecs under `codec strip`.
        ("codec strip on a rejected line with two spaces", [offer(["m=video  0 RTP/AVP 125 102", "a=rtpmap:125 H263-1998/90000",
            "a=rtpmap:102 VP9/90000"], flags: ["codec-strip-H263-1998"])]),
        // A rejected re-answer is judged by what the rejected answer gave.
        ("a rejected re-answer after speex", [offer(["m=audio 0 RTP/AVP 109", "a=rtpmap:109 telephone-event/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 119 109", "a=rtpmap:119 speex/16000", "a=rtpmap:109 telephone-event/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 13"])]),
        ("a re-answer after telephone-event alone, to AMR and another telephone-event", [offer(["m=audio 5902 RTP/AVP 127 101 96",
            "a=rtpmap:127 telephone-event/8000", "a=rtpmap:101 AMR/8000", "a=rtpmap:96 telephone-event/48000"]),
            answer(bob + ["m=audio 7460 RTP/AVP 96", "a=rtpmap:96 telephone-event/48000"]),
            answer(bob + ["m=audio 7460 RTP/AVP 127 101", "a=rtpmap:127 telephone-event/8000", "a=rtpmap:101 AMR/8000"])]),
        ("a re-answer mixing both keeps the transcodable first", [offer(["m=audio 5000 RTP/AVP 0 8 5 9"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 5"]), answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("a re-answer keeping telephone-event alone", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("a fork after an answer of a codec 10.5 cannot transcode", [offer(["m=audio 5000 RTP/AVP 0 5 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 5 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("a re-answer after a single-codec answer", [offer(["m=audio 5000 RTP/AVP 8 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 5"], extra: [("flags", .list([.string("single-codec")]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 5"])]),
        ("a branch after a single-codec answer", [offer(["m=audio 5000 RTP/AVP 9 97", "a=rtpmap:97 opus/48000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 97 9", "a=rtpmap:97 opus/48000"], extra: [("flags", .list([.string("single-codec")]))]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 9"])]),
        ("a transcodable re-answer after a single-codec answer", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 0"], extra: [("flags", .list([.string("single-codec")]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        // A single-codec re-answer keeping a codec its last answer did not give: 10.5 judges
        // the whole answer first, then keeps the first main codec of what that gives.
        ("a single-codec re-answer keeping a codec the last answer did not give", [
            offer(["m=audio 5000 RTP/AVP 5 113", "a=rtpmap:113 opus/48000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 113", "a=rtpmap:113 opus/48000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 5 113", "a=rtpmap:113 opus/48000"], extra: [("flags", .list([.string("single-codec")]))])]),
        ("a re-answer after a codec 10.5 cannot transcode", [offer(["m=audio 5000 RTP/AVP 8 5"]),
            answer(bob + ["m=audio 6000 RTP/AVP 5"]), answer(bob + ["m=audio 6000 RTP/AVP 8 5"])]),
        ("branches after a transcodable and an untranscodable answer", [offer(["m=audio 5000 RTP/AVP 0 8 5"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 5"]),
            answerFrom("b3", 3, ["m=audio 6003 RTP/AVP 8"])]),
        ("a branch may take what another's transcodable answer left open", [offer(["m=audio 5000 RTP/AVP 0 5 15"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 5"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 15 0"]),
            answerFrom("b3", 3, ["m=audio 6003 RTP/AVP 5 0"])]),
        // Comfort noise or telephone-event nobody offered count as a codec 10.5 transcodes;
        // beside codecs it cannot transcode, only the open ones taken (10.5 writes an m= line
        // without formats where none is left, invalid SDP: ours then gives the answer as it
        // is, see CodecFilterTests).
        ("an answer of comfort noise alone", [offer(["m=audio 5000 RTP/AVP 3 8"]), answer(bob + ["m=audio 6000 RTP/AVP 13"])]),
        ("a branch answers telephone-event alone", [offer(["m=audio 5000 RTP/AVP 3 13"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 101 13", "a=rtpmap:101 telephone-event/8000"])]),
        ("a branch answers comfort noise another's answer left open", [offer(["m=audio 5000 RTP/AVP 13 116", "a=rtpmap:116 speex/16000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 13 116", "a=rtpmap:116 speex/16000"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 13"])]),
        // Another branch's answer that 10.5 transcodes: what it can transcode of the codecs
        // taken, then the first open one it can transcode; after a main codec of the
        // unopened telephone-event's clock rate that it cannot transcode, nothing more.
        ("a branch's unopened codec beside taken ones", [offer(["m=audio 5000 RTP/AVP 3 8 5"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 8"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 5 8 9"])]),
        ("a branch's unopened codec first", [offer(["m=audio 5000 RTP/AVP 3 8 9"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 8"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 9 8"])]),
        ("a branch's unopened codec beside speex", [offer(["m=audio 5000 RTP/AVP 3 9 110", "a=rtpmap:110 speex/16000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 110", "a=rtpmap:110 speex/16000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 9 110", "a=rtpmap:110 speex/16000"])]),
        ("a branch's unopened telephone-event", [offer(["m=audio 5000 RTP/AVP 3 8 0 118", "a=rtpmap:118 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 8 0"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 0 8 118", "a=rtpmap:118 telephone-event/8000"])]),
        ("a branch's unopened telephone-event after DVI4", [offer(["m=audio 5000 RTP/AVP 3 8 5 118", "a=rtpmap:118 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 8 5"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 5 8 118", "a=rtpmap:118 telephone-event/8000"])]),
        ("a branch's unopened telephone-event beside L16 at another rate", [offer(["m=audio 5000 RTP/AVP 9 10 118", "a=rtpmap:118 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 9"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 118 10", "a=rtpmap:118 telephone-event/8000"])]),
        ("a re-answer's telephone-event beside L16 at another rate", [offer(["m=audio 5000 RTP/AVP 9 10 118", "a=rtpmap:118 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 9"]), answer(bob + ["m=audio 6000 RTP/AVP 118 10", "a=rtpmap:118 telephone-event/8000"])]),
        // An answer to a participant that never offered is judged by its codec list: the
        // last offer to it or its own offer, narrowed by its own answers (untouched when an
        // answer took no codec 10.5 can transcode; then answers to it pass as they are).
        ("an answer to the callee after an offer to it", [offer(["m=audio 5000 RTP/AVP 3"]),
            calleeOffer(["m=audio 0 RTP/AVPF 4"]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("C")),
             ("sdp", .string((bobHead(3) + ["m=audio 6003 RTP/AVP 118", "a=rtpmap:118 telephone-event/8000"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("an answer to the callee keeps codecs 10.5 cannot transcode", [
            calleeOffer(["m=audio 6000 RTP/AVP 8 5"]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("C")),
             ("sdp", .string((bobHead(3) + ["m=audio 6003 RTP/AVP 8 96 0", "a=rtpmap:96 AMR/8000"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("an answer to a participant narrowed by its own answer", [offer(["m=audio 5000 RTP/AVP 122 8", "a=rtpmap:122 telephone-event/48000"]),
            [("command", .string("answer")), ("from-tag", .string("X")), ("to-tag", .string("A")),
             ("sdp", .string((head + ["m=audio 5000 RTP/AVP 8"]).joined(separator: "\r\n") + "\r\n"))],
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("C")),
             ("sdp", .string((bobHead(3) + ["m=audio 6003 RTP/AVP 122", "a=rtpmap:122 telephone-event/48000"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("the caller answers its callee after the callee's answer", [offer(["m=audio 5000 RTP/AVP 120 119", "a=rtpmap:120 AMR-WB/16000",
            "a=rtpmap:119 opus/48000/2"]), answer(bob + ["m=audio 6000 RTP/AVP 119", "a=rtpmap:119 opus/48000/2"]),
            [("command", .string("answer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
             ("sdp", .string((head + ["m=audio 5000 RTP/AVP 120 119", "a=rtpmap:120 AMR-WB/16000", "a=rtpmap:119 opus/48000/2"])
                .joined(separator: "\r\n") + "\r\n"))]]),
        // Answers to an answerer are judged by what its answer took: from the offerer it
        // answered, as a re-answer; from anyone else, as another branch's answer, and they
        // pass as they are when it took no main codec 10.5 can transcode.
        ("the offerer's answer to its answerer after an answer of AMR", [offer(["m=audio 5000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 99", "a=rtpmap:99 AMR/8000"]),
            answer(to: "B", from: "A", 2, ["m=audio 6002 RTP/AVP 8 99", "a=rtpmap:99 AMR/8000"])]),
        ("a new tag's answer to an answerer after an answer of AMR", [offer(["m=audio 5000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 99", "a=rtpmap:99 AMR/8000"]),
            answer(to: "B", from: "C", 2, ["m=audio 6002 RTP/AVP 8 99", "a=rtpmap:99 AMR/8000"])]),
        ("a new tag's answer to an answerer after an answer of telephone-event", [offer(["m=audio 5000 RTP/AVP 103 115",
            "a=rtpmap:103 telephone-event/8000", "a=rtpmap:115 telephone-event/48000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 103", "a=rtpmap:103 telephone-event/8000"]),
            answer(to: "B", from: "C", 2, ["m=audio 6002 RTP/AVP 103 115", "a=rtpmap:103 telephone-event/8000",
                                            "a=rtpmap:115 telephone-event/48000"])]),
        ("a new tag's answer to an answerer of PCMU and AMR is transcoded", [offer(["m=audio 5000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(to: "B", from: "C", 2, ["m=audio 6002 RTP/AVP 8 99", "a=rtpmap:99 AMR/8000"])]),
        ("a new tag's answer to an answerer that re-answered", [offer(["m=audio 5000 RTP/AVP 0 8 99", "a=rtpmap:99 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"]), answer(bob + ["m=audio 6000 RTP/AVP 9 8"]),
            answer(to: "B", from: "C", 2, ["m=audio 6002 RTP/AVP 9 8"])]),
        ("the offerer's answer to its answerer that re-answered with PCMU and AMR", [offer(["m=audio 5000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 99", "a=rtpmap:99 AMR/8000"]), answer(bob + ["m=audio 6000 RTP/AVP 0 99", "a=rtpmap:99 AMR/8000"]),
            answer(to: "B", from: "A", 2, ["m=audio 6002 RTP/AVP 8 99", "a=rtpmap:99 AMR/8000"])]),
        // An offer that came to a participant with no codec 10.5 can transcode judges only
        // the answers of whoever sent it; another tag's answer passes as it is.
        ("a new tag's answer to a participant offered only G7221", [
            calleeOffer(["m=audio 6000 RTP/AVP 119", "a=rtpmap:119 G7221/16000"]),
            answerFrom("C", 3, ["m=audio 6003 RTP/AVP 119 0", "a=rtpmap:119 G7221/16000"])]),
        // An answer that took none of the list it answered is transcoded: the answerer's own
        // codecs are then its list, which judges an answer to it.
        ("the caller answers its callee after the callee's transcoded answer", [offer(["m=audio 5000 RTP/AVP 0"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8"]),
            callerAnswer(["m=audio 5000 RTP/AVP 0"])]),
        ("the callee answers after the caller answered it with a codec it had not offered", [offer(["m=audio 5000 RTP/AVP 0"]),
            callerAnswer(["m=audio 5000 RTP/AVP 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("answers to a participant pass after its untranscodable answer", [offer(["m=audio 5000 RTP/AVP 97 107", "a=rtpmap:97 opus/48000",
            "a=rtpmap:107 G7221/16000"]),
            [("command", .string("answer")), ("from-tag", .string("X")), ("to-tag", .string("A")),
             ("sdp", .string((head + ["m=audio 5000 RTP/AVP 107", "a=rtpmap:107 G7221/16000"]).joined(separator: "\r\n") + "\r\n"))],
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("C")),
             ("sdp", .string((bobHead(3) + ["m=audio 6003 RTP/AVP 9"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("a rejected answer loses comfort noise nobody offered", [offer(["m=audio 0 RTP/AVP 8"]),
            answer(bob + ["m=audio 0 RTP/AVP 13 8 124", "a=rtpmap:13 CN/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:124 AMR/8000"])]),
        ("a rejected answer of AMR and comfort noise to an AMR offer", [offer(["m=audio 0 RTP/AVP 124", "a=rtpmap:124 AMR/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 13 124", "a=rtpmap:124 AMR/8000"])]),
        ("a rejected answer of PCMA, AMR and comfort noise to PCMA and AMR", [offer(["m=audio 0 RTP/AVP 8 124", "a=rtpmap:124 AMR/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 13 8 124", "a=rtpmap:124 AMR/8000"])]),
        ("a rejected answer of AMR and an offered telephone-event", [offer(["m=audio 0 RTP/AVP 4 104", "a=rtpmap:104 telephone-event/8000"]),
            answer(bob + ["m=audio 0 RTP/AVP 105 104", "a=rtpmap:105 AMR/8000", "a=rtpmap:104 telephone-event/8000"])]),
        ("a rejected answer of telephone-event alone", [offer(["m=audio 5000 RTP/AVP 3 8"]),
            answer(bob + ["m=audio 0 RTP/AVP 101", "a=rtpmap:101 telephone-event/8000"])]),
        // On an offered payload type, a codec 10.5 cannot transcode is taken as the answer's;
        // one it can transcode is not the offered one.
        ("an answer's other codec on an offered payload type", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 8 0", "a=rtpmap:8 AMR/8000"])]),
        ("an answer's stereo L16 on the static mono type", [offer(["m=audio 5000 RTP/AVP 10 118", "a=rtpmap:118 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 118 10", "a=rtpmap:118 telephone-event/8000", "a=rtpmap:10 L16/44100/2"])]),
        ("an answer's PCMA on an offered AMR type", [offer(["m=audio 5000 RTP/AVP 96 0", "a=rtpmap:96 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 96 0", "a=rtpmap:96 PCMA/8000"])]),
        ("a re-answer after AMR-WB on the AMR type", [offer(["m=audio 5000 RTP/AVP 96 0", "a=rtpmap:96 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 96 0", "a=rtpmap:96 AMR-WB/16000"]), answer(bob + ["m=audio 6000 RTP/AVP 96 0", "a=rtpmap:96 AMR/8000"])]),
        ("a re-answer with a codec nobody offered passes", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 5"])]),
        ("offer puts a codec back before a leading telephone-event", [offer(["m=audio 5000 RTP/AVP 0 101 8", "a=rtpmap:101 telephone-event/8000"],
            extra: [("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")])), (key: "offer", value: .list([.string("PCMU")]))]))])]),
        ("offer puts a codec back after the leading main codecs", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"],
            extra: [("codec", .dictionary([(key: "strip", value: .list([.string("PCMU")])), (key: "offer", value: .list([.string("PCMU")]))]))])]),
        ("a rejected section drops its codec lines", [offer(["m=audio 0 RTP/AVP 0", "a=rtpmap:108 opus/48000/2",
            "a=fmtp:108 useinbandfec=1", "a=rtpmap:0 PCMU/8000"])]),
        ("a rejected section without formats keeps them", [offer(["m=audio 0 RTP/AVP", "a=rtpmap:108 opus/48000/2",
            "a=fmtp:108 useinbandfec=1"]), ]),
        ("a rejected section keeps end-of-candidates under ICE remove", [offer(["m=audio 0 RTP/AVP 97", "a=rtpmap:97 opus/48000",
            "a=end-of-candidates"], extra: [("ICE", .string("remove"))])]),
        ("single codec in an offer does nothing", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"], flags: ["single-codec"])]),
        ("single codec answer keeps CN and DTMF", [offer(["m=audio 5000 RTP/AVP 0 8 13 101", "a=rtpmap:101 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 8 13 101", "a=rtpmap:101 telephone-event/8000"]) + [("flags", .list([.string("single-codec")]))]]),
        ("answer inherits the offerer's ptime", [offer(["m=audio 5000 RTP/AVP 0 8", "a=ptime:20"]), answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("answer keeps its own ptime", [offer(["m=audio 5000 RTP/AVP 0 8", "a=ptime:20"]), answer(bob + ["m=audio 6000 RTP/AVP 8", "a=ptime:30"])]),
        // The last ptime either side stated stays with the section for both.
        ("a re-answer without ptime keeps the last", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 0", "a=ptime:30"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("a re-offer without ptime gets the answer's", [offer(["m=audio 5000 RTP/AVP 0", "a=ptime:30"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0", "a=ptime:40"]), offer(["m=audio 5000 RTP/AVP 0"]) + [("to-tag", .string("B"))],
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("an unanswered re-offer without ptime keeps its own", [offer(["m=audio 5000 RTP/AVP 0", "a=ptime:30"]), offer(["m=audio 5000 RTP/AVP 0"])]),
        ("generate mid and strip extmap", [offer(["m=audio 5000 RTP/AVP 0", "a=extmap:1 urn:x", "m=video 6000 RTP/AVP 96",
                                                  "a=rtpmap:96 H264/90000", "a=mid:v"], flags: ["generate-mid", "strip-extmap"])]),
        ("replace SDP version, username, session name", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("replace", replaceAll)]),
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("replace", replaceAll)]),
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=alice 123 457 IN IP4 198.51.100.1", "s=call", "c=IN IP4 198.51.100.1", "t=0 0"],
                  extra: [("replace", replaceAll)]),
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=bob 999 1 IN IP4 198.51.100.1", "s=other", "c=IN IP4 198.51.100.1", "t=0 0"],
                  extra: [("replace", replaceAll)]),
            offer(["m=audio 5002 RTP/AVP 0"], head: ["v=0", "o=bob 999 1 IN IP4 198.51.100.1", "s=other", "c=IN IP4 198.51.100.1", "t=0 0"],
                  extra: [("replace", replaceAll)]),
            offer(["m=audio 5002 RTP/AVP 0", "a=sendonly"], head: ["v=0", "o=bob 999 1 IN IP4 198.51.100.1", "s=other", "c=IN IP4 198.51.100.1", "t=0 0"],
                  extra: [("replace", replaceAll)]),
        ]),
        // A rejected section's codecs go through the same codec handling as an active one's.
        ("a rejected answer naming a codec the offerer lacks", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + ["m=audio 0 RTP/AVP 9"])]),
        ("a rejected answer naming a closed transcodable codec and an open one", [offer(["m=audio 5000 RTP/AVP 0 8 3"]),
                                                                                   answer(bob + ["m=audio 0 RTP/AVP 9 8"])]),
        ("a rejected answer naming a codec 10.5 cannot transcode", [offer(["m=audio 0 RTP/AVP 113", "a=rtpmap:113 speex/16000"]),
            answer(bob + ["m=audio 0 RTP/AVP 110 113", "a=rtpmap:110 iLBC/8000", "a=rtpmap:113 speex/16000"])]),
        ("a rejected offer, answered with a codec it lacks", [offer(["m=audio 0 RTP/AVP 3"]),
                                                              answer(bob + ["m=audio 6000 RTP/AVP 111", "a=rtpmap:111 opus/48000/2"])]),
        // A session c= no section relies on is rewritten only with `replace session connection`.
        ("replace session connection with every section's own c=", [
            offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1"], extra: [("replace", .list([.string("session-connection")]))])]),
        ("replace session connection of a null one no section uses", [
            offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
                  extra: [("replace", .list([.string("session connection")]))])]),
        ("replace session connection of a null one a section uses", [
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
                  extra: [("replace", .list([.string("session-connection")]))])]),
        // Transcoding (10.5): the offerer gets its first main codec 10.5 can transcode.
        ("an answer with a codec the offer lacks, two it could have", [offer(["m=audio 5000 RTP/AVP 8 0"]), answer(bob + ["m=audio 6000 RTP/AVP 9"])]),
        ("telephone-event alone in the first answer", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
                                                        answer(bob + ["m=audio 6000 RTP/AVP 9 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("telephone-event alone from another branch", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 9 101", "a=rtpmap:101 telephone-event/8000"])]),
        // Another branch naming a codec 10.5 can transcode that is not open is transcoded,
        // unless it takes a transcodable one of the open ones.
        ("another branch names a non-transcodable open codec and a transcodable closed one", [
            offer(["m=audio 5000 RTP/AVP 0 5 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 5"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 5 8"])]),
        // Another branch's codecs 10.5 cannot transcode pass beside the open ones it takes,
        // when it names no transcodable one that is not open.
        ("another branch passes a non-transcodable codec nobody offered", [
            offer(["m=audio 5000 RTP/AVP 125 0 102", "a=rtpmap:125 speex/16000", "a=rtpmap:102 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 125 102", "a=rtpmap:125 speex/16000", "a=rtpmap:102 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 125 114 102", "a=rtpmap:125 speex/16000", "a=rtpmap:114 iLBC/8000",
                                 "a=rtpmap:102 telephone-event/8000"])]),
        // Transcoded, telephone-event goes only beside a main codec of its clock rate when
        // the answer has one 10.5 cannot transcode at that rate.
        ("another branch's transcoded answer with iLBC and telephone-event", [
            offer(["m=audio 5000 RTP/AVP 125 0 102", "a=rtpmap:125 speex/16000", "a=rtpmap:102 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 125 102", "a=rtpmap:125 speex/16000", "a=rtpmap:102 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8 114 102", "a=rtpmap:114 iLBC/8000", "a=rtpmap:102 telephone-event/8000"])]),
        // A section passed through untouched with no c= at all (the SIP source stood in for
        // it): 10.5 sets the call up and answers "Error rewriting SDP".
        ("an MSRP section without any c= under SIP source address", [
            offer(["m=message 9644 TCP/MSRP *"], head: ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "t=0 0"],
                  extra: [("received-from", .list([.string("IP4"), .string("192.0.2.78")]))], flags: ["SIP-source-address"]),
            offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1"])]),
        // The SIP source stands in for the sections before the first one speaking ICE only:
        // a held section after it keeps its null address (10.5 stops at that section).
        ("held sections around one speaking ICE under SIP source address", [
            offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 0.0.0.0", "m=audio 5002 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd",
                   "m=audio 5004 RTP/AVP 0", "c=IN IP4 0.0.0.0"],
                  head: ["v=0", "o=alice 123 456 IN IP4 198.51.100.1", "s=call", "t=0 0"],
                  extra: [("received-from", .list([.string("IP4"), .string("192.0.2.78")])), ("ICE", .string("remove"))],
                  flags: ["SIP-source-address"])]),
        // An answer to a from-tag nobody has gives it mux only as far as the last offer to
        // the answerer, if any, offered mux.
        ("an answer with mux from a from-tag nobody has", [offer(["m=audio 5000 RTP/AVP 0"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0", "a=rtcp-mux"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("such an answer after the callee answered an offer without mux", [offer(["m=audio 5000 RTP/AVP 0"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0", "a=rtcp-mux"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0", "a=rtcp-mux"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("such an answer after the callee answered an offer with mux", [offer(muxMedia), answer(bob + muxMedia6000),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + muxMedia6000).joined(separator: "\r\n") + "\r\n"))]]),
        // (Mux the proxy carried over from another section of the offer does not count.)
        ("such an answer after an offer muxed only by the proxy", [
            offer(["m=audio 5000 RTP/AVP 0", "a=rtcp-mux"], extra: [("to-tag", .string("B"))]),
            offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0"], extra: [("to-tag", .string("B"))]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 0", "a=rtcp-mux"]).joined(separator: "\r\n") + "\r\n"))]]),
        // rtcp-mux in place in another section counts only for a section the SDP still has.
        ("mux in place in a later section the re-offer keeps", [offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0", "a=rtcp-mux"]),
            offer(["m=audio 5000 RTP/AVP 0", "a=rtcp-mux", "m=audio 5002 RTP/AVP 0", "a=rtcp-mux"])]),
        ("mux in place in a later section the re-offer drops", [offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0", "a=rtcp-mux"]),
            offer(["m=audio 5000 RTP/AVP 0", "a=rtcp-mux"])]),
        // Unopened comfort noise is replaced where it stands, like an unopened main codec.
        ("another branch names unopened comfort noise first", [offer(["m=audio 5000 RTP/AVP 9 13 3 18"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 3 18"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 13 18 9"])]),
        ("another branch names only a non-transcodable open codec", [
            offer(["m=audio 5000 RTP/AVP 0 5"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 5"])]),
        // An answer to a participant that never offered carries the mid offers to it had.
        ("an answer the other way after a generated mid", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["generate-mid"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]),
            callerAnswer(["m=audio 5000 RTP/AVP 0"])]),
        // What a callee's answer gave judges its next answer, whichever offerer that goes to.
        ("a callee answers a from-tag nobody has, then the caller", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 8"]).joined(separator: "\r\n") + "\r\n"))],
            answer(bob + ["m=audio 6000 RTP/AVP 0 8"])]),
        // Unless the answer names none of what that answer gave: then it is a first answer.
        ("a callee answers a from-tag nobody has, then the caller with other codecs", [
            offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0"]).joined(separator: "\r\n") + "\r\n"))],
            answer(bob + ["m=audio 6000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"])]),
        // Judged by what it gave, that answer still narrows the caller's codecs as a first
        // answer does: another branch's telephone-event alone is transcoded.
        ("a callee answers a from-tag nobody has, the caller, then another branch", [
            offer(["m=audio 5000 RTP/AVP 113 120", "a=rtpmap:113 opus/48000", "a=rtpmap:120 telephone-event/48000"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 113", "a=rtpmap:113 opus/48000"]).joined(separator: "\r\n") + "\r\n"))],
            answer(bob + ["m=audio 6000 RTP/AVP 113", "a=rtpmap:113 opus/48000"]),
            answerFrom("c", 2, ["m=audio 6002 RTP/AVP 120", "a=rtpmap:120 telephone-event/48000"])]),
        // A rejected section's answer is a first answer all the same.
        ("a callee answers a from-tag nobody has, then rejects the caller's section", [
            offer(["m=audio 5000 RTP/AVP 9 115", "a=rtpmap:115 opus/48000/2"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 9"]).joined(separator: "\r\n") + "\r\n"))],
            answer(bob + ["m=audio 0 RTP/AVP 9 115", "a=rtpmap:115 opus/48000/2"])]),
        // `single codec` keeping a codec 10.5 cannot transcode leaves the whole answer open to
        // the re-answer; keeping one it can, that one and those it cannot transcode.
        ("a re-answer after a single-codec answer of G728", [offer(["m=audio 5000 RTP/AVP 15 3 105", "a=rtpmap:105 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 15 3"], extra: [("flags", .list([.string("single-codec")]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 3 105", "a=rtpmap:105 telephone-event/8000"])]),
        ("a re-answer after a single-codec answer of opus beside AMR", [
            offer(["m=audio 5000 RTP/AVP 98 111 120", "a=rtpmap:98 AMR/8000", "a=rtpmap:111 telephone-event/8000", "a=rtpmap:120 opus/48000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 120 98", "a=rtpmap:120 opus/48000", "a=rtpmap:98 AMR/8000"],
                   extra: [("flags", .list([.string("single-codec")]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 98 111", "a=rtpmap:98 AMR/8000", "a=rtpmap:111 telephone-event/8000"])]),
        // Another branch finds open what `single codec` left, whatever the re-answer would.
        ("another branch after a single-codec answer of G728", [offer(["m=audio 5000 RTP/AVP 15 18 0"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 15 0"], extra: [("flags", .list([.string("single-codec")]))]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 18"])]),
        // A re-answer after another branch answered is transcoded to what that answer left
        // the caller: its codecs not left become the first main codec left.
        ("a branch re-answers after another branch narrowed the caller", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 8"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 8"])]),
        ("a branch re-answers telephone-event after another branch answered without it", [
            offer(["m=audio 5000 RTP/AVP 0 8 101 13", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 101 13", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8 0 13"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 101 13", "a=rtpmap:101 telephone-event/8000"])]),
        // Also when its own last answer gave only codecs 10.5 cannot transcode.
        ("a branch that answered G722.1 re-answers after another branch", [
            offer(["m=audio 5000 RTP/AVP 18 101 126", "a=rtpmap:101 speex/16000", "a=rtpmap:126 G7221/16000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 126", "a=rtpmap:126 G7221/16000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 101", "a=rtpmap:101 speex/16000"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 18"])]),
        // Not when the other branch's answer gave only codecs 10.5 cannot transcode: as it is.
        ("a branch that answered AMR-WB re-answers after another branch", [
            offer(["m=audio 5000 RTP/AVP 10 18 121", "a=rtpmap:121 AMR-WB/16000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 121", "a=rtpmap:121 AMR-WB/16000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 10"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 10 18"])]),
        // A callee's re-answer narrows its own codec list to what it took, AMR included: its
        // answer after the caller's offer to another branch is judged by that.
        ("a re-answer without AMR, then an offer to another branch", [offer(["m=audio 5000 RTP/AVP 0 97", "a=rtpmap:97 AMR/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 97", "a=rtpmap:97 AMR/8000"]), answer(bob + ["m=audio 6000 RTP/AVP 0"]),
            offer(["m=audio 5000 RTP/AVP 0 97", "a=rtpmap:97 AMR/8000"], extra: [("to-tag", .string("C"))]),
            answer(bob + ["m=audio 6000 RTP/AVP 0 97", "a=rtpmap:97 AMR/8000"])]),
        // A re-answer narrows what other branches find open to what it took.
        ("another branch after a narrowing re-answer", [offer(["m=audio 5000 RTP/AVP 0 8 9"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"])]),
        ("another branch after a re-answer of telephone-event alone", [
            offer(["m=audio 5000 RTP/AVP 8 18 103", "a=rtpmap:103 telephone-event/48000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 18 103", "a=rtpmap:103 telephone-event/48000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 103", "a=rtpmap:103 telephone-event/48000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"])]),
        // Even to codecs 10.5 cannot transcode alone, where a first answer would not.
        ("another branch after a re-answer of AMR alone", [offer(["m=audio 5000 RTP/AVP 0 8 97", "a=rtpmap:97 AMR/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 8 97", "a=rtpmap:97 AMR/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 97", "a=rtpmap:97 AMR/8000"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 9"])]),
        // An answer naming only telephone-event, on another payload type than the open one:
        // it takes the open one's type; a rate not open stays as it is.
        ("an answer of telephone-event on another payload type", [
            offer(["m=audio 5000 RTP/AVP 110 8", "a=rtpmap:110 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 103 100", "a=rtpmap:103 telephone-event/48000", "a=rtpmap:100 telephone-event/8000"])]),
        // The callee's answer to its own offer's codecs (they came to the caller with it):
        // nothing it cannot transcode passes beside them.
        ("a callee answers the caller with its own offer's codecs", [
            calleeOffer(["m=audio 6000 RTP/AVP 110", "a=rtpmap:110 telephone-event/8000"]),
            answer(bob + ["m=audio 6000 RTP/AVP 119 110", "a=rtpmap:119 iLBC/8000", "a=rtpmap:110 telephone-event/8000"])]),
        // A section only the callee's own offer had: its codecs taken, or the answer as it is.
        ("an answer for a section only the callee's own offer had", [
            [("command", .string("offer")), ("from-tag", .string("B")),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 8"]).joined(separator: "\r\n") + "\r\n"))],
            offer(["m=audio 5000 RTP/AVP 0"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 119 8", "a=rtpmap:119 iLBC/8000"])]),
        // Transcoded beside G728, telephone-event of its rate goes after the main codecs.
        ("another branch's transcoded answer with G728 and telephone-event", [
            offer(["m=audio 5000 RTP/AVP 103 9 4 15", "a=rtpmap:103 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 9 103", "a=rtpmap:103 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 103 4 15", "a=rtpmap:103 telephone-event/8000"])]),
        // And only when the answer too has a main codec of its rate 10.5 can transcode.
        ("another branch's transcoded answer of G728, speex and telephone-event", [
            offer(["m=audio 5000 RTP/AVP 4 100 109", "a=rtpmap:100 telephone-event/8000", "a=rtpmap:109 speex/16000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 4 100", "a=rtpmap:100 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 15 109 100", "a=rtpmap:109 speex/16000", "a=rtpmap:100 telephone-event/8000"])]),
        // The caller's own answer (to a from-tag nobody has) narrows its list to exactly what
        // it took: a branch's answer to its offer is then another branch's.
        ("a branch answers after the caller answered a from-tag nobody has", [
            offer(["m=audio 5000 RTP/AVP 3 117 124", "a=rtpmap:117 opus/48000/2", "a=rtpmap:124 G7221/16000"]),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("A")),
             ("sdp", .string((head + ["m=audio 5000 RTP/AVP 3 124", "a=rtpmap:124 G7221/16000"]).joined(separator: "\r\n") + "\r\n"))],
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 117 124", "a=rtpmap:117 opus/48000/2", "a=rtpmap:124 G7221/16000"])]),
        // A first answer from the branch of an earlier via-branch offer is judged by the
        // caller's latest offer, not by what that branch was offered.
        ("a first answer from an earlier via-branch offer's branch", [
            offer(["m=audio 5000 RTP/AVP 9 0"], extra: [("via-branch", .string("vb1"))]),
            offer(["m=audio 5000 RTP/AVP 9 8"], extra: [("via-branch", .string("vb2"))]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"], extra: [("via-branch", .string("vb1"))])]),
        // When the offer's codec flags changed its list, 10.5 sorts the first answer: comfort
        // noise and telephone-event of 8000 Hz after the rest, or none beside no main codec
        // of 8000 Hz it can transcode.
        ("a first answer after a stripping offer", [
            offer(["m=audio 5000 RTP/AVP 13 0 8 101 4 122 9", "a=rtpmap:101 telephone-event/8000", "a=rtpmap:122 CN/16000"],
                  flags: ["codec-strip-G723"]),
            answer(bob + ["m=audio 6000 RTP/AVP 13 101 122 8 9 0", "a=rtpmap:101 telephone-event/8000", "a=rtpmap:122 CN/16000"])]),
        ("a first answer of AMR and comfort noise after a masking offer", [
            offer(["m=audio 5000 RTP/AVP 13 97 0 4", "a=rtpmap:97 AMR/8000"], flags: ["codec-mask-G723"]),
            answer(bob + ["m=audio 6000 RTP/AVP 13 97", "a=rtpmap:97 AMR/8000"])]),
        // With `SIP source address` the SIP source is the section's address: a null c= is
        // rewritten and holds nothing.
        ("SIP source address for a held offer", [offer(["m=audio 5000 RTP/AVP 0", "a=recvonly"],
            head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
            extra: [("received from", .list([.string("IP4"), .string("192.0.2.77")])), ("flags", .list([.string("SIP-source-address")]))])]),
        // 10.5 reads `m=audio  0 8` one space apart (an empty port): in an answer it writes
        // the offerer's profile and no formats.
        ("an answer's rejected line with an empty port field", [offer(["m=audio 5000 RTP/AVP 0 8"]),
            answer(bob + ["m=audio  0 8", "a=rtpmap:8 PCMA/8000", "a=sendrecv"])]),
        ("such a line in the callee's re-offer", [offer(["m=video 5000 RTP/AVP 96", "a=rtpmap:96 H264/90000"]),
            answer(bob + ["m=audio  0 0"]), [("command", .string("offer")), ("from-tag", .string("B")),
                                          ("sdp", .string((bob + ["m=audio  0 0"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("such a line re-offered after a plain answer", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 0"]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("sdp", .string((bob + ["m=audio  0 0"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("an offer with such a line has no codecs to judge an answer by", [offer(["m=audio  0 RTP/AVP 18"]),
            answer(bob + ["m=audio 0 RTP/AVP 105", "a=rtpmap:105 opus/48000/2"])]),
        ("an AVPF offer answered with such a line", [offer(["m=audio 5000 RTP/AVPF 0"]), answer(bob + ["m=audio  0 RTP/AVP 0"])]),
        // Its codec lines stay as plain attributes (10.5 reads no codecs in such a line).
        ("such a line keeps its codec lines", [offer(["m=audio  0 RTP/AVP 100 8", "a=rtpmap:100 opus/48000/2", "a=fmtp:100 useinbandfec=1",
                                                      "a=rtcp-fb:100 nack", "a=rtcp-fb:* trr-int 5", "a=ptime:20", "m=audio 5002 RTP/AVP 8"])]),
        // Nor does `transport protocol` change such a line: 10.5 reads no RTP profile in it.
        ("transport protocol on such a line", [offer(["m=audio  0 RTP/AVP"], extra: [("transport-protocol", .string("RTP/AVPF"))])]),
        // A new participant offering to one with a profile of its own gives it the offer's.
        ("a new from-tag offers another profile to the caller", [offer(["m=audio 5000 RTP/AVP 8"]),
            answer(bob + ["m=audio 6000 RTP/AVPF 8"]),
            [("command", .string("offer")), ("from-tag", .string("C")), ("to-tag", .string("A")),
             ("sdp", .string((bobHead(7) + ["m=audio 7000 RTP/AVPF 8"]).joined(separator: "\r\n") + "\r\n"))]]),
        // A participant's mid is the last its offers named, answered or not; offers to the
        // other side keep the first one sent.
        ("the caller renames its mid after an answer", [offer(["m=audio 5000 RTP/AVP 0", "a=mid:0"]), answer(bob + ["m=audio 6000 RTP/AVP 0"]),
            offer(["m=audio 5000 RTP/AVP 0", "a=mid:v0"]), answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("the caller names its own mid after a generated one", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["generate-mid"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"]), offer(["m=audio 5000 RTP/AVP 0", "a=mid:audio"]), answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        // A generated mid an offer carried back to the caller goes into answers to it too.
        ("a generated mid carried back by a new participant's offer", [offer(["m=audio 5000 RTP/AVP 8"], flags: ["generate-mid"]),
            [("command", .string("offer")), ("from-tag", .string("C")), ("to-tag", .string("A")),
             ("sdp", .string((bobHead(7) + ["m=audio 7000 RTP/AVP 8"]).joined(separator: "\r\n") + "\r\n"))],
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"])]),
        // A callee whose mid was generated by its own re-offer, nothing carried back since:
        // the answer to it carries the mid offers to it had.
        ("an answer to a callee's re-offer that generated its mid", [offer(["m=audio 5000 RTP/AVP 8", "a=mid:audio"]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")), ("flags", .list([.string("generate-mid")])),
             ("sdp", .string((bob + ["m=audio 0 RTP/AVP 8"]).joined(separator: "\r\n") + "\r\n"))],
            callerAnswer(["m=audio 5000 RTP/AVP 8"])]),
        ("a new participant's offer with a mid of its own", [offer(["m=audio 5000 RTP/AVP 8"], flags: ["generate-mid"]),
            [("command", .string("offer")), ("from-tag", .string("C")), ("to-tag", .string("A")),
             ("sdp", .string((bobHead(7) + ["m=audio 7000 RTP/AVP 8", "a=mid:c1"]).joined(separator: "\r\n") + "\r\n"))],
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"])]),
        // A codec the proxy gives the offerer in place of the answer's comes with its own
        // rtpmap and fmtp (the offer's, or the branch's that took it).
        ("an answer transcoded to the offer's opus", [offer(["m=audio 5000 RTP/AVP 96 0", "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1"]),
                                                      answer(bob + ["m=audio 6000 RTP/AVP 9"])]),
        // Its rtcp-fb lines too, beside an rtpmap line of the answer's own for the type.
        ("a branch transcoded to the first branch's opus with feedback", [offer(["m=audio 5000 RTP/AVP 3 107", "a=rtpmap:107 opus/48000/2"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 107", "a=rtpmap:107 opus/48000/2", "a=rtcp-fb:107 nack"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 3", "a=rtpmap:107 opus/48000/2"])]),
        ("a re-answer transcoded to the first answer's codec with feedback", [offer(["m=audio 5000 RTP/AVP 3 9"]),
            answer(bob + ["m=audio 6000 RTP/AVP 3", "a=rtcp-fb:3 nack"]), answer(bob + ["m=audio 6000 RTP/AVP 9"])]),
        ("a branch transcoded to the first branch's opus", [offer(["m=audio 5000 RTP/AVP 3 100", "a=rtpmap:100 opus/48000", "a=fmtp:100 useinbandfec=1"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 100", "a=rtpmap:100 opus/48000"]), answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 3"])]),
        ("SDP version counts only bodies sent with replace SDP version", [
            offer(["m=audio 5000 RTP/AVP 0"]), offer(["m=audio 5002 RTP/AVP 0"], extra: [("replace", .list([.string("SDP-version")]))]),
            offer(["m=audio 5004 RTP/AVP 0"]), offer(["m=audio 5002 RTP/AVP 0"], extra: [("replace", .list([.string("SDP version")]))]),
            offer(["m=audio 5004 RTP/AVP 0"], extra: [("replace", .list([.string("SDP-version")]))]),
        ]),
        // 10.5 compares the bodies it sends: a flag that changes one counts, an attribute
        // it takes out does not.
        ("SDP version follows the body sent", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("replace", .list([.string("SDP-version")])), ("ICE", .string("remove"))]),
            offer(["m=audio 5000 RTP/AVP 0", "a=ice-ufrag:abcd"], extra: [("replace", .list([.string("SDP-version")])), ("ICE", .string("remove"))]),
            offer(["m=audio 5000 RTP/AVP 0", "a=ice-ufrag:abcd"], extra: [("replace", .list([.string("SDP-version")])), ("ICE", .string("remove")),
                                                                      ("rtcp-mux", .list([.string("offer")]))]),
            offer(["m=audio 5000 RTP/AVP 0", "a=ice-ufrag:abcd"], extra: [("replace", .list([.string("SDP-version"), .string("username")])),
                                                                      ("ICE", .string("remove")), ("rtcp-mux", .list([.string("offer")]))]),
        ]),
        ("media address replaces a null c= and keeps the hold", [
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
                  extra: [("media address", .string("192.0.2.88"))]),
            answer(["v=0", "o=b 1 1 IN IP4 203.0.113.5", "s=-", "t=0 0", "m=audio 6000 RTP/AVP 0", "c=IN IP4 0.0.0.0"],
                   extra: [("media-address", .string("2001:db8::88"))]),
        ]),
        ("loop protect adds its token", [offer(["m=audio 5000 RTP/AVP 0"], flags: ["loop-protect"])]),
        ("loop protect with a foreign token processes", [offer(["m=audio 5000 RTP/AVP 0", "a=rtpengine:abcdefgh"], flags: ["loop-protect"])]),
        ("rtcp-mux accepted", [offer(muxMedia), answer(bob + muxMedia6000)]),
        ("rtcp-mux refused", [offer(muxMedia), answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux only in the answer", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + muxMedia6000)]),
        ("rtcp-mux offer, offered", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("offer")]))]), answer(bob + muxMedia6000)]),
        ("rtcp-mux offer, not offered", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("rtcp-mux", .list([.string("offer")]))]),
                                      answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux require, offered", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("require")]))]), answer(bob + muxMedia6000)]),
        ("rtcp-mux require, not offered", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("rtcp-mux", .list([.string("require")]))]),
                                      answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux demux, offered", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("demux")]))]), answer(bob + muxMedia6000)]),
        ("rtcp-mux demux, not offered", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("rtcp-mux", .list([.string("demux")]))]),
                                      answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux accept, offered", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("accept")]))]), answer(bob + muxMedia6000)]),
        ("rtcp-mux accept, not offered", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("rtcp-mux", .list([.string("accept")]))]),
                                      answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux reject, offered", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("reject")]))]), answer(bob + muxMedia6000)]),
        ("rtcp-mux reject, not offered", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("rtcp-mux", .list([.string("reject")]))]),
                                      answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux demux, answer refuses", [offer(muxMedia, extra: [("rtcp-mux", .list([.string("demux")]))]), answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux-demux as a plain flag is ignored", [offer(muxMedia, flags: ["rtcp-mux-demux"]), answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        ("rtcp-mux with full rtcp attribute", [offer(muxMedia, flags: ["full-rtcp-attribute"]),
                                               answer(bob + muxMedia6000, extra: [("flags", .list([.string("full-rtcp-attribute")]))])]),
        ("fork: two to-tags answer one offer", [offer(["m=audio 5000 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8"]),
                                                 answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8"])]),
        ("fork: the second branch answers another codec", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 0", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8", "a=rtpmap:101 telephone-event/8000"])]),
        ("fork: branches share a codec", [offer(["m=audio 5000 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0 8"]),
                                          answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8 0"])]),
        ("fork: telephone-event alone is not shared", [offer(["m=audio 5000 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"])]),
        ("early media answered twice by the same to-tag", [offer(["m=audio 5000 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"]),
                                                            answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"])]),
        ("offers forked by via-branch", [offer(["m=audio 5000 RTP/AVP 0 8"], extra: [("via-branch", .string("z1"))]),
                                         offer(["m=audio 5000 RTP/AVP 0 8"], extra: [("via-branch", .string("z2"))]),
                                         answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"], extra: [("via-branch", .string("z1"))]),
                                         answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 0"], extra: [("via-branch", .string("z2"))])]),
        ("callee re-INVITE", [offer(["m=audio 5000 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 0"]),
            [("command", .string("offer")), ("from-tag", .string("b1")), ("to-tag", .string("A")),
             ("sdp", .string((bobHead(1) + ["m=audio 6001 RTP/AVP 0", "a=sendonly"]).joined(separator: "\r\n") + "\r\n"))],
            [("command", .string("answer")), ("from-tag", .string("b1")), ("to-tag", .string("A")),
             ("sdp", .string((head + ["m=audio 5000 RTP/AVP 0", "a=recvonly"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("delete a forked branch, then the call", [offer(["m=audio 5000 RTP/AVP 0 8"]), answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8"]),
            answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"]), [("command", .string("delete")), ("from-tag", .string("A")), ("to-tag", .string("b2"))],
            [("command", .string("delete")), ("from-tag", .string("A"))], [("command", .string("delete"))]]),
        ("delete by to-tag alone deletes the call", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 0"]),
                                                     [("command", .string("delete")), ("to-tag", .string("B")), ("delete-delay", .integer(0))],
                                                     [("command", .string("query"))]]),
        ("delete by an unknown to-tag alone deletes the call", [offer(["m=audio 5000 RTP/AVP 0"]),
                                                                [("command", .string("delete")), ("to-tag", .string("Z")), ("delete-delay", .integer(0))],
                                                                [("command", .string("query"))]]),
        ("delete with a to-tag before the answer", [offer(["m=audio 5000 RTP/AVP 0"]),
                                                    [("command", .string("delete")), ("from-tag", .string("A")), ("to-tag", .string("zz"))]]),
        ("delete with an unknown to-tag warns", [offer(["m=audio 5000 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 0"]),
                                                 [("command", .string("delete")), ("from-tag", .string("A")), ("to-tag", .string("zz"))],
                                                 [("command", .string("query"))]]),
        ("non-numeric payload type", [offer(["m=audio 5000 RTP/AVP 0 x"])]),
        ("payload type out of range", [offer(["m=audio 5000 RTP/AVP 0 200"])]),
        ("RTP section without formats", [offer(["m=audio 5000 RTP/AVP"])]),
        ("BFCP passes through", [offer(["m=application 5000 UDP/BFCP *", "a=floorctrl:c-s", "a=rtpmap:5 foo/8000"])]),
        ("T.38 over UDPTL passes through", [offer(["m=image 5000 udptl t38", "a=T38FaxVersion:0", "a=ptime:20", "a=sendonly"])]),
        ("unknown RTP profile is opaque", [offer(["m=audio 5000 RTP/XYZ 0"])]),
        ("SCTP data channel", [offer(["m=application 5000 UDP/DTLS/SCTP webrtc-datachannel", "a=sctp-port:5000"])]),
        ("RTP over TCP is opaque", [offer(["m=audio 5000 TCP/RTP/AVP 0", "a=rtcp:5001"])]),
        ("replace zero address", [offer(["m=audio 5000 RTP/AVP 0", "a=sendrecv"], head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"],
                                        extra: [("replace", .list([.string("zero-address")]))])]),
        ("replace zero address, media-level c and origin", [offer(["m=audio 5000 RTP/AVP 0", "c=IN IP4 0.0.0.0"],
            head: ["v=0", "o=a 1 1 IN IP4 1.1.1.1", "s=-", "t=0 0"], extra: [("replace", .list([.string("zero-address"), .string("origin")]))])]),
        ("replace zero address on recvonly hold", [offer(["m=audio 5000 RTP/AVP 0", "a=recvonly"],
            head: ["v=0", "o=a 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"], extra: [("replace", .list([.string("zero-address")]))])]),
        ("unknown flags and values are ignored", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("address family", .string("IP7"))],
                                                        flags: ["bogus-flag", "ICE=weird"])]),
        ("no m= lines", [offer([])]),
        ("garbage SDP", [[("command", .string("offer")), ("from-tag", .string("A")), ("sdp", .string("garbage"))]]),
        ("missing from-tag", [[("command", .string("offer")), ("sdp", sdp("v=0"))]]),
        ("missing sdp", [[("command", .string("offer")), ("from-tag", .string("A"))]]),
        ("answer without to-tag", [[("command", .string("answer")), ("from-tag", .string("A")), ("sdp", sdp("v=0"))]]),
        ("block and unblock media by tag, label, address and whole call", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("label", .string("caller"))]),
            [("command", .string("block media")), ("from-tag", .string("zz"))],
            [("command", .string("block media")), ("label", .string("zz"))],
            [("command", .string("block media")), ("label", .string("caller"))],
            [("command", .string("block media")), ("address", .string("garbage"))],
            [("command", .string("block media")), ("address", .string("192.0.2.77"))],
            [("command", .string("block media")), ("address", .string("198.51.100.1"))],
            [("command", .string("block media"))],
            [("command", .string("unblock media")), ("from-tag", .string("A"))],
            [("command", .string("unblock media"))]]),
        ("block media on a call nobody offered", [[("command", .string("block media")), ("from-tag", .string("A"))]]),
        ("several sessions in one body", [raw("v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=one\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
                                              + "v=0\r\no=b 2 2 IN IP4 5.6.7.8\r\ns=two\r\nc=IN IP4 5.6.7.8\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8\r\n"
                                              + "m=video 7000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"),
                                          answer(bob + ["m=audio 8000 RTP/AVP 0", "m=audio 8002 RTP/AVP 8", "m=video 8004 RTP/AVP 96", "a=rtpmap:96 VP8/90000"])]),
        ("a second session without media", [raw(rawBody + "v=0\r\no=b 2 2 IN IP4 5.6.7.8\r\ns=two\r\nt=0 0\r\n")]),
        ("c= with an address that is not one", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP4 999.1.1.1"))]),
        ("c= with a broken IPv6 address", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP6 :::::zz"))]),
        ("c= with a host name", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP4 example.com"))]),
        ("c= with a multicast TTL", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP4 224.2.1.1/127"))]),
        ("c= of the other family", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP6 1.2.3.4"))]),
        ("c= with a leading zero", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP4 01.2.3.4"))]),
        ("c= with a double space", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN  IP4 1.2.3.4"))]),
        ("c= with a field after the address", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP4 1.2.3.4 extra"))]),
        ("c= IPv4-mapped IPv6", [raw(rawBody.replacingOccurrences(of: "c=IN IP4 1.2.3.4", with: "c=IN IP6 ::ffff:1.2.3.4"))]),
        ("media c= that is no address", [raw(rawBody + "c=IN IP4 999.1.1.1\r\n")]),
        ("rejected media with a bad c=", [raw(rawBody.replacingOccurrences(of: "m=audio 5000", with: "m=audio 0") + "c=IN IP4 999.1.1.1\r\n")]),
        ("empty body", [raw(""), [("command", .string("query"))]]),
        ("one-byte body", [raw(" ")]),
        ("NUL body", [raw("\u{0}")]),
        ("body of one line break", [raw("\r\n")]),
        ("body starting with an empty line", [raw("\r\n" + rawBody)]),
        ("empty line ends the body", [raw(rawBody + "\r\na=after\r\n")]),
        ("empty lines at the end", [raw(rawBody + "\r\n\r\n")]),
        ("empty line inside a session", [raw(rawBody.replacingOccurrences(of: "s=-\r\n", with: "s=-\r\n\r\n"))]),
        ("a fragment after the last line", [raw(rawBody + "a")]),
        ("NUL after the version", [raw("v=0\r\n\u{0}")]),
        ("NUL inside a line", [raw(rawBody.replacingOccurrences(of: "s=-", with: "s=-\u{0}x") + "a=x:\u{0}y\r\n")]),
        ("two-byte body", [raw("ab")]),
        ("first line not v=", [raw("a=b\r\n" + rawBody)]),
        ("answer with an empty body", [raw("\u{0}"), answer([]).filter { $0.0 != "sdp" } + [("sdp", .string(""))]]),
        ("answer for an unknown call", [answer(bob + ["m=audio 6000 RTP/AVP 8"])]),
        ("answer for an unknown call without received from", [answer(bob + ["m=audio 6000 RTP/AVP 8"],
                                                                     extra: [("flags", .list([.string("SIP source address")]))])]),
        ("query unknown call", [[("command", .string("query"))]]),
        ("delete unknown call", [[("command", .string("delete"))]]),
        ("SIP source without received from, the first section speaks ICE", [offer(["m=audio 5000 RTP/AVP 0", "a=ice-ufrag:abcd",
            "m=audio 5002 RTP/AVP 0"], extra: [("ICE", .string("remove"))], flags: ["SIP-source-address"])]),
        ("SIP source without received from, the second section speaks ICE", [offer(["m=audio 5000 RTP/AVP 0",
            "m=audio 5002 RTP/AVP 0", "a=ice-ufrag:abcd"], extra: [("ICE", .string("remove"))], flags: ["SIP-source-address"])]),
        ("delete unknown call, fatal", [[("command", .string("delete")), ("flags", .list([.string("fatal")]))]]),
        ("delete by unknown tag", [offer(["m=audio 5000 RTP/AVP 0"]), [("command", .string("delete")), ("from-tag", .string("Z"))]]),
    ]

    /// Runs `scenarios` against the reference and ours, both started with `interfaces`.
    static func compare(_ scenarios: [(String, [[(String, BencodeValue)]])], interfaces: [String]) throws {
        let pair = try ReferencePair(interfaces: interfaces)
        let (refPort, ourPort) = (pair.refPort, pair.ourPort)
        for (name, steps) in scenarios {
            let callID: [(String, BencodeValue)] = [("call-id", .string("diff-\(UUID().uuidString)"))]
            // Which m= ports repeat across the steps (a fork gets new ones, a re-answer the
            // same) must match too, though the numbers differ.
            var portLabels: [[String: Int]] = [[:], [:]]
            var labelRuns: [[Int]] = [[], []]
            for (n, step) in steps.enumerated() {
                // Steps without a call-id test that error; the others get the scenario's.
                let needsCall = !(name.hasPrefix("missing") || name.hasSuffix("unknown call") && step.count == 1)
                let request = needsCall ? callID + step : step
                let theirs = ngRequest(refPort, request)
                let mine = ngRequest(ourPort, request)
                #expect(mine?["result"] == theirs?["result"], "\(name) step \(n + 1): result")
                #expect(mine?["error-reason"] == theirs?["error-reason"], "\(name) step \(n + 1): error")
                #expect(mine?["warning"] == theirs?["warning"], "\(name) step \(n + 1): warning")
                let a = theirs?["sdp"]?.stringValue.map(normalizeSDP)
                let b = mine?["sdp"]?.stringValue.map(normalizeSDP)
                #expect(b == a, "\(name) step \(n + 1): SDP differs\n--- reference\n\(a ?? "nil")\n--- ours\n\(b ?? "nil")")
                for (k, reply) in [theirs, mine].enumerated() {
                    for port in mediaSockets(reply?["sdp"]?.stringValue ?? "") {
                        let label = portLabels[k][port] ?? portLabels[k].count
                        portLabels[k][port] = label
                        labelRuns[k].append(label)
                    }
                }
            }
            #expect(labelRuns[1] == labelRuns[0], "\(name): port reuse pattern differs")
            // The scenario's ports go back at once, not compared (the suites that run beside
            // this one share the port range; a scenario must not find it used up).
            let delete = callID + [("command", .string("delete")), ("delete-delay", .integer(0))]
            _ = ngRequest(refPort, delete)
            _ = ngRequest(ourPort, delete)
        }
        #expect(pair.ours.stop().status == 0)
    }

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func repliesMatchTheReference() throws {
        try Self.compare(Self.scenarios, interfaces: ["127.0.0.1"])
    }

    static func directed(_ names: [String], extra: [(String, BencodeValue)] = []) -> [[(String, BencodeValue)]] {
        [offer(["m=audio 5000 RTP/AVP 0"], extra: [("direction", .list(names.map { .string($0) }))] + extra),
         answer(bob + ["m=audio 6000 RTP/AVP 0"])]
    }

    /// Logical interfaces, `BASE:SUFFIX` round robin and address families, on loopback
    /// addresses (all of 127.0.0.0/8 is local on Linux).
    static let interfaceScenarios: [(String, [[(String, BencodeValue)]])] = [
        ("default interface without direction", directed([])),
        ("direction pub, priv", directed(["pub", "priv"])),
        ("direction priv, pub", directed(["priv", "pub"])),
        ("round robin over ext, first turn", directed(["ext", "pub"])),
        ("round robin over ext, second turn", directed(["ext", "pub"])),
        ("round robin over ext, third turn", directed(["ext", "pub"])),
        ("one member of a round-robin group", directed(["ext:2", "pub"])),
        // Both sides round robin: the callee's interface is picked first.
        ("round robin on both sides", directed(["ext", "ext"])),
        ("round robin on both sides, again", directed(["ext", "ext"])),
        ("unknown interface name falls back", directed(["nope", "priv"])),
        ("IPv6-only logical interface", directed(["pub", "v6"])),
        ("dual-stack interface, IPv4 SDP", directed(["dual", "dual"])),
        ("dual-stack interface, address family IP6", directed(["dual", "dual"], extra: [("address family", .string("IP6"))])),
        ("dual-stack interface, IPv6 SDP", [
            [("command", .string("offer")), ("from-tag", .string("A")), ("direction", .list([.string("dual"), .string("dual")])),
             ("sdp", sdp("v=0", "o=a 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0", "m=audio 5000 RTP/AVP 0"))],
            answer(bob + ["m=audio 6000 RTP/AVP 0"])]),
        // `direction` on a re-INVITE: the receiver moves at once, the sender when an SDP next
        // goes to it; a name nobody has means the default interface.
        ("a re-offer's direction", directed(["pub", "pub"]) + directed(["priv", "v6"])),
        ("a re-offer's direction, then a plain one", directed(["pub", "pub"]) + directed(["priv", "v6"]) + directed([])),
        ("a re-offer naming an unknown interface", directed(["priv", "priv"]) + directed(["nope", "nope"])),
        ("internal and external", directed(["internal", "external"])),
        ("a re-offer naming internal and external", directed(["priv", "priv"]) + directed(["internal", "external"])),
        ("an answer's direction", [offer(["m=audio 5000 RTP/AVP 0"]),
            answer(bob + ["m=audio 6000 RTP/AVP 0"], extra: [("direction", .list([.string("priv"), .string("nat")]))]),
            offer(["m=audio 5000 RTP/AVP 0"])]),
        ("the callee's re-INVITE with a direction", directed(["pub", "pub"]) + [
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
             ("direction", .list([.string("v6"), .string("priv")])), ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0"]).joined(separator: "\r\n") + "\r\n"))],
            callerAnswer(["m=audio 5000 RTP/AVP 0"])]),
        ("interface key is ignored by offers", [offer(["m=audio 5000 RTP/AVP 0"], extra: [("interface", .string("priv"))])]),
        ("replace origin uses the receiver's interface", directed(["pub", "priv"], extra: [("replace", .list([.string("origin")]))])),
        ("advertised address", directed(["nat", "pub"])),
        ("a hold reaches an IPv6 side as IN IP6 ::", [
            [("command", .string("offer")), ("from-tag", .string("A")), ("direction", .list([.string("pub"), .string("v6")])),
             ("sdp", sdp("v=0", "o=a 1 1 IN IP4 198.51.100.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 5000 RTP/AVP 0"))]]),
        ("a media-level hold reaches an IPv6 side as IN IP6 ::", [
            [("command", .string("offer")), ("from-tag", .string("A")), ("direction", .list([.string("pub"), .string("v6")])),
             ("sdp", sdp("v=0", "o=a 1 1 IN IP4 198.51.100.1", "s=-", "t=0 0", "m=audio 5000 RTP/AVP 0", "c=IN IP4 0.0.0.0"))]]),
    ]

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func interfaceSelectionMatchesTheReference() throws {
        try Self.compare(Self.interfaceScenarios, interfaces: [
            "pub/127.0.0.1", "priv/127.0.0.2", "ext:1/127.0.0.3", "ext:2/127.0.0.4", "v6/::1",
            "dual/127.0.0.5", "dual/::1", "nat/127.0.0.6!203.0.113.99",
        ])
    }

    /// `address family` asked of a named interface without that family: the callee stays on
    /// the named one, and the next offer naming none moves it to the default interface's
    /// address of the family it asked for (10.5). A family word holds the same way.
    static let wantedFamilyScenarios: [(String, [[(String, BencodeValue)]])] = [
        ("a family a named interface lacks, then an offer naming none", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("direction", .list([.string("internal"), .string("nat")])),
                                                      ("address family", .string("IP6"))]),
            offer(["m=audio 5000 RTP/AVP 0"])]),
        // A family word from the caller's own offer still gives the family of the interface
        // the callee's re-INVITE names for it (the default, for a name nobody has).
        ("a family word, then the callee's offer naming an unknown interface", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("direction", .list([.string("external")]))]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
             ("direction", .list([.string("ext:1"), .string("nope")])),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("a family word, then the callee's offer naming an interface without it", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("direction", .list([.string("external")]))]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
             ("direction", .list([.string("ext:1"), .string("priv")])),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("the same through a round-robin name", [
            offer(["m=audio 5000 RTP/AVP 0"], extra: [("direction", .list([.string("priv"), .string("ext")])),
                                                      ("address family", .string("IP6"))]),
            offer(["m=audio 5000 RTP/AVP 0"])]),
    ]

    /// Under `SIP source address` the SIP source's family places the receiver, a rejected
    /// section's too (10.5).
    static let sipSourceFamilyScenarios: [(String, [[(String, BencodeValue)]])] = {
        let v6 = ["v=0", "o=a 1 1 IN IP6 2001:db8::a", "s=-", "c=IN IP6 2001:db8::a", "t=0 0"]
        let source: [(String, BencodeValue)] = [("received-from", .list([.string("IP4"), .string("192.0.2.78")])),
                                                ("flags", .list([.string("SIP-source-address")]))]
        return [
            ("an IPv6 offer of a rejected section from an IPv4 SIP source", [offer(["m=audio 0 RTP/AVP 0"], head: v6, extra: source)]),
            ("an IPv6 offer from an IPv4 SIP source", [offer(["m=audio 5000 RTP/AVP 0"], head: v6, extra: source)]),
        ]
    }()

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func theSIPSourcesFamilyPlacesTheReceiver() throws {
        try Self.compare(Self.sipSourceFamilyScenarios, interfaces: ["127.0.0.1", "::1"])
    }

    /// A section new to an offerer giving a family word sits in that family at once; the one
    /// it had stays until an SDP goes to it (10.5): every stream's local address after each step.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func aSectionNewToAFamilyWordsOffererSitsInItsFamily() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1"])
        let steps: [[(String, BencodeValue)]] = [
            Self.offer(["m=audio 5000 RTP/AVP 0"]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
             ("direction", .list([.string("external")])),
             ("sdp", .string((Self.bob + ["m=audio 6000 RTP/AVP 0", "m=video 6002 RTP/AVP 96", "a=rtpmap:96 VP8/90000"])
                .joined(separator: "\r\n") + "\r\n"))],
        ]
        pair.expectStepsMatch([("the callee's re-INVITE adds a section under a family word", steps)], prefix: "word-section") { reply, query in
            guard case .dictionary(let tags)? = query?["tags"] else { return "\(reply?["result"]?.stringValue ?? "-") no call" }
            return tags.sorted { $0.key < $1.key }.map { tag in
                guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key): -" }
                return "\(tag.key): " + medias.map { $0["streams"]?[0]?["local address"]?.stringValue ?? "-" }.joined(separator: ",")
            }.joined(separator: " ")
        }
        #expect(pair.ours.stop().status == 0)
    }

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func aFamilyANamedInterfaceLacksStaysWanted() throws {
        try Self.compare(Self.wantedFamilyScenarios, interfaces: [
            "127.0.0.1", "::1", "priv/127.0.0.2", "ext:1/127.0.0.3", "ext:2/127.0.0.4", "nat/127.0.0.6!203.0.113.99",
        ])
    }

    /// 10.5 picks an interface per media: a participant with sections already has each one
    /// not on the named interface picked anew (a round-robin turn each), a new one starting
    /// from the pick before it, and one on an interface without its family picked anew too;
    /// the next scenario's turn shows how many were taken. (Daemons of their own: which port
    /// each address hands out next depends on what it handed out before.)
    static let perSectionScenarios: [(String, [[(String, BencodeValue)]])] = [
        ("a re-offer's round robin, section by section", [
            offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0"]), answer(bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 0"]),
            offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0", "m=audio 5004 RTP/AVP 0"], extra: [("direction", .list([.string("ext")]))]),
            answer(bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 0", "m=audio 6004 RTP/AVP 0"])]),
        ("round robin after it", directed(["ext", "pub"])),
        ("the callee's re-INVITE puts the caller's sections on the group one by one", [
            offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0"]),
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")), ("direction", .list([.string("pub"), .string("ext")])),
             ("sdp", .string((bob + ["m=audio 6000 RTP/AVP 0", "m=audio 6002 RTP/AVP 0", "m=audio 6004 RTP/AVP 0"]).joined(separator: "\r\n") + "\r\n"))]]),
        ("round robin after that", directed(["ext", "pub"])),
        ("round robin for an IPv6 offer, a turn per section", [
            offer(["m=audio 5000 RTP/AVP 0", "m=audio 5002 RTP/AVP 0"], head: ["v=0", "o=a 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0"],
                  extra: [("direction", .list([.string("ext"), .string("pub")]))])]),
        ("round robin after the IPv6 offer", directed(["ext", "pub"])),
        // A callee a group without its family kept on IPv4 goes to the default's IPv6 when
        // the next offer names nothing.
        ("a callee kept off its family by a name moves when none keeps it", [
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=a 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0"],
                  extra: [("direction", .list([.string("pub"), .string("ext")]))]),
            offer(["m=audio 5000 RTP/AVP 0"], head: ["v=0", "o=a 1 2 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0"])]),
        ("round robin after that one", directed(["ext", "pub"])),
    ]

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func interfacesArePickedPerSectionAsTheReferenceDoes() throws {
        // (Each scenario and the one after it on daemons of their own.)
        for k in stride(from: 0, to: Self.perSectionScenarios.count, by: 2) {
            try Self.compare(Array(Self.perSectionScenarios[k..<min(k + 2, Self.perSectionScenarios.count)]), interfaces: [
                "pub/127.0.0.1", "pub/::1", "priv/127.0.0.2", "ext:1/127.0.0.3", "ext:2/127.0.0.4",
            ])
        }
    }

    /// Every key path in a reply (`tags.a.medias[].streams[].local port`), values ignored.
    static func keyPaths(_ v: BencodeValue?, _ prefix: String = "") -> Set<String> {
        switch v {
        case .dictionary(let entries)?:
            return entries.reduce(into: Set<String>()) { set, e in
                let p = prefix.isEmpty ? e.key : "\(prefix).\(e.key)"
                set.insert(p)
                set.formUnion(keyPaths(e.value, p))
            }
        case .list(let items)?:
            return items.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1, prefix + "[]")) }
        default:
            return []
        }
    }

    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func queryListDeleteAndStatisticsCarryTheReferenceKeys() throws {
        let pair = try ReferencePair()
        let (refPort, ourPort, ours) = (pair.refPort, pair.ourPort, pair.ours)
        let call: [(String, BencodeValue)] = [("call-id", .string("keys-\(UUID().uuidString)"))]
        let steps: [(String, [(String, BencodeValue)])] = [
            ("offer", Self.offer(["m=audio 5000 RTP/AVP 0 8"], extra: [("label", .string("caller"))])),
            ("query after offer", [("command", .string("query"))]),
            ("list", [("command", .string("list"))]),
            ("answer", Self.answer(Self.bob + ["m=audio 6000 RTP/AVP 8"])),
            ("query after answer", [("command", .string("query"))]),
            ("tagged delete", [("command", .string("delete")), ("from-tag", .string("A")), ("delete-delay", .integer(0))]),
            ("statistics", [("command", .string("statistics"))]),
        ]
        for (name, step) in steps {
            let theirs = ngRequest(refPort, call + step)
            let mine = ngRequest(ourPort, call + step)
            #expect(Self.keyPaths(mine) == Self.keyPaths(theirs),
                    "\(name): only ours \(Self.keyPaths(mine).subtracting(Self.keyPaths(theirs)).sorted()), only theirs \(Self.keyPaths(theirs).subtracting(Self.keyPaths(mine)).sorted())")
        }
        #expect(ours.stop().status == 0)
    }

    /// An SDP that already carries a proxy's own loop-protect token comes back untouched;
    /// each daemon's token is learned from its own first reply.
    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func loopProtectReturnsItsOwnSDPUntouched() throws {
        let pair = try ReferencePair()
        let (refPort, ourPort, ours) = (pair.refPort, pair.ourPort, pair.ours)
        var outputs: [String?] = []
        for port in [refPort, ourPort] {
            let first = ngRequest(port, [("call-id", .string("loop-\(UUID().uuidString)"))] + Self.offer(["m=audio 5000 RTP/AVP 0"], flags: ["loop-protect"]))
            let token = first?["sdp"]?.stringValue?.split(separator: "\r\n").first { $0.hasPrefix("a=rtpengine:") }
            let looped = Self.head + [String(token ?? "a=rtpengine:none"), "m=audio 5000 RTP/AVP 0"]
            let second = ngRequest(port, [("call-id", .string("loop-\(UUID().uuidString)")), ("command", .string("offer")),
                                          ("from-tag", .string("A")), ("flags", .list([.string("loop-protect")])),
                                          ("sdp", .string(looped.joined(separator: "\r\n") + "\r\n"))])
            outputs.append(second?["sdp"]?.stringValue.map(normalizeSDP))
        }
        #expect(outputs[0] != nil)
        #expect(outputs[1] == outputs[0])
        #expect(outputs[1]?.contains("c=IN IP4 198.51.100.1") == true, "untouched: the original address stays")
        #expect(ours.stop().status == 0)
    }

    /// Which address a participant's stream is recorded with (query `endpoint`), and the
    /// media flags, after offers with the address-trust options.
    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func endpointsFollowTheReference() throws {
        let pair = try ReferencePair()
        let (refPort, ourPort, ours) = (pair.refPort, pair.ourPort, pair.ours)
        let from: (String, BencodeValue) = ("received from", .list([.string("IP4"), .string("192.0.2.77")]))
        let cases: [(String, [(String, BencodeValue)])] = [
            ("default trusts the SDP", []),
            ("received from alone", [from]),
            ("SIP source address", [from, ("flags", .list([.string("SIP-source-address")]))]),
            ("trust address wins", [from, ("flags", .list([.string("trust-address")]))]),
            ("received-from with a hyphen", [("received-from", .list([.string("IP4"), .string("192.0.2.77")])),
                                             ("flags", .list([.string("SIP-source-address")]))]),
            ("media address is not applied by 10.5", [("media address", .string("192.0.2.88"))]),
            ("SIP source without received from", [("flags", .list([.string("SIP-source-address")]))]),

            // One switch to 10.5: the later flag wins.
            ("SIP source then trust address without received from",
             [("flags", .list([.string("SIP-source-address"), .string("trust address")]))]),
            ("trust address then SIP source without received from",
             [("flags", .list([.string("trust address"), .string("SIP-source-address")]))]),
            ("asymmetric", [("flags", .list([.string("asymmetric")]))]),
        ]
        for (name, extra) in cases {
            var seen: [String] = []
            for port in [refPort, ourPort] {
                let call: [(String, BencodeValue)] = [("call-id", .string("ep-\(UUID().uuidString)"))]
                let offer = ngRequest(port, call + Self.offer(["m=audio 5000 RTP/AVP 0"]) + extra)
                let query = ngRequest(port, call + [("command", .string("query"))])
                let media = query?["tags"]?["A"]?["medias"].flatMap { if case .list(let l) = $0 { l.first } else { nil } }
                let stream = media?["streams"].flatMap { if case .list(let l) = $0 { l.first } else { nil } }
                seen.append("\(offer?["result"]?.stringValue ?? "-") \(offer?["error-reason"]?.stringValue ?? "") "
                            + "\(stream?["endpoint"]?["address"]?.stringValue ?? "-") \(String(describing: media?["flags"]))")
            }
            #expect(seen[1] == seen[0], "\(name)")
        }
        #expect(ours.stop().status == 0)
    }

    /// Who is subscribed to whom after forks and re-answers, as `query` reports it.
    @Test(.enabled(if: ReferencePair.installed,
                   ReferencePair.missing))
    func forkSubscriptionsFollowTheReference() throws {
        let pair = try ReferencePair()
        func subscriptions(_ port: UInt16, _ call: [(String, BencodeValue)]) -> String {
            guard case .dictionary(let tags)? = ngRequest(port, call + [("command", .string("query"))])?["tags"] else { return "none" }
            return tags.map { entry in
                let subs: [String]
                if case .list(let l)? = entry.value["subscriptions"] { subs = l.compactMap { $0["tag"]?.stringValue } } else { subs = [] }
                return "\(entry.key)->\(subs.joined(separator: ","))"
            }.sorted().joined(separator: " ")
        }
        let steps: [[(String, BencodeValue)]] = [
            Self.offer(["m=audio 5000 RTP/AVP 0 8"]), Self.answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8"]),
            Self.answerFrom("b2", 2, ["m=audio 6002 RTP/AVP 8"]), Self.answerFrom("b1", 1, ["m=audio 6001 RTP/AVP 8"]),
        ]
        var seen: [[String]] = [[], []]
        for (k, port) in [pair.refPort, pair.ourPort].enumerated() {
            let call: [(String, BencodeValue)] = [("call-id", .string("subs-\(UUID().uuidString)"))]
            for step in steps {
                _ = ngRequest(port, call + step)
                seen[k].append(subscriptions(port, call))
            }
        }
        #expect(seen[1] == seen[0])
    }

    /// Subscriptions as events (10.5): an offer or answer between two participants leaves
    /// each subscribed to the other only, so a callee that answered one peer and is then
    /// offered to by another sends to the new one alone and still hears both, newest first.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func subscriptionsFollowTheLastSignalling() throws {
        let pair = try ReferencePair()
        func sdp(_ ip: String, _ port: Int) -> (String, BencodeValue) {
            ("sdp", .string("v=0\r\no=x 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 8\r\n"))
        }
        func step(_ command: String, _ from: String, _ to: String? = nil, _ ip: String, _ port: Int) -> [(String, BencodeValue)] {
            [("command", .string(command)), ("from-tag", .string(from)), sdp(ip, port)] + (to.map { [("to-tag", .string($0))] } ?? [])
        }
        let a = "198.51.100.1", b = "203.0.113.7", c = "203.0.113.8"
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("an answer from an unknown from-tag, then the caller offers to its callee",
             [step("offer", "A", nil, a, 5000), step("answer", "nobody", "B", b, 6000), step("offer", "A", "B", a, 5002)]),
            ("a callee answers, then offers to a third party",
             [step("offer", "A", nil, a, 5000), step("answer", "A", "B", b, 6000), step("offer", "B", "C", b, 6002),
              step("answer", "B", "C", c, 7000)]),
            ("a caller re-offers to its callee after a second callee offered to it",
             [step("offer", "A", nil, a, 5000), step("answer", "A", "B", b, 6000), step("offer", "C", "A", c, 7000),
              step("offer", "A", "B", a, 5004)]),
        ]
        pair.expectStepsMatch(sequences, prefix: "subscribed") { reply, query in
            guard case .dictionary(let tags)? = query?["tags"] else { return "\(reply?["result"]?.stringValue ?? "-") no tags" }
            func list(_ v: BencodeValue?) -> String {
                guard case .list(let l)? = v else { return "-" }
                return l.compactMap { $0["tag"]?.stringValue }.joined(separator: ",")
            }
            // (In query's order: an answer naming two new tags creates the answerer first.)
            return "\(reply?["result"]?.stringValue ?? "-") " + tags.map {
                "\($0.key): hears \(list($0.value["subscriptions"])) heard by \(list($0.value["subscribers"]))"
            }.joined(separator: "; ")
        }
        #expect(pair.ours.stop().status == 0)
    }
}
