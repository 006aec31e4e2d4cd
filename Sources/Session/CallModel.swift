import ByteText
import NetAddress

/// A logical interface as signalling sees it: the name `direction`/`interface` select, the
/// local address media is bound to, and the address SDP advertises.
public struct MediaInterface: Hashable, Sendable {
    public var name: String
    public var address: IPAddress
    public var advertised: IPAddress?
    /// The interface's own port range (interface profiles); nil: `--port-min`..`--port-max`.
    public var portRange: ClosedRange<Int>?
    /// Ports never handed out on this interface (`exclude-ports`).
    public var excludedPorts: Set<Int> = []

    public init(name: String, address: IPAddress, advertised: IPAddress? = nil, portRange: ClosedRange<Int>? = nil,
                excludedPorts: Set<Int> = []) {
        self.name = name
        self.address = address
        self.advertised = advertised
        self.portRange = portRange
        self.excludedPorts = excludedPorts
    }

    /// What SDP says the proxy's address is.
    public var sdpAddress: IPAddress { advertised ?? address }
}

/// Two consecutive local ports: RTP on the even one, RTCP on the next; or, for an m= line
/// with a port count (`m=audio 5000/2`, RFC 8866 section 5.14), `pairs` such pairs one after
/// the other, the first of them named by `rtp`. A section whose RTCP is muxed for sure when
/// its ports are taken holds the RTP port alone (`hasRTCP` false), as 10.5 binds it.
public struct PortPair: Hashable, Sendable {
    public var rtp: UInt16
    public var pairs = 1
    public var hasRTCP = true
    /// For an RTP port held alone: the RTCP port of the leg's earlier map, which its RTCP
    /// stream keeps (10.5 replaces only the RTP socket when a new endpoint needs no RTCP).
    public var keptRTCP: UInt16?
    /// The address of the kept RTCP port when the earlier map was on another interface (10.5
    /// keeps that socket when the section moves family).
    public var keptRTCPAddress: IPAddress?
    public var rtcp: UInt16 { rtp &+ 1 }

    public init(rtp: UInt16, pairs: Int = 1, hasRTCP: Bool = true) {
        self.rtp = rtp
        self.pairs = pairs
        self.hasRTCP = hasRTCP
    }

    /// The `k`th pair of the block (0 is the block itself when it has one pair).
    public func pair(_ k: Int) -> PortPair {
        var p = PortPair(rtp: rtp &+ UInt16(2 * k), hasRTCP: hasRTCP)
        p.keptRTCP = keptRTCP
        p.keptRTCPAddress = keptRTCPAddress
        return p
    }

    /// The RTCP port, or 0 (query's figure) when only the RTP port is held.
    public var rtcpShown: UInt16 { rtcpSocket ?? 0 }

    /// The port RTCP is taken on apart from RTP: the pair's own, else a kept one; nil when
    /// RTCP shares the RTP port.
    public var rtcpSocket: UInt16? { hasRTCP ? rtcp : keptRTCP }

    /// The local address of the RTCP socket: the pair's own, or the kept one's.
    public func rtcpAddress(default address: IPAddress) -> IPAddress {
        hasRTCP ? address : keptRTCPAddress ?? address
    }

    /// The RTCP socket apart from RTP, for a pair whose RTP port is on `address`; nil when
    /// RTCP shares the RTP port.
    public func rtcpLocal(on address: IPAddress) -> LocalSocket? {
        rtcpSocket.map { LocalSocket(address: rtcpAddress(default: address), port: $0) }
    }

    /// The sockets the block's first pair holds: RTP and, apart from it, RTCP.
    public func sockets(on address: IPAddress) -> [LocalSocket] {
        [LocalSocket(address: address, port: rtp)] + (rtcpLocal(on: address).map { [$0] } ?? [])
    }

    /// The block's pairs one by one.
    public var each: [PortPair] { (0..<pairs).map(pair) }
}

