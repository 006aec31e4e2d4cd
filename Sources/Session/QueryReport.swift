import Bencode
import NetAddress

/// The `query` (and `delete`) reply body for a call, with rtpengine's keys; packet figures
/// come from the media engine's counters.
enum QueryReport {
    typealias Counters = (LocalSocket) -> StreamCounters?

    /// The report for every participant, or for those of `only` in its order (a tagged delete).
    static func entries(for call: Call, counters: Counters, only: [Int]? = nil) -> [(key: String, value: BencodeValue)] {
        var totals = (rtp: StreamCounters(), rtcp: StreamCounters())
        var tags: [(key: String, value: BencodeValue)] = []
        for i in only ?? Array(call.participants.indices) {
            let p = call.participants[i]
            // Losslessly: the encoder writes the tag's own bytes back as the key. A callee not
            // yet answered has no tag: 10.5 lists it as `<untagged N>`, N its place in the
            // call (counted from 0).
            let key = p.tag?.losslessText ?? "<untagged \(i)>"
            var entry: [(key: String, value: BencodeValue)] = [("tag", .string(p.tag?.bytes ?? []))]
            if let branch = p.viaBranch ?? p.viaBranchTaken { entry.append(("via-branch", .string(branch.bytes))) }
            if let label = p.label { entry.append(("label", .string(label.bytes))) }
            entry.append(("created", .integer(Int64(p.created))))
            func list(_ peers: [Int]) -> BencodeValue {
                .list(peers.map { .dictionary([("tag", .string(call.participants[$0].tag?.bytes ?? [])), ("type", .string("offer/answer"))]) })
            }
            entry.append(("subscriptions", list(call.subscriptions(of: i))))
            entry.append(("subscribers", list(call.subscribers(of: i))))
            entry.append(("medias", .list(p.medias.map { m in
                media(m, of: p, counters: counters, totals: &totals)
            })))
            tags.append((key, .dictionary(entry)))
        }
        return [
            ("created", .integer(Int64(call.created))),
            ("created_us", .integer(Int64((call.created - call.created.rounded(.down)) * 1_000_000))),
            ("last signal", .integer(Int64(call.lastSignal))),
            ("SSRC", .dictionary([])),
            ("tags", .dictionary(tags)),
            ("totals", .dictionary([("RTP", stats(totals.rtp)), ("RTCP", stats(totals.rtcp))])),
        ]
    }

    static func media(_ m: MediaLeg, of p: Participant, counters: Counters,
                      totals: inout (rtp: StreamCounters, rtcp: StreamCounters)) -> BencodeValue {
        let interface = m.currentInterface ?? p.interface, created = p.created
        var streams: [BencodeValue] = []
        var codec: String?
        // Two streams per pair the section counts; a rejected section's without local
        // sockets, as 10.5 lists them.
        for k in 0..<m.pairs {
            let endpoints = m.endpoints(ofPair: k), destinations = m.destinations(ofPair: k)
            let ports = m.localPorts.map { $0.pair(k) }
            let (rtp, rtcp) = m.streamCounters(on: interface.address, counters, pair: k) ?? (StreamCounters(), StreamCounters())
            if k == 0, ports != nil { codec = m.codec(of: rtp) }
            totals.rtp.add(rtp)
            totals.rtcp.add(rtcp)
            streams.append(stream(port: ports?.rtp, endpoint: destinations.rtp, advertised: endpoints.rtp, kind: Self.rtpKinds(m),
                                  local: interface.address, created: created, counters: rtp, ice: m.ice))
            streams.append(stream(port: ports?.rtcpShown, endpoint: destinations.rtcp, advertised: endpoints.rtcp, kind: Self.rtcpKinds(m),
                                  local: ports?.rtcpAddress(default: interface.address) ?? interface.address, created: created,
                                  counters: rtcp, ice: m.ice))
        }
        // `initialized` once the participant's own SDP has been seen.
        var flags: [BencodeValue] = m.initialized ? [.string("initialized")] : []
        if m.asymmetric { flags.append(.string("asymmetric")) }
        // 10.5 names them from the proxy's side: it sends to a participant that receives.
        if m.receives { flags.append(.string("send")) }
        if m.sends { flags.append(.string("recv")) }
        if m.rtcpMux { flags.append(.string("rtcp-mux")) }
        if m.ice { flags.append(.string("ICE")) }
        if m.trickleICE { flags.append(.string("trickle ICE")) }
        if m.iceControlling { flags.append(.string("ICE controlling")) }
        var entry: [(key: String, value: BencodeValue)] = [("index", .integer(Int64(m.index))), ("type", .string(m.type))]
        // 10.5 names only the profiles it knows (the RTP ones, and UDPTL in lower case).
        if let known = knownProtocol(m.proto) { entry.append(("protocol", .string(known))) }
        // rtpengine names the codec once media has flowed.
        if let codec { entry.append(("codec", .string(codec))) }
        entry += [("streams", .list(streams)), ("flags", .list(flags))]
        return .dictionary(entry)
    }

