import Bencode
import Foundation
import Testing

/// Forks, re-offers and moving endpoints as 10.5 handles them: which ports each SDP names
/// (new ones, or ones seen before), which local ports each participant holds, and who is
/// subscribed to whom in `query`, after every step.
@Suite struct ForkDifferentialTests {
    static func sdp(_ user: String, _ ip: String, _ port: Int) -> (String, BencodeValue) {
        ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\n"))
    }

    static func offer(to: String? = nil, ip: String = "198.51.100.1", port: Int = 5000,
                      extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("from-tag", .string("A")), sdp("a", ip, port)]
            + (to.map { [("to-tag", .string($0))] } ?? []) + extra
    }

    static func answer(_ tag: String, ip: String = "203.0.113.5", port: Int = 6000,
                       extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        [("command", .string("answer")), ("from-tag", .string("A")), ("to-tag", .string(tag)), sdp("b", ip, port)] + extra
    }

    static let latching: [(String, BencodeValue)] = [("flags", .list([.string("port-latching")]))]

    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        ("a re-offer to a new to-tag beside an unanswered callee", [offer(), offer(to: "X"), answer("X")]),
        ("an answer from another to-tag after such a re-offer", [offer(), offer(to: "X"), answer("Y"), answer("X")]),
        ("two re-offers to new to-tags", [offer(), offer(to: "X"), offer(to: "Y")]),
        ("a re-offer without to-tag goes to the branch used last", [offer(), offer(to: "X"), answer("X"), offer()]),
        ("a branch at the same endpoint shares the offerer's ports", [offer(), answer("X"), answer("Y"), answer("X")]),
        ("a branch at another endpoint gets ports of its own", [offer(), answer("X"), answer("Y", port: 6002), answer("X"),
                                                               answer("Y", port: 6002)]),
        ("a third branch at a known endpoint", [offer(), answer("X"), answer("Y", port: 6002), answer("Z", port: 6002)]),
        ("the callee moves and comes back", [offer(), answer("X"), answer("X", port: 6002), answer("X")]),
        ("the callee changes address", [offer(), answer("X"), answer("X", ip: "203.0.113.9"), answer("X")]),
        ("the callee holds with a null address", [offer(), answer("X"), answer("X", ip: "0.0.0.0"), answer("X")]),
        ("the callee rejects and comes back", [offer(), answer("X"), answer("X", port: 0), answer("X")]),
        ("the caller moves and comes back", [offer(), answer("X"), offer(to: "X", port: 5002), offer(to: "X")]),
        ("the caller changes address", [offer(), answer("X"), offer(to: "X", ip: "198.51.100.7"), offer(to: "X")]),
        ("the caller holds", [offer(), answer("X"), offer(to: "X", ip: "0.0.0.0"), offer(to: "X")]),
        ("port latching keeps the ports", [offer(), answer("X"), answer("X", port: 6002, extra: latching), answer("X", extra: latching)]),
        ("re-offers before the answer", [offer(), offer(port: 5002), offer()]),
        ("an offer to a to-tag first", [offer(to: "X"), answer("Y"), answer("X")]),
    ]

    /// One step as far as ports and subscriptions show: the result, the port the SDP names
    /// and, per tag, its local port and whom it is subscribed to and by. Ports are numbered
    /// in the order they first appear.
    static func digest(_ reply: BencodeValue?, _ query: BencodeValue?, labels: inout [Int64: Int]) -> String {
        func label(_ port: Int64?) -> String {
            guard let port, port != 0 else { return "none" }
            if labels[port] == nil { labels[port] = labels.count }
            return "P\(labels[port]!)"
        }
        func tags(_ list: BencodeValue?) -> String {
            guard case .list(let l)? = list else { return "" }
            return l.map { $0["tag"]?.stringValue.map { $0.isEmpty ? "_" : $0 } ?? "?" }.joined(separator: ",")
        }
        let port = mediaPorts(reply?["sdp"]?.stringValue ?? "").first.map { Int64($0) }
        var out = "\(reply?["result"]?.stringValue ?? "-") \(label(port))"
        guard case .dictionary(let entries)? = query?["tags"] else { return out + " no query" }
        for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
            out += " \(key)[\(label(entry["medias"]?[0]?["streams"]?[0]?["local port"]?.integerValue))]"
            out += "(\(tags(entry["subscriptions"]))/\(tags(entry["subscribers"])))"
        }
        return out
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func forksAndMovesMatchTheReference() throws {
        let pair = try ReferencePair()
        for (name, steps) in Self.sequences {
            var runs: [[String]] = []
            for port in [pair.refPort, pair.ourPort] {
                let callID: [(String, BencodeValue)] = [("call-id", .string("fork-\(UUID().uuidString)"))]
                var labels: [Int64: Int] = [:]
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
