import ByteText
import Bencode
import NG
import NetAddress
import SDP
import Synchronization

/// Ports a request took and ports it gives back, applied only when it succeeds.
struct PortChanges {
    var allocated: [(PortPair, MediaInterface)] = []
    var released: [(PortPair, MediaInterface)] = []
}

enum InterfaceDefaults {
    static let name = "default"
}

/// Every call of one daemon and the offer/answer/delete/query/list commands over them.
/// Sans-IO: time comes from `clock`, ports from `ports`; replies are returned, not sent.
public final class CallRegistry: NGCommandHandler, Sendable {
    public struct Settings: Sendable {
        public var interfaces: [MediaInterface]
        public var deleteDelay: Double = 30
        public var maxSessions: Int = -1
        /// `--sip-source`: endpoints come from `received from`, not from the SDP.
        public var sipSource = false
        /// `--recording-dir` is set: `record call` asks for recording, which is not built.
        public var recordingDirectory = false
        /// `--tos`: the TOS byte calls start with.
        public var tos = 0
        /// `--endpoint-learning`.
        public var endpointLearning = EndpointLearning.delayed
        /// `--timeout`, `--silent-timeout`, `--final-timeout`, `--offer-timeout` (0: off).
        public var timeout = 60.0
        public var silentTimeout = 3600.0
        public var finalTimeout = 0.0
        public var offerTimeout = 3600.0

        public init(interfaces: [MediaInterface]) { self.interfaces = interfaces }
    }

    public let commands: Set<NGCommand> = [.offer, .answer, .delete, .query, .list, .blockMedia, .unblockMedia]
    let settingsBox: Mutex<Settings>
    /// The settings now: the CLI changes timeouts, limits and the delete delay at run time.
    public var settings: Settings { settingsBox.withLock { $0 } }
    let ports: any PortAllocator
    /// Where forwarding rules go; nil in tests of signalling alone.
    let media: (any MediaPlane)?
    private let clock: @Sendable () -> Double
    let state = Mutex<[ByteString: Call]>([:])
    /// This instance's `loop protect` token: an SDP that already carries it has passed
    /// through this proxy and is returned untouched.
    public let loopToken: String
    let totals = Mutex(Totals())
    /// Next position per `BASE` for round-robin interface selection.
    let roundRobin = Mutex<[String: Int]>([:])

    /// Lifetime counters for `statistics` (totalstatistics).
    public struct Totals: Sendable {
        /// Calls that ended (running ones are not counted, as in rtpengine).
        public var managedSessions = 0
        public var rejectedSessions = 0
        public var regularTerminated = 0
        /// Calls ended by the operator (CLI `terminate`).
        public var forcedTerminated = 0
        /// Media sections of ended calls that carried RTP from neither side / one side.
        public var zeroWayStreams = 0
        public var oneWayStreams = 0
        public var timeouts = 0
        public var silentTimeouts = 0
        public var finalTimeouts = 0
        public var offerTimeouts = 0
        public var callSeconds = 0.0
        public var callSecondsSquared = 0.0
    }

    public var lifetimeTotals: Totals { totals.withLock { $0 } }

    /// The most pairs one section may hold: 10.5 answers "Ran out of ports" to a port count
    /// of 9 or 10 (and cannot parse more).
    static let maxPairsPerSection = 8

    public init(settings: Settings, ports: any PortAllocator, media: (any MediaPlane)? = nil,
                clock: @escaping @Sendable () -> Double) {
        precondition(!settings.interfaces.isEmpty, "a registry needs at least one interface")
        var generator = SystemRandomNumberGenerator()
        loopToken = (0..<6).map { _ in
            let b = UInt8.random(in: 0...255, using: &generator)
            return String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }.joined()
        self.settingsBox = Mutex(settings)
        self.ports = ports
        self.media = media
        self.clock = clock
    }

    /// Calls held, lingering ones (deleted, within their delete delay) too: 10.5 counts
    /// them as current sessions.
    public var callCount: Int {
        state.withLock { $0.count }
    }

    public func handle(_ request: NGRequest) throws(NGError) -> [(key: String, value: BencodeValue)] {
        // Deleted calls are swept by the daemon's timer (`expire`), not per request: a scan
        // of every call on each request would make signalling cost grow with load.
        let now = clock()
        switch request.command {
        case .offer, .answer: return try offerAnswer(request, now: now)
        case .delete: return try delete(request, now: now)
        case .query: return try query(request)
        case .list: return list(request)
        case .blockMedia, .unblockMedia: return try blockMedia(request, block: request.command == .blockMedia)
        default: throw .unsupportedCommand(request.command)
        }
    }

    /// Drops calls whose delete delay has passed and ends calls whose media timed out;
    /// returns their ports. Called by the daemon's once-a-second timer.
    public func expire(now: Double) {
        // Read once: each read of `settings` takes its lock and copies it, and this scans
        // every call every second.
        let settings = self.settings
        var freed: [PortPairOnInterface] = []
        let gone: [Call] = state.withLock { calls in
            var ended: [Call] = []
            for (id, call) in calls {
                if (call.deleteAt ?? .infinity) <= now {
                    // A deleted call ends when it goes (10.5 counts it then, not at the delete).
                    recordEnd(call, .regular, now: now)
                    ended.append(call)
                } else if call.deleteAt == nil, let reason = timedOut(call, now: now, settings: settings) {
                    recordEnd(call, .timedOut(reason), now: now)
                    ended.append(call)
                }
                if ended.last?.callID == id {
                    calls[id] = nil
                } else if call.deleteAt == nil, let due = call.nextRetirement, due <= now {
                    // Participants a tagged delete ended, once its delay has run out.
                    var call = call
                    for p in call.participants.indices where (call.participants[p].viaBranchEndsAt ?? .infinity) <= now {
                        call.participants[p].takeViaBranch()
                        call.participants[p].viaBranchEndsAt = nil
                    }
                    for p in call.participants.indices where (call.participants[p].endAt ?? .infinity) <= now {
                        freed += call.retire(p)
                    }
                    calls[id] = call
                    installForwarding(call)
                }
            }
            return ended
        }
        for call in gone { releasePorts(of: call) }
        for held in freed { ports.release(held.pair, on: held.interface) }
    }

    // MARK: offer / answer

