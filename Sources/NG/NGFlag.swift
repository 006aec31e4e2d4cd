/// The boolean flags of an ng request (`flags` list), by their canonical spelling. The wire
/// form may use hyphens or underscores for spaces and any letter case.
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

    /// The canonical form of a flag or key as sent: lower case, hyphens and underscores
    /// read as spaces (rtpengine treats them alike).
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
        // bytes; ASCII is mapped byte by byte, anything else the slow way.
        func needsMapping(_ b: UInt8) -> Bool {
            b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        }
        var mapping = false
        for b in text.utf8 {
            if b >= 0x80 { return String(text.lowercased().map { $0 == "-" || $0 == "_" ? " " : $0 }) }
            mapping = mapping || needsMapping(b)
        }
        guard mapping else { return text }
        let count = text.utf8.count
        return String(unsafeUninitializedCapacity: count) { out in
            var i = 0
            for b in text.utf8 {
                out[i] = b == UInt8(ascii: "-") || b == UInt8(ascii: "_") ? UInt8(ascii: " ") : (needsMapping(b) ? b + 32 : b)
                i += 1
            }
            return count
        }
    }

    public init?(wire: String) {
        self.init(rawValue: Self.normalize(wire))
    }
}
