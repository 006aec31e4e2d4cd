import NG
import SDP

/// Codec manipulation on an SDP's own codecs (no transcoding): `strip`, `except`, `offer`
/// and `mask` on offers, `single codec` on answers, with rtpengine 10.5's rules.
enum CodecFilter {
    /// A payload type with what identifies its codec.
    struct Codec {
        var format: String
        var name: String
        var clock: Int
        var channels: Int

        /// telephone-event and comfort noise ride along with whatever codec is chosen.
        var isSupplemental: Bool {
            let n = name.lowercased()
            return n == "telephone-event" || n == "cn"
        }

        /// Whether `spec` (`NAME[/CLOCK[/CHANNELS]]`, name case-insensitive) names this codec.
        func matches(_ spec: String) -> Bool {
            let parts = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts[0].lowercased() == name.lowercased() else { return false }
            if parts.count > 1, !parts[1].isEmpty, Int(parts[1]) != clock { return false }
            if parts.count > 2, !parts[2].isEmpty, Int(parts[2]) != channels { return false }
            if parts.count == 2, channels != 1 { return false }  // NAME/CLOCK means mono
            return true
        }
    }

    static func codecs(of m: MediaDescription) -> [Codec] {
        // A handful of rtpmap lines: a list searched is cheaper than a dictionary built.
        var maps: [RTPMap] = []
        for line in m.lines where line.attributeName == "rtpmap" {
            guard let map = line.attributeValueText.flatMap(RTPMap.init(parsing:)) else { continue }
            if let i = maps.firstIndex(where: { $0.payloadType == map.payloadType }) { maps[i] = map } else { maps.append(map) }
        }
        return m.mediaLine.formats.map { fmt in
            if let pt = Int(fmt), let map = maps.first(where: { $0.payloadType == pt }) {
                return Codec(format: fmt, name: map.encoding, clock: map.clockRate, channels: map.channels ?? 1)
            }
            if let pt = Int(fmt), let (name, clock, channels) = StaticPayloadTypes.table[pt] {
                return Codec(format: fmt, name: name, clock: clock, channels: channels ?? 1)
            }
            return Codec(format: fmt, name: "", clock: 0, channels: 1)
        }
    }

    /// The formats an offer goes out with, or nil to leave them as they are.
    static func offerFormats(_ m: MediaDescription, _ options: NGRequest.CodecOptions) -> [String]? {
        let removing = options.strip + options.mask
        // (A line 10.5 reads no RTP profile in, `m=video  0 RTP/AVP 125`, keeps its codecs.)
        guard m.mediaLine.isRTP, m.profileReadIsRTP, !removing.isEmpty else { return nil }
        let all = codecs(of: m)
        let removeAll = removing.contains { ["all", "full"].contains($0.lowercased()) }
        // A codec `strip` names goes even when `except` names it too; `except` keeps codecs
        // from `strip all` only (10.5).
        var out = all.filter { codec in
            if removing.contains(where: codec.matches) { return false }
            return !removeAll || options.except.contains(where: codec.matches)
        }
        // `offer` puts stripped codecs back after the main codecs that lead the surviving
        // list (before the first supplemental one, as 10.5 places them).
        var insertAt = out.firstIndex(where: \.isSupplemental) ?? out.count
        for spec in options.offer {
            for codec in all where codec.matches(spec) && !out.contains(where: { $0.format == codec.format }) {
                out.insert(codec, at: insertAt)
                insertAt += 1
            }
        }
        // Stripping every codec is refused: the offer keeps its original list.
        return out.isEmpty ? nil : out.map(\.format)
    }

    /// The formats an answer's own `codec` flags leave it, or nil to leave them as they
    /// are: `strip`, `except` and `offer` act on an answer's list as on an offer's, `mask`
    /// not at all (10.5).
    static func answerOwnFormats(_ m: MediaDescription, _ options: NGRequest.CodecOptions) -> [String]? {
        guard !options.strip.isEmpty else { return nil }
        var unmasked = options
        unmasked.mask = []
        return offerFormats(m, unmasked)
    }