    private func offerAnswer(_ r: NGRequest, now: Double) throws(NGError) -> [(key: String, value: BencodeValue)] {
        // rtpengine checks the SDP first, then the call-id and tags.
        guard let body = r.sdp else { throw .missingSDP }
        guard let callID = r.callID else { throw .missingKey("call-id") }
        guard let fromTag = r.fromTag else { throw .missingKey("from-tag") }
        let isAnswer = r.command == .answer
        if isAnswer, r.toTag == nil { throw .missingKey("to-tag") }
        guard let sdp = try? SDPParser.parse(body) else { throw .sdpParse }
        if r.has(.loopProtect), sdp.sessionAttributes("rtpengine").contains(where: { $0.attributeValue == loopToken }) {
            return [("sdp", .string(body))]
        }
        // Every section needs an address (its own c= or its session's; the SIP source serves
        // under `SIP source address` up to the first section speaking ICE), and an RTP
        // section formats that are payload types: 10.5 checks both before it looks the call up.
        let sipSourced = usesSIPSource(r) && r.receivedFrom != nil
        let firstICE = Self.firstSpeakingICE(sdp)
        guard sdp.media.indices.allSatisfy({ sdp.media[$0].connection != nil || sdp.sessionConnection(ofMedia: $0) != nil
                                             || (sipSourced && $0 < firstICE) }),
              sdp.media.allSatisfy(\.mediaLine.hasValidPayloadTypes) else { throw .incompleteSDP }
        // `SIP source address` (or --sip-source, unless `trust address` came after it) needs
        // the SIP message's source unless the first section speaks ICE (10.5 goes through
        // the sections in order and stops asking at the first that does; it checks before
        // the call is looked up).
        if usesSIPSource(r), r.receivedFrom == nil, !sdp.media.isEmpty, !Self.speaksICE(sdp, 0) { throw .incompleteSDP }
        // A session without media: an offer with one fails once its call is set up (10.5
        // keeps that call); an answer of only such sessions is passed on as it is.
        let medialess = sdp.sessions.contains { $0.media.isEmpty }
        let passedOn = isAnswer && sdp.media.isEmpty
        // So does one with a section passed through untouched that has no c= at all (the SIP
        // source stood in for it): 10.5 has no address to give it.
        let unaddressed = sdp.media.indices.contains { i in
            SDPRewriter.isPassedThrough(sdp.media[i].mediaLine) && sdp.media[i].connection == nil && sdp.sessionConnection(ofMedia: i) == nil
        }
        for m in sdp.media where !m.isRejected {
            if m.mediaLine.proto.asciiContains("SAVP") { throw .notSupported("SRTP (\(m.mediaLine.proto))") }
            if m.lines.contains(where: { $0.attributeName == "crypto" || $0.attributeName == "fingerprint" }) {
                throw .notSupported("SRTP (SDES/DTLS)")
            }
        }
        try Self.rejectUnbuilt(r, recordingDirectory: settings.recordingDirectory)

        let result: Result<[UInt8], NGError> = state.withLock { calls in
            // One lookup: every `calls[callID]` copies the whole call out and destroys it again.
            let stored = calls[callID]
            var call: Call
            if var existing = stored {
                // A lingering call comes back whole: its deletion, and every tagged one, is
                // off (10.5).
                existing.deleteAt = nil
                for p in existing.participants.indices where !existing.participants[p].retired {
                    existing.participants[p].deleted = false
                    existing.participants[p].endAt = nil
                    existing.participants[p].viaBranchEndsAt = nil
                }
                call = existing
            } else {
                if isAnswer { return .failure(.unknownCall) }
                let limit = settings.maxSessions
                if limit >= 0, calls.count >= limit {
                    totals.withLock { $0.rejectedSessions += 1 }
                    return .failure(.sessionLimit)
                }
                call = Call(callID: callID, created: now)
                call.proxy = r.source
            }
            call.lastSignal = now
            // A failed request changes nothing: ports it took are returned, ports it would
            // have released stay with the call as it was.
            var changes = PortChanges()
            let sender: Int, receiver: Int
            do throws(NGError) {
                (sender, receiver) = isAnswer
                    ? try answer(&call, fromTag: fromTag, toTag: r.toTag!, sdp: sdp, request: r, now: now, changes: &changes)
                    : try offer(&call, fromTag: fromTag, toTag: r.toTag, sdp: sdp, request: r, now: now, changes: &changes)
            } catch {
                for (pair, interface) in changes.allocated { ports.release(pair, on: interface) }
                // Running out of ports ends the call, as it does in 10.5.
                if error == .portsExhausted, let old = stored {
                    calls[callID] = nil
                    recordEnd(old, .regular, now: now)
                    releasePorts(of: old)
                }
                return .failure(error)
            }
            for (pair, interface) in changes.released { ports.release(pair, on: interface) }
            applyTOS(r.tos, to: &call, newPorts: changes.allocated)
            if (medialess && !passedOn) || unaddressed {
                calls[callID] = call
                return .failure(.sdpRewrite)
            }
            let plan = plan(for: receiver, from: sender, in: call, sdp: sdp, request: r)
            // The codecs the offer went out with, narrowed by each answer: later answers are
            // judged by them (by the names the legs keep, no second reading of the SDP).
            let offerer = isAnswer ? receiver : sender
            let senderLegs = call.participants[sender].medias
            // What an answerer's answer gave its offerer judges its next answer to another
            // offerer, until an offer comes to it again (10.5 keeps it per media).
            let judged: [(codecs: OfferCodecs?, gave: [CodecName]?, own: OfferCodecs?)] = sdp.media.indices.map { i in
                let m = sdp.media[i]
                guard m.mediaLine.isRTP, m.profileReadIsRTP, i < senderLegs.count else { return (nil, nil, nil) }
                let names = senderLegs[i].codecs
                guard isAnswer else {
                    let formats = plan.section(i).formats
                    var codecs = OfferCodecs(offered: CodecFilter.ordered(names, formats: formats ?? m.mediaLine.formats))
                    // (A codec `mask` takes out of the offer stays on the offerer's side, where
                    // `strip` removes it: see `masked`.)
                    if !r.codec.mask.isEmpty, let formats {
                        var unmasked = r.codec
                        unmasked.mask = []
                        let open = CodecFilter.offerFormats(m, unmasked) ?? m.mediaLine.formats
                        codecs.masked = CodecFilter.ordered(names, formats: open.filter { !formats.contains($0) })
                    }
                    codecs.flagsChanged = formats.map { $0 != m.mediaLine.formats } ?? false
                    return (codecs, nil, nil)
                }
                // (What stays open is judged by the answer after `single codec` and the codecs
                // of it 10.5 cannot transcode, unless the codec it keeps is one of those: then
                // by the whole answer.)
                let flagged = CodecFilter.answerOwnFormats(m, r.codec)
                let single = r.has(.singleCodec) ? CodecFilter.singleCodecFormats(m, formats: flagged) : nil
                let answered = CodecFilter.ordered(names, formats: flagged ?? m.mediaLine.formats)
                let unflagged = flagged == nil ? nil : CodecFilter.ordered(names, formats: m.mediaLine.formats)
                let singled = single.map { s in answered.filter { s.contains(String($0.payloadType)) } }
                let transcodableKept = singled?.first { !$0.isSupplemental }?.isTranscodableBy105 == true
                func afterSingle(keeping also: (CodecName) -> Bool) -> [CodecName] {
                    guard transcodableKept, let singled else { return answered }
                    return answered.filter { c in singled.contains(c) || also(c) }
                }
                let whole = afterSingle { !$0.isTranscodableBy105 }
                // The answerer's own codec list is narrowed by its answer as an offer's is
                // (an answer to it is judged by it); when the answer takes no codec 10.5 can
                // transcode, other branches' answers to it pass as they are.
                let own = call.participants[sender].answerJudging(i).flatMap { store -> OfferCodecs? in
                    // What the answer took of the list; an answer that took none of it is
                    // transcoded, and its own codecs are then the list (10.5).
                    let matched = whole.filter { a in store.current.contains(where: a.answers) }
                    let taken = matched.isEmpty ? whole : matched
                    // (An offer that came to it is narrowed to what its answer took of it.)
                    if store.passesUntranscodable {
                        // (Its offerer's next answer is judged by what it took; another
                        // branch's, as one to another branch, see `OfferCodecs.answered`.)
                        var codecs = OfferCodecs(offered: taken)
                        codecs.lastAnswers = [(receiver, taken)]
                        codecs.owner = sender
                        codecs.passesAnswers = !taken.contains(where: \.isTranscodableMain)
                        return codecs
                    }
                    var after = store.answered(whole, by: sender, unflagged: unflagged).after
                    after.lastAnswers = store.lastAnswers
                    // (Narrowed to exactly the codecs of it the answer took; an answer to it
                    // from a branch is then another branch's, 10.5.)
                    if !taken.isEmpty {
                        after.current = taken
                        if after.lastAnswers.isEmpty { after.lastAnswers = [(receiver, taken)] }
                        after.owner = sender
                    }
                    after.passesAnswers = !whole.contains { a in a.isTranscodableBy105 && store.current.contains(where: a.answers) }
                    return after
                }
                guard let before = call.answerJudge(i, offerer: offerer, answerer: sender, formats: flagged ?? m.mediaLine.formats,
                                                    rejected: m.isRejected) else {
                    // Nothing judges it (a section the offer did not have): what the answer
                    // gave judges later answers for it, as if the offerer had offered it and
                    // this answerer had answered it (10.5).
                    // (Other branches' answers are judged by what `single codec` left, its
                    // re-answer as above but without the answer's codecs 10.5 can only decode.)
                    let gave = afterSingle { !($0.isTranscodableBy105 || $0.isDecodableOnlyBy105) }
                    var first = OfferCodecs(offered: singled ?? answered)
                    first.passesUntranscodableToOthers = true
                    first.lastAnswers = [(sender, gave)]
                    return (first, gave, own)
                }
                var outcome = before.answered(whole, by: sender, unflagged: unflagged)
                // (Other branches find open what the answer after `single codec` leaves.)
                if let singled, singled != whole { outcome.after.current = before.answered(singled, by: sender).after.current }
                if m.isRejected {
                    // A rejected section's answer opens to the next answer what it gave
                    // the offerer (10.5), which `rejectedAnswer` decides.
                    let gave = before.rejectedAnswer(whole, by: sender).flatMap { $0.isEmpty ? nil : $0 } ?? whole
                    outcome.after.lastAnswers.removeAll { $0.answerer == sender }
                    outcome.after.lastAnswers.append((sender, gave))
                    return (outcome.after, gave, own)
                }
                return (outcome.after, outcome.formats ?? whole, own)
            }
            // (10.5 keeps one codec list per media: the participant's own offer, an offer to
            // it or its own answer, whichever came last; sections an SDP lacks keep theirs.)
            if !isAnswer {
                call.participants[offerer].offerCodecs.replaceFirst(with: judged.map(\.codecs))
                call.participants[offerer].judgedByReceived = false
                call.participants[receiver].receivedCodecs.replaceFirst(with: judged.map { j in
                    j.codecs.map { c in
                        var received = OfferCodecs(offered: c.offered, passesUntranscodable: true)
                        received.offeredBy = sender
                        return received
                    }
                })
                call.participants[receiver].judgedByReceived = true
            } else {
                call.participants[offerer].replaceJudging(with: judged.map(\.codecs))
                call.participants[sender].replaceJudging(with: judged.map(\.own))
            }
            for i in call.participants[sender].medias.indices {
                if isAnswer {
                    if i < judged.count, let gave = judged[i].gave {
                        call.participants[sender].medias[i].answerGave = gave
                        call.participants[sender].medias[i].answerGaveTo = receiver
                    }
                } else if i < call.participants[receiver].medias.count {
                    call.participants[receiver].medias[i].answerGave = nil
                }
            }
            var out = SDPRewriter.rewrite(sdp, plan: plan)
            call.participants[receiver].outgoingOrigin.apply(to: &out, r.replace)
            if isAnswer, call.answered == nil { call.answered = now }
            // The from-tag of the latest offer/answer is the FROM_TAG side (CLI listings).
            call.lastFromTag = isAnswer ? receiver : sender
            applyMediaOptions(r, to: &call, sender: sender, receiver: receiver)
            calls[callID] = call
            installForwarding(call)
            return .success(out.bytes)
        }
        // A body without a session comes back as it was; an empty one is left out, as 10.5 does.
        let out = try result.get()
        return out.isEmpty ? [] : [("sdp", .string(out))]
    }