/// Where a participant receives a stream, as its SDP says.
public struct Endpoint: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
}

/// Whether ICE runs with a participant in a section: never started (or ended), running,
/// or paused by an answer without it.
enum ICERun: Sendable { case never, running, paused }

/// One media section as one participant sees it.
public struct MediaLeg: Sendable {
    /// 1-based position of the m= line, as rtpengine numbers medias.
    public var index: Int
    public var type: String
    public var proto: String
    /// The ports this participant sends to; nil while the section is rejected.
    public var localPorts: PortPair?
    /// Every set of ports the leg holds, by the far endpoint it was for; `localPorts` is
    /// `maps[currentMap]` while the section is active.
    public var maps: [PortMap] = []
    public var currentMap: Int?
    /// The map used last, kept when the section leaves its interface: a lone RTP port on
    /// the new one keeps that map's RTCP socket.
    public var lastMap: Int?
    /// A rejection took the section's sockets (until it has ports again): a lone RTP port
    /// then keeps no RTCP socket, on this interface or another.
    public var socketsTaken = false
    /// The interface an offer's `direction` picked for the section while it stays where it
    /// is, taken when an SDP next goes to the participant (10.5 keeps one per media; later
    /// picks start from it).
    public var pick: MediaInterface?
    /// The interface an offer's family word (`internal`, `external`) picked for the section
    /// while it stays where it is (for the ICE roles 10.5 takes anew when it changes).
    var wordPick: MediaInterface?
    /// Where this participant receives RTP and RTCP, from its last SDP (query's
    /// `advertised endpoint`).
    public var rtpEndpoint: Endpoint?
    public var rtcpEndpoint: Endpoint?
    /// While its SDP speaks ICE (whose candidates name its addresses), or gives an address
    /// its interface's family cannot reach: the endpoints an earlier SDP gave, which 10.5
    /// keeps sending to (query's `endpoint`); nil otherwise.
    public var keptEndpoints: (rtp: Endpoint?, rtcp: Endpoint?)?
    /// The pairs of ports the section's m= line counts (`m=audio 5000/2`), as the last SDP for
    /// it, from either side, gave them: both sides hold that many, as in 10.5.
    public var pairs = 1
    /// How many of them this participant's own last SDP gave endpoints for.
    public var endpointPairs = 1
    public var sends = true
    public var receives = true
    /// The last `a=ptime` stated for the section by this participant or its peer.
    public var ptime: String?
    /// The section's mid: the last this participant's offers gave, or the one generated for
    /// its offer (`generate mid`, which stays until they give one); answers never set it, as
    /// in 10.5.
    public var mid: String?
    /// `mid` was generated, not the participant's own: 10.5 then writes it in offers only
    /// (and in answers what an offer carried back, `midCarriedBack`).
    public var midGenerated = false
    /// The mid the last offer to this participant carried while its own was generated (the
    /// offer's own, else the generated one): answers to it carry it.
    public var midCarriedBack: String?
    /// The mid offers to this participant carry when it has none of its own: the first
    /// offer's (or the one generated for it), kept from then on (10.5).
    public var sentMid: String?
    /// rtcp-mux (RFC 5761) with this participant: its own SDP asked for it, or the proxy
    /// offered it (and keeps offering it once offered, as 10.5 does). RTCP to the participant
    /// then shares the RTP port, and query lists the section and its streams as muxed.
    public var rtcpMux = false
    /// An answer to this participant's offer does not simply take the answerer's choice
    /// (the offer's `rtcp-mux` options, or mux not offered both ways, decided it).
    public var rtcpMuxDecided = false
    /// How the last SDP sent to this participant stated rtcp-mux.
    public var muxWritten: RewritePlan.MuxMode = .off
    /// An SDP for the section has gone to this participant (`muxWritten` tells how).
    public var sdpSent = false
    /// The family the section was set up for when it came to this participant before it
    /// spoke (its sender's, or `address family`'s): an interface a name put it on without
    /// that family keeps it only while a name does (10.5 keeps a desired family per media).
    public var wantedFamily: IPAddress.Family?
    /// The last offer to it came with rtcp-mux in its sender's own SDP (not only by the
    /// proxy's choice): what an answer from it gives an offerer that never spoke (10.5);
    /// nil while no offer came to it (its answer's own mux goes then).
    public var offeredMux: Bool?
    /// Whom the participant's last offer with this section went to.
    var lastOfferedTo: Int?
    /// The participant's own SDP for the section has been seen (query's `initialized`).
    public var initialized = false
    /// The proxy's ICE role toward the participant (query's `ICE controlling`), set while
    /// the section was not initialized and kept even without ICE, as 10.5 does.
    public var iceControlling = false
    /// The participant's last SDP spoke ICE (`a=ice-ufrag`), trickle ICE too: 10.5 records
    /// it for query even where `ICE=remove` takes the attributes out (of a later SDP to it).
    public var ice = false
    public var trickleICE = false
    /// Some SDP of the participant for the section spoke ICE (kept: a later one without it
    /// does not undo it, for the roles 10.5 takes toward a fork branch).
    public var spokeICE = false
    /// ICE with the participant in the section as 10.5 runs it, for the roles it takes anew
    /// (see `CallRegistry.iceRunChange`).
    var iceRun = ICERun.never
    /// The ICE username fragment and password of the participant's last SDP for the
    /// section: a new one of either is an ICE restart (RFC 8839 section 4.4.1.1.1), after
    /// which 10.5 takes the ICE roles anew.
    public var iceUfrag: String?
    public var icePwd: String?
    /// `asymmetric`: the participant sends from somewhere else than it receives on.
    public var asymmetric = false
    /// Codec names (`PCMU/8000`) by payload type, from this participant's last SDP.
    public var codecs: [CodecName] = []
    /// The address family the section speaks to this participant: its own SDP's for the
    /// section, or the one `address family` set. 10.5 keeps it per section, so sections
    /// of one SDP may sit on interfaces of different families.
    public var ownFamily: IPAddress.Family?
    /// What this participant's last answer for the section gave its offerer, until an
    /// offer comes to it again: its next answer to another offerer is judged by it (10.5).
    var answerGave: [CodecName]?
    /// Whom that answer went to: an answer to the same offerer is judged by the offerer's
    /// own codecs (its last offer, whichever branch it went to), not by this.
    var answerGaveTo: Int?

