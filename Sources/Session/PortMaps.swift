import NG

/// Local ports a leg holds for one far endpoint. As 10.5 keeps them (its endpoint maps), a
/// participant's ports for a section depend on where the other side says it receives:
/// a new endpoint gets new ports, one seen before gets its ports back, and a map taken
/// while the other side was unknown goes to the first endpoint that comes.
public struct PortMap: Sendable {
    /// The far endpoint; nil while unknown.
    public var key: Endpoint?
    public var ports: PortPair
    /// Where the ports are: a participant moved to another interface keeps its maps on the
    /// old one and gets them back when it returns (10.5).
    public var interface: MediaInterface
}

extension CallRegistry {
    /// Points `leg` at the map for `key` (an exact match, else one still without a key, else
    /// a new one), or with `keepCurrent` at the map it uses now; then fits that map to
    /// `pairs` (fewer keep the first pairs, more take a new run). Maps stay held until the
    /// call ends. Without `rtcp` (RTCP muxed for sure) a new map of one pair holds the RTP
    /// port alone, as 10.5 binds it; with `refit`, such a map that now needs RTCP is
    /// replaced by a new pair (a pair never shrinks to one port).
    func selectPorts(_ leg: inout MediaLeg, key: Endpoint?, keepCurrent: Bool, pairs: Int, rtcp: Bool = true, refit: Bool = false,
                     on interface: MediaInterface, changes: inout PortChanges) throws(NGError) {
        func fresh() throws(NGError) -> PortPair {
            let block = pairs == 1 && !rtcp ? ports.allocateRTPOnly(on: interface) : ports.allocate(on: interface, pairs: pairs)
            guard let block else { throw .portsExhausted }
            changes.allocated.append((block, interface))
            return block
        }
        // A null address (either family) stands for any address at its port: ports for it
        // are the ones of the same port at a real address and back (a hold and its end
        // keep them; a hold from another port gets new ones), as in 10.5.
        let isNull = { (e: Endpoint) in e.address.isUnspecified }
        let matches = { (mapKey: Endpoint?) -> Bool in
            guard let mapKey, let key else { return false }
            return mapKey == key || (mapKey.port == key.port && (isNull(mapKey) || isNull(key)))
        }
        var index: Int
        var openedNow = false
        // (A lone RTP port still held for this endpoint is found first whatever keeps the
        // current map, `port latching` too: 10.5 looks the endpoint up each time.)
        let loneFirst = rtcp && refit && pairs == 1
            && leg.maps.contains { !$0.ports.hasRTCP && matches($0.key) && $0.interface == interface }
        // (RTCP muxed for sure, the map in use for this endpoint stays, even a pair beside an
        // older lone port of it: 10.5 needs no RTCP port then and keeps what it uses.)
        let currentFits = !rtcp && refit && leg.currentMap.map { matches(leg.maps[$0].key) } == true
        if keepCurrent || currentFits, !loneFirst, let current = leg.currentMap, leg.maps[current].interface == interface {
            index = current
            // Kept ports still learn whom they are for when they were open (`port latching`
            // in an answer: the next SDP from another port gets new ones, as in 10.5).
            if leg.maps[current].key == nil, let key { leg.maps[current].key = key }
        } else if keepCurrent, !loneFirst, leg.currentMap.map({ leg.maps[$0].interface != interface }) ?? true,
                  let recent = leg.maps.lastIndex(where: { $0.interface == interface }) {
            // (`port latching` back on an interface the leg left: the ports it had there last,
            // as 10.5 keeps a leg's sockets per interface.)
            index = recent
            if leg.maps[recent].key == nil, let key { leg.maps[recent].key = key }
        } else if let exact = leg.maps.firstIndex(where: { matches($0.key) && $0.interface == interface }) {
            index = exact
            if let key, !isNull(key) { leg.maps[exact].key = key }
        } else if let open = leg.maps.firstIndex(where: { $0.key == nil && $0.interface == interface }) {
            leg.maps[open].key = key
            index = open
            openedNow = true
        } else {
            var block = try fresh()
            // A lone RTP port for a new endpoint: the leg's RTCP stream keeps the socket it
            // had (10.5 replaces only the RTP one); after a rejection it had none, and
            // shows port 0.
            if !block.hasRTCP, !leg.socketsTaken, let last = leg.currentMap ?? leg.lastMap {
                let held = leg.maps[last]
                block.keptRTCP = held.ports.rtcpSocket
                let address = held.ports.rtcpAddress(default: held.interface.address)
                if address != interface.address { block.keptRTCPAddress = address }
            }
            leg.maps.append(PortMap(key: key, ports: block, interface: interface))
            index = leg.maps.count - 1
        }
        var held = leg.maps[index].ports
        if !held.hasRTCP, pairs == 1, rtcp, refit {
            // A lone RTP port that now needs RTCP: 10.5 keeps its map (bound, still relaying)
            // and takes a new pair beside it for the same endpoint. The endpoint's next SDP
            // finds the lone one first again, so every SDP to the leg takes new ports.
            // (A lone port that was for nobody yet, the offerer's own under `demux`, stays
            // for nobody: the pair is the endpoint's from now on, as in 10.5.)
            let block = try fresh()
            leg.maps.append(PortMap(key: leg.maps[index].key, ports: block, interface: interface))
            if openedNow { leg.maps[index].key = nil }
            index = leg.maps.count - 1
            held = block
        }
        if held.pairs > pairs {
            changes.released.append((PortPair(rtp: held.pair(pairs).rtp, pairs: held.pairs - pairs), interface))
            leg.maps[index].ports = PortPair(rtp: held.rtp, pairs: pairs)
        } else if held.pairs < pairs || (!held.hasRTCP && (pairs > 1 || (rtcp && refit))) {
            let replacement = try fresh()
            changes.released.append((held, interface))
            leg.maps[index].ports = replacement
        }
        leg.currentMap = index
        leg.lastMap = index
        leg.localPorts = leg.maps[index].ports
        leg.socketsTaken = false
    }

    /// Leaves the map `leg` uses (its participant moves to another interface); the maps stay
    /// held there until the call ends.
    func leaveMaps(_ leg: inout MediaLeg) {
        leg.currentMap = nil
        leg.localPorts = nil
    }
}
