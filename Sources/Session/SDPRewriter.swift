import NetAddress
import SDP

/// What one outgoing SDP should say about the proxy, per media section.
public struct RewritePlan: Sendable {
    /// What the plan says about one m= section. (One list of these, not a list per field:
    /// each list cost every request an allocation and its release.)
    public struct Section: Sendable {
        /// The address of the interface the section sits on, when not the plan's `address`
        /// (10.5 keeps an interface per media; a session's c= and o= take its first
        /// section's).
        public var address: IPAddress?
        /// The local RTP port; nil keeps a rejected section rejected.
        public var rtpPort: UInt16?
        /// The receiver's own profile (an answer's offerer's, or an offer's receiver that
        /// sent SDP for the section). A rejected line 10.5 reads with an empty port field
        /// (`m=audio  0 8`) is written `m=audio  PROFILE ` with it when it differs.
        public var ownProfile: String?
        /// Its address is the SIP message's source (`SIP source address`), so a null c=
        /// there is no hold: it is rewritten and the direction stays (10.5).
        public var sourceAddressed = false
        /// The transport protocol to write instead of the SDP's (`transport protocol`, or an
        /// offerer's own profile in the answer to it); RTP sections only.
        public var proto: String?
        /// The formats to send instead of the SDP's own (codec options).
        public var formats: [String]?
        /// The codecs behind `formats` where the proxy chose them (an answer's): their
        /// rtpmap, fmtp and rtcp-fb are written for types the SDP has no line for.
        public var formatCodecs: [CodecName]?
        /// The ptime to state when the SDP has none (the receiver's own).
        public var fallbackPtime: String?
        /// The media's mid, when the call gave it one (see `callMids`).
        public var mid: String?
        /// RFC 5761 multiplexing as stated; nil passes the SDP's own `a=rtcp-mux` through.
        public var rtcpMux: MuxMode?

        public init(rtpPort: UInt16? = nil) { self.rtpPort = rtpPort }
    }

    /// The address written into c= (and o= with `replace origin`): the interface's
    /// advertised address, or its bound address.
    public var address: IPAddress
    /// Per m= section, in order.
    public var sections: [Section]
    public var replaceOrigin = false
    public var replaceSessionConnection = false
    /// `replace zero address`: a 0.0.0.0/:: connection is rewritten too (the stream
    /// still counts as on hold for its direction).
    public var replaceZeroAddress = false
    public var rtcpAttribute: RTCPAttributeMode = .short
    public var originalSendrecv = false
    public var generateMid = false
    /// The sections' `mid` replace the SDP's own (nil entries drop it); false leaves the
    /// SDP's `a=mid` and `generateMid` to decide.
    public var callMids = false
    public var stripExtmap = false
    /// With `loop protect`: the token of the session-level `a=rtpengine:` attribute.
    public var loopProtectToken: String?

    public enum RTCPAttributeMode: Sendable { case short, full, none }

    /// Section `i`'s plan (an empty one past the end).
    public func section(_ i: Int) -> Section { i < sections.count ? sections[i] : Section() }

    /// The address written for section `i`.
    public func address(ofSection i: Int) -> IPAddress { (i < sections.count ? sections[i].address : nil) ?? address }

    /// RFC 5761 multiplexing as stated in one outgoing m= section.
    public enum MuxMode: Sendable {
        /// No `a=rtcp-mux`; RTCP on the port after RTP.
        case off
        /// `a=rtcp-mux` offered, with a separate RTCP port as fallback.
        case offered
        /// `a=rtcp-mux` in effect: RTCP shares the RTP port.
        case muxed
    }

    public init(address: IPAddress, rtpPorts: [UInt16?]) {
        self.address = address
        sections = rtpPorts.map { Section(rtpPort: $0) }
    }
}

/// Rewrites an SDP body the way rtpengine does for plain RTP: addresses and ports point at
/// the proxy, rtpmap lines are completed for static payload types, and the attributes the
/// proxy owns (codecs, direction, RTCP, mid, ptime) are regenerated in rtpengine's order;
/// every other line passes through unchanged, in order. ICE attributes are removed: the
/// proxy does not speak ICE yet, and a peer must not try to reach the original candidates.
public enum SDPRewriter {
    // Checked for every attribute line of every offer and answer: a switch over short
    // names is cheaper than hashing them into a set.
    static func isDirection(_ name: String?) -> Bool {
        switch name {
        case "sendrecv", "sendonly", "recvonly", "inactive": return true
        default: return false
        }
    }