    /// `single codec` on an answer: the first main codec plus the supplemental ones, of
    /// `formats` (the answer's own flags applied) or of the m= line.
    static func singleCodecFormats(_ m: MediaDescription, formats: [String]? = nil) -> [String]? {
        guard m.mediaLine.isRTP else { return nil }
        let all = codecs(of: m).filter { c in formats.map { $0.contains(c.format) } ?? true }
        guard let first = all.firstIndex(where: { !$0.isSupplemental }) else { return nil }
        return all.enumerated().filter { $0.offset == first || $0.element.isSupplemental }.map(\.element.format)
    }

    /// `single codec` on codecs already judged: the first main one plus the supplemental
    /// ones; nil without a main codec.
    static func singleCodec(_ codecs: [CodecName]) -> [CodecName]? {
        guard let first = codecs.firstIndex(where: { !$0.isSupplemental }) else { return nil }
        return codecs.enumerated().filter { $0.offset == first || $0.element.isSupplemental }.map(\.element)
    }

    /// The formats of an answer as the offerer gets them, as 10.5 writes them without
    /// transcoding (see `OfferCodecs.answered`); nil: the answer's own. `single` are the
    /// formats `single codec` leaves, `names` the answer's codec names (its leg's).
    static func answerFormats(_ m: MediaDescription, single: [String]?, offered: OfferCodecs, names: [CodecName],
                              answerer: Int) -> [String]? {
        answerCodecs(m, offered: offered, names: names, single: single, answerer: answerer)?.map { String($0.payloadType) } ?? single
    }

    /// The codecs behind `answerFormats` when the proxy decides them (nil: the answer's own,
    /// or `single`): the rewriter writes their rtpmap and fmtp where the SDP has none.
    static func answerCodecs(_ m: MediaDescription, offered: OfferCodecs, names: [CodecName], single: [String]?,
                             answerer: Int) -> [CodecName]? {
        guard m.mediaLine.isRTP else { return nil }
        let codecs = ordered(names, formats: single ?? m.mediaLine.formats)
        let given = m.isRejected ? offered.rejectedAnswer(codecs, by: answerer)
            : offered.answered(codecs, by: answerer, unflagged: ordered(names, formats: m.mediaLine.formats)).formats
        // Where 10.5 leaves no format at all, it writes an m= line without one: not valid
        // SDP (RFC 4566 section 5.14) nor a valid answer (RFC 3264 section 6.1); the answer
        // goes as it is instead (what the proxy keeps open follows 10.5 all the same).
        return given?.isEmpty == true ? nil : given
    }

    /// The codecs of a section in its m= line's order, from the names its leg keeps (the
    /// last for a type wins); types without a name are left out (nothing can match them).
    static func ordered(_ names: [CodecName], formats: [String]) -> [CodecName] {
        formats.compactMap { f in Int(f).flatMap { pt in names.last { $0.payloadType == pt } } }
    }
}

/// The codecs of an offerer's last offer for a section that are open to answers, as 10.5
/// keeps them: those open to a branch answering for the first time (the offer's, after
/// `codec` flags, narrowed by answers), and per answerer what its last answer gave the
/// offerer (a re-answer is judged by that).
struct OfferCodecs: Sendable {
    let offered: [CodecName]
    var current: [CodecName]
    var lastAnswers: [(answerer: Int, codecs: [CodecName])] = []
    /// Codecs of an offer that came to the participant, not its own: an answer's codecs
    /// 10.5 cannot transcode pass with the open ones taken (10.5).
    var passesUntranscodable = false
    /// Only what the answerer's last answer to another offerer gave, for an offerer with no
    /// codecs of its own: its first answer gives the codecs of it taken, else (and when
    /// rejected) goes as it is; 10.5 transcodes nothing there.
    var takenOnly = false
    /// An answerer's own list whose answer took no main codec 10.5 can transcode: answers
    /// to it pass as they are, but from the offerer it answered (10.5).
    var passesAnswers = false
    /// As `passesUntranscodable` but for answerers other than those with a last answer
    /// here: a section only an answer had (see `CallRegistry`).
    var passesUntranscodableToOthers = false
    /// The answerer whose own list this is: its re-answers are not another branch's.
    var owner: Int?
    /// The answerer whose last answer here is what it gave another offerer (`judging`): its
    /// answer is judged as a re-answer but narrows these codecs as a first answer does.
    var borrowedAnswer: Int?
    /// The offer's `codec` flags changed its codecs: 10.5 then sorts the first answer's
    /// (see `sortedByFlags`).
    var flagsChanged = false
    /// Answerers whose last answer 10.5 transcoded (see `answered`'s `unflagged`).
    var transcodedLast: [Int] = []
    /// Codecs the offer's `codec` `mask` took out: 10.5 keeps them on the offerer's side, so
    /// a first answer that takes no main codec of the offer's gives the offerer those of
    /// them it names.
    var masked: [CodecName] = []
    /// Who sent the offer these codecs came to the participant with (`passesUntranscodable`):
    /// its own answer to them passes nothing (they are its own list).
    var offeredBy: Int?

