import Bencode
import Foundation
import Testing

/// The media flags `query` reports per participant and section (`initialized`, `ICE`,
/// `ICE controlling`, directions) after every step, as 10.5 reports them: `initialized` per
/// section once the participant's own SDP for it came, the ICE role set toward a participant
/// while its section is not initialized, `ICE: remove` taking the receiver's ICE flag, a null
/// address receiving nothing.
@Suite struct QueryFlagsDifferentialTests {
    static func sdp(_ caller: Bool, sections: Int, extra: String = "") -> (String, BencodeValue) {
        let (user, ip, port) = caller ? ("a", "198.51.100.1", 5000) : ("b", "203.0.113.5", 6000)
        let media = (0..<sections).map { "m=audio \(port + 2 * $0) RTP/AVP 0\r\n" + extra }.joined()
        return ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\n" + media))
    }

    static func step(_ command: String, from: String, to: String? = nil, sections: Int = 1, ice: Bool = false,
                     remove: Bool = false, ufrag: String = "abcd", pwd: String? = nil) -> [(String, BencodeValue)] {
        let sender = command == "offer" ? from : (to ?? "")
        let credentials = "a=ice-ufrag:\(ufrag)\r\n" + (pwd.map { "a=ice-pwd:\($0)\r\n" } ?? "")
        var r: [(String, BencodeValue)] = [("command", .string(command)), ("from-tag", .string(from)),
                                           sdp(sender == "A", sections: sections, extra: ice ? credentials : "")]
        if let to { r.append(("to-tag", .string(to))) }
        if remove { r.append(("ICE", .string("remove"))) }
        return r
    }

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        // A rejected section's ICE attributes count for nothing.
        ("a rejected offer speaking ICE, removed", [rejected(step("offer", from: "A", ice: true, remove: true))]),
        ("a rejected answer speaking ICE, removed", [step("offer", from: "A"), rejected(step("answer", from: "A", to: "B", ice: true, remove: true))]),
        ("ICE removed both ways", [step("offer", from: "A", ice: true, remove: true), step("answer", from: "A", to: "B", remove: true)]),
        ("ICE removed in the offer only", [step("offer", from: "A", ice: true, remove: true), step("answer", from: "A", to: "B")]),
        ("an ICE answer, removed", [step("offer", from: "A", ice: true, remove: true),
                                    step("answer", from: "A", to: "B", ice: true, remove: true)]),
        ("an offer to a to-tag, then that one offers", [step("offer", from: "A", to: "B"), step("offer", from: "B")]),
        ("the callee re-INVITEs", [step("offer", from: "A"), step("answer", from: "A", to: "B"), step("offer", from: "B", to: "A")]),
        ("a re-offer adds a section", [step("offer", from: "A"), step("answer", from: "A", to: "B"),
                                       step("offer", from: "A", sections: 2), step("answer", from: "A", to: "B", sections: 2)]),
        ("an answer with fewer sections", [step("offer", from: "A", sections: 2), step("answer", from: "A", to: "B")]),
        ("an answer with more sections", [step("offer", from: "A"), step("answer", from: "A", to: "B", sections: 2)]),
        ("an answer with more sections, ICE removed", [step("offer", from: "A"), step("answer", from: "A", to: "B", sections: 2, remove: true)]),
        // A new fork branch was never offered to: with ICE removed and no ICE of its own,
        // 10.5 takes no role toward it.
        ("a second branch answers, ICE removed", [step("offer", from: "A"), step("answer", from: "A", to: "B"),
                                                  step("answer", from: "A", to: "C", remove: true)]),
        ("a second branch answers speaking ICE, removed", [step("offer", from: "A"), step("answer", from: "A", to: "B"),
                                                           step("answer", from: "A", to: "C", ice: true, remove: true)]),
        // An ICE restart (new ufrag or password) takes the roles anew on both sides.
        ("the callee restarts ICE in a re-offer", [step("offer", from: "A"), step("answer", from: "A", to: "B", ice: true, remove: true),
                                                   step("offer", from: "B", ice: true, remove: true, ufrag: "efgh")]),
        ("the callee re-offers with the same ICE credentials", [step("offer", from: "A"),
                                                               step("answer", from: "A", to: "B", ice: true, remove: true),
                                                               step("offer", from: "B", ice: true, remove: true)]),
        ("the callee changes only its ICE password", [step("offer", from: "A"),
                                                      step("answer", from: "A", to: "B", ice: true, remove: true, pwd: "passwordpasswordpassword"),
                                                      step("offer", from: "B", ice: true, remove: true, pwd: "otherpasswordotherpasswo")]),
        ("an ICE answer, then a rejected re-answer", [step("offer", from: "A"), step("answer", from: "A", to: "B", ice: true, remove: true),
                                                        rejected(step("answer", from: "A", to: "B", remove: true))]),
        // A null address receives nothing, whatever its direction says.
        ("a held offer", [hold(step("offer", from: "A"))]),
        ("a held offer rejecting its section", [rejected(hold(step("offer", from: "A")))]),
        // `asymmetric` lasts one signal, but a rejected section leaves it as it was.
        ("an asymmetric answer, then a rejected one without the flag", [step("offer", from: "A"),
            step("answer", from: "A", to: "B") + [("flags", .list([.string("asymmetric")]))],
            rejected(step("answer", from: "A", to: "B"))]),
        ("a plain answer, then a rejected asymmetric one", [step("offer", from: "A"), step("answer", from: "A", to: "B"),
            rejected(step("answer", from: "A", to: "B")) + [("flags", .list([.string("asymmetric")]))]]),
        ("a held answer, then one that resumes", [step("offer", from: "A"), hold(step("answer", from: "A", to: "B")),
                                                  step("answer", from: "A", to: "B")]),
        ("the callee's re-INVITE adds a section", [step("offer", from: "A"), step("answer", from: "A", to: "B"),
                                                   step("offer", from: "B", to: "A", sections: 2)]),
        // An offerer that ever spoke ICE in the section makes a new fork branch's role
        // controlling, ICE removed and none in the answer.
        ("a fork branch answers an offerer that spoke ICE before, removed", [step("offer", from: "A", ice: true, remove: true),
            step("offer", from: "A", to: "B", remove: true), step("answer", from: "A", to: "C", remove: true)]),
        // An answer rejecting a section of a participant that never spoke there keeps the
        // role the offer to it took; an active one takes it anew.
        ("a rejected answer to the caller's callee", [rejected(step("offer", from: "A", to: "B")),
                                                      rejected(step("answer", from: "B", to: "A", remove: true))]),
        // An answer to a participant that never offered keeps the role the offer to it
        // took under `ICE: remove`, unless the answerer speaks ICE (a rejected section: as
        // it spoke before).
        ("the caller answers its callee, which never offered", [step("offer", from: "A", to: "B", remove: true),
            step("answer", from: "B", to: "A", remove: true)]),
        ("the same speaking ICE", [step("offer", from: "A", to: "B", remove: true), step("answer", from: "B", to: "A", ice: true, remove: true)]),
        ("the same without ICE: remove", [step("offer", from: "A", to: "B"), rejected(step("answer", from: "B", to: "A"))]),
        ("the same rejecting the section after an offer speaking ICE", [step("offer", from: "A", to: "B", ice: true, remove: true),
            rejected(step("answer", from: "B", to: "A", remove: true))]),
        // With one IPv4 interface an IPv6 callee is no other family: no roles anew.
        ("an IPv6 callee's re-INVITE without the ICE its answer spoke, one interface", [step("offer", from: "A", remove: true),
            v6(step("answer", from: "A", to: "B", ice: true, remove: true)), v6(step("offer", from: "B", to: "A", remove: true))]),
        ("an answer with a section the callee's re-INVITE lacked", [step("offer", from: "B", sections: 2),
            step("offer", from: "A", to: "B"), step("answer", from: "A", to: "B", sections: 2)]),
        // ICE credentials an SDP without ICE leaves as they were: new ones next are a restart.
        ("an ICE restart after an answer without ICE", [step("offer", from: "A"), step("answer", from: "A", to: "B", ice: true, remove: true),
            step("answer", from: "A", to: "B", remove: true), step("offer", from: "B", ice: true, remove: true, ufrag: "efgh")]),
    ]

    /// Between families (an IPv6 callee of an IPv4 caller, interfaces of both), 10.5 takes
    /// the ICE roles anew when ICE that ran with the callee from its first SDP stops in its
    /// offer, pauses in an answer (where the caller ever spoke ICE), or comes back after a
    /// pause.
    static let betweenFamilies: [(String, [[(String, BencodeValue)]])] = [
        ("an IPv6 callee's re-INVITE without the ICE its answer spoke", [step("offer", from: "A", remove: true),
            v6(step("answer", from: "A", to: "B", ice: true, remove: true)), v6(step("offer", from: "B", to: "A", remove: true))]),
        ("the same with an IPv4 callee", [step("offer", from: "A", remove: true),
            step("answer", from: "A", to: "B", ice: true, remove: true), step("offer", from: "B", to: "A", remove: true)]),
        ("an IPv6 callee's answer without the ICE its offer spoke, to a caller that spoke ICE", [
            step("offer", from: "A", to: "B", ice: true, remove: true), v6(step("offer", from: "B", to: "A", ice: true, remove: true)),
            v6(step("answer", from: "A", to: "B", remove: true))]),
        ("an IPv6 callee's answer speaking ICE again after one without", [step("offer", from: "A", to: "B", remove: true),
            v6(step("offer", from: "B", to: "A", ice: true, remove: true)), v6(step("answer", from: "A", to: "B", remove: true)),
            v6(step("answer", from: "A", to: "B", ice: true, remove: true))]),
        ("an IPv6 callee's offer speaking ICE after an answer without", [step("offer", from: "A", remove: true),
            v6(step("answer", from: "A", to: "B", ice: true, remove: true)), v6(step("answer", from: "A", to: "B", remove: true)),
            v6(step("offer", from: "B", to: "A", ice: true, remove: true))]),
        // A rejected section leaves the ICE spoken before, and gives no family after it: the
        // callee stays where the caller's family put it.
        ("an IPv6 callee rejects the section after an answer speaking ICE", [step("offer", from: "A", remove: true),
            v6(step("answer", from: "A", to: "B", ice: true, remove: true)), rejected(v6(step("answer", from: "A", to: "B", remove: true))),
            step("offer", from: "A", to: "B", remove: true)]),
        ("an IPv6 callee rejects the section in a re-INVITE after one speaking ICE", [step("offer", from: "A", remove: true),
            v6(step("offer", from: "B", to: "A", ice: true, remove: true)), rejected(v6(step("offer", from: "B", to: "A", remove: true))),
            step("offer", from: "A", to: "B", remove: true)]),
    ]

    /// So too where `direction` picks another interface for the callee's section once it
    /// spoke ICE there, whether ICE stops or not; a pick it made before takes nothing anew.
    static let betweenInterfaces: [(String, [[(String, BencodeValue)]])] = [
        ("a callee's re-INVITE to another interface without the ICE its answer spoke", [step("offer", from: "A", remove: true),
            step("answer", from: "A", to: "B", ice: true, remove: true),
            step("offer", from: "B", to: "A", remove: true) + [("direction", .list([.string("ext"), .string("default")]))]]),
        ("a callee's re-INVITE to another interface still speaking ICE", [step("offer", from: "A", remove: true),
            step("answer", from: "A", to: "B", ice: true, remove: true),
            step("offer", from: "B", to: "A", ice: true, remove: true) + [("direction", .list([.string("ext"), .string("default")]))]]),
        ("a callee's re-INVITEs to the interface its first one picked", [step("offer", from: "A", to: "B", remove: true),
            step("offer", from: "B", to: "A", ice: true, remove: true) + [("direction", .list([.string("ext"), .string("default")]))],
            step("offer", from: "B", to: "A", remove: true) + [("direction", .list([.string("ext"), .string("default")]))]]),
        ("a callee's re-INVITE to another interface after ICE only in a re-answer", [step("offer", from: "A", remove: true),
            step("answer", from: "A", to: "B", remove: true), step("answer", from: "A", to: "B", ice: true, remove: true),
            step("offer", from: "B", to: "A", remove: true) + [("direction", .list([.string("ext"), .string("default")]))]]),
        ("the same staying on its interface", [step("offer", from: "A", remove: true),
            step("answer", from: "A", to: "B", ice: true, remove: true),
            step("offer", from: "B", to: "A", remove: true) + [("direction", .list([.string("default"), .string("default")]))]]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func rolesBetweenFamiliesMatchTheReference() throws {
        for (interfaces, sequences) in [(["127.0.0.1", "::1"], Self.betweenFamilies), (["127.0.0.1", "ext/127.0.0.3"], Self.betweenInterfaces)] {
            let pair = try ReferencePair(interfaces: interfaces)
            // (With the SDP's connection lines: the family each side is written in.)
            pair.expectStepsMatch(sequences, prefix: "interfaces") { reply, query in
                let connections = (reply?["sdp"]?.stringValue ?? "").split(separator: "\r\n").filter { $0.hasPrefix("c=") }
                return "\(reply?["result"]?.stringValue ?? "-") \(connections.joined(separator: ",")) " + Self.flags(query)
            }
            #expect(pair.ours.stop().status == 0)
        }
    }

    /// The step's SDP from the callee at an IPv6 address.
    static func v6(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { entry in
            guard entry.0 == "sdp", let text = entry.1.stringValue else { return entry }
            return ("sdp", .string(text.replacingOccurrences(of: "IN IP4 203.0.113.5", with: "IN IP6 2001:db8::5")))
        }
    }

    /// The step's SDP on hold (a null address).
    static func hold(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { entry in
            guard entry.0 == "sdp", let text = entry.1.stringValue else { return entry }
            return ("sdp", .string(text.replacingOccurrences(of: "c=IN IP4 198.51.100.1", with: "c=IN IP4 0.0.0.0")
                .replacingOccurrences(of: "c=IN IP4 203.0.113.5", with: "c=IN IP4 0.0.0.0")))
        }
    }

    /// The step's SDP with its sections rejected (port 0).
    static func rejected(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { entry in
            guard entry.0 == "sdp", let text = entry.1.stringValue else { return entry }
            return ("sdp", .string(text.replacingOccurrences(of: "m=audio 5000", with: "m=audio 0")
                .replacingOccurrences(of: "m=audio 6000", with: "m=audio 0")))
        }
    }

    /// Per tag and section, the flags in query's order.
    static func flags(_ query: BencodeValue?) -> String {
        guard case .dictionary(let tags)? = query?["tags"] else { return "no tags" }
        return tags.sorted { $0.key < $1.key }.map { tag in
            guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key): -" }
            return "\(tag.key): " + medias.map { m in
                let f: [String] = if case .list(let l)? = m["flags"] { l.compactMap(\.stringValue) } else { [] }
                let s: [String] = if case .list(let l)? = m["streams"]?[0]?["flags"] { l.compactMap(\.stringValue) } else { [] }
                return "[\(f.joined(separator: ","))|\(s.joined(separator: ","))]"
            }.joined()
        }.joined(separator: " ")
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func mediaFlagsMatchTheReference() throws {
        let pair = try ReferencePair()
        pair.expectStepsMatch(Self.sequences, prefix: "flags") { reply, query in
            "\(reply?["result"]?.stringValue ?? "-") " + Self.flags(query)
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// An offer at `port` (from A), with `a=ice-ufrag` and `ICE: remove` when `ice`.
    static func moved(_ port: Int, ice: Bool, rtcp: Int? = nil) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("A")),
         ("sdp", .string("v=0\r\no=a 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
             + "m=audio \(port) RTP/AVP 0\r\n" + (ice ? "a=ice-ufrag:abcd\r\n" : "") + (rtcp.map { "a=rtcp:\($0)\r\n" } ?? "")))]
            + (ice ? [("ICE", .string("remove"))] : [])
    }

    /// `SIP source address` takes the SIP source for every section, rejected or with a null
    /// address.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func aRejectedSectionTakesTheSIPSource() throws {
        let pair = try ReferencePair()
        let source: [(String, BencodeValue)] = [("received from", .list([.string("IP4"), .string("192.0.2.77")])),
                                                ("flags", .list([.string("SIP-source-address")]))]
        func offer(_ c: String, _ port: Int) -> [(String, BencodeValue)] {
            [("command", .string("offer")), ("from-tag", .string("A")),
             ("sdp", .string("v=0\r\no=a 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=\(c)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\n"))] + source
        }
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("rejected", [offer("IN IP4 198.51.100.1", 0)]), ("rejected on IPv6", [offer("IN IP6 2001:db8::5", 0)]),
            ("rejected with a null address", [offer("IN IP4 0.0.0.0", 0)]), ("held", [offer("IN IP4 0.0.0.0", 5000)]),
        ]
        pair.expectStepsMatch(sequences, prefix: "sip-source") { reply, query in
            guard case .list(let streams)? = query?["tags"]?["A"]?["medias"]?[0]?["streams"] else { return "-" }
            return "\(reply?["result"]?.stringValue ?? "-") " + streams.map {
                "\($0["endpoint"]?["address"]?.stringValue ?? "-"):\($0["endpoint"]?["port"]?.integerValue ?? -1)"
            }.joined(separator: ",")
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// A participant whose profile 10.5 did not know (`m=audio 0 18`, read one field short)
    /// takes the next SDP's to it (an answer's or an offer's), as query shows.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func anUnknownProfileTakesTheAnswers() throws {
        let pair = try ReferencePair()
        let sdp = { (media: String) -> (String, BencodeValue) in
            ("sdp", .string("v=0\r\no=a 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n" + media + "\r\n"))
        }
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("a rejected offer line one field short, answered", [
                [("command", .string("offer")), ("from-tag", .string("A")), sdp("m=audio 0 18")],
                [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")), sdp("m=audio 0 RTP/AVPF 8")]]),
            // Nor does `transport protocol` give such a line one (`m=audio  0 RTP/AVP` reads as
            // profile `0`).
            ("transport protocol on a line read one field short", [
                [("command", .string("offer")), ("from-tag", .string("A")), sdp("m=audio  0 RTP/AVP"),
                 ("transport-protocol", .string("RTP/AVPF"))]]),
            // An answerer whose line was read one field short takes the next offer's profile.
            ("an answer one field short, then a re-offer", [
                [("command", .string("offer")), ("from-tag", .string("A")), sdp("m=audio 0 RTP/AVP 8")],
                [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")), sdp("m=audio  0 8")],
                [("command", .string("offer")), ("from-tag", .string("A")), ("to-tag", .string("B")), sdp("m=audio 0 RTP/AVP 8")]]),
        ]
        pair.expectStepsMatch(sequences, prefix: "unknown-profile") { reply, query in
            guard case .dictionary(let tags)? = query?["tags"] else { return "\(reply?["result"]?.stringValue ?? "-") no call" }
            return "\(reply?["result"]?.stringValue ?? "-") " + tags.sorted { $0.key < $1.key }.map {
                "\($0.key): \($0.value["medias"]?[0]?["protocol"]?.stringValue ?? "none")"
            }.joined(separator: " ")
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// Under `SIP source address` the SIP source stands in for a missing c= (the SDP out has
    /// none either), up to the first section speaking ICE; without the flag it is still
    /// "Incomplete SDP specification".
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func aSectionWithoutAddressTakesTheSIPSource() throws {
        let pair = try ReferencePair()
        func step(_ command: String, _ media: String, sipSource: Bool = true, ice: Bool = false) -> [(String, BencodeValue)] {
            let (user, tags): (String, [(String, BencodeValue)]) = command == "offer"
                ? ("a", [("from-tag", .string("A"))]) : ("b", [("from-tag", .string("A")), ("to-tag", .string("B"))])
            return [("command", .string(command))] + tags
                + [("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 198.51.100.1\r\ns=-\r\nt=0 0\r\n" + media + (ice ? "a=ice-ufrag:abcd\r\n" : ""))),
                   ("received from", .list([.string("IP4"), .string(command == "offer" ? "192.0.2.77" : "192.0.2.78")]))]
                + (sipSource ? [("flags", .list([.string("SIP-source-address")]))] : []) + (ice ? [("ICE", .string("remove"))] : [])
        }
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("offer and answer without c=", [step("offer", "m=audio 5000 RTP/AVP 0\r\n"), step("answer", "m=audio 6000 RTP/AVP 0\r\n")]),
            ("a second section without c=", [step("offer", "m=audio 5000 RTP/AVP 0\r\nc=IN IP4 198.51.100.1\r\nm=audio 5002 RTP/AVP 8\r\n")]),
            ("without the flag", [step("offer", "m=audio 5000 RTP/AVP 0\r\n", sipSource: false)]),
            ("a section speaking ICE without c=", [step("offer", "m=audio 5000 RTP/AVP 0\r\n", ice: true)]),
        ]
        pair.expectStepsMatch(sequences, prefix: "sip-source-no-c") { reply, query in
            let sdp = (reply?["sdp"]?.stringValue ?? "").split(separator: "\r\n").filter { $0.hasPrefix("c=") || $0.hasPrefix("m=") }
                .map { $0.hasPrefix("m=") ? String($0.prefix { $0 != " " }) : String($0) }
            guard case .dictionary(let tags)? = query?["tags"] else { return "\(reply?["result"]?.stringValue ?? "-") \(sdp) no call" }
            return "\(reply?["result"]?.stringValue ?? "-") \(sdp) " + tags.sorted { $0.key < $1.key }.map { tag in
                guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key): -" }
                return "\(tag.key): " + medias.map { m in
                    "\(m["streams"]?[0]?["endpoint"]?["address"]?.stringValue ?? "-"):\(m["streams"]?[0]?["endpoint"]?["port"]?.integerValue ?? -1)"
                }.joined(separator: ",")
            }.joined(separator: " ")
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// The SIP source stands in for an a=rtcp address too.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func theSIPSourceStandsInForTheRTCPAddress() throws {
        let pair = try ReferencePair()
        let sdp = "v=0\r\no=a 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 6018 RTP/AVP 0\r\n"
            + "a=rtcp:6019 IN IP4 198.51.100.1\r\n"
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("an a=rtcp address under SIP source address", [[("command", .string("offer")), ("from-tag", .string("A")),
                ("sdp", .string(sdp)), ("received-from", .list([.string("IP4"), .string("192.0.2.77")])),
                ("flags", .list([.string("SIP-source-address")]))]]),
            ("an a=rtcp address without it", [[("command", .string("offer")), ("from-tag", .string("A")), ("sdp", .string(sdp))]]),
        ]
        pair.expectStepsMatch(sequences, prefix: "sip-source-rtcp") { reply, query in
            guard case .list(let streams)? = query?["tags"]?["A"]?["medias"]?[0]?["streams"] else { return "-" }
            return "\(reply?["result"]?.stringValue ?? "-") " + streams.map {
                "\($0["advertised endpoint"]?["address"]?.stringValue ?? "-"):\($0["advertised endpoint"]?["port"]?.integerValue ?? -1)"
            }.joined(separator: ",")
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// A section speaking ICE names its addresses in candidates: 10.5 keeps sending to the
    /// endpoint it had from an earlier SDP (a first one it takes), while the advertised one
    /// follows the SDP; the next SDP without ICE moves both, unless it names the same address.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func anSDPSpeakingICEKeepsTheEndpoint() throws {
        let pair = try ReferencePair()
        let sequences: [(String, [[(String, BencodeValue)]])] = [
            ("an ICE re-offer elsewhere", [Self.moved(5000, ice: false), Self.moved(5010, ice: true), Self.moved(5020, ice: false)]),
            ("a first offer speaking ICE", [Self.moved(5010, ice: true)]),
            // A rejected section leaves a participant that spoke ICE as it was, endpoint too.
            ("an ICE offer, then a rejected one", [Self.moved(5010, ice: true), Self.moved(0, ice: false)]),
            ("a plain offer, then a rejected one", [Self.moved(5010, ice: false), Self.moved(0, ice: false)]),
            // An SDP without ICE naming the same address as the last keeps it too.
            ("an ICE re-offer, then the same without ICE", [Self.moved(5000, ice: false), Self.moved(5010, ice: true),
                                                             Self.moved(5010, ice: false)]),
            // ... except for a stream whose SDP endpoint changed: RTCP on another port.
            ("an ICE re-offer, then one without ICE with RTCP elsewhere", [Self.moved(5000, ice: false), Self.moved(5000, ice: true),
                                                                          Self.moved(5000, ice: false, rtcp: 5027)]),
            ("the same after an ICE re-offer from another port", [Self.moved(5000, ice: false), Self.moved(5010, ice: true),
                                                                 Self.moved(5010, ice: false, rtcp: 5027)]),
        ]
        pair.expectStepsMatch(sequences, prefix: "ice-endpoint") { reply, query in
            guard case .list(let streams)? = query?["tags"]?["A"]?["medias"]?[0]?["streams"] else { return "-" }
            return "\(reply?["result"]?.stringValue ?? "-") " + streams.map {
                "\($0["endpoint"]?["port"]?.integerValue ?? -1)/\($0["advertised endpoint"]?["port"]?.integerValue ?? -1)"
            }.joined(separator: ",")
        }
        #expect(pair.ours.stop().status == 0)
    }
}