    static func knownProtocol(_ proto: String) -> String? {
        switch proto {
        case "RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF": return proto
        case "udptl", "UDPTL": return "udptl"
        default: return nil
        }
    }

    /// The kind flags of a leg's RTP and RTCP streams: with rtcp-mux, RTP carries RTCP and
    /// the RTCP port is only the fallback.
    static func rtpKinds(_ m: MediaLeg) -> [String] { m.rtcpMux ? ["RTP", "RTCP"] : ["RTP"] }
    static func rtcpKinds(_ m: MediaLeg) -> [String] { m.rtcpMux ? ["RTCP", "fallback RTCP"] : ["RTCP"] }

    /// One stream as query lists it: `endpoint` where the proxy sends, `advertised` where
    /// the participant's last SDP says it receives, `local` the address of its socket;
    /// without `port` (a rejected section) it has no local socket to name.
    static func stream(port: UInt16?, endpoint: Endpoint?, advertised sdpEndpoint: Endpoint?, kind: [String], local: IPAddress,
                       created: Double, counters: StreamCounters, ice: Bool) -> BencodeValue {
        let advertised = sdpEndpoint.map(address) ?? .dictionary([])
        // The engine's endpoint once packets came (learned); before, the SDP's: the engine
        // may not have taken a rule from the latest signalling yet.
        let ep = ((counters.packets > 0 ? counters.endpoint : nil) ?? endpoint).map(address) ?? .dictionary([])
        var entry: [(key: String, value: BencodeValue)] = []
        if let port {
            entry = [("local port", .integer(Int64(port))),
                     ("local address", .string(local.description)),
                     ("family", .string(local.family == .inet ? "IPv4" : "IPv6"))]
        }
        entry += [("endpoint", ep), ("advertised endpoint", advertised)]
        // No packet yet: rtpengine reports the stream's creation time.
        entry.append(("last packet", .integer(Int64(counters.lastPacket ?? created))))
        var flags: [BencodeValue] = kind.map { .string($0) }
        if endpoint != nil { flags.append(.string("filled")) }
        // Learning over: 10.5 then kernelizes the stream, which without a kernel table it
        // marks as both kernelized and without kernel support.
        if counters.confirmed { flags += [.string("confirmed"), .string("kernelized"), .string("no kernel support")] }
        if ice { flags.append(.string("ICE")) }
        entry.append(("flags", .list(flags)))
        if let ssrc = counters.ssrc { entry.append(("SSRC", .integer(Int64(ssrc)))) }
        entry.append(("stats", stats(counters)))
        return .dictionary(entry)
    }

    static func stats(_ c: StreamCounters) -> BencodeValue {
        .dictionary([("packets", .integer(Int64(c.packets))), ("bytes", .integer(Int64(c.bytes))), ("errors", .integer(Int64(c.errors)))])
    }

    static func address(_ e: Endpoint) -> BencodeValue {
        .dictionary([
            ("family", .string(e.address.family == .inet ? "IPv4" : "IPv6")),
            ("address", .string(e.address.description)),
            ("port", .integer(Int64(e.port))),
        ])
    }
}

extension StreamCounters {
    mutating func add(_ other: StreamCounters) {
        packets += other.packets
        bytes += other.bytes
        errors += other.errors
    }
}

extension MediaLeg {
    /// The counters of the leg's RTP and RTCP sockets on `address` (zero for a socket the
    /// engine does not know); nil without local ports.
    func streamCounters(on address: IPAddress, _ counters: QueryReport.Counters, pair k: Int = 0)
        -> (rtp: StreamCounters, rtcp: StreamCounters)? {
        guard let ports = localPorts?.pair(k) else { return nil }
        return (counters(LocalSocket(address: address, port: ports.rtp)) ?? StreamCounters(),
                ports.rtcpLocal(on: address).flatMap(counters) ?? StreamCounters())
    }

    /// The codec of the last RTP packet, by the SDP's payload types.
    func codec(of rtp: StreamCounters) -> String? {
        rtp.payloadType.flatMap { pt in codecs.last { $0.payloadType == pt }?.name }
    }
}