    init(offered: [CodecName], passesUntranscodable: Bool = false) {
        self.offered = offered
        current = offered
        self.passesUntranscodable = passesUntranscodable
    }

    /// The codecs of `answer` that take open ones (and, for an offer that came to the
    /// participant, those 10.5 cannot transcode unless the answer names an unopened one it
    /// can).
    /// `otherBranch`: another branch's first answer, whose codecs 10.5 cannot transcode pass
    /// in the same way.
    func taken(_ answer: [CodecName], open: [CodecName], reanswer: Bool = false, otherBranch: Bool = false) -> [CodecName] {
        let passing = (passesUntranscodable || otherBranch || (passesUntranscodableToOthers && !reanswer))
            && !answer.contains { a in a.isTranscodableBy105 && !open.has(a) }
        return answer.filter { a in open.contains(where: a.answers) || (passing && !a.isTranscodableBy105) }
    }

    /// An answer of `answer` (in its order) from participant `answerer`, as 10.5 handles it
    /// without transcoding: another branch's answer 10.5 transcodes as `branchTranscoding`
    /// says; else the offerer gets the open codecs the answer takes (from another branch's
    /// first answer only if one is a main codec); else as `AnswerKind` sorts the answer
    /// (nil: the answer as it is). What the offerer got is open to the answerer's next
    /// answer. For other branches, codecs a first answer took narrow the open ones when
    /// 10.5 can transcode one of them (those it cannot stay open), and open the offer's
    /// again when it cannot; those a re-answer took narrow them either way; the other
    /// outcomes leave open what the offerer got.
    /// `unflagged`: the answer before its own `codec` flags, whose comfort noise and
    /// telephone-event a transcoded answer keeps unless the answerer's last answer was
    /// transcoded too (10.5 strips only what it answers with).
    func answered(_ answer: [CodecName], by answerer: Int, unflagged: [CodecName]? = nil) -> (formats: [CodecName]?, after: OfferCodecs) {
        let previous = lastAnswer(of: answerer)
        let open = previous ?? current
        // (Supplemental codecs alone count in the offer's first answer and in a re-answer.)
        let firstFromOther = previous == nil && answerer != owner
        let firstAnswer = previous == nil || borrowedAnswer == answerer
        let otherBranch = firstFromOther && !lastAnswers.isEmpty
        // (A re-answer after another branch answered is transcoded to what that answer left
        // the offerer, `current`, when that answer gave a codec 10.5 can transcode and left
        // a main one: see `retaken`.)
        let lastOther = lastAnswers.last.flatMap { $0.answerer == answerer ? nil : $0.codecs }
        let later = previous != nil && !takenOnly && lastOther?.contains(where: \.isTranscodableBy105) == true
            && current.firstTranscodableMain != nil
        let basis = later ? current : open
        var taken = taken(answer, open: open, reanswer: previous != nil, otherBranch: otherBranch && !takenOnly)
        if previous == nil, !masked.isEmpty, !taken.contains(where: { !$0.isSupplemental }),
           answer.contains(where: { a in masked.contains(where: a.answers) }) {
            taken = answer.filter { a in open.contains(where: a.answers) || masked.contains(where: a.answers) }
        }
        let kept = later ? Self.retaken(taken, current: current) : taken
        var formats: [CodecName]?
        var transcodedNow = false
        var after = self
        after.borrowedAnswer = nil
        if takenOnly {
            formats = kept.isEmpty ? nil : kept
            after.takenOnly = false
            after.lastAnswers.removeAll { $0.answerer == answerer }
            after.lastAnswers.append((answerer, formats ?? answer))
            return (formats, after)
        }
        if passesAnswers && firstFromOther {
            after.lastAnswers.append((answerer, answer))
            return (nil, after)
        }
        if otherBranch, let transcoded = Self.branchTranscoding(answer, kept: kept, open: open) {
            formats = transcoded
            after.current = transcoded ?? answer
        } else if kept.contains(where: { !$0.isSupplemental }) || (!otherBranch && !kept.isEmpty) {
            formats = flagsChanged && lastAnswers.isEmpty && previous == nil ? Self.sortedByFlags(kept) : kept
            // (A re-answer narrows them to what it took, whatever 10.5 can transcode, as
            // it does the answerer's own list.)
            let transcodable = kept.contains(where: \.isTranscodableBy105)
            after.current = answerer == owner || (!firstAnswer && !transcodable) ? kept : transcodable
                ? kept + current.filter { c in !c.isTranscodableBy105 && !kept.contains { $0.payloadType == c.payloadType } } : offered
        } else {
            switch Self.answerKind(answer, kept: kept) {
            case .transcoded:
                // (Supplemental codecs alone, none open by payload type: those with an open
                // one of the same name take its payload type. When all do, that is the
                // answer; else it is transcoded, or with no main codec to transcode to the
                // rest stay as they are.)
                let alone = kept.isEmpty && answer.allSatisfy(\.isSupplemental)
                let renumbered = alone ? answer.map { a in basis.first { $0.isSupplemental && $0.hasSameName(as: a) } ?? a } : answer
                if alone && !renumbered.contains(where: answer.has) {
                    formats = renumbered
                } else if let first = basis.firstTranscodableMain {
                    // (Those the answer came with before its flags, unless its last answer was
                    // transcoded too.)
                    let carried = transcodedLast.contains(answerer) ? answer : unflagged ?? answer
                    formats = [first] + basis.filter { c in c.isSupplemental && (alone ? renumbered : carried).has(c) }
                    transcodedNow = true
                } else if renumbered != answer {
                    formats = renumbered
                }
            case .keptOnly:
                // (With no open main codec 10.5 can transcode, the answer goes as it is.)
                if basis.firstTranscodableMain != nil { formats = kept }
            case .asItIs:
                // Only codecs 10.5 cannot transcode, none of them open: they go as they
                // are, and they alone are open to this answerer's next answer (10.5).
                break
            }
            after.current = formats ?? answer
        }
        after.transcodedLast.removeAll { $0 == answerer }
        if transcodedNow { after.transcodedLast.append(answerer) }
        after.lastAnswers.removeAll { $0.answerer == answerer }
        after.lastAnswers.append((answerer, formats ?? answer))
        return (formats, after)
    }
}

