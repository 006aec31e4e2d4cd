import NetAddress
import SDP

extension CallRegistry {
    /// The local interface for a participant that appears now. `name` is one element of
    /// `direction`: a logical interface name, or a `BASE` whose `BASE:SUFFIX` interfaces
    /// take turns (round robin); an unknown or absent name means the default interface
    /// (the one named `default`, else the first configured), as in rtpengine. Within the
    /// logical interface, an address of `family` is preferred.
    func selectInterface(_ name: String?, family: IPAddress.Family?) -> MediaInterface {
        let all = settings.interfaces
        var logical = all.contains { $0.name == InterfaceDefaults.name } ? InterfaceDefaults.name : all[0].name
        if let name {
            if all.contains(where: { $0.name == name }) {
                logical = name
            } else {
                var members: [String] = []
                for i in all where i.name.hasPrefix(name + ":") && !members.contains(i.name) { members.append(i.name) }
                if !members.isEmpty {
                    let turn = roundRobin.withLock { counters -> Int in
                        defer { counters[name, default: 0] += 1 }
                        return counters[name, default: 0]
                    }
                    logical = members[turn % members.count]
                }
            }
        }
        let candidates = all.filter { $0.name == logical }
        return candidates.first { $0.address.family == family } ?? candidates[0]
    }

    /// The address family an SDP speaks in (session c=, else the first media c=).
    static func family(of sdp: SessionDescription) -> IPAddress.Family? {
        (sdp.connection ?? sdp.media.lazy.compactMap(\.connection).first).flatMap { IPAddress($0.address)?.family }
    }
}
