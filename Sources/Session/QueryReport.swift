import Bencode
import NetAddress

/// The `query` (and `delete`) reply body for a call, with rtpengine's keys. Packet counters
/// are zero until the media relay exists.
enum QueryReport {
    static func entries(for call: Call) -> [(key: String, value: BencodeValue)] {
        var tags: [(key: String, value: BencodeValue)] = []
        for (i, p) in call.participants.enumerated() {
            guard let tag = p.tag else { continue }
            var entry: [(key: String, value: BencodeValue)] = [("tag", .string(tag))]
            if let label = p.label { entry.append(("label", .string(label))) }
            entry.append(("created", .integer(Int64(p.created))))
            let peers = call.peers(of: i).compactMap { call.participants[$0].tag }
            if let first = peers.first { entry.append(("in dialogue with", .string(first))) }
            let subs: BencodeValue = .list(peers.map { .dictionary([("tag", .string($0)), ("type", .string("offer/answer"))]) })
            entry.append(("subscriptions", subs))
            entry.append(("subscribers", subs))
            entry.append(("medias", .list(p.medias.map(media))))
            tags.append((tag, .dictionary(entry)))
        }
        let zero: BencodeValue = .dictionary([("packets", .integer(0)), ("bytes", .integer(0)), ("errors", .integer(0))])
        return [
            ("created", .integer(Int64(call.created))),
            ("created_us", .integer(Int64((call.created - call.created.rounded(.down)) * 1_000_000))),
            ("last signal", .integer(Int64(call.lastSignal))),
            ("SSRC", .dictionary([])),
            ("tags", .dictionary(tags)),
            ("totals", .dictionary([("RTP", zero), ("RTCP", zero)])),
        ]
    }

    static func media(_ m: MediaLeg) -> BencodeValue {
        var streams: [BencodeValue] = []
        if let ports = m.localPorts {
            streams.append(stream(port: ports.rtp, endpoint: m.rtpEndpoint, kind: "RTP"))
            streams.append(stream(port: ports.rtcp, endpoint: m.rtcpEndpoint, kind: "RTCP"))
        }
        var flags: [BencodeValue] = [.string("initialized")]
        if m.sends { flags.append(.string("send")) }
        if m.receives { flags.append(.string("recv")) }
        return .dictionary([
            ("index", .integer(Int64(m.index))), ("type", .string(m.type)), ("protocol", .string(m.proto)),
            ("streams", .list(streams)), ("flags", .list(flags)),
        ])
    }

    static func stream(port: UInt16, endpoint: Endpoint?, kind: String) -> BencodeValue {
        var entry: [(key: String, value: BencodeValue)] = [("local port", .integer(Int64(port)))]
        if let endpoint {
            let ep = address(endpoint)
            entry.append(("endpoint", ep))
            entry.append(("advertised endpoint", ep))
        }
        entry.append(("last packet", .integer(0)))
        entry.append(("flags", .list([.string(kind)] + (endpoint != nil ? [.string("filled")] : []))))
        entry.append(("stats", .dictionary([("packets", .integer(0)), ("bytes", .integer(0)), ("errors", .integer(0))])))
        return .dictionary(entry)
    }

    static func address(_ e: Endpoint) -> BencodeValue {
        .dictionary([
            ("family", .string(e.address.family == .inet ? "IPv4" : "IPv6")),
            ("address", .string(e.address.description)),
            ("port", .integer(Int64(e.port))),
        ])
    }
}
