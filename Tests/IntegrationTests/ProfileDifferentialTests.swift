import Bencode
import Foundation
import Testing

/// The RTP profile over re-INVITEs from both sides: the SDP each side gets and the profile
/// `query` reports per participant, as 10.5 keeps them (a sender changing its profile resets
/// the receiver's, a receiver otherwise keeps its own or an earlier `transport protocol`, an
/// answer gives the offerer its own).
@Suite struct ProfileDifferentialTests {
    static func step(_ command: String, from: String, to: String? = nil, _ proto: String,
                     extra: [(String, BencodeValue)] = []) -> [(String, BencodeValue)] {
        let sender = command == "offer" ? from : (to ?? "")
        let (user, ip, port) = sender == "A" ? ("a", "198.51.100.1", 5000) : ("b", "203.0.113.5", 6000)
        return [("command", .string(command)), ("from-tag", .string(from)),
                ("sdp", .string("v=0\r\no=\(user) 1 1 IN IP4 \(ip)\r\ns=-\r\nc=IN IP4 \(ip)\r\nt=0 0\r\nm=audio \(port) \(proto) 0\r\n"))]
            + (to.map { [("to-tag", .string($0))] } ?? []) + extra
    }

    static let avp = "RTP/AVP", avpf = "RTP/AVPF"
    static let sequences: [(String, [[(String, BencodeValue)]])] = [
        ("the callee answers AVPF, then re-INVITEs", [step("offer", from: "A", avp), step("answer", from: "A", to: "B", avpf),
                                                      step("offer", from: "B", to: "A", avpf), step("answer", from: "B", to: "A", avp)]),
        ("the caller changes profile", [step("offer", from: "A", avp), step("answer", from: "A", to: "B", avp),
                                        step("offer", from: "A", to: "B", avpf), step("answer", from: "A", to: "B", avp)]),
        ("transport protocol is remembered", [step("offer", from: "A", avp, extra: [("transport-protocol", .string(avpf))]),
                                              step("answer", from: "A", to: "B", avpf), step("offer", from: "A", to: "B", avp),
                                              step("answer", from: "A", to: "B", avpf)]),
        ("an unanswered re-offer changes profile", [step("offer", from: "A", avp), step("offer", from: "A", avpf)]),
        ("a callee that has not answered keeps a transport protocol", [
            step("offer", from: "A", avpf, extra: [("transport-protocol", .string(avp))]), step("offer", from: "A", avpf)]),
        // A rejected line with an empty port field: 10.5 reads `0/2` as the profile, and a
        // participant new to the section (a from-tag nobody had) takes it: none it knows.
        ("an answer with an empty port field to a from-tag nobody has", [step("offer", from: "A", avp),
            [("command", .string("answer")), ("from-tag", .string("nobody")), ("to-tag", .string("B")),
             ("sdp", .string("v=0\r\no=b 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio  0/2 RTP/AVPF\r\n"))]]),
    ]

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func profilesMatchTheReference() throws {
        let pair = try ReferencePair()
        pair.expectStepsMatch(Self.sequences, prefix: "proto") { reply, query in
            var line = "\(reply?["result"]?.stringValue ?? "-") \(reply?["sdp"]?.stringValue.map(normalizeSDP) ?? "")"
            if case .dictionary(let tags)? = query?["tags"] {
                line += tags.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value["medias"]?[0]?["protocol"]?.stringValue ?? "-")" }
                    .joined(separator: " ")
            }
            return line
        }
        #expect(pair.ours.stop().status == 0)
    }
}
