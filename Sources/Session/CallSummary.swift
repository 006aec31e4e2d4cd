import ByteText
import NetAddress

/// A call as the operator's CLI lists it: plain values, read under the registry's lock
/// together with the media engine's counters, so formatting needs neither. Ids are
/// lossless text (`LosslessText`): the CLI writes their bytes out as they came.
public struct CallSummary: Sendable, Equatable {
    public enum TagKind: String, Sendable, Equatable {
        case fromTag = "FROM_TAG"
        case toTag = "TO_TAG"
        case unknown = "UNKNOWN"
    }

    /// Which address families the answered call's two sides use.
    public enum FamilyMix: Sendable, Equatable {
        case ipv4Only, ipv6Only, mixed
    }

    public struct Stream: Sendable, Equatable {
        public var local: Endpoint
        public var endpoint: Endpoint?
        public var isRTCP: Bool
        public var counters: StreamCounters
    }

    public struct Media: Sendable, Equatable {
        public var index: Int
        public var type: String
        public var proto: String
        /// The codec of the last RTP packet; nil before media.
        public var codec: String?
        public var streams: [Stream]
    }

    public struct Tag: Sendable, Equatable {
        public var tag: String
        public var kind: TagKind
        public var label: String
        public var branch: String
        public var created: Double
        public var subscriptions: [String]
        public var medias: [Media]
    }

    public var callID: String
    public var created: Double
    public var lastSignal: Double
    public var proxy: String
    public var tos: Int
    public var deleted: Bool
    public var tags: [Tag]
    /// Nil until the call is answered.
    public var families: FamilyMix?
}

extension CallSummary {
    init(_ call: Call, defaultTOS: Int, counters: (LocalSocket) -> StreamCounters?) {
        callID = call.callID.losslessText
        created = call.created
        lastSignal = call.lastSignal
        proxy = call.proxy ?? ""
        tos = call.tos ?? defaultTOS
        // 10.5's deletion mark is a tagged delete's: a whole-call one does not set it.
        deleted = call.participants.contains(where: \.deleted)
        tags = call.participants.enumerated().map { i, p in
            let kind: TagKind = p.tag == nil ? .unknown : (call.lastFromTag == i ? .fromTag : .toTag)
            let medias: [Media] = p.medias.map { m in
                var streams: [Stream] = []
                var codec: String?
                let address = m.localAddress(default: p)
                for k in 0..<(m.localPorts?.pairs ?? 0) {
                    guard let ports = m.localPorts?.pair(k),
                          let (rtp, rtcp) = m.streamCounters(on: address, counters, pair: k) else { continue }
                    if k == 0 { codec = m.codec(of: rtp) }
                    let endpoints = m.destinations(ofPair: k)
                    streams += [
                        Stream(local: Endpoint(address: address, port: ports.rtp),
                               endpoint: (rtp.packets > 0 ? rtp.endpoint : nil) ?? endpoints.rtp, isRTCP: false, counters: rtp),
                        Stream(local: Endpoint(address: ports.rtcpAddress(default: address), port: ports.rtcpShown),
                               endpoint: (rtcp.packets > 0 ? rtcp.endpoint : nil) ?? endpoints.rtcp, isRTCP: true, counters: rtcp),
                    ]
                }
                return Media(index: m.index, type: m.type, proto: m.proto, codec: codec, streams: streams)
            }
            return Tag(tag: Self.text(p.tag), kind: kind, label: Self.text(p.label), branch: Self.text(p.viaBranch),
                       created: p.created, subscriptions: call.subscriptions(of: i).map { Self.text(call.participants[$0].tag) },
                       medias: medias)
        }
        families = call.answered == nil ? nil : Self.families(of: call)
    }

    /// An id as lossless text (the CLI writes its bytes back), "" when absent.
    private static func text(_ id: ByteString?) -> String { id?.losslessText ?? "" }

    /// By the addresses each side's SDP gave for its media.
    static func families(of call: Call) -> FamilyMix? {
        var v4 = false, v6 = false
        for p in call.participants {
            for m in p.medias {
                guard let e = m.rtpEndpoint else { continue }
                if e.address.family == .inet { v4 = true } else { v6 = true }
            }
        }
        switch (v4, v6) {
        case (true, false): return .ipv4Only
        case (false, true): return .ipv6Only
        case (true, true): return .mixed
        default: return nil
        }
    }
}

extension CallRegistry {
    /// Every call the registry holds (lingering deleted ones too), oldest first.
    public func summaries() -> [CallSummary] {
        let calls = state.withLock { $0.values.sorted { $0.created < $1.created } }
        let tos = settings.tos
        return calls.map { CallSummary($0, defaultTOS: tos, counters: streamCounters) }
    }

    /// One call, or nil when the registry has no such call-id.
    public func summary(callID: ByteString) -> CallSummary? {
        guard let call = state.withLock({ $0[callID] }) else { return nil }
        return CallSummary(call, defaultTOS: settings.tos, counters: streamCounters)
    }

    /// Media streams of active calls relayed in userspace (`Userspace-only media streams`):
    /// those that have received packets while endpoint learning still ran. 10.5 marks a
    /// stream confirmed after learning as kernelized (without kernel support here), and
    /// counts it as neither userspace nor kernel.
    public func streamsWithTraffic() -> Int {
        let calls = state.withLock { Array($0.values) }
        var n = 0
        for call in calls {
            for p in call.participants {
                for m in p.medias {
                    guard let ports = m.localPorts else { continue }
                    let address = m.localAddress(default: p)
                    for socket in ports.sockets(on: address) {
                        guard let c = streamCounters(socket), c.packets > 0, !c.confirmed else { continue }
                        n += 1
                    }
                }
            }
        }
        return n
    }

    /// Whether the socket at `port` on `address` has received packets.
    func hasTraffic(_ address: IPAddress, _ port: UInt16) -> Bool {
        (streamCounters(LocalSocket(address: address, port: port))?.packets ?? 0) > 0
    }

    /// Changes settings at run time (the CLI's `set` commands); calls see them from their
    /// next request or timer check on.
    public func updateSettings(_ change: (inout Settings) -> Void) {
        settingsBox.withLock { change(&$0) }
    }

    /// Ends a call now, ignoring its delete delay (CLI `terminate`); false when unknown.
    @discardableResult
    public func terminate(callID: ByteString, now: Double) -> Bool {
        let ended: Call? = state.withLock { calls in
            guard let call = calls.removeValue(forKey: callID) else { return nil }
            recordEnd(call, .forced, now: now)
            return call
        }
        guard let ended else { return false }
        releasePorts(of: ended)
        return true
    }

    /// Ends every call now (CLI `terminate all`).
    public func terminateAll(now: Double) {
        let ended: [Call] = state.withLock { calls in
            let all = Array(calls.values)
            calls.removeAll()
            for call in all { recordEnd(call, .forced, now: now) }
            return all
        }
        for call in ended { releasePorts(of: call) }
    }
}