    private func offer(
        _ call: inout Call, fromTag: ByteString, toTag: ByteString?, sdp: SessionDescription, request: NGRequest, now: Double,
        changes: inout PortChanges
    ) throws(NGError) -> (sender: Int, receiver: Int) {
        let family = signalledFamily(of: sdp, request)
        // A re-INVITE from the callee before it answered: its from-tag is new, its to-tag
        // the caller's, and it is the caller's unanswered callee, now tagged (10.5); one a
        // delete by via-branch ended too: 10.5 still has it as the caller's branch.
        if call.participantIndex(tag: fromTag) == nil, let to = toTag.flatMap(call.participantIndex(tag:)),
           let callee = Self.answeringPeer(of: to, in: call, viaBranch: request.viaBranch) {
            if call.participants[callee].retired { call.revive(callee) }
            call.participants[callee].tag = fromTag
        }
        // A new offerer with a new callee: 10.5 picks the callee's interface first (with a
        // round-robin pair, `direction: [ext, ext]`, the callee gets the first turn).
        let wanted = request.addressFamily.map { $0 == .ip4 ? IPAddress.Family.inet : .inet6 } ?? family
        let newCallee = call.participantIndex(tag: fromTag) == nil && toTag.flatMap(call.participantIndex(tag:)) == nil
        let calleeInterface = newCallee ? selectInterface(request.direction.dropFirst().first, family: wanted) : nil
        // (A logical interface without the family of the offerer's SDP holds its ports all
        // the same until an SDP goes to it, as in 10.5.)
        let a = participant(&call, tag: fromTag, now: now) {
            selectInterface(request.direction.first, family: family)
        }
        call.participants[a].label = request.label ?? call.participants[a].label
        // The via-branch names the callee's branch (forking); the offerer keeps none.
        let b: Int
        if let toTag, let existing = call.participantIndex(tag: toTag) {
            b = existing
        } else if let toTag, let retired = call.retiredPeer(of: a, tag: toTag) {
            b = retired
            call.revive(b)
        } else if toTag == nil, let peer = Self.offeredPeer(of: a, in: call, viaBranch: request.viaBranch) {
            b = peer
            // The branch used last had no via-branch yet: it takes this one (10.5).
            if call.participants[b].viaBranch == nil { call.participants[b].viaBranch = request.viaBranch }
        } else {
            // A new callee, a new branch of a forked INVITE (another via-branch), or a to-tag
            // nobody has (a new callee even beside one not answered yet, as in 10.5).
            let interface = calleeInterface ?? selectInterface(request.direction.dropFirst().first, family: wanted)
            var callee = Participant(tag: toTag, interface: interface, created: now)
            callee.viaBranch = request.viaBranch
            call.participants.append(callee)
            b = call.participants.count - 1
        }
        if call.dialogueIndex(a, b) == nil { call.dialogues.append(Dialogue(offerer: a, answerer: b)) }
        try apply(sdp, family: family, from: a, to: b, in: &call, request: request, changes: &changes)
        call.participants[a].lastOfferedTo = b
        return (a, b)
    }

    /// Whether media addresses come from the SIP message's source rather than the SDP.
    func usesSIPSource(_ r: NGRequest) -> Bool { !(r.trustAddress ?? !settings.sipSource) }

    /// The family an SDP speaks for picking interfaces: the SIP source's where it stands in
    /// for the SDP's addresses (its first section not speaking ICE), rejected sections
    /// included, as 10.5 has it; else the SDP's own.
    func signalledFamily(of sdp: SessionDescription, _ r: NGRequest) -> IPAddress.Family? {
        if usesSIPSource(r), let source = r.receivedFrom, !sdp.media.isEmpty, !Self.speaksICE(sdp, 0) { return source.address.family }
        return Self.family(of: sdp)
    }

    /// The first section speaking ICE (the count when none does): under `SIP source address`
    /// the SIP source stands in for the addresses of the sections before it only, as 10.5
    /// goes through them in order and stops there.
    static func firstSpeakingICE(_ sdp: SessionDescription) -> Int {
        sdp.media.indices.first { speaksICE(sdp, $0) } ?? sdp.media.count
    }

    /// Whether section `i` speaks ICE (its candidates name its addresses).
    static func speaksICE(_ sdp: SessionDescription, _ i: Int) -> Bool {
        // (Each list on its own: joining them copied every line of the session and section.)
        sdp.media[i].lines.contains { $0.attributeName == "ice-ufrag" }
            || sdp.session(ofMedia: i).lines.contains { $0.attributeName == "ice-ufrag" }
    }

    /// The callee an offer without a to-tag goes to: the branch used last; with a
    /// via-branch, the branch used last while it has this via-branch or none (it takes
    /// this one, even when another branch has it already), else the newest callee given
    /// that via-branch (answered or not), else none (a new branch of a forked INVITE), as
    /// 10.5 looks them up.
    static func offeredPeer(of a: Int, in call: Call, viaBranch: ByteString?) -> Int? {
        let current = call.currentPeer(of: a)
        guard let viaBranch else { return current }
        // (A via-branch a delete took still counts here: 10.5 only forgets it for lookups.)
        if let current {
            let branch = call.participants[current]
            if (branch.viaBranch ?? branch.viaBranchTaken ?? viaBranch) == viaBranch { return current }
        }
        return viaBranchPeer(of: a, in: call, viaBranch: viaBranch)
    }

    /// The callee of `a` that `viaBranch` names: the newest one given it (10.5 keeps one
    /// participant per via-branch, the last one that came with it).
    static func viaBranchPeer(of a: Int, in call: Call, viaBranch: ByteString) -> Int? {
        call.peers(of: a).filter { call.participants[$0].viaBranch == viaBranch }.max()
    }

    /// The callee an answer with a new to-tag names: the callee of its via-branch (tagged
    /// or answered already, it takes the new tag: the same branch, as 10.5 sees it), else
    /// the offerer's current branch while that has not answered; nil when the answer is a
    /// new branch of a forked offer (10.5 gives it a participant of its own).
    static func answeringPeer(of a: Int, in call: Call, viaBranch: ByteString?) -> Int? {
        if let viaBranch, let same = viaBranchPeer(of: a, in: call, viaBranch: viaBranch) { return same }
        return (call.currentBranch(of: a) ?? call.peers(of: a).first).flatMap { call.participants[$0].tag == nil ? $0 : nil }
    }

    private func answer(
        _ call: inout Call, fromTag: ByteString, toTag: ByteString, sdp: SessionDescription, request: NGRequest, now: Double,
        changes: inout PortChanges
    ) throws(NGError) -> (sender: Int, receiver: Int) {
        let family = signalledFamily(of: sdp, request)
        // A branch of its own, on the default interface in its own SDP's family; an answer's
        // via-branch only finds branches, it names none (10.5).
        func newBranch() -> Int {
            call.participants.append(Participant(tag: toTag, interface: selectInterface(nil, family: family), created: now))
            return call.participants.count - 1
        }
        // A from-tag nobody has: 10.5 gives it a participant of its own (one that never sent
        // SDP), answered in a dialogue of its own; a to-tag nobody has either comes first.
        if call.participantIndex(tag: fromTag) == nil, call.participantIndex(tag: toTag) == nil { _ = newBranch() }
        let a = participant(&call, tag: fromTag, now: now) { selectInterface(nil, family: family) }
        let b: Int
        if let existing = call.participantIndex(tag: toTag) {
            b = existing
        } else if let untagged = Self.answeringPeer(of: a, in: call, viaBranch: request.viaBranch) {
            b = untagged
            call.participants[b].tag = toTag
        } else {
            // A second to-tag answering the same offer (forking).
            b = newBranch()
        }
        let fork = call.dialogueIndex(a, b) == nil
        if fork { call.dialogues.append(Dialogue(offerer: a, answerer: b)) }
        // In an answer `label` names the answering side, as rtpengine 10.5 reads it
        // (`set-label` and `to-label` change nothing there).
        call.participants[b].label = request.label ?? call.participants[b].label
        try apply(sdp, family: family, from: b, to: a, in: &call, request: request, forkAnswer: fork, changes: &changes)
        return (b, a)
    }

