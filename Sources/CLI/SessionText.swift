import Session

/// The CLI's session listings (`list numsessions`, `list sessions ...`) in rtpengine's layout.
enum SessionText {
    static func numSessions(_ calls: [CallSummary]) -> String {
        func count(_ mix: CallSummary.FamilyMix) -> Int { calls.filter { $0.families == mix }.count }
        return """
            Current sessions own: \(calls.count)
            Current sessions foreign: 0
            Current sessions total: \(calls.count)
            Current transcoded media: 0
            Current sessions ipv4 only media: \(count(.ipv4Only))
            Current sessions ipv6 only media: \(count(.ipv6Only))
            Current sessions ip mixed  media: \(count(.mixed))

            """
    }

    static func oneLine(_ call: CallSummary) -> String {
        "callid: \(TextLayout.right(call.callID, 60)) | deletionmark: \(TextLayout.right(call.deleted ? "yes" : "no", 3))"
            + " | created: \(TextLayout.right(String(Int(call.created)), 11)) | proxy:\(call.proxy) | redis_keyspace:0 | foreign:no\n"
    }

    static func detail(_ call: CallSummary, now: Double) -> String {
        var out = """

            callid: \(call.callID)
            deletionmark: \(call.deleted ? "yes" : "no")
            created: \(Int(call.created))
            proxy: \(call.proxy)
            tos: \(call.tos)
            last_signal: \(Int(call.lastSignal))
            redis_keyspace: 0
            foreign: no


            """
        for tag in call.tags {
            out += "--- Tag '\(tag.tag)', type: \(tag.kind.rawValue), label '\(tag.label)', branch '\(tag.branch)', "
                + "callduration \(TextLayout.fixed(now - tag.created, digits: 6))\n"
            for peer in tag.subscriptions { out += "---     subscribed to '\(peer)'\n" }
            for peer in tag.subscriptions { out += "---     subscription of '\(peer)'\n" }
            for media in tag.medias {
                out += "------ Media #\(media.index) (\(media.type) over \(media.proto)) using \(media.codec ?? "unknown codec")\n"
                for s in media.streams { out += stream(s, created: tag.created) }
            }
        }
        return out + "\n"
    }

    static func stream(_ s: CallSummary.Stream, created: Double) -> String {
        let c = s.counters
        let remote = s.endpoint.map { ($0.address.description, Int($0.port)) } ?? ("", 0)
        return "-------- Port \(TextLayout.right(s.local.address.description, 15)):\(TextLayout.left(String(s.local.port), 5))"
            + " <> \(TextLayout.right(remote.0, 15)):\(TextLayout.left(String(remote.1), 5))\(s.isRTCP ? " (RTCP)" : "")"
            + ", SSRC \(String(c.ssrc ?? 0, radix: 16)), \(c.packets) p, \(c.bytes) b, \(c.errors) e, \(Int(c.lastPacket ?? created)) ts\n"
    }
}
