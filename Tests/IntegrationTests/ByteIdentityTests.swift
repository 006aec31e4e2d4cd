import Bencode
import ByteText
import Foundation
import Testing

/// Call-ids, tags and SDP are bytes (issue: two call-ids `\xff` and `\xfe` once became one
/// call): ids that differ only in bytes that are not UTF-8 stay separate calls and
/// participants, and SDP bytes that are not UTF-8 pass through unchanged, as in 10.5.
@Suite struct ByteIdentityTests {
    static func sdp(_ address: String, _ port: Int, extra: [UInt8] = []) -> [UInt8] {
        Array("v=0\r\no=- 1 1 IN IP4 \(address)\r\ns=-\r\nc=IN IP4 \(address)\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\n".utf8)
            + extra
    }

    static func offer(_ callID: [UInt8], tag: [UInt8] = Array("A".utf8), _ body: [UInt8]) -> [(String, BencodeValue)] {
        [("command", .string("offer")), ("call-id", .string(callID)), ("from-tag", .string(tag)), ("sdp", .string(body))]
    }

    /// The endpoint address `query` reports for the first stream of the tag `tag`.
    static func endpoint(_ reply: BencodeValue?, tag: [UInt8]) -> String? {
        guard case .dictionary(let tags)? = reply?["tags"],
              let entry = tags.first(where: { LosslessText.encode($0.key) == tag })?.value,
              case .list(let medias)? = entry["medias"], case .list(let streams)? = medias.first?["streams"] else { return nil }
        return streams.first?["endpoint"]?["address"]?.stringValue
    }

    static func listed(_ reply: BencodeValue?) -> Set<[UInt8]> {
        guard case .list(let ids)? = reply?["calls"] else { return [] }
        return Set(ids.compactMap(\.bytesValue))
    }

    /// What one daemon does with two calls whose ids differ only in a non-UTF-8 byte.
    static func twoCalls(_ port: UInt16, prefix: String) -> [String] {
        let x = Array(prefix.utf8) + [0xFF], y = Array(prefix.utf8) + [0xFE]
        var seen: [String] = []
        seen.append(ngRequest(port, offer(x, Self.sdp("192.0.2.1", 5000)))?["result"]?.stringValue ?? "-")
        seen.append(ngRequest(port, offer(y, Self.sdp("192.0.2.2", 6000)))?["result"]?.stringValue ?? "-")
        seen.append(endpoint(ngRequest(port, [("command", .string("query")), ("call-id", .string(x))]), tag: Array("A".utf8)) ?? "-")
        seen.append(endpoint(ngRequest(port, [("command", .string("query")), ("call-id", .string(y))]), tag: Array("A".utf8)) ?? "-")
        let both = listed(ngRequest(port, [("command", .string("list")), ("limit", .integer(10000))]))
        seen.append("listed \(both.contains(x)) \(both.contains(y))")
        seen.append(ngRequest(port, [("command", .string("delete")), ("call-id", .string(x)), ("delete-delay", .integer(0))])?["result"]?.stringValue ?? "-")
        seen.append(ngRequest(port, [("command", .string("query")), ("call-id", .string(x))])?["result"]?.stringValue ?? "-")
        seen.append(endpoint(ngRequest(port, [("command", .string("query")), ("call-id", .string(y))]), tag: Array("A".utf8)) ?? "-")
        let after = listed(ngRequest(port, [("command", .string("list")), ("limit", .integer(10000))]))
        seen.append("listed \(after.contains(x)) \(after.contains(y))")
        return seen
    }

    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func nonUTF8CallIDsStayDistinctCalls() throws {
        let pair = try ReferencePair()
        let prefix = "bytes-\(UUID().uuidString)-"
        let ours = Self.twoCalls(pair.ourPort, prefix: prefix)
        #expect(ours == ["ok", "ok", "192.0.2.1", "192.0.2.2", "listed true true", "ok", "error", "192.0.2.2", "listed false true"])
        #expect(ours == Self.twoCalls(pair.refPort, prefix: prefix))
        #expect(pair.ours.stop().status == 0)
    }

    /// Two participants whose tags differ only in a non-UTF-8 byte, and the tag keys of
    /// `query` written with the tags' own bytes.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func nonUTF8TagsStayDistinctParticipants() throws {
        let pair = try ReferencePair()
        var seen: [[String]] = []
        for port in [pair.refPort, pair.ourPort] {
            let call = Array("tags-\(UUID().uuidString)".utf8)
            _ = ngRequest(port, Self.offer(call, tag: [0xFF], Self.sdp("192.0.2.1", 5000)))
            let answer: [(String, BencodeValue)] = [("command", .string("answer")), ("call-id", .string(call)),
                                                    ("from-tag", .string([0xFF])), ("to-tag", .string([0xFE])),
                                                    ("sdp", .string(Self.sdp("192.0.2.2", 6000)))]
            let answered = ngRequest(port, answer)?["result"]?.stringValue ?? "-"
            let query = ngRequest(port, [("command", .string("query")), ("call-id", .string(call))])
            seen.append([answered, Self.endpoint(query, tag: [0xFF]) ?? "-", Self.endpoint(query, tag: [0xFE]) ?? "-"])
        }
        #expect(seen[1] == ["ok", "192.0.2.1", "192.0.2.2"])
        #expect(seen[1] == seen[0])
        #expect(pair.ours.stop().status == 0)
    }

    /// Attribute, session-name and origin bytes that are not UTF-8 come back unchanged.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func nonUTF8SDPBytesPassThrough() throws {
        let pair = try ReferencePair()
        let odd: [UInt8] = Array("a=x-note:".utf8) + [0xFF, 0xFE, 0x80, 0xF4, 0x8F, 0xBC, 0x80] + Array("\r\n".utf8)
        let sessionName = Array("s=".utf8) + [0xC3, 0x28]
        let body = Array("v=0\r\no=".utf8) + [0xFF] + Array(" 1 1 IN IP4 192.0.2.1\r\n".utf8) + sessionName
            + Array("\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n".utf8) + odd
        var replies: [[UInt8]] = []
        for port in [pair.refPort, pair.ourPort] {
            let reply = ngRequest(port, Self.offer(Array("sdp-bytes-\(UUID().uuidString)".utf8), body))
            replies.append(reply?["sdp"]?.bytesValue ?? [])
        }
        #expect(replies[1].firstRange(of: odd) != nil, "the attribute's bytes are kept: \(replies[1])")
        #expect(replies[1].firstRange(of: Array("o=".utf8) + [0xFF, 0x20]) != nil, "the origin's bytes are kept")
        #expect(replies[1].firstRange(of: sessionName + [0x0D, 0x0A]) != nil, "the session name's bytes are kept")
        let normalized = replies.map { Array(normalizeSDP(LosslessText.decode($0)).unicodeScalars) }
        #expect(normalized[1] == normalized[0])
        #expect(pair.ours.stop().status == 0)
    }
}