    /// What judges this answerer's next answer to `offerer`.
    func answerGave(judging offerer: Int) -> [CodecName]? {
        answerGaveTo == offerer ? nil : answerGave
    }
    /// The participant's last offer rejected the section: an answer to it gives the
    /// answerer no ports there (10.5).
    var offerRejected = false
}

extension MediaLeg {
    /// The interface of the ports the leg uses now; nil while it has none.
    public var currentInterface: MediaInterface? { currentMap.map { maps[$0].interface } }

    /// The local address of the leg's ports: its current map's, else the participant's.
    public func localAddress(default participant: Participant) -> IPAddress {
        currentInterface?.address ?? participant.interface.address
    }

    /// Where this participant receives pair `k`'s RTP and RTCP: the first pair's endpoints,
    /// then two ports further for each further pair its SDP counted (none beyond them).
    public func endpoints(ofPair k: Int) -> (rtp: Endpoint?, rtcp: Endpoint?) {
        guard k > 0 else { return (rtpEndpoint, rtcpEndpoint) }
        guard k < endpointPairs, let rtp = rtpEndpoint else { return (nil, nil) }
        let port = rtp.port &+ UInt16(2 * k)
        return (Endpoint(address: rtp.address, port: port), Endpoint(address: rtcpEndpoint?.address ?? rtp.address, port: port &+ 1))
    }

