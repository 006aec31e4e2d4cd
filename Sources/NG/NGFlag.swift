/// The boolean flags of an ng request (`flags` list), by their canonical spelling in lower
/// case. The wire form may use hyphens for spaces (see `normalize` for letter case).
public enum NGFlag: String, CaseIterable, Sendable {
    case sipSourceAddress = "sip source address"
    case trustAddress = "trust address"
    case symmetric
    case asymmetric
    case unidirectional
    case strictSource = "strict source"
    case mediaHandover = "media handover"
    case reset
    case portLatching = "port latching"
    case noPortLatching = "no port latching"
    case recordCall = "record call"
    case noRTCPAttribute = "no rtcp attribute"
    case fullRTCPAttribute = "full rtcp attribute"
    case loopProtect = "loop protect"
    case alwaysTranscode = "always transcode"
    case singleCodec = "single codec"
    case reuseCodecs = "reuse codecs"
    case noCodecRenegotiation = "no codec renegotiation"
    case allowTranscoding = "allow transcoding"
    case all
    case padCrypto = "pad crypto"
    case generateMid = "generate mid"
    case stripExtmap = "strip extmap"
    case originalSendrecv = "original sendrecv"
    case injectDTMF = "inject dtmf"
    case detectDTMF = "detect dtmf"
    case generateRTCP = "generate rtcp"
    case rtcpMirror = "rtcp mirror"
    case debug
    case debugging
    case pierceNAT = "pierce nat"
    case natWait = "nat wait"
    case trickleICE = "trickle ice"
    case rejectICE = "reject ice"
    case fatal
    case earlyMedia = "early media"
    case discardRecording = "discard recording"

    /// The spellings with capitals rtpengine 10.5 knows (hyphens read as spaces); each is
    /// accepted as written or all in lower case, and nothing else with capitals is.
    static let mixedCase: [String: String] = Dictionary(uniqueKeysWithValues: [
        "ICE", "DTLS", "SDES", "OSRTP", "TOS", "SIP source address", "trickle ICE", "reject ICE", "ICE lite",
        "inject DTMF", "detect DTMF", "block DTMF", "unblock DTMF", "play DTMF", "generate RTCP", "RTCP mirror",
        "pierce NAT", "NAT wait", "DTLS reverse", "DTLS fingerprint", "SDP version", "T38", "T.38",
    ].map { ($0, $0.lowercased()) })

    /// The canonical form of a flag or key as sent: hyphens read as spaces, as rtpengine
    /// reads them, and lower case. 10.5 matches spellings exactly: the one in its
    /// documentation or the same in lower case (`SIP source address`, `sip-source-address`),
    /// never other capitals (`Sip-Source-Address`) or underscores (`sip_source_address`);
    /// those come out as they are and match nothing.
    public static func normalize(_ text: String) -> String {
        // The hyphenated keys every offer, answer and delete from Kamailio carries.
        switch text {
        case "call-id": return "call id"
        case "from-tag": return "from tag"
        case "to-tag": return "to tag"
        case "via-branch": return "via branch"
        case "received-from": return "received from"
        default: break
        }
        // Every other key passes here too, and most are already canonical: one look at the
        // bytes; ASCII is mapped byte by byte, anything else is left as it is.
        var hyphens = false, capitals = false
        for b in text.utf8 {
            if b >= 0x80 { return text }
            if b == UInt8(ascii: "-") { hyphens = true }
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { capitals = true }
        }
        guard hyphens || capitals else { return text }
        let count = text.utf8.count
        let spaced = String(unsafeUninitializedCapacity: count) { out in
            var i = 0
            for b in text.utf8 {
                out[i] = b == UInt8(ascii: "-") ? UInt8(ascii: " ") : b
                i += 1
            }
            return count
        }
        guard capitals else { return spaced }
        return mixedCase[spaced] ?? spaced
    }

    public init?(wire: String) {
        self.init(rawValue: Self.normalize(wire))
    }
}
