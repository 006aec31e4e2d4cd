import Bencode
import Foundation
import Testing

/// rtcp-mux (RFC 5761) over re-INVITEs from either side, with and without the `rtcp-mux`
/// options: every SDP and the mux flags `query` shows after each step match 10.5's (mux
/// once offered stays, the offer's options decide what the answer may change).
@Suite struct RTCPMuxDifferentialTests {
    static func sdp(_ caller: Bool, mux: Bool) -> (String, BencodeValue) {
        let (user, ip, port) = caller ? ("a", "198.51.100.1", 5000) : ("b", "203.0.113.5", 6000)
        return ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\n"
            + "m=audio \(port) RTP/AVP 0\r\n" + (mux ? "a=rtcp-mux\r\n" : "")))
    }

    /// An offer from the caller (or, `fromB`, a re-INVITE from the callee).
    static func offer(_ mux: Bool, _ options: [String] = [], fromB: Bool = false, retag: Bool = false) -> [(String, BencodeValue)] {
        var r: [(String, BencodeValue)] = [("command", .string("offer")), ("from-tag", .string(fromB ? "B" : "A")), sdp(!fromB, mux: mux)]
        if fromB || retag { r.append(("to-tag", .string(fromB ? "A" : "B"))) }
        if !options.isEmpty { r.append(("rtcp-mux", .list(options.map { .string($0) }))) }
        return r
    }

    /// An offer (or, `answer`, an answer) of several sections, rtcp-mux in those marked.
    static func sections(_ muxes: [Bool], fromB: Bool = false, answer: Bool = false) -> [(String, BencodeValue)] {
        let (user, ip, port) = fromB ? ("b", "203.0.113.5", 6000) : ("a", "198.51.100.1", 5000)
        let body = muxes.enumerated().map { i, mux in
            "m=\(i == 0 ? "audio" : "video") \(port + 2 * i) RTP/AVP 0\r\n" + (mux ? "a=rtcp-mux\r\n" : "")
        }.joined()
        let from = fromB != answer ? "B" : "A"
        return [("command", .string(answer ? "answer" : "offer")), ("from-tag", .string(from)),
                ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\n" + body))]
            + (answer || fromB ? [("to-tag", .string(from == "A" ? "B" : "A"))] : [])
    }

    /// An answer from another to-tag (a branch of a forked offer).
    static func branch(_ tag: String, mux: Bool) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string(tag)),
         ("sdp", .string("v=0\r\no=c 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n"
            + "m=audio 7000 RTP/AVP 0\r\n" + (mux ? "a=rtcp-mux\r\n" : "")))]
    }

    /// The step with the caller's SDP at another port.
    static func moved(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { $0.0 == "sdp" ? ("sdp", .string($0.1.stringValue!.replacingOccurrences(of: "m=audio 5000", with: "m=audio 5002"))) : $0 }
    }

    /// The caller's offer rejecting its section.
    static func rejectedOffer(retag: Bool) -> [(String, BencodeValue)] {
        offer(false, retag: retag).map { $0.0 == "sdp" ? ("sdp", .string($0.1.stringValue!.replacingOccurrences(of: "m=audio 5000", with: "m=audio 0"))) : $0 }
    }

    static func answer(_ mux: Bool, fromA: Bool = false) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string(fromA ? "B" : "A")), ("to-tag", .string(fromA ? "A" : "B")),
         sdp(fromA, mux: mux)]
    }

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        // A section no offer to the answerer had (the offerer's went to a new branch) is
        // answered as a branch's would be: its mux passes.
        ("an answer adds a muxed section the offer to it lacked", [
            offer(false) + [("via-branch", .string("V1"))], answer(false),
            sections([false, false]) + [("via-branch", .string("V2"))], sections([false, true], fromB: true, answer: true)]),
        // An answerer no offer came to (a from-tag nobody had, or one only a rejected offer
        // reached) answers as a branch would: its own mux goes to the offerer.
        ("the caller answers a stranger, then the stranger answers it", [offer(false), answer(false, fromA: true), answer(true)]),
        ("the same with mux the other way", [offer(true), answer(true, fromA: true), answer(false)]),
        ("an answer from a to-tag only a rejected offer reached", [offer(false), rejectedOffer(retag: true), answer(true)]),
        // Mux in place through another section counts only where this SDP keeps that
        // section: rejected there, the section is offered mux with its own RTCP port.
        ("the callee's re-INVITE rejects the section mux was in place in", [sections([false, true]),
            sections([true, false], fromB: true).map { $0.0 == "sdp" ? ("sdp", .string($0.1.stringValue!.replacingOccurrences(
                of: "m=video 6002", with: "m=video 0"))) : $0 }]),
        ("mux answered, re-offer without", [offer(true), answer(true), offer(false, retag: true)]),
        ("mux only answered, re-offer without", [offer(false), answer(true), offer(false, retag: true)]),
        ("mux refused, re-offer without", [offer(true), answer(false), offer(false, retag: true)]),
        ("mux refused, re-offer with", [offer(true), answer(false), offer(true, retag: true)]),
        ("unanswered re-offer without", [offer(true), offer(false)]),
        ("callee re-INVITE without, caller answers without",
         [offer(true), answer(true), offer(false, fromB: true), answer(false, fromA: true)]),
        ("callee re-INVITE with, caller answers without",
         [offer(true), answer(true), offer(true, fromB: true), answer(false, fromA: true)]),
        ("callee re-INVITE with mux, caller answers with",
         [offer(false), answer(false), offer(true, fromB: true), answer(true, fromA: true)]),
        ("require, answered without, re-offer without", [offer(false, ["require"]), answer(false), offer(false, retag: true)]),
        ("demux, answered without, re-offer with", [offer(true, ["demux"]), answer(false), offer(true, retag: true)]),
        ("demux on a re-offer keeps mux in place", [offer(true), answer(true), offer(true, ["demux"], retag: true), answer(false)]),
        ("demux on an unanswered re-offer", [offer(true), offer(true, ["demux"])]),
        ("reject on a re-offer", [offer(true), answer(true), offer(true, ["reject"], retag: true), answer(true)]),
        ("reject, answered with, re-offer with", [offer(true, ["reject"]), answer(true), offer(true, retag: true)]),
        ("demux answered with mux", [offer(true, ["demux"]), answer(true)]),
        ("accept answered without", [offer(true, ["accept"]), answer(false)]),
        ("reject and accept answered without", [offer(true, ["reject", "accept"]), answer(false)]),
        ("accept and reject answered without", [offer(true, ["accept", "reject"]), answer(false)]),
        ("offer option answered with, re-offer without", [offer(false, ["offer"]), answer(true), offer(false, retag: true)]),
        ("require over mux, answered without, re-offer with", [offer(true, ["require"]), answer(false), offer(true, retag: true)]),
        // Another branch's answer gives the offerer its choice, mux in place.
        ("a second branch answers with mux", [offer(false), answer(true), branch("C", mux: true)]),
        ("an offer to a to-tag answered by another with mux", [offer(false, retag: true), branch("C", mux: true)]),
        ("a second branch answers without mux", [offer(true), answer(true), branch("C", mux: false)]),
        // Sections after one that finds mux in place get it too, RTCP on the RTP port (10.5).
        ("a section added after a muxed one", [offer(true), sections([false, false])]),
        ("a section added after an answered mux", [offer(true), answer(true), sections([false, false]),
                                                   sections([false, false], fromB: true, answer: true)]),
        ("the callee adds a section after an answered mux", [offer(true), answer(true), sections([false, false], fromB: true)]),
        ("a section without mux after a muxed one", [sections([true, false]), sections([false, false, false])]),
        ("mux in the second section only", [sections([false, true]), sections([false, false, false])]),
        // Mux in place with the receiver in any section, or given in an answer, is written
        // with RTCP on the RTP port.
        ("an answer's extra section with mux", [offer(false), sections([false, true], fromB: true, answer: true)]),
        ("mux answered in the second section, re-offered in the first", [sections([false, false]),
            sections([false, true], fromB: true, answer: true), sections([true, false])]),
        ("mux offered in both, answered in one, re-offered", [sections([true, true]),
            sections([true, false], fromB: true, answer: true), sections([true, true])]),
        // An answer from another participant than the one the offerer's last offer went to
        // takes its mux only as far as the last offer to it came with mux.
        ("the first branch answers after an offer to another with mux", [offer(false) + [("via-branch", .string("V1"))],
            [("command", .string("offer")), ("from-tag", .string("A")), ("to-tag", .string("X")), sdp(true, mux: true)],
            answer(false) + [("via-branch", .string("V1"))]]),
        ("a branch offered mux re-answers with it after an offer to another branch", [offer(true) + [("via-branch", .string("V1"))],
            answer(false), offer(false) + [("via-branch", .string("V2"))], answer(true)]),
        ("a branch not offered mux re-answers with it after an offer to another branch", [offer(false) + [("via-branch", .string("V1"))],
            offer(false) + [("via-branch", .string("V2"))], answer(false) + [("via-branch", .string("V1"))], answer(true)]),
        // The caller answers a from-tag nobody has: no offer ever came to it, its own mux goes.
        ("the caller answers a from-tag nobody has with mux", [offer(false), answer(false),
            [("command", .string("answer")), ("from-tag", .string("Z")), ("to-tag", .string("A")), sdp(true, mux: true)]]),
        ("a section added after a refused mux", [offer(true), answer(false), sections([false, false]),
                                                 sections([false, false], fromB: true, answer: true)]),
    ]

    /// Per tag, whether the section is muxed in query and its RTP stream's kinds.
    static func muxFlags(_ query: BencodeValue?) -> String {
        guard case .dictionary(let tags)? = query?["tags"] else { return "no tags" }
        return tags.sorted { $0.key < $1.key }.map { tag in
            let media = tag.value["medias"]?[0]
            let flags: [String] = if case .list(let l)? = media?["flags"] { l.compactMap(\.stringValue) } else { [] }
            let kinds: [String] = if case .list(let l)? = media?["streams"]?[0]?["flags"] { l.compactMap(\.stringValue) } else { [] }
            return "\(tag.key): \(flags.contains("rtcp-mux") ? "mux" : "-") \(kinds.filter { $0 == "RTP" || $0 == "RTCP" })"
        }.joined(separator: ", ")
    }

    /// Sequences where a section's RTCP is muxed for sure when its ports are taken (`require`,
    /// `demux`, `accept`, an answering branch that takes the offered mux): 10.5 binds the
    /// RTP port alone (query's RTCP local port 0) and binds a new pair once RTCP is needed.
    static let lonePorts: [(String, [[(String, BencodeValue)]])] = [
        ("require, then a re-offer without", [offer(false, ["require"]), answer(false), offer(false, retag: true)]),
        ("require twice", [offer(false, ["require"]), answer(false), offer(false, ["require"], retag: true)]),
        ("require on a re-offer keeps the pair", [offer(false), answer(false), offer(false, ["require"], retag: true)]),
        ("require, the answer takes mux", [offer(false, ["require"]), answer(true), offer(true, retag: true)]),
        ("demux, then a re-offer and answer without", [offer(true, ["demux"]), answer(false), offer(false, retag: true), answer(false)]),
        // The offerer's lone port under `demux` was for nobody yet: the pair its answer
        // takes is the callee's endpoint's, kept by the callee's re-offers.
        ("demux, answered without, then the callee's re-offers", [offer(true, ["demux"]), answer(false),
            offer(false, fromB: true), offer(false, fromB: true)]),
        ("demux and offer, answered without, then the callee's re-offers", [offer(true, ["demux", "offer"]), answer(false),
            offer(false, fromB: true), offer(false, fromB: true)]),
        // Mux in place only through another section (offered there before), not the
        // section's own nor required: 10.5 binds the section a pair.
        ("mux in place through another section", [sections([false, true]), sections([true, false])]),
        ("mux in place through another section, moved to another port", [sections([false, true]),
            moved(sections([true, false]))]),
        ("accept", [offer(true, ["accept"]), answer(true)]),
        // A lone port that then needs RTCP: every SDP to that side takes a new pair, one
        // under `port latching` too.
        ("mux in place, then answers without it, latched", [offer(false), answer(true), moved(offer(false, retag: true)),
            moved(answer(false, fromA: true)), moved(answer(false, fromA: true)) + [("flags", .list([.string("port-latching")]))]]),
        // A lone port beside the pair taken for the same endpoint: muxed again, the pair in
        // use stays (its RTCP port bound), as 10.5 needs no RTCP port then.
        ("require, answered without, re-offers with and without", [offer(false, ["require"]), answer(false),
            offer(true, retag: true), offer(false, retag: true)]),
        // `demux` beside `require`: the callee is muxed, the caller holds a lone port.
        ("demux and require", [offer(true, ["demux", "require"]), answer(true)]),
        // (Its answer still decides its mux.)
        ("demux and require, answered without", [offer(true, ["demux", "require"]), answer(false)]),
        ("offered mux is no lone port", [offer(true, ["offer"]), answer(true)]),
        ("a branch answers without the offered mux", [offer(true), answer(true), branch("C", mux: false)]),
        // The offerer's new map for such a branch holds a lone RTP port; its RTCP stream
        // keeps the socket it had.
        ("a branch answers with the offered mux", [offer(true), answer(true), branch("C", mux: true)]),
        ("a branch answers with mux nobody offered", [offer(false), answer(false), branch("C", mux: true)]),
        ("require, a branch answers", [offer(false, ["require"]), answer(false), branch("C", mux: false)]),
        // After a rejection the callee's streams have no socket: a lone RTP port for the
        // caller's new endpoint keeps no RTCP one (0); the same endpoint gets its pair back.
        ("a muxed offer rejected, then offered from another port", [offer(true), rejectedAnswer, moved(offer(false, retag: true))]),
        ("a muxed offer rejected, then offered again", [offer(true), rejectedAnswer, offer(false, retag: true)]),
        // (So too where the rejection moved the callee to IPv6.)
        ("a muxed offer rejected from IPv6, then offered again", [offer(true), rejectedAnswer.map {
            $0.0 == "sdp" ? ("sdp", .string($0.1.stringValue!.replacingOccurrences(of: "IN IP4 203.0.113.5", with: "IN IP6 2001:db8::5"))) : $0
        }, offer(false, retag: true)]),
    ]

    /// The callee's answer rejecting its section.
    static let rejectedAnswer = answer(false).map {
        $0.0 == "sdp" ? ("sdp", .string($0.1.stringValue!.replacingOccurrences(of: "m=audio 6000", with: "m=audio 0"))) : $0
    }

    /// Every stream's local port per tag after a step, as labels in order of first sight
    /// (`0` for none), so the same socket kept, a new one taken, or none show alike.
    final class PortLabels {
        var labels: [String: Int] = [:]
        func digest(_ query: BencodeValue?) -> String {
            guard case .dictionary(let tags)? = query?["tags"] else { return "no tags" }
            return tags.sorted { $0.key < $1.key }.map { tag in
                guard case .list(let streams)? = tag.value["medias"]?[0]?["streams"] else { return "\(tag.key): -" }
                return "\(tag.key): " + streams.map { stream in
                    guard let port = stream["local port"]?.integerValue, port != 0 else { return "0" }
                    // (By address too: each interface has ports of its own.)
                    let key = "\(stream["local address"]?.stringValue ?? "") \(port)"
                    if labels[key] == nil { labels[key] = labels.count }
                    return "P\(labels[key]!)"
                }.joined(separator: ",")
            }.joined(separator: " ")
        }
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func muxedSectionsHoldALoneRTPPortAsTheReference() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1"])
        for (name, steps) in Self.lonePorts {
            let runs = [pair.refPort, pair.ourPort].map { port -> [String] in
                let callID: [(String, BencodeValue)] = [("call-id", .string("lone-\(UUID().uuidString)"))]
                let labels = PortLabels()
                return steps.map { step in
                    let result = ngRequest(port, callID + step)?["result"]?.stringValue ?? "-"
                    return result + " " + labels.digest(ngRequest(port, callID + [("command", .string("query"))]))
                }
            }
            #expect(runs[1] == runs[0], "\(name)\n--- reference\n\(runs[0].joined(separator: "\n"))\n--- ours\n\(runs[1].joined(separator: "\n"))")
        }
        #expect(pair.ours.stop().status == 0)
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func muxOverReInvitesMatchesTheReference() throws {
        let pair = try ReferencePair()
        pair.expectStepsMatch(Self.sequences, prefix: "mux") { reply, query in
            "\(reply?["result"]?.stringValue ?? "-")\n\(reply?["sdp"]?.stringValue.map(normalizeSDP) ?? "")\n\(Self.muxFlags(query))"
        }
        #expect(pair.ours.stop().status == 0)
    }
}