    private func participant(_ call: inout Call, tag: ByteString, now: Double, interface: () -> MediaInterface) -> Int {
        if let i = call.participantIndex(tag: tag) { return i }
        call.participants.append(Participant(tag: tag, interface: interface(), created: now))
        return call.participants.count - 1
    }

    /// Records `sdp` as what `sender` receives on, and makes sure both sides of their
    /// dialogue have local ports for every active section (the receiver's go into the
    /// outgoing SDP).
    private func apply(_ sdp: SessionDescription, family: IPAddress.Family?, from sender: Int, to receiver: Int,
                       in call: inout Call, request: NGRequest, forkAnswer: Bool = false,
                       changes: inout PortChanges) throws(NGError) {
        guard let d = call.dialogueIndex(sender, receiver) else { preconditionFailure("apply outside a dialogue") }
        // A first SDP between these two: a section without an address keeps none of the
        // receiver's ports (they are another peer's; 10.5 gives the new one its own).
        let newDialogue = call.dialogues[d].lastUsed == 0
        call.signals += 1
        call.dialogues[d].lastUsed = call.signals
        call.participants[sender].hasSDP = true
        // Signalling brings participants a tagged delete ended back.
        call.participants[sender].deleted = false
        call.participants[receiver].deleted = false
        call.participants[sender].revivedSilent = false
        // The SDP to the receiver speaks the family `address family` asks for, else the
        // family the receiver's own SDP spoke: a receiver on the other one moves, its
        // sockets with it; the sender stays where it is until an SDP goes to it (10.5).
        // (An SDP speaking ICE names its addresses in candidates: 10.5 takes no family from it.)
        // (The SIP source standing in for the SDP's addresses gives its family.)
        // (Read once: each read of `settings` takes its lock and copies it.)
        let sipSource = usesSIPSource(request)
        let firstICE = sipSource ? Self.firstSpeakingICE(sdp) : 0
        let firstSpeaksICE = !sdp.media.isEmpty && (sipSource ? firstICE == 0 : Self.speaksICE(sdp, 0))
        let sourced = sipSource && !sdp.media.isEmpty && !firstSpeaksICE ? request.receivedFrom?.address.family : nil
        // (A rejected section leaves the ICE spoken before as it was: after ICE it gives
        // no family either.)
        let firstRejected = !sdp.media.isEmpty && sdp.media[0].isRejected
        let firstWasICE = call.participants[sender].medias.first?.ice ?? false
        if let family = sourced ?? family, sdp.media.isEmpty || (firstRejected ? !firstWasICE : !firstSpeaksICE) {
            call.participants[sender].ownFamily = family
        }
        let formerInterface = call.participants[receiver].interface
        var interface = formerInterface
        // `direction` moves the receiver to its second interface now, the sender to its
        // first when an SDP next goes to it (10.5); a name no interface has means the
        // default one, `internal`/`external` (unless an interface has the name) the default
        // of IPv4/IPv6, over the family the receiver's own SDP spoke.
        // An interface this request names stays: the family then changes only within it.
        // A participant with sections already is placed section by section (10.5 picks per
        // media, see `sectionPicks`): the receiver now, the sender of an offer when an SDP
        // next goes to it (its legs keep the picks). A family word places it as a whole.
        var familyNamed = false
        let requestedFamily = request.addressFamily.map { $0 == .ip4 ? IPAddress.Family.inet : .inet6 }
        // The family each section wants: the sender's its own SDP's, the receiver's the one
        // `address family` asks for, else its own section's, else the sender's.
        // (Read only where a name places sections: parsing every address costs each request.)
        let sectionFamilies: [IPAddress.Family?] = request.direction.isEmpty ? [] : sdp.media.indices.map { i in
            (sdp.media[i].connection ?? sdp.sessionConnection(ofMedia: i)).flatMap { IPAddress($0.address)?.family }
        }
        // (The legs are read in scopes of their own: a copy held across the loop below would
        // make its first write copy the whole array.)
        let receiverLegCount = call.participants[receiver].medias.count
        let senderLegCount = call.participants[sender].medias.count
        // A family word pending from the receiver's own offer still gives the family where
        // this request names another interface for it (10.5); `address family` beats it.
        let pendingWordFamily: IPAddress.Family? = request.addressFamily != nil || request.direction.count < 2 ? nil
            : call.participants[receiver].pendingInterface.flatMap { namesFamily(request.direction[1]) ? nil : wordFamily($0) }
        var receiverPicks: [MediaInterface?] = []
        do {
            let receiverLegs = call.participants[receiver].medias
            if let name = request.direction.dropFirst().first, !namesFamily(name) {
                let wants = sdp.media.indices.map { i in
                    requestedFamily ?? pendingWordFamily ?? (i < receiverLegs.count ? receiverLegs[i].ownFamily : nil) ?? sectionFamilies[i]
                }
                receiverPicks = sectionPicks(receiverLegs, families: wants, name: name, fallback: formerInterface, first: formerInterface)
            } else if request.direction.count < 2, receiverLegs.contains(where: { $0.pick != nil }) {
                // (A section without a pick stays where it is; one new to it takes the pick of
                // the one before.)
                var last: MediaInterface?
                receiverPicks = sdp.media.indices.map { i in
                    if i < receiverLegs.count { last = receiverLegs[i].pick ?? receiverLegs[i].currentInterface }
                    return last
                }
            }
        }
        var senderPicks: [MediaInterface] = []
        if request.command == .offer, let name = request.direction.first, !namesFamily(name) {
            senderPicks = sectionPicks(call.participants[sender].medias, families: sectionFamilies, name: name,
                                       fallback: call.participants[sender].interface, first: call.participants[sender].interface)
        }
        // (`address family` beats a family word pending from the receiver's own offer.)
        let pending = call.participants[receiver].pendingInterface.flatMap { request.addressFamily != nil && namesFamily($0) ? nil : $0 }
        let named = request.direction.dropFirst().first ?? pending
        if let first = receiverPicks.lazy.compactMap({ $0 }).first {
            interface = first
        } else if let name = named, !Self.interface(interface, isNamed: name) {
            // (In the family the receiver's own SDP last spoke, where the one it is on differs.)
            interface = selectInterface(name, family: pendingWordFamily ?? call.participants[receiver].ownFamily ?? interface.address.family)
            familyNamed = namesFamily(name)
        }
        call.participants[receiver].pendingInterface = nil
        if let name = request.direction.first {
            if senderPicks.isEmpty || senderLegCount == 0 {
                call.participants[sender].pendingInterface = name
                // (A family word replaces the names picked per section before it, 10.5.)
                if namesFamily(name) {
                    for k in call.participants[sender].medias.indices { call.participants[sender].medias[k].pick = nil }
                }
            } else if let pending = call.participants[sender].pendingInterface, namesFamily(pending) {
                // (A name picked per section replaces a family word still pending, 10.5.)
                call.participants[sender].pendingInterface = nil
            }
        } else if let pending = call.participants[sender].pendingInterface, namesFamily(pending) {
            // A family word asks for the family of this SDP only: the sender's next SDP
            // without one speaks its own again (10.5); an interface name stays pending.
            // (10.5 gave the participant the word's interface all the same: sections on an
            // interface named before move to the default one when an SDP next goes to it.)
            call.participants[sender].pendingInterface = nil
            let word = selectInterface(pending, family: nil)
            call.participants[sender].interface = word
            for k in call.participants[sender].medias.indices where call.participants[sender].medias[k].currentInterface != nil {
                call.participants[sender].medias[k].pick = word
            }
        }
        let base = interface
        // The receiver's interface in `family`: the base one's counterpart of that family.
        let inFamily = { (family: IPAddress.Family?, base: MediaInterface, familyNamed: Bool) -> MediaInterface in
            guard !familyNamed, let family, base.address.family != family else { return base }
            // An interface this request names keeps the receiver unless it has the family;
            // a round-robin member named by itself (`ext:1`) gives way to the default's, as
            // 10.5 finds such names only in their own family.
            if request.direction.count >= 2, !(named?.contains(":") ?? false) {
                return self.counterpart(of: base, in: family) ?? base
            }
            return self.otherFamily(of: base, family) ?? base
        }
        // (`address family` does not move a receiver whose SDP spoke ICE, unless `ICE:
        // remove` took that since: 10.5 keeps it where its ICE candidates were gathered.)
        let receiverSpeaksICE = call.participants[receiver].medias.first?.ice == true
        interface = inFamily((receiverSpeaksICE ? nil : requestedFamily) ?? pendingWordFamily ?? call.participants[receiver].ownFamily, base,
                             familyNamed)
        // (A family word the receiver's own offer gave holds for the sections it had then; a
        // section new to it takes its own family, as in 10.5.)
        let familyWordPending = familyNamed && request.direction.count < 2
        // `address family`, or the family `internal`/`external` named, stays with the
        // receiver until its own SDP speaks another (10.5).
        if (request.addressFamily != nil && !receiverSpeaksICE) || familyNamed { call.participants[receiver].ownFamily = interface.address.family }
        call.participants[receiver].interface = interface
        let senderBase = call.participants[sender].interface
        // `internal`/`external` (no interface of that name) chose the sender's family.
        let senderFamilyNamed = request.direction.first.map(namesFamily) ?? false
        let senderWordFamily = request.direction.first.flatMap(wordFamily)
        // Once an offer's section finds rtcp-mux in place with the receiver in that section,
        // 10.5 treats the sections after it as if `rtcp-mux: require` were given (mux, RTCP
        // on the RTP port).
        var muxOptions = request.rtcpMux
        // rtcp-mux in place with the receiver in any section this SDP has (and does not
        // reject) counts for all of them (10.5).
        let muxInPlace = call.participants[receiver].medias.prefix(sdp.media.count).indices.contains { i in
            call.participants[receiver].medias[i].rtcpMux && !sdp.media[i].isRejected
        }
        for (i, m) in sdp.media.enumerated() {
            // A port count (1 to 10 parse) beyond 8 pairs is more than 10.5 gives one section.
            let pairs = m.mediaLine.portCount ?? 1
            if pairs > Self.maxPairsPerSection { throw .portsExhausted }
            var address = (m.connection ?? sdp.sessionConnection(ofMedia: i)).flatMap { IPAddress($0.address) }
            // `SIP source address` (or --sip-source) takes the SIP message's source instead
            // of the SDP's address, unless `trust address` says otherwise, up to the first
            // section speaking ICE (its candidates name its addresses), as 10.5 decides.
            var addressSourced = false
            if sipSource, i < firstICE, let source = request.receivedFrom?.address {
                // (A null address too: the hold shows in the SDP's direction only, as 10.5 has it.)
                address = source
                addressSourced = true
            }
            // Where the sender receives: the receiver's ports are the ones for it (a null
            // address stands for any at its port, see `selectPorts`). `port latching`, or a
            // section without an address from a known peer, keeps the ports in use.
            let senderEndpoint = address.map { Endpoint(address: $0, port: m.mediaLine.port) }
            let keepReceiverPorts = request.has(.portLatching) || (address == nil && !newDialogue)
            // (A new leg takes the profile 10.5 reads: in a rejected section's line with an
            // empty port field, `m=audio  0 RTP/AVP`, one it does not know.)
            let readProfile = m.isRejected ? m.profileAs105Reads ?? m.mediaLine.proto : m.mediaLine.proto
            for side in [sender, receiver] {
                while call.participants[side].medias.count <= i {
                    let n = call.participants[side].medias.count
                    call.participants[side].medias.append(MediaLeg(index: n + 1, type: m.mediaLine.media, proto: readProfile))
                }
            }
            // Each leg is copied out once, changed, and written back once (a MediaLeg copy
            // retains every array and string it holds).
            var leg = call.participants[sender].medias[i]
            var other = call.participants[receiver].medias[i]
            // (Muxed in effect: its own SDP asked for it, and the SDP the proxy sent it had it.)
            let muxedBefore = leg.rtcpMux && leg.muxWritten != .off
            // Each side's profile is its own SDP's; `transport protocol` names the one
            // written to the receiver (an answer keeps its offerer's unless told otherwise).
            // (10.5 reads a rejected line's fields one space apart: `m=audio  0 RTP/AVP`
            // has profile `0` to it.)
            let own = readProfile
            leg.type = m.mediaLine.media
            other.type = m.mediaLine.media
            // An offer whose sender changed its profile, or gives it for the first time (a new
            // participant offering to one that has its own), resets the receiver's to it;
            // else the receiver keeps its own, or an earlier `transport protocol` (10.5
            // remembers it).
            let changed = leg.proto != own || !leg.initialized
            leg.proto = own
            // (`transport protocol` applies where 10.5 reads an RTP profile, as the SDP
            // written for the receiver follows, see `plan`.)
            if let t = request.transportProtocol, m.mediaLine.isRTP, m.profileReadIsRTP {
                other.proto = t == .accept ? own : t.rawValue
            } else if changed && request.command == .offer {
                other.proto = own
            } else if QueryReport.knownProtocol(other.proto) == nil {
                // (A receiver whose own profile 10.5 did not know, `m=audio 0 18`, takes the
                // sender's, in an answer or an offer.)
                other.proto = own
            }
            // The section's own family, unless it speaks ICE (its candidates name its
            // addresses; 10.5 takes no family from them), or is rejected after ICE (which
            // it leaves as it was, see below).
            if let address, m.isRejected ? !leg.ice : !Self.speaksICE(sdp, i) { leg.ownFamily = address.family }
            // Each section sits on the interface of its own family (10.5 keeps one per
            // media): the one `address family` asks for, else the receiver's own for the
            // section, else the one it is on, else the sender's. A receiver on another one
            // moves, its sockets with it; the sender's section stays where it is until an
            // SDP goes to it.
            let sectionRequested = other.ice ? nil : requestedFamily ?? pendingWordFamily
            // (Without a name in effect each section stays on its own interface: 10.5 keeps
            // one per media.)
            let sectionBase = (i < receiverPicks.count ? receiverPicks[i] : nil) ?? (named == nil ? other.currentInterface : nil) ?? base
            // (A receiver that never spoke wants the family it was set up for: one a named
            // interface without it kept on another moves when no name keeps it there.)
            // (The section's own address gives it, even where it speaks ICE.)
            if other.wantedFamily == nil, !other.initialized { other.wantedFamily = sectionRequested ?? address?.family ?? leg.ownFamily }
            let unspoken = other.initialized ? nil : other.wantedFamily
            let sectionInterface = inFamily(sectionRequested ?? other.ownFamily ?? unspoken ?? other.currentInterface?.address.family
                ?? leg.ownFamily ?? call.participants[receiver].ownFamily, sectionBase,
                familyNamed && !(familyWordPending && i >= receiverLegCount))
            other.pick = nil
            // (A family asked of a named interface without it stays wanted: the next offer
            // naming none moves the section to the default's, as 10.5 does.)
            if sectionRequested != nil || familyNamed { other.ownFamily = familyNamed ? sectionInterface.address.family : sectionRequested }
            // (Destinations kept for want of a socket of their family stay kept until the
            // participant's own next SDP, as 10.5 keeps them.)
            if let current = other.currentInterface, current != sectionInterface { leaveMaps(&other) }
            // (A section new to the sender sits where its pick puts it at once.)
            let picked = i < senderPicks.count ? senderPicks[i] : nil
            let formerPick = leg.pick
            if let picked, i < senderLegCount { leg.pick = picked == leg.currentInterface ? nil : picked }
            let senderSectionBase = picked ?? senderBase
            // (A section new to the sender sits in the family its family word names at once.)
            let senderWordInterface = senderFamilyNamed && i >= senderLegCount ? request.direction.first.map { selectInterface($0, family: nil) } : nil
            let senderInterface = leg.currentInterface ?? senderWordInterface ?? (senderFamilyNamed ? nil : leg.ownFamily.flatMap { family in
                counterpart(of: senderSectionBase, in: family)
            }) ?? senderSectionBase
            // A rejected section leaves rtcp-mux as it was on both sides (10.5).
            // (Mux in place only through another section of the receiver, not required nor
            // its own before, is not yet sure where ports are taken: 10.5 binds a pair.)
            var muxedThroughOthers = false
            if m.isRejected {
                other.muxWritten = .off
            } else {
                leg.rtcpMux = m.attribute("rtcp-mux") != nil
                let muxHere = other.rtcpMux
                muxedThroughOthers = request.command == .offer && !muxHere && !muxOptions.contains(.require)
                // (An answer from another participant than the one the offerer's last offer
                // of this section went to, not a new branch: see `negotiateMux`.)
                let answersAnotherBranch = request.command == .answer && !forkAnswer
                    && other.lastOfferedTo.map { $0 != sender } == true
                if request.command == .offer { leg.lastOfferedTo = receiver }
                other.muxWritten = Self.negotiateMux(isOffer: request.command == .offer, options: muxOptions, inPlace: muxInPlace,
                                                     otherBranch: forkAnswer, keepsOffererMux: answersAnotherBranch,
                                                     offererSpoke: call.participants[receiver].hasSDP,
                                                     sender: &leg, receiver: &other)
                // (Only mux in place in this very section makes the later ones required.)
                if request.command == .offer, other.muxWritten == .muxed, muxHere { muxOptions.insert(.require) }
            }
            other.sdpSent = true
            // (A rejected offer leaves it as it was: 10.5 counts no offer there.)
            if request.command == .offer, !m.isRejected { other.offeredMux = m.attribute("rtcp-mux") != nil }
            if m.isRejected {
                leg.localPorts = nil
                other.localPorts = nil
                leg.socketsTaken = true
                other.socketsTaken = true
            } else {
                // RTCP muxed for sure when ports are taken: 10.5 binds the RTP port alone.
                // The sender's are settled by the offer's options (`accept`, `demux`) or by
                // its answer (or the mux the proxy required of it); the receiver's by the
                // SDP going to it, which also has a lone port replaced once RTCP is needed.
                let rtp = m.mediaLine.isRTP
                // (`demux` beside `require` gives the offerer a lone port too, while its
                // answer still decides its mux, as in 10.5.)
                let senderMuxed = rtp && (request.command == .offer ? leg.rtcpMux && (leg.rtcpMuxDecided || request.rtcpMux.contains(.demux))
                    : leg.rtcpMux || leg.muxWritten == .muxed)
                let receiverMuxed = rtp && other.muxWritten == .muxed && !muxedThroughOthers
                // (Sender first: a new call's ports come in the order offerer, answerer.)
                // (An answerer gets none for a section its offerer rejected: 10.5 binds the
                // offerer's side only; nor does a callee re-offering a section an offer to it
                // rejected, until an SDP goes to it.)
                let offerRejected = request.command == .answer && other.offerRejected
                if leg.localPorts != nil || (leg.maps.isEmpty && !offerRejected && !leg.initialized && !leg.sdpSent) {
                    // The sender's own ports are for the receiver's endpoint, which this SDP
                    // does not change. (A section it had rejected gets them back only with
                    // an SDP sent to it, as in 10.5.)
                    // (A fork branch's own, taken at its answer, are for nobody yet: the
                    // offerer's next offer takes them from whatever port, as in 10.5.)
                    let far = forkAnswer ? nil : other.destinations(ofPair: 0).rtp.flatMap { $0.address.isUnspecified ? nil : $0 }
                    try selectPorts(&leg, key: far, keepCurrent: true, pairs: pairs, rtcp: !senderMuxed,
                                    on: senderInterface, changes: &changes)
                }
                // (A known peer on hold gets back the receiver's ports for its endpoint at that
                // port, wherever the receiver went since: 10.5 keeps them per peer.)
                try selectPorts(&other, key: senderEndpoint, keepCurrent: keepReceiverPorts, pairs: pairs, rtcp: !receiverMuxed,
                                refit: true, on: sectionInterface, changes: &changes)
            }
            if request.command == .offer { leg.offerRejected = m.isRejected }
            leg.pairs = pairs
            other.pairs = pairs
            leg.endpointPairs = pairs
            // Per signal, as 10.5 keeps it: the next offer or answer without the flag ends it;
            // a rejected section leaves it as it was.
            if !m.isRejected { leg.asymmetric = request.has(.asymmetric) }
            // A rejected section keeps its address with port 0 (query shows it, as 10.5 does).
            // A section speaking ICE names its addresses in candidates: 10.5 keeps sending
            // to the endpoint it had (advertised and ports still follow the SDP's).
            // So does a section whose new address is of another family than the interface
            // it stays on (its sockets cannot reach it; 10.5 keeps the old destination).
            // (A leg holding no ports, its section rejected before, has no sockets to keep.)
            let stays = leg.localPorts == nil ? nil : leg.currentInterface?.address.family
            let unreachable = address.map { a in stays.map { $0 != a.family } ?? false } ?? false
            // (A rejected section leaves a participant that spoke ICE as it was, endpoint too;
            // a kept endpoint stays while the SDP names the same address as the last.)
            let keptAsLast = leg.keptEndpoints != nil && senderEndpoint == leg.rtpEndpoint
            let lastRTCP = leg.rtcpEndpoint
            if leg.rtpEndpoint != nil, m.isRejected ? leg.ice : Self.speaksICE(sdp, i) || unreachable || keptAsLast {
                leg.keptEndpoints = leg.keptEndpoints ?? (leg.rtpEndpoint, leg.rtcpEndpoint)
            } else {
                leg.keptEndpoints = nil
            }
            if let address {
                leg.rtpEndpoint = Endpoint(address: address, port: m.mediaLine.port)
                // With a port count above one, 10.5 takes RTCP from the port after RTP, not a=rtcp.
                let rtcp = pairs > 1 ? nil : m.attribute("rtcp")?.attributeValue.flatMap(RTCPAttribute.init(parsing:))
                // (The SIP source standing in for the section's address stands in for an
                // a=rtcp address too, as in 10.5.)
                let rtcpAddress = addressSourced ? address : rtcp?.connection.flatMap { IPAddress($0.address) } ?? address
                leg.rtcpEndpoint = Endpoint(address: rtcpAddress, port: rtcp?.port ?? (m.mediaLine.port &+ 1))
            } else {
                leg.rtpEndpoint = nil
                leg.rtcpEndpoint = nil
            }
            // (An address the interface cannot reach keeps RTP where it went; RTCP that was
            // muxed before takes the new SDP's destination, its a=rtcp included, when that
            // is of the family RTCP went to: 10.5 sets up the un-muxed RTCP anew.)
            // (Kept as the last SDP named the same RTP endpoint, RTCP still follows an SDP
            // that names another RTCP endpoint than the last: 10.5 updates each stream whose
            // SDP endpoint changed.)
            if !m.isRejected, !Self.speaksICE(sdp, i), let old = leg.keptEndpoints?.rtcp, let rtcp = leg.rtcpEndpoint,
               unreachable ? muxedBefore && old.address.family == rtcp.address.family : keptAsLast && rtcp != lastRTCP {
                leg.keptEndpoints?.rtcp = rtcp
            }
            let direction = SDPRewriter.direction(session: sdp.session(ofMedia: i).lines, media: m) ?? "sendrecv"
            leg.sends = direction == "sendrecv" || direction == "sendonly"
            // A null address (a hold) receives nothing, whatever its direction says; a
            // rejected section's does not count (10.5).
            leg.receives = (direction == "sendrecv" || direction == "recvonly") && (m.isRejected || !(address?.isUnspecified ?? false))
            // The other side is taken to do the opposite, until its own SDP says (10.5 sets
            // both from each offer or answer).
            other.sends = leg.receives
            other.receives = leg.sends
            // The last ptime either side stated for the section stays with both, written to
            // whichever gets an SDP without one (10.5).
            if let ptime = m.attribute("ptime")?.attributeValue {
                leg.ptime = ptime
                other.ptime = ptime
            }
            if request.command == .offer, other.sentMid == nil {
                // The offer's own mid, else the sender's from before (a new branch gets it
                // too), else the one offers to the sender carry, else a generated one.
                other.sentMid = m.attribute("mid")?.attributeValue ?? (leg.midGenerated ? nil : leg.mid) ?? leg.sentMid
                    ?? (request.has(.generateMid) ? String(i + 1) : nil)
            }
            // What an offer carries to a participant whose mid was generated (its own mid,
            // else the generated one) goes into answers to it from then on (10.5).
            if request.command == .offer, other.midGenerated { other.midCarriedBack = m.attribute("mid")?.attributeValue ?? other.mid }
            // A mid is the last the participant's own offers named; a generated one stays
            // until they name one (10.5).
            if request.command == .offer {
                if let own = m.attribute("mid")?.attributeValue {
                    leg.mid = own
                    leg.midGenerated = false
                } else if leg.mid == nil, request.has(.generateMid) {
                    leg.mid = String(i + 1)
                    leg.midGenerated = true
                }
            }
            // (The session's lines and the section's, each read on its own: joining them
            // copied every line.)
            let sessionLines = sdp.session(ofMedia: i).lines
            // A rejected section's ICE attributes count for nothing, and it leaves the ICE the
            // participant spoke before as it was (10.5).
            var iceRestart = false
            let spokeICEBefore = leg.spokeICE
            if !m.isRejected {
                leg.ice = m.lines.contains { $0.attributeName == "ice-ufrag" } || sessionLines.contains { $0.attributeName == "ice-ufrag" }
                leg.spokeICE = leg.spokeICE || leg.ice
                // (Media-level credentials override the session's, RFC 8839 section 5.4.)
                func credential(_ name: String) -> String? {
                    leg.ice ? (m.lines.last { $0.attributeName == name } ?? sessionLines.last { $0.attributeName == name })?.attributeValue : nil
                }
                let ufrag = credential("ice-ufrag"), pwd = credential("ice-pwd")
                iceRestart = (ufrag != nil && leg.iceUfrag != nil && ufrag != leg.iceUfrag)
                    || (pwd != nil && leg.icePwd != nil && pwd != leg.icePwd)
                // (An SDP without ICE leaves the credentials known before: 10.5 compares the
                // next ones with them.)
                if let ufrag { leg.iceUfrag = ufrag }
                if let pwd { leg.icePwd = pwd }
                leg.trickleICE = leg.ice && (SDPRewriter.tricklesICE(sessionLines) || SDPRewriter.tricklesICE(m.lines))
            }
            // (10.5 takes them anew where ICE changes while the section wants another
            // family's interface, or where `direction` picks another interface for it once
            // the participant spoke ICE there.)
            // (A family word picks that family's counterpart of where the section is.)
            let formerWordPick = leg.wordPick
            if let family = senderWordFamily, i < senderLegCount {
                let current = leg.currentInterface ?? call.participants[sender].interface
                leg.wordPick = counterpart(of: current, in: family).flatMap { $0 == current ? nil : $0 }
            }
            let picksAnother = leg.initialized && spokeICEBefore
                && ((leg.pick != nil && leg.pick != formerPick) || (leg.wordPick != nil && leg.wordPick != formerWordPick))
            let rolesAnew = picksAnother || Self.iceRunChange(&leg, isOffer: request.command == .offer, otherSpokeICE: other.spokeICE,
                                                              rejected: m.isRejected)
                && wantsAnotherInterface(leg, of: call.participants[sender], family: senderWordFamily ?? leg.ownFamily)
            // `ICE: remove` takes ICE from the receiver's flags too (10.5).
            if request.ice == .remove {
                other.ice = false
                other.trickleICE = false
            }
            // The ICE role toward a participant whose own SDP for the section is not seen yet:
            // controlling when the proxy offers to it (10.5 keeps it from then on).
            let isOffer = request.command == .offer
            // (With `ICE: remove`, 10.5 takes a role toward an answerer only where its offer
            // went to it or ICE was spoken, by the answer or ever by the offerer: not in a section
            // beyond the offer, nor toward a new fork branch, without ICE attributes.)
            // An ICE restart takes the roles anew on both sides, as for a first SDP.
            if rolesAnew {
                leg.iceControlling = !isOffer
                other.iceControlling = isOffer
            }
            if !leg.initialized || iceRestart {
                leg.iceControlling = !isOffer && (leg.iceControlling || request.ice != .remove || leg.ice || other.spokeICE)
            }
            // (An answer under `ICE: remove` keeps the role an offer to it took unless the
            // answerer speaks ICE there, its rejected section as it spoke before, or the
            // section is beyond the offer it answers: 10.5.)
            if !other.initialized || iceRestart {
                let beyondOffer = call.participants[receiver].lastOfferedTo == sender && other.lastOfferedTo != sender
                other.iceControlling = isOffer
                    || (!iceRestart && other.iceControlling && request.ice == .remove && !leg.ice && !beyondOffer)
            }
            leg.initialized = true
            leg.codecs = StaticPayloadTypes.codecNames(of: m)
            call.participants[sender].medias[i] = leg
            call.participants[receiver].medias[i] = other
        }
    }

