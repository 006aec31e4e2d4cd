import Bencode
import NetAddress

/// The `query` (and `delete`) reply body for a call, with rtpengine's keys. Packet counters
/// are zero until the media relay exists.
enum QueryReport {
    static func entries(for call: Call) -> [(key: String, value: BencodeValue)] {
        var tags: [(key: String, value: BencodeValue)] = []
        var untagged = 0
        for (i, p) in call.participants.enumerated() {
            // A callee not yet answered has no tag: rtpengine lists it as `<untagged N>`.
            let key: String
            if let tag = p.tag {
                key = tag
            } else {
                untagged += 1
                key = "<untagged \(untagged)>"
            }
            var entry: [(key: String, value: BencodeValue)] = [("tag", .string(p.tag ?? ""))]
            if let label = p.label { entry.append(("label", .string(label))) }
            entry.append(("created", .integer(Int64(p.created))))
            let peers = call.subscriptions(of: i).map { call.participants[$0].tag ?? "" }
            let subs: BencodeValue = .list(peers.map { .dictionary([("tag", .string($0)), ("type", .string("offer/answer"))]) })
            entry.append(("subscriptions", subs))
            entry.append(("subscribers", subs))
            entry.append(("medias", .list(p.medias.map { media($0, interface: p.interface, created: p.created) })))
            tags.append((key, .dictionary(entry)))
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

    static func media(_ m: MediaLeg, interface: MediaInterface, created: Double) -> BencodeValue {
        var streams: [BencodeValue] = []
        if let ports = m.localPorts {
            streams.append(stream(port: ports.rtp, endpoint: m.rtpEndpoint, kind: "RTP", interface: interface, created: created))
            streams.append(stream(port: ports.rtcp, endpoint: m.rtcpEndpoint, kind: "RTCP", interface: interface, created: created))
        }
        var flags: [BencodeValue] = [.string("initialized")]
        if m.asymmetric { flags.append(.string("asymmetric")) }
        if m.sends { flags.append(.string("send")) }
        if m.receives { flags.append(.string("recv")) }
        return .dictionary([
            ("index", .integer(Int64(m.index))), ("type", .string(m.type)), ("protocol", .string(m.proto)),
            ("streams", .list(streams)), ("flags", .list(flags)),
        ])
    }

    static func stream(port: UInt16, endpoint: Endpoint?, kind: String, interface: MediaInterface, created: Double) -> BencodeValue {
        let ep = endpoint.map(address) ?? .dictionary([])
        var entry: [(key: String, value: BencodeValue)] = [
            ("local port", .integer(Int64(port))),
            ("local address", .string(interface.address.description)),
            ("family", .string(interface.address.family == .inet ? "IPv4" : "IPv6")),
            ("endpoint", ep),
            ("advertised endpoint", ep),
        ]
        // No packet yet: rtpengine reports the stream's creation time.
        entry.append(("last packet", .integer(Int64(created))))
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