extension OfferCodecs {
    /// Another branch's answer that 10.5 transcodes, and what the offerer gets (nil inside:
    /// the answer as it is); nil when it does not. It transcodes when the answer names a
    /// main codec it can transcode that is not open, or comfort noise or telephone-event
    /// that is not. The offerer gets the answer in its order: the open codecs taken that it
    /// can transcode, and in place of the first unopened one it can transcode the first open
    /// main codec it can (once). Supplemental ones alone unopened, beside a first main codec
    /// of their clock rate that 10.5 cannot transcode, are not replaced. With no open main
    /// codec it can transcode, the answer goes as it is.
    static func branchTranscoding(_ answer: [CodecName], kept: [CodecName], open: [CodecName]) -> [CodecName]?? {
        let unopened = { (a: CodecName) in !open.has(a) }
        let replacing: Bool
        if answer.contains(where: { $0.isTranscodableMain && unopened($0) }) {
            replacing = true
        } else if let supplemental = answer.first(where: { $0.isSupplemental && unopened($0) }) {
            let paired = answer.first { !$0.isSupplemental && $0.clockRate == supplemental.clockRate }
            replacing = paired.map(\.isTranscodableBy105) != false
        } else {
            return nil
        }
        guard let first = open.firstTranscodableMain else { return .some(nil) }
        var out: [CodecName] = []
        for a in answer where a.isTranscodableBy105 {
            guard let codec = kept.contains(a) ? a : replacing && unopened(a) ? first : nil else { continue }
            if !out.contains(where: { $0.isSame(as: codec) }) { out.append(codec) }
        }
        // (Comfort noise and telephone-event of a clock rate at which the answer has a main
        // codec 10.5 cannot transcode go only beside main codecs of that rate, and after the
        // main codecs.)
        let mains = out.filter { !$0.isSupplemental }
        let tied = { (s: CodecName) in
            s.isSupplemental && answer.contains { !$0.isSupplemental && !$0.isTranscodableBy105 && $0.clockRate == s.clockRate }
        }
        // (They need a main codec of their rate it can transcode both in the answer and in
        // what the offerer gets.)
        let atRate = { (list: [CodecName], s: CodecName) in list.contains { $0.isTranscodableMain && $0.clockRate == s.clockRate } }
        let kept = out.filter { s in !tied(s) || (atRate(mains, s) && atRate(answer, s)) }
        return .some(kept.filter { !tied($0) } + kept.filter(tied))
    }