    /// Whether the section wants to leave the interface it is on for its counterpart in
    /// `family` (a family word's, else the participant's own address's; 10.5 keeps a wanted
    /// interface per media).
    func wantsAnotherInterface(_ leg: MediaLeg, of participant: Participant, family: IPAddress.Family?) -> Bool {
        // (A section without ports yet is where its participant is.)
        let current = leg.currentInterface ?? participant.interface
        return (counterpart(of: current, in: family ?? current.address.family) ?? current) != current
    }

    /// Whether ICE with the sender stops, pauses or comes back in the section so that 10.5
    /// takes the ICE roles anew (where the section also wants another interface, see the
    /// caller): ICE runs when the participant's first SDP there spoke it; an offer without it
    /// ends ICE (for good), an answer without it pauses ICE (roles anew only where the peer
    /// ever spoke ICE) until an answer speaking it again, and an offer while paused takes the
    /// roles anew. `leg.ice` is the sender's ICE as this SDP leaves it (a rejected section:
    /// as before). Found by feeding 10.5 every two-party sequence of four offers and answers
    /// under `ICE: remove`, between and within families.
    static func iceRunChange(_ leg: inout MediaLeg, isOffer: Bool, otherSpokeICE: Bool, rejected: Bool) -> Bool {
        guard leg.initialized else {
            leg.iceRun = !rejected && leg.ice ? .running : .never
            return false
        }
        switch (isOffer, leg.iceRun, leg.ice) {
        case (true, .running, false):
            leg.iceRun = .never
            return true
        case (true, .paused, _):
            return true
        case (false, .running, false):
            leg.iceRun = .paused
            return otherSpokeICE
        case (false, .paused, true):
            leg.iceRun = .running
            return true
        default:
            return false
        }
    }

