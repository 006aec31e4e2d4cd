import Bencode
import NG
import NetAddress

/// Why a call ended without a delete.
enum TimeoutReason {
    case timeout, silent, final, offer
}

extension CallRegistry {
    /// The media options an offer or answer carries: they stick to the call until changed.
    func applyMediaOptions(_ r: NGRequest, to call: inout Call, sender: Int, receiver: Int) {
        if let learning = r.endpointLearning { call.mediaOptions.learning = EndpointLearning(rawValue: learning.rawValue) }
        if r.has(.strictSource) { call.mediaOptions.strictSource = true }
        if r.has(.mediaHandover) { call.mediaOptions.mediaHandover = true }
        if r.has(.natWait) { call.mediaOptions.natWait = true }
        if r.has(.pierceNAT) { call.mediaOptions.pierceNAT = true }
        if let drop = r.dropTraffic { call.mediaOptions.dropTraffic = drop == .start }
        if let echo = r.mediaEcho {
            call.mediaOptions.blackhole = echo == .blackhole
            // `forward` echoes towards the receiver of this message, `backwards` towards its sender.
            call.participants[receiver].echo = echo == .forward || echo == .both
            call.participants[sender].echo = echo == .backwards || echo == .both
        }
    }

    /// `block media` / `unblock media`: the participant named by from-tag, media address
    /// or label, or the whole call.
    func blockMedia(_ r: NGRequest, block: Bool) throws(NGError) -> [(key: String, value: BencodeValue)] {
        guard let callID = r.callID else { throw .missingKey("call-id") }
        try state.withLock { calls throws(NGError) in
            guard var call = calls[callID], call.deleteAt == nil else { throw .unknownCallID }
            let selected: [Int]
            if let tag = r.fromTag {
                guard let i = call.participantIndex(tag: tag) else { throw .unknownFromTag }
                selected = [i]
            } else if let text = r.address {
                guard let address = IPAddress(text) else { throw .badAddress }
                guard let i = call.participants.firstIndex(where: { p in
                    p.medias.contains { $0.rtpEndpoint?.address == address }
                }) else { throw .unknownAddress }
                selected = [i]
            } else if let label = r.label {
                guard let i = call.participants.firstIndex(where: { $0.label == label }) else { throw .unknownLabel }
                selected = [i]
            } else {
                selected = Array(call.participants.indices)
            }
            for i in selected { call.participants[i].mediaBlocked = block }
            calls[callID] = call
            installForwarding(call)
        }
        return []
    }

    /// Whether a call's media has timed out, and why: the final timeout counts from the
    /// call's creation, the offer timeout from an offer nobody answered; otherwise the call
    /// lives while one of its streams had a packet within `--timeout` (`--silent-timeout`
    /// for a stream whose sender is muted or on hold, or that has no peer yet).
    func timedOut(_ call: Call, now: Double, settings: Settings) -> TimeoutReason? {
        if settings.finalTimeout > 0, now - call.created >= settings.finalTimeout { return .final }
        if call.answered == nil {
            return settings.offerTimeout > 0 && now - call.created >= settings.offerTimeout ? .offer : nil
        }
        guard let media, settings.timeout > 0 || settings.silentTimeout > 0 else { return nil }
        var reason = TimeoutReason.timeout
        var streams = 0
        for p in call.participants {
            for leg in p.medias {
                guard let ports = leg.localPorts else { continue }
                let silent = !leg.sends || leg.rtpEndpoint == nil
                let limit = silent ? settings.silentTimeout : settings.timeout
                for socket in ports.sockets(on: leg.localAddress(default: p)) {
                    streams += 1
                    let last = media.counters(of: socket)?.lastPacket
                    if limit <= 0 || now - max(last ?? 0, call.answered ?? call.created) < limit { return nil }
                }
                reason = silent ? .silent : .timeout
            }
        }
        return streams > 0 ? reason : nil
    }
}