    /// Where the proxy sends pair `k`: the endpoints kept while the SDP speaks ICE, else
    /// the SDP's own.
    public func destinations(ofPair k: Int) -> (rtp: Endpoint?, rtcp: Endpoint?) {
        guard let kept = keptEndpoints else { return endpoints(ofPair: k) }
        if k == 0 { return kept }
        // (Further pairs follow the kept first pair, as 10.5 keeps every pair's.)
        guard k < endpointPairs, let rtp = kept.rtp else { return (nil, nil) }
        let port = rtp.port &+ UInt16(2 * k)
        return (Endpoint(address: rtp.address, port: port), Endpoint(address: kept.rtcp?.address ?? rtp.address, port: port &+ 1))
    }
}

/// A payload type's codec as an SDP names it (`PCMU/8000`); a leg keeps a short list of them
/// rather than a dictionary, which cost every offer and answer a hash table.
public struct CodecName: Sendable, Hashable {
    public var payloadType: Int
    public let name: String
    /// The section's `a=fmtp` value for the type, if any: written with the codec where the
    /// proxy gives it in place of the SDP's own (10.5 keeps it with the codec).
    public var fmtp: String?
    /// The section's `a=rtcp-fb` values for the type (RFC 4585), kept with the codec as
    /// `fmtp` is.
    public var rtcpFeedback: [String] = []
    /// `isSupplemental` and `isTranscodableBy105`, read from the name once: answers ask
    /// them of every codec many times.
    let isSupplemental: Bool
    let isTranscodableBy105: Bool

    public init(payloadType: Int, name: String, fmtp: String? = nil) {
        self.payloadType = payloadType
        self.name = name
        self.fmtp = fmtp
        isSupplemental = Self.namesSupplemental(name)
        isTranscodableBy105 = Self.namesTranscodableBy105(name)
    }
}

extension Array where Element == OfferCodecs? {
    /// The first sections replaced by `new`, those beyond it kept (10.5 keeps codecs per media).
    mutating func replaceFirst(with new: [OfferCodecs?]) {
        self = new + dropFirst(new.count)
    }
}

/// One call participant ("monologue"): a SIP tag and the media it negotiated.
public struct Participant: Sendable {
    public var tag: ByteString?
    /// The local interface this participant talks to (chosen when it first appears).
    public var interface: MediaInterface
    /// The address family its own last SDP spoke.
    public var ownFamily: IPAddress.Family?
    public var label: ByteString?
    public var viaBranch: ByteString?
    /// The interface its last offer's `direction` named for it, taken when an SDP next goes
    /// to it.
    public var pendingInterface: String?
    public var created: Double
    public var medias: [MediaLeg] = []
    /// The participant's SDP has been seen (offer or answer), not only reserved by a peer's.
    public var hasSDP = false
    /// `replace` state for SDPs sent to this participant.
    public var outgoingOrigin = OutgoingOrigin()
    /// Per section, the codecs of this participant's last offer: its own and those the offer
    /// went out with (narrowed by the answers since).
    var offerCodecs: [OfferCodecs?] = []
    /// Per section, the codecs of the last offer that came to it, or of its own answer since:
    /// an answer to it when it never offered is judged by them (10.5 keeps one codec list
    /// per media, whoever set it).
    var receivedCodecs: [OfferCodecs?] = []
    /// `receivedCodecs` were set after this participant's own last offer: the latest wins.
    var judgedByReceived = false
    /// Whom this participant's last offer went to.
    var lastOfferedTo: Int?

    /// What an answer to this participant is judged by for section `i`.
    func answerJudging(_ i: Int) -> OfferCodecs? {
        let own = offerCodecs[safe: i] ?? nil, received = receivedCodecs[safe: i] ?? nil
        return judgedByReceived ? received ?? own : own ?? received
    }