    static func isICE(_ name: String?) -> Bool {
        switch name {
        // `a=end-of-candidates` stays (at the end of its section, as 10.5 writes it).
        case "ice-ufrag", "ice-pwd", "ice-options", "candidate", "remote-candidates", "ice-lite", "ice-mismatch",
             "ice-pacing": return true
        default: return false
        }
    }

    public static func rewrite(_ sdp: SessionDescription, plan: RewritePlan) -> SessionDescription {
        // Written out once per address (one or two in a body): every rewritten c= line and
        // a full a=rtcp carry it. A short list, not a dictionary: no hashing per section.
        var connections: [(IPAddress, String)] = []
        func ourConnection(_ address: IPAddress) -> String {
            if let known = connections.first(where: { $0.0 == address }) { return known.1 }
            let text = (address.family == .inet ? "IN IP4 " : "IN IP6 ") + address.description
            connections.append((address, text))
            return text
        }
        var sessions: [SessionDescription.Session] = []
        sessions.reserveCapacity(sdp.sessions.count)
        var media: [MediaDescription] = []
        media.reserveCapacity(sdp.media.count)
        // Each session of the body is rewritten on its own, its media numbered on.
        for s in sdp.sessions {
            let sessionConnection = SessionDescription.connection(in: s.lines)
            let sessionAddress = s.media.first.map(plan.address(ofSection:)) ?? plan.address
            // The session c= only speaks for sections without their own c=; it is rewritten
            // when one of them relies on it, rejected or passed through as it is (10.5 then
            // gives a passed-through section the original address of its own).
            let sessionCUsed = s.media.contains { !sdp.media[$0].hasConnection }
            let sessionSourced = s.media.contains { !sdp.media[$0].hasConnection && plan.section($0).sourceAddressed }
            var sessionDirection: String?
            var session: [SDPLine] = []
            session.reserveCapacity(s.lines.count + 1)
            for line in s.lines {
                switch line.typeByte {
                case UInt8(ascii: "o") where plan.replaceOrigin:
                    if var o = Origin(parsing: line.value) {
                        o.addressType = sessionAddress.family == .inet ? "IP4" : "IP6"
                        o.address = sessionAddress.description
                        session.append(line.with(value: o.description))
                    } else {
                        session.append(line)
                    }
                case UInt8(ascii: "c"):
                    // One no section relies on is rewritten, whatever it says, only with
                    // `replace session connection` (10.5).
                    if let c = sessionConnection, sessionCUsed ? plan.replaceZeroAddress || sessionSourced || !isZero(c) : plan.replaceSessionConnection {
                        session.append(line.with(value: connection(ourConnection(sessionAddress), keeping: c)))
                    } else {
                        // (A null one no section relies on stays as it came, family and all.)
                        session.append(sessionCUsed ? nullInFamily(line, sessionAddress.family) : line)
                    }
                case UInt8(ascii: "a") where isDirection(line.attributeName):
                    // A session-level direction moves into each media section, where it
                    // counts with the section's own (`strongerDirection`); `original
                    // sendrecv` leaves it here.
                    sessionDirection = strongerDirection(sessionDirection, line.attributeName)
                    if plan.originalSendrecv { session.append(line) }
                case UInt8(ascii: "a") where isICE(line.attributeName):
                    continue
                case UInt8(ascii: "a") where line.attributeName == "group":
                    // BUNDLE groups name transports the proxy replaces; rtpengine drops them.
                    continue
                default:
                    session.append(line)
                }
            }
            if let token = plan.loopProtectToken { session.append(.attribute("rtpengine", token)) }
            let sessionTrickles = tricklesICE(s.lines)
            for i in s.media {
                let m = sdp.media[i]
                // A zero address holds the stream, except as trickle ICE's placeholder
                // before candidates arrive (RFC 8840 section 4.2), as 10.5 reads it.
                let trickle = (sessionTrickles || tricklesICE(m.lines)) && (s.lines + m.lines).contains { $0.attributeName == "ice-ufrag" }
                let planned = plan.section(i)
                let zero = !trickle && !planned.sourceAddressed && ((m.connection ?? sessionConnection).map(isZero) ?? false)
                if isPassedThrough(m.mediaLine) {
                    media.append(passThrough(m, index: i, plan: plan, sessionConnection: s.lines.first { $0.typeByte == UInt8(ascii: "c") }))
                    continue
                }
                var section = rewriteMedia(m, index: i, planned: planned, plan: plan,
                                           ourConnection: ourConnection(plan.address(ofSection: i)), zeroAddress: zero, sessionDirection: sessionDirection)
                if m.isRejected, let profile = planned.ownProfile, let fields = m.fieldsAs105Reads {
                    // (Type, an empty port, the profile 10.5 reads.)
                    if fields.count > 2, fields[1].isEmpty, fields[2] != profile {
                        section.receivedMediaLine = (section.mediaLine, "\(fields[0])  \(profile) ")
                    }
                }
                media.append(section)
            }
            sessions.append(SessionDescription.Session(lines: session, media: s.media))
        }
        return SessionDescription(sessions: sessions, media: media, trailer: sdp.trailer)
    }

