import Bencode
import Foundation
import Testing

/// Forks, re-offers and moving endpoints as 10.5 handles them: which ports each SDP names
/// (new ones, or ones seen before), which local ports each participant holds, and who is
/// subscribed to whom in `query`, after every step.
@Suite struct ForkDifferentialTests {
    static func sdp(_ user: String, _ ip: String, _ port: Int) -> (String, BencodeValue) {
        let family = ip.contains(":") ? "IP6" : "IP4"
        return ("sdp", .string("v=0\r\no=\(user) 1 1 IN \(family) \(ip)\r\ns=-\r\nc=IN \(family) \(ip)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\n"))
    }

    static func offer(to: String? = nil, ip: String = "198.51.100.1", port: Int = 5000,
                      extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("A")), sdp("a", ip, port)]
            + (to.map { [("to-tag", .string($0))] } ?? []) + extra
    }

    static func answer(_ tag: String, ip: String = "203.0.113.5", port: Int = 6000, from: String = "A",
                       extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string(from)), ("to-tag", .string(tag)), sdp("b", ip, port)] + extra
    }

    static let latching: [(String, BencodeValue)] = [("flags", .list([.string("port-latching")]))]

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        ("a re-offer to a new to-tag beside an unanswered callee", [offer(), offer(to: "X"), answer("X")]),
        ("an answer from another to-tag after such a re-offer", [offer(), offer(to: "X"), answer("Y"), answer("X")]),
        ("two re-offers to new to-tags", [offer(), offer(to: "X"), offer(to: "Y")]),
        ("a re-offer without to-tag goes to the branch used last", [offer(), offer(to: "X"), answer("X"), offer()]),
        // A fork a delete took its via-branch from is found by it no more: an answer naming
        // it goes to the fork offered last (10.5).
        ("an answer by a via-branch a delete took", [offer(extra: via("V1")), offer(extra: via("V2")),
            [("command", .string("delete")), ("from-tag", .string("A")), ("to-tag", .string("Z")), ("delete-delay", .integer(0))] + via("V1"),
            answer("B", extra: via("V1"))]),
        ("a branch at the same endpoint shares the offerer's ports", [offer(), answer("X"), answer("Y"), answer("X")]),
        ("a branch at another endpoint gets ports of its own", [offer(), answer("X"), answer("Y", port: 6002), answer("X"),
                                                               answer("Y", port: 6002)]),
        ("a third branch at a known endpoint", [offer(), answer("X"), answer("Y", port: 6002), answer("Z", port: 6002)]),
        ("the callee moves and comes back", [offer(), answer("X"), answer("X", port: 6002), answer("X")]),
        ("the callee changes address", [offer(), answer("X"), answer("X", ip: "203.0.113.9"), answer("X")]),
        ("the callee holds with a null address", [offer(), answer("X"), answer("X", ip: "0.0.0.0"), answer("X")]),
        ("the callee answers with an IPv6 null address, then its own", [offer(), answer("X", ip: "::"), answer("X", port: 6002)]),
        // An answerer gets no ports for a section its offerer rejected.
        ("an active answer to a rejected offer", [offer(port: 0), answer("X")]),
        ("the callee rejects and comes back", [offer(), answer("X"), answer("X", port: 0), answer("X")]),
        ("the caller moves and comes back", [offer(), answer("X"), offer(to: "X", port: 5002), offer(to: "X")]),
        ("the caller changes address", [offer(), answer("X"), offer(to: "X", ip: "198.51.100.7"), offer(to: "X")]),
        ("the caller holds", [offer(), answer("X"), offer(to: "X", ip: "0.0.0.0"), offer(to: "X")]),
        ("a first offer on hold, then with its address", [offer(ip: "0.0.0.0"), offer()]),
        ("a rejected first offer, then an active one", [offer(port: 0), offer()]),
        ("a held offer, then held from another port", [offer(ip: "0.0.0.0"), offer(ip: "0.0.0.0", port: 5002)]),
        // A null address from a new peer keeps none of the receiver's ports.
        ("a forked-away branch's held re-offer gets its ports back", [offer(), answer("X"), answer("Y", port: 6002),
            [("command", .string("offer")), ("from-tag", .string("X")), ("to-tag", .string("A")), sdp("x", "0.0.0.0", 6000)]]),
        ("a fork branch's ports go to the caller's next offer from any port", [offer(), answer("X"), answer("Y", port: 6002),
            offer(port: 5004), offer(port: 5006)]),
        ("a new peer's held offer to an answered caller", [offer(), answer("X"),
            [("command", .string("offer")), ("from-tag", .string("Y")), ("to-tag", .string("A")), sdp("y", "0.0.0.0", 6100)]]),
        ("port latching keeps the ports", [offer(), answer("X"), answer("X", port: 6002, extra: latching), answer("X", extra: latching)]),
        // Ports an answer keeps by `port latching` are still for its endpoint: an SDP from
        // another port gets new ones.
        ("a re-offer from another port after a latched answer", [offer(), answer("X", extra: latching),
            [("command", .string("offer")), ("from-tag", .string("X")), ("to-tag", .string("A")), sdp("b", "203.0.113.5", 6100)]]),
        ("re-offers before the answer", [offer(), offer(port: 5002), offer()]),
        ("an offer to a to-tag first", [offer(to: "X"), answer("Y"), answer("X")]),
        ("a second caller offers", [offer(), [("command", .string("offer")), ("from-tag", .string("B")), sdp("b", "203.0.113.5", 6000)]]),
        ("the unanswered callee re-INVITEs", [offer(), [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")),
                                                        sdp("b", "203.0.113.5", 6000)]]),
        // A via-branch finds its callee (answered or not); else the branch used last takes
        // it while it has none; else it is a new branch of a forked INVITE.
        ("a via-branch on an unanswered callee without one", [offer(), offer(extra: via("X")), offer(extra: via("Y"))]),
        ("two via-branches, then the first again", [offer(extra: via("X")), answer("X", extra: via("X")), offer(extra: via("Y")),
                                                    offer(extra: via("X"))]),
        ("a new via-branch after the answer", [offer(extra: via("X")), answer("X", extra: via("X")), offer(extra: via("Y")),
                                               answer("Y", port: 6002, extra: via("Y"))]),
        // An answer with a new to-tag on an answered callee's via-branch is that callee,
        // tagged anew (the same branch).
        ("a new to-tag on an answered callee's via-branch", [offer(extra: via("X")), answer("X"), answer("Y", port: 6002, extra: via("X"))]),
        ("re-offers with new via-branches", [offer(), answer("X"), offer(extra: via("Y")), offer(extra: via("Z"))]),
        // An answer from a from-tag nobody has: a participant of its own, in a dialogue of
        // its own with the to-tag's.
        // A callee re-offering a section the offer to it rejected gets no ports there until
        // an SDP goes to it; its offerer gets its own at once (10.5).
        ("the callee re-offers a section the offer to it rejected", [
            [("command", .string("offer")), ("from-tag", .string("A")), twoSections("a", "198.51.100.1", 5000, firstRejected: true)],
            [("command", .string("offer")), ("from-tag", .string("B")), ("to-tag", .string("A")), twoSections("b", "203.0.113.5", 6000, firstRejected: false)],
            [("command", .string("answer")), ("from-tag", .string("B")), ("to-tag", .string("A")), twoSections("a", "198.51.100.1", 5000, firstRejected: false)]]),
        // A lone RTP port (rtcp-mux required) that then needs RTCP: 10.5 keeps it and takes a
        // new pair beside it, and so again with every SDP to that side.
        ("a callee's lone RTP port, then RTCP: new ports with every SDP to it", [
            offer(extra: [("rtcp-mux", .list([.string("require")]))]),
            [("command", .string("offer")), ("from-tag", .string("X")), ("to-tag", .string("A")), sdp("b", "203.0.113.5", 6000)],
            [("command", .string("answer")), ("from-tag", .string("X")), ("to-tag", .string("A")), sdp("a", "198.51.100.1", 5000)],
            offer(), offer()]),
        // Two callees given one via-branch: an answer on it names the later one.
        ("an answer on a via-branch two callees came with", [offer(extra: via("V")), offer(to: "X", extra: via("V")),
                                                            answer("Y", extra: via("V")), offer()]),
        ("an answer from a from-tag nobody has", [offer(), answer("X", from: "nobody")]),
        // An offer without to-tag goes to whom the offerer last had an offer or answer with,
        // in either role (here it answered a from-tag nobody had).
        ("a re-offer after the caller answered a stranger", [offer(), answer("A", port: 5000, from: "S"), offer()]),
        ("such an answer after the callee answered", [offer(), answer("X"), answer("Y", port: 6002, from: "nobody")]),
        ("such an answer after a fork", fork + [answer("Z", port: 6004, from: "nobody")]),
        // A deleted call lingers for its delete delay; an offer or answer brings it back whole.
        ("a re-offer after a delete", [offer(), answer("X"), lingeringDelete(nil), offer(port: 5002), answer("X")]),
        ("an answer after a delete", [offer(), answer("X"), lingeringDelete(nil), answer("X", port: 6002)]),
        ("a re-offer after a tagged delete", [offer(), answer("X"), lingeringDelete("A", "X"), offer(port: 5002)]),
        ("the callee re-INVITEs after a delete", [offer(), answer("X"), lingeringDelete(nil),
                                                  [("command", .string("offer")), ("from-tag", .string("X")), sdp("b", "203.0.113.5", 6002)]]),
        // A re-offer on a via-branch goes to the branch used last while that has none (it
        // takes it, though the first branch has it too) or this one; else to the newest
        // branch given it.
        ("a re-offer on the first via-branch after another callee answered",
         [offer(extra: via("V0")), answer("B"), answer("C", port: 6002), offer(extra: via("V0")), answer("B"), offer(extra: via("V0"))]),
        // A branch a delete by via-branch ended is still the caller's branch: its
        // via-branch keeps another one from being it, and a re-INVITE from it finds it.
        ("a re-offer after a delete by via-branch ended the current branch",
         [offer(extra: via("V0")), offer(extra: via("V1")), delete("A", "Z") + via("V1"), offer(extra: via("V0"))]),
        ("a re-INVITE from the branch a delete by via-branch ended",
         [offer(extra: via("V0")), offer(extra: via("V1")), delete("A", "Z") + via("V1"),
          [("command", .string("offer")), ("from-tag", .string("C")), ("to-tag", .string("A")), sdp("c", "203.0.113.7", 7000)]]),
    ]

    static func via(_ branch: String) -> [(String, BencodeValue)] { [("via-branch", .string(branch))] }

    /// An answer's via-branch finds a branch but names none: one it makes has no via-branch
    /// in `query`; one a delete took stays in `query` (10.5).
    static let answerViaBranches: [(String, [[(String, BencodeValue)]])] = [
        ("a second branch answers with a via-branch", [offer(), answer("X"), answer("Y", port: 6002, extra: via("V"))]),
        ("the first answer with a via-branch", [offer(), answer("X", extra: via("V"))]),
        ("a second branch on the offer's via-branch", [offer(extra: via("V")), answer("X"), answer("Y", port: 6002, extra: via("V"))]),
        // A via-branch a delete took finds the branch no more, but query still shows it.
        ("a delete takes a fork's via-branch", [offer(extra: via("V1")), offer(extra: via("V2")), delete("A", "Z") + via("V1")]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func answerViaBranchesMatchTheReference() throws {
        let pair = try ReferencePair()
        pair.expectStepsMatch(Self.answerViaBranches, prefix: "via") { reply, query in
            guard case .dictionary(let tags)? = query?["tags"] else { return "no tags" }
            return tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value["via-branch"]?.stringValue ?? "-")" }.joined(separator: " ")
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// An SDP of two sections, the first rejected or not.
    static func twoSections(_ user: String, _ ip: String, _ port: Int, firstRejected: Bool) -> (String, BencodeValue) {
        ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\n"
            + "m=audio \(firstRejected ? 0 : port) RTP/AVP 0\r\nm=audio \(port + 2) RTP/AVP 0\r\n"))
    }

    /// A delete with the default delay: the call lingers.
    static func lingeringDelete(_ from: String?, _ to: String? = nil) -> [(String, BencodeValue)] {
        [("command", .string("delete"))] + (from.map { [("from-tag", .string($0))] } ?? []) + (to.map { [("to-tag", .string($0))] } ?? [])
    }

    /// One step as far as ports and subscriptions show: the result, the port the SDP names
    /// and, per tag, its local port and whom it is subscribed to and by. Ports are numbered
    /// in the order they first appear.
    static func digest(_ reply: BencodeValue?, _ query: BencodeValue?, labels: inout [String: Int]) -> String {
        // (A port by its address too: each address has ports of its own.)
        func label(_ port: Int64?, _ address: String?) -> String {
            guard let port, port != 0 else { return "none" }
            let key = "\(address ?? "") \(port)"
            if labels[key] == nil { labels[key] = labels.count }
            return "P\(labels[key]!)"
        }
        func tags(_ list: BencodeValue?) -> String {
            guard case .list(let l)? = list else { return "" }
            return l.map { $0["tag"]?.stringValue.map { $0.isEmpty ? "_" : $0 } ?? "?" }.joined(separator: ",")
        }
        let socket = mediaSockets(reply?["sdp"]?.stringValue ?? "").first?.split(separator: " ")
        var out = "\(reply?["result"]?.stringValue ?? "-") \(label(socket.flatMap { Int64($0[1]) }, socket.map { String($0[0]) }))"
        guard case .dictionary(let entries)? = query?["tags"] else { return out + " no query" }
        for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let stream = entry["medias"]?[0]?["streams"]?[0]
            out += " \(key)[\(label(stream?["local port"]?.integerValue, stream?["local address"]?.stringValue))]"
            out += "(\(tags(entry["subscriptions"]))/\(tags(entry["subscribers"])))"
        }
        return out
    }

    static func delete(_ from: String?, _ to: String? = nil) -> [(String, BencodeValue)] {
        [("command", .string("delete")), ("delete-delay", .integer(0))]
            + (from.map { [("from-tag", .string($0))] } ?? []) + (to.map { [("to-tag", .string($0))] } ?? [])
    }

    static let fork = [offer(), answer("X"), answer("Y", port: 6002)]

    static func query(_ from: String?, _ to: String? = nil) -> [(String, BencodeValue)] {
        [("command", .string("query"))] + (from.map { [("from-tag", .string($0))] } ?? []) + (to.map { [("to-tag", .string($0))] } ?? [])
    }

    /// A tagged delete ends the to-tag's participant (else the from-tag's) and whom it hears;
    /// the call stays until all have ended.
    static let deletes: [(String, [[(String, BencodeValue)]])] = [
        ("delete an old branch", fork + [delete("A", "X")]),
        ("delete the current branch", fork + [delete("A", "Y")]),
        ("delete both branches", fork + [delete("A", "X"), delete("A", "Y")]),
        // A branch deleted with a delay keeps the whole call until the delay runs out, even
        // once the last branch has gone at once.
        ("a delayed branch delete, then the other branch's at once", fork + [lingeringDelete("A", "X"), delete("A", "Y"), delete(nil)]),
        ("delete the caller from a branch", fork + [delete("X", "A")]),
        ("delete by the caller's tag", fork + [delete("A")]),
        ("delete by an old branch's tag", fork + [delete("X")]),
        ("delete by the current branch's tag", fork + [delete("Y")]),
        ("delete a plain call by both tags", [offer(), answer("B"), delete("A", "B")]),
        // A callee not tagged yet keeps the call only with a via-branch.
        ("delete both tags of a re-offer to a new to-tag", [offer(), offer(to: "X"), delete("A", "X")]),
        ("the same with a via-branch on the first offer", [offer(extra: via("V")), offer(to: "X"), delete("A", "X")]),
        // ... a via-branch a later callee took no more (10.5 finds the newest only).
        ("the same with that via-branch on both offers", [offer(extra: via("V")), offer(to: "X", extra: via("V")), delete("A", "X")]),
        ("a tagged delete on a lingering fork", fork + [lingeringDelete(nil), delete("A", "Y")]),
        ("a tagged delete on a lingering call", [offer(), answer("B"), lingeringDelete(nil), delete("A", "B")]),
        ("delete a plain call from the callee", [offer(), answer("B"), delete("B", "A")]),
        ("delete an unanswered call", [offer(), delete("A")]),
        ("delete from a tag nobody has to a known one", [offer(), delete("B", "A")]),
        ("delete to a tag nobody has while the callee has not answered", [offer(), delete("A", "B")]),
        ("delete to a tag nobody has after the answer", [offer(), answer("B"), delete("A", "Z")]),
        ("delete between tags nobody has", [offer(), delete("Z", "Y")]),
        // Among several branches not answered yet (a forked INVITE), an unknown to-tag finds
        // one only by its via-branch, which it merely takes from the branch (at once, or when
        // the delay has run out); without one it only warns.
        ("delete to a tag nobody has among forks", [offer(extra: via("V1")), offer(extra: via("V2")), delete("A", "Z")]),
        ("the same naming a fork by its via-branch, twice", [offer(extra: via("V1")), offer(extra: via("V2")),
            delete("A", "Z") + via("V1"), delete("A", "Z") + via("V1")]),
        ("the same with a delay: the via-branch stays meanwhile", [offer(extra: via("V1")), offer(extra: via("V2")),
            lingeringDelete("A", "Z") + via("V1"), delete("A", "Z") + via("V1")]),
        ("the same naming a via-branch nobody has", [offer(extra: via("V1")), offer(extra: via("V2")), delete("A", "Z") + via("V9")]),
        // The last fork such deletes leave is the call's one branch: naming it ends the call.
        ("the same naming one fork, then the other", [offer(extra: via("V1")), offer(extra: via("V2")),
            delete("A", "Z") + via("V1"), delete("A", "Z") + via("V2")]),
        ("the same after one fork answered", [offer(extra: via("V1")), offer(extra: via("V2")), answer("B", extra: via("V2")),
            delete("A", "Z"), delete("A", "Z") + via("V1")]),
        // A via-branch finds an answered branch too; a call of one branch then ends.
        ("the same naming the answered fork", [offer(extra: via("V1")), offer(extra: via("V2")), answer("B", extra: via("V2")),
            delete("A", "Z") + via("V2"), delete("A", "Z") + via("V2")]),
        ("delete to a tag nobody has naming the one answered branch", [offer(extra: via("V1")), answer("B", extra: via("V1")),
            delete("A", "Z") + via("V1")]),
        ("the same naming a via-branch nobody has", [offer(extra: via("V1")), answer("B", extra: via("V1")), delete("A", "Z") + via("V9")]),
        // A tagged query reports the same participants a tagged delete would end.
        ("query by the caller's tag", fork + [query("A")]),
        ("query by a branch's tag", fork + [query("X"), query("Y")]),
        ("query by both tags", fork + [query("A", "X")]),
        ("query by the to-tag alone", fork + [query(nil, "Y")]),
        ("query by a tag nobody has", fork + [query("nobody")]),
    ]

    static func deleteDigest(_ reply: BencodeValue?, _ query: BencodeValue?) -> String {
        func keys(_ v: BencodeValue?) -> String {
            guard case .dictionary(let d)? = v else { return "-" }
            return d.map(\.key).joined(separator: ",")
        }
        return "\(reply?["result"]?.stringValue ?? "-") \(reply?["warning"] == nil ? "" : "warning ")[\(keys(reply?["tags"]))] "
            + "query \(query?["result"]?.stringValue ?? "-") [\(keys(query?["tags"]))]"
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func branchDeletesMatchTheReference() throws {
        let pair = try ReferencePair()
        for (name, steps) in Self.deletes {
            var runs: [[String]] = []
            for port in [pair.refPort, pair.ourPort] {
                let callID: [(String, BencodeValue)] = [("call-id", .string("fork-delete-\(UUID().uuidString)"))]
                runs.append(steps.map { step in
                    let reply = ngRequest(port, callID + step)
                    return Self.deleteDigest(reply, ngRequest(port, callID + [("command", .string("query"))]))
                })
            }
            #expect(runs[1] == runs[0], "\(name)\n--- reference\n\(runs[0].joined(separator: "\n"))\n--- ours\n\(runs[1].joined(separator: "\n"))")
        }
        #expect(pair.ours.stop().status == 0)
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func forksAndMovesMatchTheReference() throws {
        try Self.compare(Self.sequences, on: ReferencePair())
    }

    /// Ports across address families: a null address of either family holds the ports of
    /// its port (10.5).
    static let acrossFamilies: [(String, [[(String, BencodeValue)]])] = [
        ("a held re-offer after address family IP6", [offer(extra: [("address family", .string("IP6"))]), offer(ip: "0.0.0.0"), offer()]),
        ("an IPv6 null answer to an IPv4 caller, then its own", [offer(), answer("X", ip: "::"), answer("X", port: 6002)]),
        // `port latching` back on the interface a section left (an answer's `address
        // family` moved the caller to IPv6): the ports it had there last.
        ("a latched answer brings the caller back to its IPv4 ports", [offer(), answer("X"),
            answer("Y", ip: "2001:db8::5", port: 6002, extra: [("address family", .string("IP6"))]), offer(),
            answer("Y", ip: "2001:db8::5", port: 6002, extra: latching)]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func portsAcrossFamiliesMatchTheReference() throws {
        try Self.compare(Self.acrossFamilies, on: ReferencePair(interfaces: ["127.0.0.1", "::1"]))
    }

    /// Without a delay, a tagged delete retires at once the participant it names and whom it
    /// hears unless that one is still in dialogue with another: the retired keep no ports, and
    /// an offer from the retired tag starts a participant of its own, while an offer to it
    /// from a peer it is still the current one of brings it back (10.5). (A pair of daemons
    /// of their own: which ports come next depends on what each holds.)
    static let retired: [(String, [[(String, BencodeValue)]])] = [
        ("an offer from a deleted caller starts anew", [offer(), answer("X", from: "nobody"), delete("A"), offer()]),
        ("an offer to a deleted old branch starts anew", fork + [delete("A", "X"), offer(to: "X")]),
        ("an offer to the deleted current branch brings it back", [offer(extra: via("V")), offer(extra: via("W")), answer("X"),
                                                                 delete("A", "X"), offer(to: "X")]),
        // Brought back so, it is not found by its to-tag until it sends an SDP itself.
        ("a delete to the branch brought back before it answers", [offer(extra: via("V")), offer(extra: via("W")), answer("X"),
                                                                    delete("A", "X"), offer(to: "X"), delete("A", "X")]),
        ("an offer from a deleted branch starts anew", fork + [delete("A", "X"),
            [("command", .string("offer")), ("from-tag", .string("X")), ("to-tag", .string("A")), sdp("b", "203.0.113.5", 6000)]]),
        ("an answer from a deleted branch starts anew", fork + [delete("A", "X"), answer("X")]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func retiredParticipantsMatchTheReference() throws {
        try Self.compare(Self.retired, on: ReferencePair())
    }

    static func compare(_ sequences: [(String, [[(String, BencodeValue)]])], on pair: ReferencePair) throws {
        for (name, steps) in sequences {
            var runs: [[String]] = []
            for port in [pair.refPort, pair.ourPort] {
                let callID: [(String, BencodeValue)] = [("call-id", .string("fork-\(UUID().uuidString)"))]
                var labels: [String: Int] = [:]
                runs.append(steps.map { step in
                    let reply = ngRequest(port, callID + step)
                    return Self.digest(reply, ngRequest(port, callID + [("command", .string("query"))]), labels: &labels)
                })
            }
            #expect(runs[1] == runs[0], "\(name)\n--- reference\n\(runs[0].joined(separator: "\n"))\n--- ours\n\(runs[1].joined(separator: "\n"))")
        }
        #expect(pair.ours.stop().status == 0)
    }
}

/// Which family each participant is reached on over re-INVITEs from both sides: the SDP to
/// a participant speaks the family its own SDP spoke (or `address family`), and only then
/// does it move; the sender stays where it is (10.5).
@Suite struct FamilyDifferentialTests {
    static func sdp(_ caller: Bool, v6: Bool) -> (String, BencodeValue) {
        let ip = caller ? (v6 ? "2001:db8::1" : "198.51.100.1") : (v6 ? "2001:db8:1::5" : "203.0.113.5")
        let fam = v6 ? "IP6" : "IP4"
        return ("sdp", .string("v=0\r\no=x 1 1 IN \(fam) \(ip)\r\ns=-\r\nc=IN \(fam) \(ip)\r\nt=0 0\r\nm=audio \(caller ? 5000 : 6000) RTP/AVP 0\r\n"))
    }

    static func step(_ command: String, from: String, to: String?, v6: Bool, extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string(command)), ("from-tag", .string(from)), sdp(from == "A" ? command == "offer" : command == "answer", v6: v6)]
            + (to.map { [("to-tag", .string($0))] } ?? []) + extra
    }

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        ("caller re-offers on the other family", [step("offer", from: "A", to: nil, v6: true), step("offer", from: "A", to: nil, v6: false)]),
        ("callee answers on the other family, caller re-offers",
         [step("offer", from: "A", to: nil, v6: true), step("answer", from: "A", to: "B", v6: false), step("offer", from: "A", to: "B", v6: false)]),
        ("callee re-INVITE, caller answers",
         [step("offer", from: "A", to: nil, v6: true), step("answer", from: "A", to: "B", v6: false),
          step("offer", from: "B", to: "A", v6: false), step("answer", from: "B", to: "A", v6: true)]),
        ("caller moves, callee answers",
         [step("offer", from: "A", to: nil, v6: true), step("answer", from: "A", to: "B", v6: true),
          step("offer", from: "A", to: "B", v6: false), step("answer", from: "A", to: "B", v6: true)]),
        ("address family, then a plain re-offer",
         [step("offer", from: "A", to: nil, v6: false, extra: [("address family", .string("IP6"))]),
          step("answer", from: "A", to: "B", v6: false), step("offer", from: "A", to: nil, v6: false)]),
        ("address family in an answer, then a plain re-answer",
         [step("offer", from: "A", to: nil, v6: false), step("answer", from: "A", to: "B", v6: false, extra: [("address family", .string("IP6"))]),
          step("answer", from: "A", to: "B", v6: false)]),
        ("address family in a re-offer, then a plain one",
         [step("offer", from: "A", to: nil, v6: false), step("answer", from: "A", to: "B", v6: false),
          step("offer", from: "A", to: "B", v6: false, extra: [("address family", .string("IP6"))]), step("offer", from: "A", to: "B", v6: false)]),
        // An SDP speaking ICE names its addresses in candidates: 10.5 takes no family from it.
        ("address family, an answer speaking ICE, a plain re-offer",
         [step("offer", from: "A", to: nil, v6: false, extra: [("address family", .string("IP6"))]),
          iced(step("answer", from: "A", to: "B", v6: false)), step("offer", from: "A", to: nil, v6: false, extra: [("ICE", .string("remove"))])]),
        ("a rejected answer speaking ICE on the other family, a re-offer",
         [step("offer", from: "A", to: nil, v6: false), rejected(iced(step("answer", from: "A", to: "B", v6: true))),
          step("offer", from: "A", to: nil, v6: false, extra: [("ICE", .string("remove"))])]),
    ]

    /// The step's SDP with its section rejected (port 0).
    static func rejected(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { $0.0 == "sdp" ? ("sdp", .string(($0.1.stringValue ?? "").replacingOccurrences(of: "m=audio 6000", with: "m=audio 0"))) : $0 }
    }

    /// The step's SDP with `a=ice-ufrag` in its section, sent with `ICE: remove`.
    static func iced(_ step: [(String, BencodeValue)]) -> [(String, BencodeValue)] {
        step.map { $0.0 == "sdp" ? ("sdp", .string(($0.1.stringValue ?? "") + "a=ice-ufrag:abcd\r\n")) : $0 } + [("ICE", .string("remove"))]
    }

    static func digest(_ reply: BencodeValue?, _ query: BencodeValue?) -> String {
        let c = (reply?["sdp"]?.stringValue ?? "").split(whereSeparator: \.isNewline).first { $0.hasPrefix("c=") } ?? "-"
        guard case .dictionary(let tags)? = query?["tags"] else { return "\(c) no query" }
        return "\(c) " + tags.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value["medias"]?[0]?["streams"]?[0]?["local address"]?.stringValue ?? "-")" }
            .joined(separator: " ")
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func familiesFollowTheReference() throws {
        let pair = try ReferencePair(interfaces: ["127.0.0.1", "::1"])
        for (name, steps) in Self.sequences {
            var runs: [[String]] = []
            for port in [pair.refPort, pair.ourPort] {
                let callID: [(String, BencodeValue)] = [("call-id", .string("family-\(UUID().uuidString)"))]
                runs.append(steps.map { Self.digest(ngRequest(port, callID + $0), ngRequest(port, callID + [("command", .string("query"))])) })
            }
            #expect(runs[1] == runs[0], "\(name)\n--- reference\n\(runs[0].joined(separator: "\n"))\n--- ours\n\(runs[1].joined(separator: "\n"))")
        }
        #expect(pair.ours.stop().status == 0)
    }
}