    /// Replaces, section by section, the list answers to it are judged by: the received
    /// one when it came last or the participant never offered, else its own offer's.
    mutating func replaceJudging(with new: [OfferCodecs?]) {
        if judgedByReceived || !offerCodecs.contains(where: { $0 != nil }) {
            receivedCodecs.replaceFirst(with: new)
        } else {
            offerCodecs.replaceFirst(with: new)
        }
    }
    /// A tagged `delete` ended this participant; the call ends when all have ended.
    public var deleted = false
    /// When that delete's delay runs out and the participant is retired.
    public var endAt: Double?
    /// When a delete naming this branch (not answered yet, of several) by its via-branch
    /// takes the via-branch from it, once its delay has run out (see `delete`).
    public var viaBranchEndsAt: Double?
    /// The via-branch a delete took: no request finds the branch by it any more, but
    /// `query` still shows it (10.5).
    public var viaBranchTaken: ByteString?

    /// A delete takes the via-branch from this branch (see `viaBranchTaken`).
    mutating func takeViaBranch() {
        if let via = viaBranch { viaBranchTaken = via }
        viaBranch = nil
    }
    /// Ended for good (see `Call.retire`): no ports, and no request finds it any more.
    public var retired = false
    /// Brought back by an offer to it (`Call.revive`) and silent since: a delete does not
    /// find it by its to-tag until it sends an SDP (10.5).
    public var revivedSilent = false
    /// `block media`: what this participant sends is discarded.
    public var mediaBlocked = false
    /// `media echo`: what this participant sends comes back to it.
    public var echo = false

    public init(tag: ByteString?, interface: MediaInterface, created: Double) {
        self.tag = tag
        self.interface = interface
        self.created = created
    }
}

/// An offer/answer pairing of two participants. Each participant holds its own local
/// ports, whatever the number of its dialogues: when an offer forks (several to-tags answer
/// it, or offers carry different via-branches), every branch is a participant with ports
/// of its own and the offerer keeps one set, as in 10.5.
public struct Dialogue: Sendable {
    public var offerer: Int
    public var answerer: Int
    /// When the dialogue last carried an offer or answer (the call's signal counter).
    public var lastUsed = 0
}

/// A call: participants keyed by position, and the dialogues between them.
public struct Call: Sendable {
    public let callID: ByteString
    public let created: Double
    public var lastSignal: Double
    public var participants: InPlaceArray<Participant> = []
    public var dialogues: [Dialogue] = []
    /// When the call is deleted for good (after `delete delay`); nil while active. Until
    /// then it is a call like any other (listed, counted, relaying), and an offer or answer
    /// brings it back whole, as in 10.5.
    public var deleteAt: Double?
    /// Counts offers and answers, to order dialogues by use.
    public var signals = 0
    /// The TOS byte of the call's media sockets (`TOS` key, else `--tos`).
    public var tos: Int?
    public var mediaOptions = CallMediaOptions()
    /// When the first answer completed the call (offer-timeout runs until then).
    public var answered: Double?
    /// The ng client (`ip:port`) whose offer created the call.
    public var proxy: String?
    /// The participant whose tag was the from-tag of the latest offer or answer.
    public var lastFromTag: Int?

    public init(callID: ByteString, created: Double) {
        self.callID = callID
        self.created = created
        self.lastSignal = created
    }

    public func participantIndex(tag: ByteString) -> Int? {
        participants.firstIndex { $0.tag == tag && !$0.retired }
    }

    /// `index`'s current peer when it is retired and tagged `tag`: an offer from `index`
    /// to that tag brings it back (10.5 finds it through its peer, not by its tag; a
    /// retired branch the offerer moved away from is not found, the offer makes a new one).
    public func retiredPeer(of index: Int, tag: ByteString) -> Int? {
        currentPeer(of: index).flatMap { participants[$0].retired && participants[$0].tag == tag ? $0 : nil }
    }