    /// The codecs a re-answer took, when another branch answered after its last answer:
    /// those 10.5 can transcode that this other answer did not leave the offerer (`current`)
    /// become the first main codec it left (once, in the answer's order); the rest stay
    /// (`0 8` re-answered after `8` gives `8`, `101 13` after `8 0 13` gives `8 13`).
    static func retaken(_ kept: [CodecName], current: [CodecName]) -> [CodecName] {
        guard let first = current.firstTranscodableMain else { return kept }
        var out: [CodecName] = []
        for k in kept {
            let codec = !k.isTranscodableBy105 || current.has(k) ? k : first
            if !out.contains(where: { $0.isSame(as: codec) }) { out.append(codec) }
        }
        return out
    }

    /// The codecs a first answer took as 10.5 gives them when the offer's `codec` flags
    /// changed its list: comfort noise and telephone-event of 8000 Hz after the rest (comfort
    /// noise first), left out when no main codec of 8000 Hz it can transcode stays; the
    /// list as it is if nothing would (`13 122 9 0` gives `122 9 0 13`, `13 97` gives `97`).
    static func sortedByFlags(_ kept: [CodecName]) -> [CodecName] {
        let narrow = { (c: CodecName) in c.isSupplemental && c.clockRate == 8000 }
        let rest = kept.filter { !narrow($0) }
        let paired = kept.contains { $0.isTranscodableMain && $0.clockRate == 8000 }
        let sorted = rest + (paired ? kept.filter { narrow($0) && !$0.isTelephoneEvent } + kept.filter { narrow($0) && $0.isTelephoneEvent } : [])
        return sorted.isEmpty ? kept : sorted
    }

    /// What `answerer`'s last answer gave the offerer: open to its next answer.
    func lastAnswer(of answerer: Int) -> [CodecName]? {
        lastAnswers.first { $0.answerer == answerer }?.codecs
    }

    /// These codecs with `gave` as what `answerer`'s last answer gave, when they have none
    /// of its own (its last answer went to another offerer).
    func judging(_ answerer: Int, by gave: [CodecName]?) -> OfferCodecs {
        guard let gave, lastAnswer(of: answerer) == nil else { return self }
        var copy = self
        copy.lastAnswers.append((answerer, gave))
        copy.borrowedAnswer = answerer
        return copy
    }

