import Bencode
import Foundation
import Testing

/// Address families per media section, as 10.5 keeps them (an interface per media, not per
/// participant): each section speaks `address family` when given, else the receiver's own
/// family for it, else the sender's; a session's `c=` takes its first section's address.
/// Compared after every step: every `c=` line of the reply and every section's local address.
@Suite struct SectionFamilyDifferentialTests {
    static func body(_ user: String, _ lines: [String]) -> (String, BencodeValue) {
        ("sdp", .string((["v=0", "o=\(user) 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0"] + lines).joined(separator: "\r\n") + "\r\n"))
    }

    /// Sections at `port`, `port + 2`, ..., each with its own c= of the family given (true: IPv6).
    static func sections(_ port: Int, _ v6: [Bool]) -> [String] {
        v6.enumerated().flatMap { i, six in
            ["m=audio \(port + 2 * i) RTP/AVP 0", six ? "c=IN IP6 2001:db8::\(i + 1)" : "c=IN IP4 198.51.100.\(i + 1)"]
        }
    }

    static func offer(_ v6: [Bool], from: String = "A", to: String? = nil, extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string(from)), body(from, sections(from == "A" ? 5000 : 6000, v6))]
            + (to.map { [("to-tag", .string($0))] } ?? []) + extra
    }

    static func answer(_ v6: [Bool], extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")), body("B", sections(6000, v6))] + extra
    }

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        ("an offer with an IPv6 section, then an IPv4 one", [offer([true, false])]),
        // A null session c= no section relies on stays as it came (IPv4), family and all.
        ("a held re-offer to an IPv6 callee with both c= null", [offer([false]), answer([true]),
            [("command", .string("offer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             ("sdp", .string(["v=0", "o=A 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 5000 RTP/AVP 0",
                              "c=IN IP4 0.0.0.0"].joined(separator: "\r\n") + "\r\n"))]]),
        ("an unused null session c= with address family", [[("command", .string("offer")), ("from-tag", .string("A")),
            ("sdp", .string(["v=0", "o=A 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 5000 RTP/AVP 0",
                             "c=IN IP4 198.51.100.1"].joined(separator: "\r\n") + "\r\n")), ("address family", .string("IP6"))]]),
        ("an offer with an IPv4 section, then an IPv6 one", [offer([false, true])]),
        ("an answer adds a section of the other family", [offer([true]), answer([true, false])]),
        ("each side keeps its own family per section", [offer([true, true]), answer([false, true]), offer([true, true, true], to: "B")]),
        ("a section added later follows the sender", [offer([true]), answer([false]), offer([true, true], to: "B")]),
        ("address family for every section, then each side's own",
         [offer([true, false], extra: [("address family", .string("IP6"))]), answer([false, false]), offer([true, false], to: "B")]),
        ("the callee re-offers mixed families", [offer([false, false]), answer([true, false]), offer([true, false], from: "B", to: "A")]),
        // `external` asks for the family of that offer's SDP only; the offerer's next SDP
        // without it speaks its own again.
        ("external, then a plain re-offer, then the answer", [offer([false]), answer([true]),
            offer([false], to: "B", extra: [("direction", .list([.string("external")]))]), offer([false], to: "B"), answer([true])]),
        // The family it named stays with the offerer until its own SDP speaks another.
        ("external, answered, then the callee re-offers", [offer([false], extra: [("direction", .list([.string("external")]))]),
            answer([false]), offer([false], from: "B", to: "A")]),
        ("external, then the answer", [offer([false]), answer([true]),
            offer([false], to: "B", extra: [("direction", .list([.string("external")]))]), answer([true])]),
        // The family word holds for the sections the offer had: one the answer adds takes
        // its own; `address family` in the answer beats it.
        ("external, then an answer adding an IPv4 section", [offer([true], extra: [("direction", .list([.string("external")]))]),
            answer([true, false])]),
        ("external, then an answer with address family IP4", [offer([false], extra: [("direction", .list([.string("external")]))]),
            answer([false], extra: [("address family", .string("IP4"))])]),
        // A section new to the receiver wants its sender's address family, even where that
        // speaks ICE.
        ("a re-offer adds an IPv6 section speaking ICE to an IPv4 callee", [offer([true]), answer([false]),
            [("command", .string("offer")), ("from-tag", .string("A")), ("to-tag", .string("B")), ("ICE", .string("remove")),
             body("A", sections(5000, [true, true]) + ["a=ice-ufrag:abcd"])]]),
        // The SIP source standing in for a section without c= gives the participant its family
        // (the session c= of a rejected answer shows it).
        ("a re-offer without c= from an IPv6 SIP source, then the answer", [offer([false]),
            [("command", .string("offer")), ("from-tag", .string("A")), ("flags", .list([.string("SIP-source-address")])),
             ("received-from", .list([.string("IP6"), .string("2001:db8:2::77")])), body("A", ["m=audio 5000 RTP/AVP 0"])],
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["c=IN IP4 203.0.113.5", "m=audio 0 RTP/AVP 0"])]]),
        // `address family` leaves a receiver whose SDP spoke ICE where it is, unless `ICE:
        // remove` in a later SDP of its peer took that ICE.
        ("address family in an answer to an offer speaking ICE", [
            [("command", .string("offer")), ("from-tag", .string("A")), ("ICE", .string("remove")),
             body("A", sections(5000, [false]) + ["a=ice-ufrag:abcd"])],
            answer([false], extra: [("ICE", .string("remove")), ("address family", .string("IP6"))])]),
        ("address family in an offer to a participant that spoke ICE", [
            [("command", .string("offer")), ("from-tag", .string("A")), ("ICE", .string("remove")),
             body("A", sections(5000, [false]) + ["a=ice-ufrag:abcd"])],
            answer([false], extra: [("ICE", .string("remove"))]),
            offer([false], from: "B", to: "A", extra: [("ICE", .string("remove")), ("address family", .string("IP6"))])]),
        ("address family in a re-offer to a callee that answered speaking ICE", [offer([false]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")), ("ICE", .string("remove")),
             body("B", sections(6000, [false]) + ["a=ice-ufrag:abcd"])],
            offer([false], to: "B", extra: [("ICE", .string("remove")), ("address family", .string("IP6"))])]),
        ("a session c= of one family, a section c= of the other", [
            [("command", .string("offer")), ("from-tag", .string("A")),
             ("sdp", .string("v=0\r\no=a 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
                 + "m=audio 5000 RTP/AVP 0\r\nc=IN IP6 2001:db8::1\r\nm=audio 5002 RTP/AVP 0\r\n"))],
        ]),
        ("two sessions in one body, one per family", [
            [("command", .string("offer")), ("from-tag", .string("A")),
             ("sdp", .string("v=0\r\no=a 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
                 + "v=0\r\no=b 1 1 IN IP4 192.0.2.200\r\ns=-\r\nc=IN IP4 192.0.2.200\r\nt=0 0\r\nm=audio 5002 RTP/AVP 0\r\n"))],
        ]),
    ]

    static func digest(_ reply: BencodeValue?, _ query: BencodeValue?) -> String {
        let lines = (reply?["sdp"]?.stringValue ?? "").split(whereSeparator: \.isNewline)
        let connections = lines.filter { $0.hasPrefix("c=") || $0.hasPrefix("m=") }.map { $0.hasPrefix("m=") ? "m" : String($0) }
        guard case .dictionary(let tags)? = query?["tags"] else { return connections.joined(separator: " ") + " no query" }
        let local = tags.sorted { $0.key < $1.key }.map { tag in
            guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key):-" }
            return "\(tag.key):" + medias.map { $0["streams"]?[0]?["local address"]?.stringValue ?? "-" }.joined(separator: ",")
        }
        return (connections + local).joined(separator: " ")
    }

    /// A logical interface the offerer's `direction` names but without its SDP's family
    /// holds the offerer's ports all the same, until an SDP goes to it (10.5).
    static let named: [(String, [[(String, BencodeValue)]])] = [
        ("an IPv6 offerer on an IPv4-only interface, then answered", [
            offer([true], extra: [("direction", .list([.string("ext")]))]), answer([false])]),
        ("both named, neither with the family", [offer([true], extra: [("direction", .list([.string("priv"), .string("ext")]))])]),
        ("a non-RTP section", [[("command", .string("offer")), ("from-tag", .string("A")), ("direction", .list([.string("priv")])),
                                body("A", ["m=application 6174 UDP/BFCP *", "c=IN IP6 2001:db8::1"])]]),
        // `internal`/`external` name the family: the offerer stays on it.
        ("external for an IPv4 offerer", [offer([false], extra: [("direction", .list([.string("external")]))])]),
        // A round-robin member named by itself is found only in its own family; a plain
        // name or a round-robin base keeps the participant whatever its family.
        ("round-robin members named for an IPv6 offer", [offer([true], extra: [("direction", .list([.string("ext:1"), .string("ext:2")]))])]),
        ("a member, then a plain name", [offer([true], extra: [("direction", .list([.string("ext:1"), .string("priv")]))])]),
        ("a plain name, then the round-robin base", [offer([true], extra: [("direction", .list([.string("priv"), .string("ext")]))])]),
        // A fork branch sits on the default interface in its own SDP's family.
        ("a fork branch beside a callee on a named interface", [offer([false], extra: [("direction", .list([.string("ext:1"), .string("priv")]))]),
            answer([false]), [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("C")), body("C", sections(7000, [false]))]]),
        ("a member named for the caller by the callee's re-INVITE", [offer([true]), answer([false]),
            offer([false], from: "B", to: "A", extra: [("direction", .list([.string("priv"), .string("ext:1")]))])]),
        // A family word takes the offerer off the interface it was named to before: once the
        // word is spent (a re-offer without it), an SDP to it comes from the default one.
        ("a member, then external, then a plain re-offer", [offer([false], extra: [("direction", .list([.string("ext:1")]))]),
            offer([false], extra: [("direction", .list([.string("external")]))]), offer([false]), answer([false])]),
        ("a member, then internal, then a plain re-offer", [offer([false], extra: [("direction", .list([.string("ext:1")]))]),
            offer([false], extra: [("direction", .list([.string("internal")]))]), offer([false]), answer([false])]),
        // ... and replaces the names picked for its sections before: the callee's re-INVITE
        // comes to it in the word's family.
        ("a plain offer, a member, then external, then the callee's re-INVITE", [offer([false]),
            offer([false], extra: [("direction", .list([.string("ext:1")]))]),
            offer([false], extra: [("direction", .list([.string("external")]))]), offer([false], from: "B", to: "A")]),
        // A name for a participant on the other family (a family word moved it) is found in
        // the family its own SDP last spoke.
        ("external, the callee's re-INVITE, the caller's answer naming a member, another re-INVITE", [
            offer([false], extra: [("direction", .list([.string("external")]))]), offer([false], from: "B", to: "A"),
            [("command", .string("answer")), ("from-tag", .string("B")), ("to-tag", .string("A")), body("A", sections(5000, [false])),
             ("direction", .list([.string("ext:1")]))],
            offer([false], from: "B", to: "A")]),
        // A name picked for the offerer's sections replaces a family word still pending.
        ("external, then a member, then an answer naming another", [offer([false], extra: [("direction", .list([.string("external")]))]),
            offer([false], extra: [("direction", .list([.string("ext:1")]))]),
            answer([false], extra: [("direction", .list([.string("priv"), .string("ext:2")]))])]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func aNamedInterfaceWithoutTheFamilyHoldsTheOfferersPorts() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1", "priv/127.0.0.2", "ext:1/127.0.0.3", "ext:2/127.0.0.4"])
        pair.expectStepsMatch(Self.named, prefix: "named-family", digest: Self.digest)
        #expect(pair.ours.stop().status == 0)
    }

    /// Every stream's local address, whether it has a local port, and its destination.
    static func streams(_ reply: BencodeValue?, _ query: BencodeValue?) -> String {
        guard case .dictionary(let tags)? = query?["tags"] else { return "no query" }
        return tags.sorted { $0.key < $1.key }.map { tag in
            guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key):-" }
            return "\(tag.key):" + medias.map { media in
                guard case .list(let streams)? = media["streams"] else { return "-" }
                return streams.map { st in
                    let port = st["local port"]?.integerValue.map { $0 == 0 ? "0" : "P" } ?? "-"
                    let endpoint = "\(st["endpoint"]?["address"]?.stringValue ?? "-"):\(st["endpoint"]?["port"]?.integerValue ?? 0)"
                    return "\(st["local address"]?.stringValue ?? "-")/\(port)>\(endpoint)"
                }.joined(separator: ",")
            }.joined(separator: ";")
        }.joined(separator: " ")
    }

    /// A muxed call whose answer moves the caller to IPv6 (`address family`), then the
    /// caller's re-offer of `lines`.
    static func muxedCallerMovedToIPv6(reoffering lines: [String]) -> [[(String, BencodeValue)]] {
        [[("command", .string("offer")), ("from-tag", .string("A")),
          body("A", ["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp-mux"])],
         [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
          body("B", ["m=audio 6000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp-mux"]), ("address family", .string("IP6"))],
         [("command", .string("offer")), ("from-tag", .string("A")), body("A", lines)]]
    }

    /// A section that moves family: a lone RTP port on the new interface keeps the old
    /// interface's RTCP socket; a sender whose new address its interface cannot reach keeps
    /// its old destination until its own next SDP (10.5).
    static let moved: [(String, [[(String, BencodeValue)]])] = [
        ("the callee moves to IPv4 with rtcp-mux", [offer([true]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["m=audio 6000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp-mux"])],
            offer([false], to: "B")]),
        ("the caller re-offers IPv4, then is answered", [offer([true]), answer([false]), offer([false], to: "B"), answer([false])]),
        // A callee that rejected the section holds no sockets: its next answer's IPv6
        // address is its destination, whatever interface it was on.
        ("an IPv6 callee rejects, then answers", [offer([false]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["m=audio 0 RTP/AVP 0", "c=IN IP6 2001:db8::5"])],
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["m=audio 6000 RTP/AVP 0", "c=IN IP6 2001:db8::5"])]]),
        ("an IPv4 caller moved to IPv6 by the answer re-offers IPv4", [
            [("command", .string("offer")), ("from-tag", .string("A")),
             body("A", ["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp:5003 IN IP4 198.51.100.1"])],
            answer([true], extra: [("address family", .string("IP6"))]), offer([false], to: "B")]),
        // What the interface cannot reach: RTP keeps its old destination; so does RTCP, unless
        // it was muxed before: then it takes the new SDP's, its a=rtcp too (10.5).
        ("a muxed caller moved to IPv6 re-offers IPv4 un-muxed",
            muxedCallerMovedToIPv6(reoffering: ["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp:5033"])),
        ("the same with a new address and an a=rtcp address",
            muxedCallerMovedToIPv6(reoffering: ["m=audio 5010 RTP/AVP 0", "c=IN IP4 198.51.100.9", "a=rtcp:5033 IN IP4 198.51.100.50"])),
        // (Mux only asked for, not in effect: RTCP keeps its destination too.)
        ("an IPv4 callee of an IPv6 caller answers muxed, then re-offers from another port", [offer([true]),
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["m=audio 6000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp-mux"])],
            [("command", .string("offer")), ("from-tag", .string("B")), body("B", ["m=audio 6010 RTP/AVP 0", "c=IN IP4 198.51.100.1"])]]),
        // (Every pair of a port count keeps its destination.)
        ("a caller of two pairs moved to IPv6 re-offers IPv4 from other ports", [
            [("command", .string("offer")), ("from-tag", .string("A")), body("A", ["m=audio 5000/2 RTP/AVP 0", "c=IN IP4 198.51.100.1"])],
            [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
             body("B", ["m=audio 6000/2 RTP/AVP 0", "c=IN IP4 198.51.100.1"]), ("address family", .string("IP6"))],
            [("command", .string("offer")), ("from-tag", .string("A")), body("A", ["m=audio 5320/2 RTP/AVP 0", "c=IN IP4 198.51.100.1"])]]),
        ("a caller moved to IPv6 re-offers IPv4 with an a=rtcp of its own", [offer([false]),
            answer([false], extra: [("address family", .string("IP6"))]),
            [("command", .string("offer")), ("from-tag", .string("A")),
             body("A", ["m=audio 5000 RTP/AVP 0", "c=IN IP4 198.51.100.1", "a=rtcp:5033"])],
            [("command", .string("offer")), ("from-tag", .string("A")),
             body("A", ["m=audio 5010 RTP/AVP 0", "c=IN IP4 198.51.100.9", "a=rtcp:5033 IN IP4 198.51.100.50"])],
            [("command", .string("offer")), ("from-tag", .string("A")), body("A", ["m=audio 5020 RTP/AVP 0", "c=IN IP4 198.51.100.9"])]]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func aMovedSectionKeepsWhatItCannotReach() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1"])
        pair.expectStepsMatch(Self.moved, prefix: "moved-family", digest: Self.streams)
        #expect(pair.ours.stop().status == 0)
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func everySectionSpeaksTheReferencesFamily() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1"])
        pair.expectStepsMatch(Self.sequences, prefix: "section-family", digest: Self.digest)
        #expect(pair.ours.stop().status == 0)
    }
}
