import Bencode
import Foundation
import Testing

/// `m=audio PORT/N` (RFC 8866 section 5.14): what 10.5 allocates, lists and refuses for a
/// port count, and that media flows on every pair it holds.
@Suite struct PortCountDifferentialTests {
    static func sdp(_ user: String, _ ip: String, _ media: [String]) -> (String, BencodeValue) {
        ("sdp", .string((["v=0", "o=\(user) 1 1 IN IP4 \(ip)", "s=-", "c=IN IP4 \(ip)", "t=0 0"] + media)
            .joined(separator: "\r\n") + "\r\n"))
    }

    static func offer(_ media: String...) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("A")), sdp("a", "198.51.100.1", media)]
    }

    static func answer(_ media: String...) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")), sdp("b", "203.0.113.5", media)]
    }

    static let scenarios: [(String, [[(String, BencodeValue)]])] = [
        // With more than one pair, RTCP is the port after RTP: a=rtcp counts for nothing.
        ("a=rtcp beside a count of 2", [offer("m=audio 5000/2 RTP/AVP 0", "a=rtcp:5003")]),
        ("a=rtcp beside a count of 1", [offer("m=audio 5000/1 RTP/AVP 0", "a=rtcp:5003")]),
        ("a=rtcp beside a rejected count", [offer("m=audio 0/2 RTP/AVP 0", "a=rtcp:11")]),
        ("a count of 1 is written as none", [offer("m=audio 5000/1 RTP/AVP 0")]),
        ("two pairs each way", [offer("m=audio 5000/2 RTP/AVP 0"), answer("m=audio 6000/2 RTP/AVP 0")]),
        ("the answer's count wins", [offer("m=audio 5000/3 RTP/AVP 0", "a=rtcp:5001", "m=video 7000/2 RTP/AVP 31"),
                                     answer("m=audio 6000/2 RTP/AVP 0", "m=video 8000 RTP/AVP 31")]),
        ("an answer counts more than the offer", [offer("m=audio 5000 RTP/AVP 0"), answer("m=audio 6000/2 RTP/AVP 0")]),
        ("a re-offer counts fewer", [offer("m=audio 5000/3 RTP/AVP 0"), offer("m=audio 5000/2 RTP/AVP 0")]),
        ("eight pairs", [offer("m=audio 5000/8 RTP/AVP 0")]),
        ("leading zero and plus", [offer("m=audio 5000/02 RTP/AVP 0", "m=audio 5100/+3 RTP/AVP 0")]),
        ("digits then more", [offer("m=audio 5000/2/3 RTP/AVP 0")]),
        ("a rejected section with a count", [offer("m=audio 0/2 RTP/AVP 0", "m=audio 5000 RTP/AVP 0")]),
        ("nine pairs run out of ports", [offer("m=audio 5000/9 RTP/AVP 0")]),
        ("ten pairs run out of ports", [offer("m=audio 5000/10 RTP/AVP 0")]),
        ("eleven do not parse", [offer("m=audio 5000/11 RTP/AVP 0")]),
        ("zero does not parse", [offer("m=audio 5000/0 RTP/AVP 0")]),
        ("no number does not parse", [offer("m=audio 5000/x RTP/AVP 0")]),
        ("an empty count does not parse", [offer("m=audio 5000/ RTP/AVP 0")]),
        ("running out of ports ends the call", [offer("m=audio 5000 RTP/AVP 0"), offer("m=audio 5000/9 RTP/AVP 0")]),
    ]

    /// A query as far as port counts show in it: per tag and section, each stream's local
    /// port as an offset from the section's first, its endpoint port and its flags.
    static func digest(_ query: BencodeValue?) -> String {
        guard query?["result"]?.stringValue == "ok" else {
            return "query: \(query?["error-reason"]?.stringValue ?? "no reply")"
        }
        guard case .dictionary(let tags)? = query?["tags"] else { return "no tags" }
        return tags.sorted { $0.key < $1.key }.map { tag in
            guard case .list(let medias)? = tag.value["medias"] else { return "\(tag.key): none" }
            return "\(tag.key): " + medias.map { m -> String in
                guard case .list(let streams)? = m["streams"] else { return "-" }
                let first = streams.first?["local port"]?.integerValue
                return streams.map { s in
                    let local = s["local port"]?.integerValue.map { String($0 - (first ?? 0)) } ?? "none"
                    let flags: [String] = if case .list(let l)? = s["flags"] { l.compactMap(\.stringValue) } else { [] }
                    return "\(local)>\(s["endpoint"]?["port"]?.integerValue.map(String.init) ?? "-")[\(flags.joined(separator: ","))]"
                }.joined(separator: " ")
            }.joined(separator: " | ")
        }.joined(separator: "\n")
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func portCountsMatchTheReference() throws {
        let pair = try ReferencePair()
        pair.expectStepsMatch(Self.scenarios, prefix: "count") { reply, query in
            """
            \(reply?["result"]?.stringValue ?? "-") \(reply?["error-reason"]?.stringValue ?? "")
            \(reply?["sdp"]?.stringValue.map(normalizeSDP) ?? "no sdp")
            \(Self.digest(query))
            """
        }
        #expect(pair.ours.stop().status == 0)
    }

    /// Pair k of a section relays to pair k of the other side, RTP and RTCP, in both.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func everyPairRelaysAsTheReferenceRelays() throws {
        let pair = try ReferencePair()
        var seen: [[String]] = []
        for port in [pair.refPort, pair.ourPort] {
            // Four consecutive sockets per phone: two pairs.
            func phone() -> [UDPPeer] {
                while true {
                    let first = UDPPeer()
                    guard first.port & 1 == 0, first.port < 65530 else { continue }
                    let rest = (1...3).compactMap { UDPPeer(binding: "127.0.0.1", port: first.port + UInt16($0)) }
                    if rest.count == 3 { return [first] + rest }
                }
            }
            let a = phone(), b = phone()
            let call: [(String, BencodeValue)] = [("call-id", .string("count-relay-\(UUID().uuidString)"))]
            let offer = ngRequest(port, call + [("command", .string("offer")), ("from-tag", .string("A")),
                                                Self.sdp("a", "127.0.0.1", ["m=audio \(a[0].port)/2 RTP/AVP 0"])])
            let answer = ngRequest(port, call + [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string("B")),
                                                 Self.sdp("b", "127.0.0.1", ["m=audio \(b[0].port)/2 RTP/AVP 0"])])
            let offered = mediaPorts(offer?["sdp"]?.stringValue ?? ""), answered = mediaPorts(answer?["sdp"]?.stringValue ?? "")
            let towardsB = try #require(offered.first), towardsA = try #require(answered.first)
            var got: [String] = []
            for k in 0..<4 {
                let packet = k % 2 == 0 ? rtpPacket(seq: UInt16(k)) : rtcpPacket()
                a[k].send(packet, to: towardsA + UInt16(k))
                b[k].send(packet, to: towardsB + UInt16(k))
            }
            for (name, peer, from) in [("A", a, towardsA), ("B", b, towardsB)] {
                for k in 0..<4 {
                    let r = peer[k].receive(timeout: 2)
                    got.append("\(name)\(k) " + (r.map { "\($0.bytes.count) bytes from +\(Int($0.from) - Int(from))" } ?? "nothing"))
                }
            }
            _ = ngRequest(port, call + [("command", .string("delete")), ("delete-delay", .integer(0))])
            seen.append(got)
        }
        #expect(seen[1] == seen[0])
        #expect(seen[1].allSatisfy { !$0.hasSuffix("nothing") }, "\(seen[1])")
        #expect(pair.ours.stop().status == 0)
    }
}