    /// A rejected answer section as the offerer gets it (10.5): naming a main codec it can
    /// transcode that is not open (or taking none), as `branchTranscoding` says; else, with unopened comfort noise or
    /// telephone-event, the open codecs taken; beside codecs it cannot transcode, those of
    /// them it can when an open one is (possibly none, see `CodecFilter.answerCodecs`); nil:
    /// the answer as it is.
    func rejectedAnswer(_ answer: [CodecName], by answerer: Int) -> [CodecName]? {
        guard !takenOnly else { return nil }
        let open = lastAnswer(of: answerer) ?? current
        let kept = taken(answer, open: open)
        switch Self.answerKind(answer, kept: kept) {
        case .transcoded:
            let unopened = answer.contains { a in a.isTranscodableMain && !open.has(a) }
            guard unopened || kept.isEmpty else {
                return answer.contains { a in a.isSupplemental && !open.has(a) } ? kept.filter(\.isTranscodableBy105) : nil
            }
            // (As another branch's answer: open codecs taken that 10.5 cannot transcode
            // are left out, G728 or AMR, and the first open one stands in for the first
            // unopened one.
            // In the answer's order, comfort noise and telephone-event included.)
            if let transcoded = Self.branchTranscoding(answer, kept: kept, open: open) { return transcoded }
            guard let first = open.firstTranscodableMain else { return nil }
            return [first] + kept.filter { $0.isTranscodableBy105 && !$0.isSame(as: first) }
        case .keptOnly:
            // (Unopened comfort noise or telephone-event is transcoded to an open codec 10.5
            // can transcode, if any: of the codecs taken, only those it can transcode go.)
            guard answer.contains(where: { a in a.isSupplemental && !open.has(a) }), open.firstTranscodableMain != nil else { return nil }
            return kept.filter(\.isTranscodableBy105)
        case .asItIs: return nil
        }
    }

    /// What 10.5 makes of an answer's codecs when they are not simply the open ones taken.
    enum AnswerKind {
        /// A main codec it can transcode, or supplemental codecs alone (or beside no main
        /// codec of their clock rate) none of which is open: transcoded to the first open
        /// main codec it can transcode.
        case transcoded
        /// Supplemental codecs alone, some open, or main codecs it cannot transcode with
        /// comfort noise or telephone-event: the offerer gets just the open codecs taken,
        /// possibly none (10.5 then writes no format; see `CodecFilter.answerCodecs`).
        case keptOnly
        /// Only codecs it cannot transcode: the answer goes as it is.
        case asItIs
    }

    /// `kept`: the open codecs the answer takes.
    static func answerKind(_ answer: [CodecName], kept: [CodecName]) -> AnswerKind {
        if answer.contains(where: \.isTranscodableMain) { return .transcoded }
        // (A supplemental codec with no main codec of its clock rate beside it is as good
        // as alone: telephone-event/8000 beside L16/44100.)
        let unpaired = answer.contains { s in s.isSupplemental && !answer.contains { !$0.isSupplemental && $0.clockRate == s.clockRate } }
        if unpaired { return kept.isEmpty ? .transcoded : .keptOnly }
        return answer.contains(where: \.isSupplemental) ? .keptOnly : .asItIs
    }
}

extension CodecName {
    /// Same payload type and codec (the name compared without case, as SDP does).
    func isSame(as other: CodecName) -> Bool { payloadType == other.payloadType && hasSameName(as: other) }

    /// The same codec whatever the payload type (the name compared without case).
    func hasSameName(as other: CodecName) -> Bool {
        // (Over the bytes in place: iterating two UTF-8 views cost an answer ~1,200
        // instructions per pair compared.)
        guard name.utf8.count == other.name.utf8.count else { return false }
        return Self.withBytes(name) { a in
            Self.withBytes(other.name) { b in
                for i in 0..<a.count where a[i] != b[i] && Self.lower(a[i]) != Self.lower(b[i]) { return false }
                return true
            }
        }
    }

