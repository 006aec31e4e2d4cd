import NetAddress

/// A logical interface as signalling sees it: the name `direction`/`interface` select, the
/// local address media is bound to, and the address SDP advertises.
public struct MediaInterface: Hashable, Sendable {
    public var name: String
    public var address: IPAddress
    public var advertised: IPAddress?

    public init(name: String, address: IPAddress, advertised: IPAddress? = nil) {
        self.name = name
        self.address = address
        self.advertised = advertised
    }

    /// What SDP says the proxy's address is.
    public var sdpAddress: IPAddress { advertised ?? address }
}

/// Two consecutive local ports: RTP on the even one, RTCP on the next.
public struct PortPair: Hashable, Sendable {
    public var rtp: UInt16
    public var rtcp: UInt16 { rtp &+ 1 }

    public init(rtp: UInt16) { self.rtp = rtp }
}

/// Where a participant receives a stream, as its SDP says.
public struct Endpoint: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
}

/// One media section as one participant sees it.
public struct MediaLeg: Sendable {
    /// 1-based position of the m= line, as rtpengine numbers medias.
    public var index: Int
    public var type: String
    public var proto: String
    /// The ports this participant sends to; nil while the section is rejected.
    public var localPorts: PortPair?
    /// Where this participant receives RTP and RTCP, from its last SDP.
    public var rtpEndpoint: Endpoint?
    public var rtcpEndpoint: Endpoint?
    public var sends = true
    public var receives = true
    /// The `a=ptime` value of this participant's last SDP for the section.
    public var ptime: String?
    /// This participant's last SDP carried `a=rtcp-mux` for the section.
    public var rtcpMux = false
    /// `asymmetric`: the participant sends from somewhere else than it receives on.
    public var asymmetric = false
}

/// One call participant ("monologue"): a SIP tag and the media it negotiated.
public struct Participant: Sendable {
    public var tag: String?
    /// The local interface this participant talks to (chosen when it first appears).
    public var interface: MediaInterface
    public var label: String?
    public var viaBranch: String?
    public var created: Double
    public var medias: [MediaLeg] = []
    /// The participant's SDP has been seen (offer or answer), not only reserved by a peer's.
    public var hasSDP = false
    /// `replace` state for SDPs sent to this participant.
    public var outgoingOrigin = OutgoingOrigin()

    public init(tag: String?, interface: MediaInterface, created: Double) {
        self.tag = tag
        self.interface = interface
        self.created = created
    }
}

/// A call: participants keyed by position; `dialogues` pairs the two sides of an exchange.
public struct Call: Sendable {
    public let callID: String
    public let created: Double
    public var lastSignal: Double
    public var participants: [Participant] = []
    /// Pairs of participant indices in dialogue (offerer, answerer).
    public var dialogues: [(Int, Int)] = []
    /// When the call is deleted for good (after `delete delay`); nil while active.
    public var deleteAt: Double?
    /// The `rtcp-mux` options of the last offer; the answer is judged by them.
    public var rtcpMuxOptions: Set<String> = []

    public init(callID: String, created: Double) {
        self.callID = callID
        self.created = created
        self.lastSignal = created
    }

    public func participantIndex(tag: String) -> Int? {
        participants.firstIndex { $0.tag == tag }
    }

    /// The indices of the participants `index` is in dialogue with.
    public func peers(of index: Int) -> [Int] {
        dialogues.compactMap { $0.0 == index ? $0.1 : ($0.1 == index ? $0.0 : nil) }
    }
}