    /// Sections 10.5 leaves as they are, port and attributes included: MSRP runs over TCP,
    /// which the proxy does not relay.
    static func isPassedThrough(_ m: MediaLine) -> Bool {
        m.proto == "TCP/MSRP" || m.proto == "TCP/TLS/MSRP"
    }

    /// A passed-through section: as received, with the session's original `c=` given to it
    /// (the session's own now names the proxy; 10.5 ends that line with a bare LF) and a
    /// generated `a=mid` first.
    static func passThrough(_ m: MediaDescription, index: Int, plan: RewritePlan, sessionConnection: SDPLine?) -> MediaDescription {
        var lines: [SDPLine] = []
        lines.reserveCapacity(m.lines.count + 2)
        if !m.hasConnection, var c = sessionConnection {
            c.ending = .lf
            lines.append(c)
        }
        // (A section the call keeps no mid for gets none, `generate mid` or not, as in 10.5.)
        if m.attribute("mid") == nil, let mid = plan.callMids && index < plan.sections.count
            ? plan.sections[index].mid : (plan.generateMid ? String(index + 1) : nil) {
            lines.append(.attribute("mid", mid))
        }
        lines += m.lines
        var out = m
        out.lines = lines
        return out
    }

    /// Our `c=` value in place of `c`, with what followed its address kept, as 10.5 keeps it.
    static func connection(_ ours: String, keeping c: Connection) -> String {
        c.trailing.map { ours + " " + $0 } ?? ours
    }

    /// The payload type an `a=rtpmap:`/`a=fmtp:`/`a=rtcp-fb:` line is about.
    static func payloadType(of line: SDPLine) -> Int? { line.leadingNumber }

