import ByteText
import NG
import NetAddress

/// A local media socket: a port on an interface address.
public struct LocalSocket: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { "\(address.bracketedDescription):\(port)" }
}

/// How a socket learns where the participant it faces really sends from (`--endpoint-learning`).
public enum EndpointLearning: String, Sendable {
    case off, immediate, delayed, heuristic
}

/// What a socket does with what arrives on it.
public enum ArrivalAction: UInt8, Sendable {
    /// Sends RTP to `rtpTarget`'s participant and RTCP to `rtcpTarget`'s.
    case forward
    /// Sends it back to the participant it came from (media echo), RTP with a new SSRC.
    case echo
    /// Discards it (block media, drop-traffic, blackhole, the far side of an echo).
    case drop
}

/// Everything a media thread needs for one local socket. Built by signalling from the
/// call state; the media engine applies it without touching the call.
public struct SocketRule: Hashable, Sendable {
    public var socket: LocalSocket
    public var isRTCP: Bool
    /// Where the participant this socket faces receives, from its SDP (nil: unknown or hold).
    public var advertised: Endpoint?
    public var learning: EndpointLearning
    /// Wall-clock seconds: delayed and heuristic learning end with the first packet after
    /// this, as in 10.5, which commits to an endpoint once the whole second of the last
    /// offer or answer and the three after it have passed.
    public var learnUntil: Double = 0
    public var strictSource = false
    public var mediaHandover = false
    /// NAT-wait: nothing is sent to the participant before it has sent something.
    public var natWait = false
    /// pierce NAT: empty datagrams go to the participant until it sends.
    public var pierceNAT = false
    /// rtcp-mux: RTCP arriving on this RTP socket is told apart by payload type.
    public var demux = false
    public var action: ArrivalAction = .forward
    /// The sockets that send RTP and RTCP arriving here on to the other participant.
    public var rtpTarget: LocalSocket?
    public var rtcpTarget: LocalSocket?

    public init(socket: LocalSocket, isRTCP: Bool, advertised: Endpoint?, learning: EndpointLearning) {
        self.socket = socket
        self.isRTCP = isRTCP
        self.advertised = advertised
        self.learning = learning
    }
}

/// The media engine as signalling sees it: installs a call's forwarding rules and reports
/// what its sockets have seen.
public protocol MediaPlane: AnyObject, Sendable {
    /// Replaces the rules of `callID`'s sockets. Sockets keep their counters and learned
    /// endpoints unless their advertised endpoint changed.
    func install(callID: ByteString, rules: [SocketRule])
    /// Counters of one socket; nil for a socket the engine does not know.
    func counters(of socket: LocalSocket) -> StreamCounters?
}

/// What a socket has received, as `query` and the timeouts see it.
public struct StreamCounters: Sendable, Equatable {
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var errors: UInt64 = 0
    /// Wall-clock seconds of the last packet; nil before the first.
    public var lastPacket: Double?
    /// Where the participant receives now (learned, else advertised).
    public var endpoint: Endpoint?
    public var ssrc: UInt32?
    /// The payload type of the last RTP packet.
    public var payloadType: Int?
    public var lost: UInt64 = 0
    /// Endpoint learning is over and a packet has arrived (query's `confirmed`).
    public var confirmed = false

    public init() {}
}

/// Media options a call keeps from its signalling.
public struct CallMediaOptions: Sendable, Equatable {
    public var learning: EndpointLearning?
    public var strictSource = false
    public var mediaHandover = false
    public var natWait = false
    public var pierceNAT = false
    /// `drop-traffic start`: every packet of the call is discarded.
    public var dropTraffic = false
    /// `media echo blackhole`.
    public var blackhole = false

    public init() {}
}

