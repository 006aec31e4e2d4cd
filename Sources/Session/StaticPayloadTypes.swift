import SDP

/// The RTP/AVP static payload types (RFC 3551 section 6) as rtpengine writes their rtpmap
/// lines when an SDP lists a static type without one. The entries follow the reference's
/// own table (which gives 10 as mono and 11 as stereo L16); unassigned numbers come out as
/// `a=rtpmap:N /0`, as the reference writes them.
public enum StaticPayloadTypes {
    static let table: [Int: (String, Int, Int?)] = [
        0: ("PCMU", 8000, nil), 3: ("GSM", 8000, nil), 4: ("G723", 8000, nil), 5: ("DVI4", 8000, nil),
        6: ("DVI4", 16000, nil), 7: ("LPC", 8000, nil), 8: ("PCMA", 8000, nil), 9: ("G722", 8000, nil),
        10: ("L16", 44100, nil), 11: ("L16", 44100, 2), 12: ("QCELP", 8000, nil), 13: ("CN", 8000, nil),
        14: ("MPA", 90000, nil), 15: ("G728", 8000, nil), 16: ("DVI4", 11025, nil), 17: ("DVI4", 22050, nil),
        18: ("G729", 8000, nil), 25: ("CelB", 90000, nil), 26: ("JPEG", 90000, nil), 31: ("H261", 90000, nil),
        32: ("MPV", 90000, nil), 33: ("MP2T", 90000, nil), 34: ("H263", 90000, nil),
    ]

    /// `PCMU/8000` by payload type (nil: not a static type), formatted once: every offer and
    /// answer looks its formats up here.
    static let encodings: [String?] = (0...127).map { pt in
        table[pt].map { name, clock, channels in
            RTPMap(payloadType: pt, encoding: name, clockRate: clock, channels: channels).encodingDescription
        }
    }

    /// The codec of each static type, made once (a codec reads its name's properties when
    /// made).
    static let codecs: [CodecName?] = encodings.enumerated().map { pt, encoding in
        encoding.map { CodecName(payloadType: pt, name: $0) }
    }

    /// `rtpmapValue` of the static types (`0 PCMU/8000`), formatted once.
    static let rtpmapValues: [String?] = encodings.enumerated().map { pt, encoding in encoding.map { "\(pt) \($0)" } }

    /// The rtpmap value for a payload type that has no `a=rtpmap` line in the SDP.
    public static func rtpmapValue(for payloadType: Int) -> String {
        guard (0...127).contains(payloadType), let value = rtpmapValues[payloadType] else { return "\(payloadType) /0" }
        return value
    }

    /// Codec names by payload type, as `query` reports them: the static table for the
    /// section's formats, then its rtpmap lines (the later entry for a type wins).
    static func codecNames(of media: MediaDescription) -> [CodecName] {
        var out: [CodecName] = []
        out.reserveCapacity(media.mediaLine.formats.count)
        for f in media.mediaLine.formats {
            guard let pt = Int(f), (0...127).contains(pt), let codec = codecs[pt] else { continue }
            out.append(codec)
        }
        var fmtps: [(Int, String)] = []
        var feedback: [(Int, String)] = []
        for line in media.lines {
            let name = line.attributeName
            guard name == "rtpmap" || name == "fmtp" || name == "rtcp-fb", let pt = line.leadingNumber,
                  let space = line.value.asciiFirstIndex(of: UInt8(ascii: " ")) else { continue }
            // What follows the payload type: the codec's name, its format parameters, or a
            // feedback type.
            let value = String(line.value[line.value.index(after: space)...])
            switch name {
            case "rtpmap": out.append(CodecName(payloadType: pt, name: value))
            case "fmtp": fmtps.append((pt, value))
            default: feedback.append((pt, value))
            }
        }
        for (pt, value) in fmtps {
            for k in out.indices where out[k].payloadType == pt { out[k].fmtp = value }
        }
        for (pt, value) in feedback {
            for k in out.indices where out[k].payloadType == pt { out[k].rtcpFeedback.append(value) }
        }
        return out
    }
}