    static func rewriteMedia(
        _ m: MediaDescription, index: Int, planned: RewritePlan.Section, plan: RewritePlan, ourConnection: String,
        zeroAddress: Bool, sessionDirection: String?
    ) -> MediaDescription {
        let port = planned.rtpPort
        var mline = m.mediaLine
        var head: [SDPLine] = []   // c=, b=, i=, k=: kept in place, c= rewritten
        head.reserveCapacity(m.lines.count + 8)
        for line in m.lines where line.typeByte != UInt8(ascii: "a") {
            if line.typeByte == UInt8(ascii: "c"), let c = Connection(parsing: line.value),
               plan.replaceZeroAddress || planned.sourceAddressed || !isZero(c) {
                head.append(line.with(value: connection(ourConnection, keeping: c)))
            } else {
                head.append(nullInFamily(line, plan.address(ofSection: index).family))
            }
        }
        // 10.5 writes the UDPTL profile in lower case.
        if mline.proto == "UDPTL" { mline.proto = "udptl" }
        let active = port != nil && !m.isRejected
        if active, let port {
            mline.port = port
            // The proxy holds as many pairs as the line counts; 10.5 writes a count of 1 as none.
            if mline.portCount == 1 { mline.portCount = nil }
        }
        // Profile and codecs change in a rejected section's m= line too (10.5 edits its
        // fields; unchanged, the line is written as it came).
        if mline.isRTP, let proto = planned.proto { mline.proto = proto }
        if let formats = planned.formats { mline.formats = formats }

        var others: [SDPLine] = []
        others.reserveCapacity(m.lines.count)
        var mid: SDPLine?
        // Codec lines by payload type, in SDP order (a later rtpmap for a type wins). Short
        // lists searched in place: a section has a handful, and hashing them cost more.
        var rtpmaps: [(pt: Int, line: SDPLine)] = []
        var perFormat: [(pt: Int, line: SDPLine)] = []   // fmtp and rtcp-fb
        var direction = sessionDirection
        var rtcpMux: SDPLine?
        var ptime: SDPLine?
        var endOfCandidates = false
        for line in m.lines where line.typeByte == UInt8(ascii: "a") {
            let name = line.attributeName ?? ""
            switch name {
            // A rejected section that lists no formats, or whose line 10.5 reads no RTP
            // profile in (`m=audio  0 RTP/AVP 8`), keeps its codec lines as attributes like
            // any other (10.5 reads no codecs there); otherwise they go.
            case _ where !active && (mline.formats.isEmpty || !m.profileReadIsRTP)
                && (name == "rtpmap" || name == "fmtp" || name == "rtcp-fb"):
                others.append(line)
            case "rtpmap":
                // One that does not parse is an attribute like any other; 10.5 writes its own.
                if let pt = payloadType(of: line), line.attributeValueText.flatMap(RTPMap.init(parsing:)) != nil {
                    rtpmaps.removeAll { $0.pt == pt }
                    rtpmaps.append((pt, line))
                } else {
                    others.append(line)
                }
            case "fmtp", "rtcp-fb":
                if let pt = payloadType(of: line) {
                    perFormat.append((pt, line))
                } else {
                    others.append(line)
                }
            case _ where isDirection(name):
                direction = strongerDirection(direction, name)
                // `original sendrecv` leaves the attribute where it was, among the others.
                if plan.originalSendrecv { others.append(line) }
            case "rtcp": continue
            case "rtcp-mux": rtcpMux = line
            case "mid": mid = line
            case "ptime": ptime = line
            case "extmap" where plan.stripExtmap: continue
            case "end-of-candidates": endOfCandidates = true
            case _ where isICE(name): continue
            default: others.append(line)
            }
        }
        var lines = head
        lines.append(contentsOf: others)
        if plan.callMids {
            // The media's mid as the call keeps it (10.5: first given, then fixed).
            if let known = planned.mid { lines.append(.attribute("mid", known)) }
        } else if let mid {
            lines.append(mid)
        } else if plan.generateMid {
            lines.append(.attribute("mid", String(index + 1)))
        }
        // A rejected section keeps its m= line as it came, its plain lines and the
        // attributes the proxy does not own (a mid too); codecs, direction, RTCP go.
        guard active, let port else {
            if endOfCandidates { lines.append(.attribute("end-of-candidates")) }
            return MediaDescription(mediaLine: mline, lines: lines, receivedMediaLine: m.receivedMediaLine, mediaLineEnding: m.mediaLineEnding)
        }
        guard mline.isRTP else {
            // Not RTP: the SDP's own attributes stay, plus a direction; no RTCP port and no
            // ptime (packetization means nothing there), as rtpengine writes it.
            // (By payload type; a type's own lines in SDP order: the sort is stable.)
            lines += rtpmaps.sorted { $0.pt < $1.pt }.map(\.line) + perFormat.sorted { $0.pt < $1.pt }.map(\.line)
            if !plan.originalSendrecv {
                lines.append(.attribute(outgoingDirection(direction ?? "sendrecv", zeroAddress: zeroAddress)))
            }
            return MediaDescription(mediaLine: mline, lines: lines, receivedMediaLine: m.receivedMediaLine, mediaLineEnding: m.mediaLineEnding)
        }
        do {
            // These lines are the proxy's own, written anew: CRLF whatever the SDP's endings.
            let chosen = planned.formatCodecs
            for fmt in mline.formats {
                guard let pt = Int(fmt) else { continue }
                // (The chosen codec's fmtp and rtcp-fb go with it where the SDP has none for
                // the type, even beside an rtpmap of its own, as 10.5 writes them.)
                let given = chosen?.first { $0.payloadType == pt }
                let number = String(pt)
                if let own = rtpmaps.first(where: { $0.pt == pt }) {
                    lines.append(crlf(own.line))
                } else {
                    lines.append(.attribute("rtpmap", given.map { number + " " + $0.name } ?? StaticPayloadTypes.rtpmapValue(for: pt)))
                }
                // The SDP's fmtp lines for the type, else the chosen codec's; then its rtcp-fb
                // lines, else the chosen codec's.
                var any = false
                for e in perFormat where e.pt == pt && e.line.attributeName == "fmtp" {
                    lines.append(crlf(e.line))
                    any = true
                }
                if !any, let fmtp = given?.fmtp { lines.append(.attribute("fmtp", number + " " + fmtp)) }
                any = false
                for e in perFormat where e.pt == pt && e.line.attributeName == "rtcp-fb" {
                    lines.append(crlf(e.line))
                    any = true
                }
                if !any, let given {
                    for feedback in given.rtcpFeedback { lines.append(.attribute("rtcp-fb", number + " " + feedback)) }
                }
            }
        }
        if !plan.originalSendrecv {
            lines.append(.attribute(outgoingDirection(direction ?? "sendrecv", zeroAddress: zeroAddress)))
        }
        let mux = planned.rtcpMux ?? (rtcpMux != nil ? .offered : .off)
        let rtcpPort = mux == .muxed ? port : port &+ 1
        switch plan.rtcpAttribute {
        case .none: break
        case .short: lines.append(.attribute("rtcp", String(rtcpPort)))
        case .full: lines.append(.attribute("rtcp", "\(rtcpPort) \(ourConnection)"))
        }
        if mux != .off { lines.append(rtcpMux.map(crlf) ?? .attribute("rtcp-mux")) }
        if let ptime {
            lines.append(crlf(ptime))
        } else if let fallback = planned.fallbackPtime {
            lines.append(.attribute("ptime", fallback))
        }
        if endOfCandidates { lines.append(.attribute("end-of-candidates")) }
        return MediaDescription(mediaLine: mline, lines: lines, receivedMediaLine: m.receivedMediaLine, mediaLineEnding: m.mediaLineEnding)
    }