/// Builds a call's socket rules from its negotiated state. Pure: the same call gives the
/// same rules.
public enum ForwardingPlan {
    public static func rules(for call: Call, defaultLearning: EndpointLearning) -> [SocketRule] {
        let anyEcho = call.participants.contains(where: \.echo)
        var rules: [SocketRule] = []
        rules.reserveCapacity(call.participants.count * 4)
        // What a participant sends goes to the participant subscribed to it (the offerer's
        // current branch, a callee's offerer); a participant nobody hears has its sockets
        // dropping what arrives (they still say where it receives).
        for p in call.participants.indices {
            let target = call.hearer(of: p)
            for i in call.participants[p].medias.indices {
                guard let ports = call.participants[p].medias[i].localPorts else { continue }
                let toPorts = target.flatMap { t in i < call.participants[t].medias.count ? call.participants[t].medias[i].localPorts : nil }
                for k in 0..<ports.pairs {
                    let leg = call.participants[p].medias[i]
                    let fromSide = Side(call.participants[p], leg: leg, ports: ports.pair(k), endpoints: leg.destinations(ofPair: k))
                    // Pair k relays to pair k of the other side (port counts).
                    let toSide = target.flatMap { t in
                        toPorts.flatMap { k < $0.pairs ? Side(call.participants[t], leg: call.participants[t].medias[i], ports: $0.pair(k),
                                                              endpoints: call.participants[t].medias[i].destinations(ofPair: k)) : nil }
                    }
                    addRules(from: fromSide, to: toSide, call: call, anyEcho: anyEcho, learning: defaultLearning, into: &rules)
                }
            }
        }
        return rules
    }

    /// What the rules need of one participant's leg (not the whole participant: copying it
    /// for every rule cost more than the rules).
    struct Side {
        var address: IPAddress
        var mediaBlocked: Bool
        var echo: Bool
        var asymmetric: Bool
        /// The proxy muxes RTCP towards this side (10.5's rtcp-mux with it).
        var muxed: Bool
        var ports: PortPair
        var rtpEndpoint: Endpoint?
        var rtcpEndpoint: Endpoint?

        init(_ participant: Participant, leg: MediaLeg, ports: PortPair, endpoints: (rtp: Endpoint?, rtcp: Endpoint?)) {
            address = leg.localAddress(default: participant)
            mediaBlocked = participant.mediaBlocked
            echo = participant.echo
            asymmetric = leg.asymmetric
            muxed = leg.rtcpMux
            self.ports = ports
            (rtpEndpoint, rtcpEndpoint) = endpoints
        }

        var rtp: LocalSocket { LocalSocket(address: address, port: ports.rtp) }
        var rtcp: LocalSocket { ports.rtcpLocal(on: address) ?? rtp }
    }

    /// Appends the RTP and RTCP rules of the sockets `from` sends to.
    static func addRules(from: Side, to: Side?, call: Call, anyEcho: Bool, learning: EndpointLearning,
                         into rules: inout [SocketRule]) {
        let mode = from.asymmetric ? .off : (call.mediaOptions.learning ?? learning)
        let action: ArrivalAction
        if call.mediaOptions.dropTraffic || call.mediaOptions.blackhole || from.mediaBlocked {
            action = .drop
        } else if from.echo {
            action = .echo
        } else {
            action = anyEcho || to == nil ? .drop : .forward
        }
        // A side holding its RTP port alone sends and takes RTCP there too.
        let targetRTCP = to.map { $0.muxed || $0.ports.rtcpSocket == nil ? $0.rtp : $0.rtcp }
        for isRTCP in from.ports.rtcpSocket != nil ? [false, true] : [false] {
            let endpoint = isRTCP ? from.rtcpEndpoint : from.rtpEndpoint
            var rule = SocketRule(socket: isRTCP ? from.rtcp : from.rtp, isRTCP: isRTCP,
                                  advertised: endpoint.flatMap { $0.address.isUnspecified || $0.port == 0 ? nil : $0 },
                                  learning: mode)
            rule.learnUntil = (call.lastSignal.rounded(.down) + 4)
            rule.strictSource = call.mediaOptions.strictSource
            rule.mediaHandover = call.mediaOptions.mediaHandover
            rule.natWait = call.mediaOptions.natWait
            rule.pierceNAT = call.mediaOptions.pierceNAT && !isRTCP
            rule.demux = !isRTCP && (from.muxed || from.ports.rtcpSocket == nil)
            rule.action = action
            rule.rtpTarget = to?.rtp
            rule.rtcpTarget = targetRTCP
            rules.append(rule)
        }
    }
}