    /// The clock rate in the name (`telephone-event/8000`), nil without one.
    var clockRate: Int? {
        let fields = name.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 2, omittingEmptySubsequences: false)
        return fields.count > 1 ? Int(Substring(fields[1])) : nil
    }

    /// A main codec 10.5 can transcode: what it transcodes an answer to.
    var isTranscodableMain: Bool { !isSupplemental && isTranscodableBy105 }

    /// Whether this answer codec takes the offered one: the same, or on its payload type
    /// a codec 10.5 cannot transcode (it passes that as the answer's, AMR-WB for AMR).
    func answers(_ offered: CodecName) -> Bool {
        isSame(as: offered) || (payloadType == offered.payloadType && !isTranscodableBy105)
    }

    /// Whether Debian's rtpengine 10.5 can both decode and encode it (its `--codecs` says
    /// "fully supported"): its codec handling treats those differently from the rest.
    static func namesTranscodableBy105(_ name: String) -> Bool { encoding(of: name, isIn: transcodableBy105) }

    /// Whether the name's encoding (before the first `/`) is one of `list`, without case.
    private static func encoding(of name: String, isIn list: [StaticString]) -> Bool {
        withBytes(name) { b in
            let encoding = UnsafeBufferPointer(rebasing: b[..<(b.firstIndex(of: UInt8(ascii: "/")) ?? b.count)])
            return list.contains { equalFolded(encoding, $0) }
        }
    }

    /// Whether Debian's rtpengine 10.5 can decode it but not encode it (its `--codecs` says
    /// "supported for decoding only"): iLBC, AMR, AMR-WB and a few more.
    var isDecodableOnlyBy105: Bool { Self.encoding(of: name, isIn: Self.decodableOnlyBy105) }

    private static let decodableOnlyBy105: [StaticString] = ["ilbc", "amr", "amr-wb", "qcelp", "atrac3", "atrac-x", "evrc",
                                                             "evrc0", "evrc1"]

    private static let transcodableBy105: [StaticString] = ["pcma", "pcmu", "g723", "g722", "g729", "g729a", "speex",
                                                            "gsm", "opus", "telephone-event", "cn"]

    /// telephone-event (RFC 4733), as opposed to comfort noise.
    var isTelephoneEvent: Bool { isSupplemental && Self.withBytes(name) { Self.hasPrefixFolded($0, "telephone-event/") } }

    /// telephone-event and comfort noise ride along with whatever codec is chosen.
    static func namesSupplemental(_ name: String) -> Bool {
        withBytes(name) { b in
            hasPrefixFolded(b, "telephone-event/") || hasPrefixFolded(b, "cn/")
        }
    }

    /// The name's UTF-8 bytes without copying them (codec names are built once per m= line
    /// and classified at once; this runs for every codec of every offer and answer).
    private static func withBytes<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = name.utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(name.utf8).withUnsafeBufferPointer(body)
    }

    private static func hasPrefixFolded(_ b: UnsafeBufferPointer<UInt8>, _ lowered: StaticString) -> Bool {
        b.count >= lowered.utf8CodeUnitCount
            && equalFolded(UnsafeBufferPointer(rebasing: b[..<lowered.utf8CodeUnitCount]), lowered)
    }

    /// `b` equals `lowered` ignoring ASCII case.
    private static func equalFolded(_ b: UnsafeBufferPointer<UInt8>, _ lowered: StaticString) -> Bool {
        guard b.count == lowered.utf8CodeUnitCount else { return false }
        let p = lowered.utf8Start
        for i in 0..<b.count where lower(b[i]) != p[i] { return false }
        return true
    }

    /// ASCII lower case of one byte (codec names are ASCII; no String is built).
    static func lower(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
    }
}

extension Array where Element == CodecName {
    /// Whether the list has `codec` (same payload type and codec).
    func has(_ codec: CodecName) -> Bool { contains { $0.isSame(as: codec) } }

    /// The first main codec 10.5 can transcode: what an answer is transcoded to.
    var firstTranscodableMain: CodecName? { first(where: \.isTranscodableMain) }
}