    /// Brings a retired participant back, without ports (they were released).
    public mutating func revive(_ index: Int) {
        participants[index].retired = false
        participants[index].deleted = false
        participants[index].revivedSilent = true
    }

    /// The indices of the participants `index` is in dialogue with, newest first.
    public func peers(of index: Int) -> [Int] {
        dialogues.reversed().compactMap { $0.offerer == index ? $0.answerer : ($0.answerer == index ? $0.offerer : nil) }
    }

    /// The branch `offerer` last offered to or was answered by (a retired one too: 10.5
    /// keeps it as the branch).
    public func currentBranch(of offerer: Int) -> Int? {
        var best: Dialogue?
        for d in dialogues where d.offerer == offerer && best.map({ d.lastUsed > $0.lastUsed }) ?? true { best = d }
        return best?.answerer
    }

    /// Retires participant `index` once its tagged delete's delay has run out, as 10.5
    /// does: its ports go (returned, to be released) and requests no longer find it, so an
    /// offer from its tag starts a new participant, while query still reports it, after
    /// the others it came before, with the endpoints it had.
    public mutating func retire(_ index: Int) -> [PortPairOnInterface] {
        guard !participants[index].retired else { return [] }
        participants[index].endAt = nil
        participants[index].retired = true
        var freed: [PortPairOnInterface] = []
        for m in participants[index].medias.indices {
            for map in participants[index].medias[m].maps {
                let held = PortPairOnInterface(pair: map.ports, interface: map.interface)
                if !freed.contains(held) { freed.append(held) }
            }
            participants[index].medias[m].maps = []
            participants[index].medias[m].currentMap = nil
            participants[index].medias[m].lastMap = nil
            participants[index].medias[m].localPorts = nil
        }
        // (Ports another participant still holds stay; none is known to share them.)
        let kept = allPorts
        return freed.filter { f in !kept.contains(f) }
    }

    /// The earliest time a deleted participant waits to be retired at (or a branch to lose
    /// its via-branch at).
    public var nextRetirement: Double? {
        // (A loop, not compactMap: the once-a-second scan asks every call.)
        var due: Double?
        for p in participants {
            if let at = p.endAt, at < due ?? .infinity { due = at }
            if let at = p.viaBranchEndsAt, at < due ?? .infinity { due = at }
        }
        return due
    }

    /// What an answer from `answerer` to `offerer` for section `i` is judged by: the
    /// offerer's codec list, else (it has none) what the answerer's last answer to another
    /// offerer gave (only the codecs of it taken, see `OfferCodecs.takenOnly`), which judges
    /// a re-answer either way, and an answer to the offerer's list when it names one of
    /// those codecs (else that is a first answer to it, 10.5).
    /// `formats`: the answer's m= line formats; a rejected section's answer is a first one.
    func answerJudge(_ i: Int, offerer: Int, answerer: Int, formats: [String], rejected: Bool) -> OfferCodecs? {
        let legs = participants[answerer].medias
        let gave = i < legs.count ? legs[i].answerGave(judging: offerer) : nil
        let shared = gave.flatMap { g in
            !rejected && CodecFilter.ordered(legs[i].codecs, formats: formats).contains { a in g.contains(where: a.answers) } ? g : nil
        }
        // (The offerer's last offer went to another branch: what was offered to this one
        // judges its re-answer, as 10.5 keeps codecs per media of each participant, unless
        // the answer takes none of it; then, and for a first answer, the offerer's latest
        // offer does.)
        if i < legs.count, legs[i].answerGave != nil, let last = participants[offerer].lastOfferedTo, last != answerer,
           let received = participants[answerer].receivedCodecs[safe: i] ?? nil, i < legs.count,
           legs[i].codecs.contains(where: { a in received.current.contains(where: a.answers) }) {
            return received.judging(answerer, by: shared)
        }
        // (An offer that came to the offerer with no codec 10.5 can transcode judges only the
        // answers of whoever sent it: its own list. Another answerer's goes as it is, as to
        // an offer nobody made, 10.5.)
        if var own = participants[offerer].answerJudging(i),
           own.offeredBy.map({ $0 == answerer || own.current.contains(where: \.isTranscodableBy105) }) ?? true {
            if own.offeredBy == answerer { own.passesUntranscodable = false }
            return own.judging(answerer, by: shared)
        }
        // (Nor for the answerer: its own list for the section is, in the same way.)
        if gave == nil, let mine = participants[answerer].answerJudging(i) {
            var codecs = OfferCodecs(offered: mine.current)
            codecs.takenOnly = true
            return codecs
        }
        return gave.map { gave in
            var codecs = OfferCodecs(offered: gave).judging(answerer, by: gave)
            codecs.takenOnly = true
            return codecs
        }
    }