    /// The rewrite for an SDP going to `receiver`: its local ports, the call's interface.
    private func plan(for receiver: Int, from sender: Int, in call: Call, sdp: SessionDescription,
                      request: NGRequest) -> RewritePlan {
        // `media address` is the address 10.5 writes for itself (c=, o= and a=rtcp). The
        // legs are read field by field (a whole MediaLeg copied per look-up was a fifth of
        // this function).
        let legs = call.participants[receiver].medias, senderLegs = call.participants[sender].medias
        let n = sdp.media.count
        var plan = RewritePlan(address: request.mediaAddress ?? call.participants[receiver].interface.sdpAddress, rtpPorts: [])
        plan.sections.reserveCapacity(n)
        let sourcedUpTo = usesSIPSource(request) && request.receivedFrom != nil ? Self.firstSpeakingICE(sdp) : 0
        // (Legs read in place: a copy of one retains every string and array it holds.)
        legs.withUnsafeBufferPointer { legs in
            for i in 0..<n {
                let m = sdp.media[i]
                var section = RewritePlan.Section()
                let leg: UnsafePointer<MediaLeg>? = i < legs.count ? legs.baseAddress! + i : nil
                section.rtpPort = m.isRejected ? nil : leg?.pointee.localPorts?.rtp
                if request.mediaAddress == nil { section.address = leg?.pointee.currentInterface?.sdpAddress }
                section.sourceAddressed = i < sourcedUpTo
                // The profile written: `transport protocol` when given, else the receiver's (in an
                // answer the offerer's own: 10.5 does not pass an answerer's profile change on
                // unless told `accept`). (Not where 10.5 reads no RTP profile in the line:
                // `m=audio  0 RTP/AVP`.)
                if let t = request.transportProtocol {
                    section.proto = t == .accept || !m.profileReadIsRTP ? nil : t.rawValue
                } else if let leg, MediaLine.isRTPProfile(leg.pointee.proto), m.mediaLine.isRTP {
                    section.proto = leg.pointee.proto
                }
                section.fallbackPtime = leg?.pointee.ptime
                // (An offer only to a receiver whose own SDP gave the section a profile.)
                if let leg, request.command == .answer || leg.pointee.initialized { section.ownProfile = leg.pointee.proto }
                // An offer carries the receiver's own mid, else the one the first offer to it set;
                // an answer its offerer's (the receiver's) when that came from the offerer's own
                // SDP, else (an answer to a participant that never offered) the one offers to it
                // carried: 10.5 neither keeps an answer's own mid nor writes a generated one back.
                if let leg {
                    if request.command == .answer {
                        section.mid = leg.pointee.midGenerated ? leg.pointee.midCarriedBack ?? leg.pointee.sentMid : leg.pointee.mid ?? leg.pointee.sentMid
                    } else {
                        section.mid = (leg.pointee.midGenerated ? nil : leg.pointee.mid) ?? leg.pointee.sentMid
                    }
                }
                section.rtcpMux = leg?.pointee.muxWritten ?? .off
                switch request.command {
                case .offer: section.formats = CodecFilter.offerFormats(m, request.codec)
                case .answer:
                    // (The answer's own `codec` flags first, then `single codec`: `single` is
                    // what both leave, nil when neither changes the m= line's formats.)
                    let flagged = CodecFilter.answerOwnFormats(m, request.codec)
                    let single = request.has(.singleCodec) ? CodecFilter.singleCodecFormats(m, formats: flagged) : flagged
                    if let offered = call.answerJudge(i, offerer: receiver, answerer: sender, formats: flagged ?? m.mediaLine.formats,
                                                      rejected: m.isRejected) {
                        let names = i < senderLegs.count ? senderLegs[i].codecs : []
                        var given = CodecFilter.answerCodecs(m, offered: offered, names: names, single: single, answerer: sender)
                        // (A re-answer whose codec `single codec` keeps is not one its last answer
                        // gave: 10.5 judges the whole answer, then keeps the first main codec of
                        // what that gives.)
                        if request.has(.singleCodec), !m.isRejected, let last = offered.lastAnswer(of: sender),
                           let kept = CodecFilter.ordered(names, formats: single ?? []).first(where: { !$0.isSupplemental }),
                           !last.contains(where: kept.answers),
                           let whole = CodecFilter.answerCodecs(m, offered: offered, names: names, single: flagged, answerer: sender),
                           let singled = CodecFilter.singleCodec(whole) {
                            given = singled
                        }
                        section.formats = given?.map { String($0.payloadType) } ?? single
                        section.formatCodecs = given
                    } else {
                        section.formats = single
                    }
                default: break
                }
                plan.sections.append(section)
            }
        }
        plan.callMids = true
        plan.replaceOrigin = request.replace.contains(.origin)
        plan.replaceSessionConnection = request.replace.contains(.sessionConnection)
        // A `media address` given replaces a null c= too (10.5); the hold stays a hold.
        plan.replaceZeroAddress = request.replace.contains(.zeroAddress) || request.mediaAddress != nil
        plan.originalSendrecv = request.has(.originalSendrecv)
        if request.has(.noRTCPAttribute) { plan.rtcpAttribute = .none } else if request.has(.fullRTCPAttribute) { plan.rtcpAttribute = .full }
        plan.generateMid = request.has(.generateMid)
        plan.stripExtmap = request.has(.stripExtmap)
        if request.has(.loopProtect) { plan.loopProtectToken = loopToken }
        return plan
    }

