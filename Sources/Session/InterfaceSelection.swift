import NetAddress
import SDP

extension CallRegistry {
    /// The local interface for a participant that appears now. `name` is one element of
    /// `direction`: a logical interface name, or a `BASE` whose `BASE:SUFFIX` interfaces
    /// take turns (round robin); an unknown or absent name means the default interface
    /// (the one named `default`, else the first configured), as in rtpengine. Within the
    /// logical interface, an address of `family` is preferred.
    /// With `needs`, the participant can only be reached on `family` (its own SDP speaks
    /// it): a logical interface without that family gives way to one that has it.
    func selectInterface(_ name: String?, family wanted: IPAddress.Family?, needs: Bool = false) -> MediaInterface {
        let all = settings.interfaces
        var logical = all.contains { $0.name == InterfaceDefaults.name } ? InterfaceDefaults.name : all[0].name
        var family = wanted
        var needs = needs
        // The legacy direction words select a family where no interface has the name (any
        // interface of it when the default has none).
        if let name, let word = wordFamily(name) {
            family = word
            needs = true
        } else if let name {
            if all.contains(where: { $0.name == name }) {
                logical = name
                // A round-robin member named by itself is found only in its own family (10.5).
                if name.contains(":") { needs = true }
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
        if let match = candidates.first(where: { $0.address.family == family }) { return match }
        if needs, let family, let other = otherFamily(of: candidates[0], family) { return other }
        return candidates[0]
    }

    /// The family a legacy direction word names (`internal` IPv4, `external` IPv6), nil for
    /// any other name or one an interface has.
    func wordFamily(_ name: String) -> IPAddress.Family? {
        namesFamily(name) ? (name == "internal" ? .inet : .inet6) : nil
    }

    /// Whether a `direction` word is `internal` or `external` meaning a family (no interface
    /// has that name), as 10.5 reads the legacy words.
    func namesFamily(_ name: String) -> Bool {
        (name == "internal" || name == "external") && !settings.interfaces.contains { $0.name == name }
    }

    /// Per section of an SDP, the interface `direction` picks for a participant (10.5 picks
    /// one per media): a section on an interface of that name (or of that round-robin group)
    /// and of the family it wants stays; a section new to the participant starts from the
    /// pick of the one before (the first of a new participant from `first`, picked already);
    /// any other is picked anew, a group taking a turn for each.
    func sectionPicks(_ legs: [MediaLeg], families: [IPAddress.Family?], name: String, fallback: MediaInterface,
                      first: MediaInterface? = nil) -> [MediaInterface] {
        var picks: [MediaInterface] = []
        picks.reserveCapacity(families.count)
        for (i, family) in families.enumerated() {
            if i == 0, legs.isEmpty, let first { picks.append(first); continue }
            let logical = i < legs.count ? legs[i].pick ?? legs[i].currentInterface ?? fallback : picks.last ?? fallback
            let stays = Self.interface(logical, isNamed: name) && (family == nil || logical.address.family == family)
            picks.append(stays ? logical : selectInterface(name, family: family ?? logical.address.family))
        }
        return picks
    }

    /// Whether `interface` is the logical interface `name` or a member of its round-robin
    /// group (`ext` for `ext:1`).
    static func interface(_ interface: MediaInterface, isNamed name: String) -> Bool {
        interface.name == name || (interface.name.hasPrefix(name) && interface.name.dropFirst(name.count).first == ":")
    }

    /// The interface of `interface`'s logical name in `family`, if the name has one.
    func counterpart(of interface: MediaInterface, in family: IPAddress.Family) -> MediaInterface? {
        settings.interfaces.first { $0.name == interface.name && $0.address.family == family }
    }

    /// An address of `family` for a participant on `interface`: the same logical interface's,
    /// else the default interface's, else any; nil where none has that family (10.5 falls
    /// back the same way).
    func otherFamily(of interface: MediaInterface, _ family: IPAddress.Family) -> MediaInterface? {
        let all = settings.interfaces
        let fallback = all.contains { $0.name == InterfaceDefaults.name } ? InterfaceDefaults.name : all[0].name
        return counterpart(of: interface, in: family)
            ?? all.first { $0.name == fallback && $0.address.family == family }
            ?? all.first { $0.address.family == family }
    }

    /// The address family an SDP speaks in (session c=, else the first media c=).
    static func family(of sdp: SessionDescription) -> IPAddress.Family? {
        (sdp.connection ?? sdp.media.lazy.compactMap(\.connection).first).flatMap { IPAddress($0.address)?.family }
    }
}