    /// The participant `index` last had an offer or answer with, in either role: a callee
    /// whose caller took an offer from another peer since is no longer its current one.
    public func currentPeer(of index: Int) -> Int? {
        var best: Dialogue?
        for d in dialogues where (d.offerer == index || d.answerer == index) && best.map({ d.lastUsed > $0.lastUsed }) ?? true { best = d }
        return best.map { $0.offerer == index ? $0.answerer : $0.offerer }
    }

    /// The participant that hears `index`: its subscriber (see `subscribers`). What
    /// ForwardingPlan sends `index`'s media to.
    public func hearer(of index: Int) -> Int? { currentPeer(of: index) }

    /// Whom `index` receives media from (query's `subscriptions`), newest first: everyone
    /// whose subscriber it is. 10.5 keeps subscriptions as events: an offer or answer
    /// between two participants unsubscribes everyone from each of them and subscribes each
    /// to the other (at the front), so a participant hears whoever it last signalled with,
    /// and is heard by all whose last signalling was with it.
    public func subscriptions(of index: Int) -> [Int] {
        var heard: [(Int, Int)] = []   // (peer, when)
        for d in dialogues where d.offerer == index || d.answerer == index {
            let peer = d.offerer == index ? d.answerer : d.offerer
            if currentPeer(of: peer) == index { heard.append((peer, d.lastUsed)) }
        }
        return heard.sorted { $0.1 > $1.1 }.map(\.0)
    }

    /// `index` and whom it hears, in that order: what a tagged `query` reports and a tagged
    /// `delete` ends (10.5).
    public func withSubscriptions(of index: Int) -> [Int] {
        var out = [index]
        for p in subscriptions(of: index) where !out.contains(p) { out.append(p) }
        return out
    }

    /// Who receives `index`'s media (query's `subscribers`): whoever it last had an offer
    /// or answer with (see `subscriptions`).
    public func subscribers(of index: Int) -> [Int] {
        currentPeer(of: index).map { [$0] } ?? []
    }

    /// The dialogue between two participants, whichever offered.
    public func dialogueIndex(_ x: Int, _ y: Int) -> Int? {
        dialogues.firstIndex { ($0.offerer == x && $0.answerer == y) || ($0.offerer == y && $0.answerer == x) }
    }

    /// Every local port pair the call holds, each once. A call holds a handful, so a linear
    /// check beats hashing interfaces (name, addresses, excluded ports) for a set.
    public var allPorts: [PortPairOnInterface] {
        var out: [PortPairOnInterface] = []
        func add(_ pair: PortPair, _ interface: MediaInterface) {
            if !out.contains(where: { $0.pair == pair && $0.interface == interface }) {
                out.append(PortPairOnInterface(pair: pair, interface: interface))
            }
        }
        for p in participants {
            for m in p.medias {
                for map in m.maps { add(map.ports, map.interface) }
            }
        }
        return out
    }
}

public struct PortPairOnInterface: Hashable, Sendable {
    public var pair: PortPair
    public var interface: MediaInterface
}