    /// The `TOS` key: a value sets the call's TOS, a negative one keeps it, a missing or
    /// too large one (256 or more) goes back to `--tos`, as rtpengine reads it. New ports
    /// get the call's TOS; a change reaches every port of the call.
    private func applyTOS(_ requested: Int?, to call: inout Call, newPorts: [(PortPair, MediaInterface)]) {
        let defaultTOS = settings.tos
        let previous = call.tos ?? defaultTOS
        let wanted: Int
        switch requested {
        case let t? where t < 0: wanted = previous
        case let t? where t < 256: wanted = t
        default: wanted = defaultTOS
        }
        call.tos = wanted
        if wanted != previous {
            for held in call.allPorts { ports.setTOS(wanted, for: held.pair, on: held.interface) }
        } else if wanted != defaultTOS {
            // New sockets start with --tos; bring them to the call's own value.
            for (pair, interface) in newPorts { ports.setTOS(wanted, for: pair, on: interface) }
        }
    }

    // MARK: delete / query / list

    private func delete(_ r: NGRequest, now: Double) throws(NGError) -> [(key: String, value: BencodeValue)] {
        guard let callID = r.callID else { throw .missingKey("call-id") }
        let delay = Double(r.deleteDelay ?? Int(settings.deleteDelay))
        // What rtpengine 10.5 does, case by case: an unknown call or from-tag only warns;
        // a to-tag alone deletes the whole call; a deleted call lingers (listed and queryable) and
        // takes further whole-call deletes quietly, except that a shorter delay
        // (`delete-delay: 0`) cuts its lingering short.
        let notFound: [(key: String, value: BencodeValue)] = [("warning", .string("Call-ID not found or tags didn't match"))]
        var freed: [PortPairOnInterface] = []
        let outcome: (reply: [(key: String, value: BencodeValue)], released: Call?) = state.withLock { calls in
            guard var call = calls[callID] else { return (notFound, nil) }
            // A from-tag nobody has: 10.5 tries the to-tag in its place.
            var from = r.fromTag.flatMap(call.participantIndex(tag:))
            let swapped = r.fromTag != nil && from == nil
            if swapped {
                guard let to = r.toTag.flatMap(call.participantIndex(tag:)) else { return (notFound, nil) }
                from = to
            }
            // A to-tag nobody has only warns; while a callee has not answered yet (it may be
            // that one), it deletes the whole call, answered with statistics of no tag.
            let to = swapped ? nil : r.toTag.flatMap(call.participantIndex(tag:))
            if r.fromTag != nil, let to, call.participants[to].revivedSilent { return (notFound, nil) }
            let unknownToTag = r.fromTag != nil && !swapped && r.toTag != nil && to == nil
            // A via-branch finds the branch of the from-tag's that has it, answered or not.
            let branches = unknownToTag ? from.map(call.peers(of:)) ?? [] : []
            let named = r.viaBranch.flatMap { via in branches.first { call.participants[$0].viaBranch == via } }
            if unknownToTag, named == nil, !call.participants.contains(where: { $0.tag == nil && !$0.retired }) { return (notFound, nil) }
            // With several branches (a forked INVITE), 10.5 cannot tell which one the unknown
            // to-tag would be: only a via-branch finds one, and that branch loses its
            // via-branch and its ports (it stays listed, with its subscriptions; the reply has
            // the call's statistics, of no tag), at once or when the delete's delay has run
            // out; anything else only warns. (With one branch, the call goes, as below; so
            // does it when the branch found is the last one an earlier such delete left.)
            if branches.count > 1 {
                guard let branch = named else { return (notFound, nil) }
                if branches.contains(where: { $0 != branch && !call.participants[$0].retired }) {
                    if delay <= 0 {
                        call.participants[branch].takeViaBranch()
                        freed = call.retire(branch)
                        installForwarding(call)
                    } else {
                        call.participants[branch].viaBranchEndsAt = min(call.participants[branch].viaBranchEndsAt ?? .infinity, now + delay)
                        call.participants[branch].endAt = min(call.participants[branch].endAt ?? .infinity, now + delay)
                    }
                    calls[callID] = call
                    return (QueryReport.entries(for: call, counters: streamCounters, only: []), nil)
                }
            }
            var reply: [(key: String, value: BencodeValue)] = unknownToTag
                ? QueryReport.entries(for: call, counters: streamCounters, only: []) : []
            // A tagged delete ends the to-tag's participant (else the from-tag's) and whom it
            // hears, as 10.5 does: in a fork, one branch goes and the call stays until every
            // participant has gone. The reply names the participants it ended; a whole-call
            // delete is answered bare.
            if let from, !unknownToTag {
                let target = swapped ? from : (to ?? from)
                let ended = call.withSubscriptions(of: target)
                reply = QueryReport.entries(for: call, counters: streamCounters, only: ended)
                // (On a call lingering after a whole-call delete too: the others keep it.)
                for p in ended { call.participants[p].deleted = true }
                // The delete's target is retired when the delay runs out, and whom it hears
                // with it unless still in dialogue with one the delete left (the offerer of a
                // fork whose other branch stays keeps its ports), as 10.5 does.
                let retiring = ended.filter { p in p == target || call.peers(of: p).allSatisfy { call.participants[$0].deleted } }
                for p in retiring { call.participants[p].endAt = min(call.participants[p].endAt ?? .infinity, now + delay) }
                // (A callee not tagged yet keeps it only with a via-branch no later participant
                // took, as 10.5 finds such a branch by its via-branch, the newest only;
                // otherwise the call ends.)
                let keeps = call.participants.indices.contains { p in
                    let q = call.participants[p]
                    guard !q.deleted else { return false }
                    if q.tag != nil { return true }
                    guard let via = q.viaBranch else { return false }
                    return !call.participants[(p + 1)...].contains { $0.viaBranch == via }
                }
                if keeps {
                    // Without a delay the ended are retired at once (the reply still shows
                    // their ports).
                    if delay <= 0 {
                        freed = retiring.flatMap { call.retire($0) }
                        installForwarding(call)
                    }
                    calls[callID] = call
                    return (reply, nil)
                }
                // A branch an earlier delete with a delay ended keeps the whole call, every
                // participant listed, until that delay has run out (10.5).
                if let pending = call.participants.lazy.filter({ !$0.retired }).compactMap(\.endAt).max(), pending > now + delay {
                    call.deleteAt = min(call.deleteAt ?? .infinity, pending)
                    calls[callID] = call
                    return (reply, nil)
                }
            }
            // The end is counted when the call goes, not at the delete: a lingering call an
            // offer brings back has not ended (10.5).
            if let lingering = call.deleteAt, now + delay >= lingering { return (reply, nil) }
            if delay <= 0 {
                recordEnd(call, .regular, now: now)
                calls[callID] = nil
                return (reply, call)
            }
            call.deleteAt = now + delay
            calls[callID] = call
            return (reply, nil)
        }
        if let released = outcome.released { releasePorts(of: released) }
        for held in freed { ports.release(held.pair, on: held.interface) }
        // `fatal` makes the warning an error.
        if r.has(.fatal), outcome.reply.first?.key == "warning" { throw .deleteNotFound }
        return outcome.reply
    }