    /// Of two direction attributes, the one 10.5 goes by, wherever they stand (session or
    /// section): recvonly over sendonly over inactive over sendrecv.
    static func strongerDirection(_ a: String?, _ b: String?) -> String? {
        func rank(_ d: String?) -> Int {
            switch d {
            case "recvonly": return 4
            case "sendonly": return 3
            case "inactive": return 2
            case "sendrecv": return 1
            default: return 0
            }
        }
        return rank(b) > rank(a) ? b : a
    }

    /// The direction of media section `m` under its session's `lines`, as 10.5 reads it.
    public static func direction(session lines: [SDPLine], media m: MediaDescription) -> String? {
        // (The two lists one after the other, not joined: joining copied every line.)
        var direction: String?
        for line in lines where isDirection(line.attributeName) { direction = strongerDirection(direction, line.attributeName) }
        for line in m.lines where isDirection(line.attributeName) { direction = strongerDirection(direction, line.attributeName) }
        return direction
    }

    static func crlf(_ line: SDPLine) -> SDPLine {
        var line = line
        line.ending = .crlf
        return line
    }

    /// `a=ice-options` names `trickle`.
    static func tricklesICE(_ lines: [SDPLine]) -> Bool {
        lines.contains { $0.attributeName == "ice-options" && ($0.attributeValue?.asciiFields(UInt8(ascii: " ")).contains("trickle") ?? false) }
    }

    /// A zero connection address is the obsolete way to put a stream on hold (RFC 3264
    /// section 8.4): the peer must not send, so the direction loses its receive half.
    static func outgoingDirection(_ direction: String, zeroAddress: Bool) -> String {
        guard zeroAddress else { return direction }
        switch direction {
        case "sendrecv": return "sendonly"
        case "recvonly": return "inactive"
        default: return direction
        }
    }

    /// A held `c=` line (null address) as 10.5 passes it on: in the family the proxy speaks
    /// to the receiver (`IN IP6 ::` for an IPv4 hold going to an IPv6 side), else as it came.
    static func nullInFamily(_ line: SDPLine, _ family: IPAddress.Family) -> SDPLine {
        guard line.typeByte == UInt8(ascii: "c"), let c = Connection(parsing: line.value), isZero(c),
              let address = IPAddress(c.address), address.family != family else { return line }
        let null = family == .inet ? "IN IP4 0.0.0.0" : "IN IP6 ::"
        return line.with(value: c.trailing.map { null + " " + $0 } ?? null)
    }

    static func isZero(_ c: Connection) -> Bool {
        // An unspecified address is all zeros and colons ("0.0.0.0", "::", "0:0::0"):
        // anything else is decided without parsing it.
        guard c.address.utf8.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) else {
            return false
        }
        return IPAddress(c.address)?.isUnspecified ?? false
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