    private func query(_ r: NGRequest) throws(NGError) -> [(key: String, value: BencodeValue)] {
        guard let callID = r.callID else { throw .missingKey("call-id") }
        guard let call = state.withLock({ $0[callID] }) else { throw .unknownCall }
        guard r.fromTag != nil || r.toTag != nil else { return QueryReport.entries(for: call, counters: streamCounters) }
        // With tags, 10.5 reports the to-tag's participant (else the from-tag's) and whom
        // it hears; a tag nobody has, no participant.
        guard let target = r.toTag.flatMap(call.participantIndex(tag:)) ?? r.fromTag.flatMap(call.participantIndex(tag:)) else {
            return QueryReport.entries(for: call, counters: streamCounters, only: [])
        }
        return QueryReport.entries(for: call, counters: streamCounters, only: call.withSubscriptions(of: target))
    }

    private func list(_ r: NGRequest) -> [(key: String, value: BencodeValue)] {
        let limit = max(0, r.limit ?? 32)
        let ids = state.withLock { calls in
            // Deleted calls lingering for their delete delay are listed too (10.5).
            calls.values.sorted { $0.created > $1.created }.prefix(limit).map(\.callID)
        }
        return [("calls", .list(ids.map { .string($0) }))]
    }

    /// A socket's counters from the media engine (none without one).
    func streamCounters(_ socket: LocalSocket) -> StreamCounters? { media?.counters(of: socket) }

    /// Hands the call's forwarding rules to the media engine.
    func installForwarding(_ call: Call) {
        guard let media else { return }
        media.install(callID: call.callID, rules: ForwardingPlan.rules(for: call, defaultLearning: settings.endpointLearning))
    }

    func releasePorts(of call: Call) {
        for held in call.allPorts { ports.release(held.pair, on: held.interface) }
    }
}
