import Bencode
import ByteText
import NetAddress

/// Reads an ng request dictionary into an `NGRequest`. Keys may use spaces or hyphens, in the
/// spelling 10.5 knows or in lower case (`NGFlag.normalize`); every dictionary key may also
/// be given in the `flags`
/// list as `key=value`, and some families of options as prefixed flags (`codec-strip-PCMU`,
/// `SDES-no-NULL_HMAC_SHA1_32`, `endpoint-learning-heuristic`, `from-tags-TAG`).
/// `replace-origin` and `rtcp-mux-demux` as flags are not among them: rtpengine 10.5
/// ignores them (Kamailio turns its own such flags into the `replace`/`rtcp-mux` lists). A value of the wrong type is treated as absent,
/// as rtpengine does.
public enum NGRequestParser {
    public static func parse(_ dictionary: BencodeValue, command: NGCommand) -> NGRequest {
        var request = NGRequest(command: command)
        guard case .dictionary(let entries) = dictionary else { return request }
        var flagValues: [BencodeValue] = []
        for (key, value) in entries {
            let k = NGFlag.normalize(key)
            if k == "flags" {
                if case .list(let items) = value { flagValues = items }
                continue
            }
            if k == "command" { continue }
            apply(k, value, to: &request, as: key)
        }
        for item in flagValues {
            // Losslessly: `from-tags-TAG` and `label=...` carry ids, which are bytes.
            guard let flag = item.bytesValue.map(LosslessText.decode) else { continue }
            applyFlag(flag, to: &request)
        }
        return request
    }

    static func applyFlag(_ flag: String, to r: inout NGRequest) {
        if let eq = flag.firstIndex(of: "=") {
            let key = String(flag[..<eq])
            apply(NGFlag.normalize(key), .string(LosslessText.encode(String(flag[flag.index(after: eq)...]))), to: &r, as: flag)
            return
        }
        if let f = NGFlag(wire: flag) {
            r.flags.insert(f)
            if f == .trustAddress || f == .sipSourceAddress { r.trustAddress = f == .trustAddress }
            return
        }
        for (prefix, handler) in prefixHandlers {
            guard let rest = dropPrefix(prefix, from: flag) else { continue }
            if handler(rest, &r) { return }
        }
        r.ignored.append(flag)
    }

    /// Flag families: the prefix (normalized) and what the rest of the flag sets.
    private static let prefixHandlers: [(String, @Sendable (String, inout NGRequest) -> Bool)] = [
        ("codec ", { rest, r in
            guard let sep = rest.firstIndex(where: { $0 == "-" || $0 == " " }) else { return false }
            return addCodec(verb: NGFlag.normalize(String(rest[..<sep])), String(rest[rest.index(after: sep)...]), to: &r)
        }),
        ("transcode ", { rest, r in addCodec(verb: "transcode", rest, to: &r) }),
        ("sdes ", { rest, r in r.sdes.append(rest); return true }),
        ("osrtp ", { rest, r in r.osrtp.append(rest); return true }),
        ("from tags ", { rest, r in r.fromTags.append(ByteString(losslessText: rest)); return true }),
        ("endpoint learning ", { rest, r in
            guard let v = NGRequest.EndpointLearning(rawValue: NGFlag.normalize(rest)) else { return false }
            r.endpointLearning = v
            return true
        }),
    ]

    /// The part of `flag` after `prefix` when `flag` starts with it (compared normalized;
    /// `prefix` ends in its separator, which may be a space or a hyphen), with its original
    /// spelling and case kept (codec names are case-sensitive).
    static func dropPrefix(_ prefix: String, from flag: String) -> String? {
        let word = prefix.dropLast()
        guard flag.count > prefix.count, NGFlag.normalize(String(flag.prefix(word.count))) == word else { return nil }
        let separator = flag[flag.index(flag.startIndex, offsetBy: word.count)]
        guard separator == "-" || separator == " " else { return nil }
        return String(flag.dropFirst(prefix.count))
    }

    static func addCodec(verb: String, _ name: String, to r: inout NGRequest) -> Bool {
        guard !name.isEmpty else { return false }
        switch verb {
        case "strip": r.codec.strip.append(name)
        case "except": r.codec.except.append(name)
        case "offer": r.codec.offer.append(name)
        case "mask": r.codec.mask.append(name)
        case "transcode": r.codec.transcode.append(name)
        case "consume": r.codec.consume.append(name)
        case "accept": r.codec.accept.append(name)
        case "set": r.codec.set.append(name)
        default: return false
        }
        return true
    }

    /// Applies one dictionary key (normalized) to the request; `original` names it in
    /// `ignored` when it is not understood.
    static func apply(_ key: String, _ value: BencodeValue, to r: inout NGRequest, as original: String) {
        var understood = true
        switch key {
        case "call id": r.callID = id(value)
        case "from tag": r.fromTag = id(value)
        case "to tag": r.toTag = id(value)
        case "via branch": r.viaBranch = id(value)
        case "sdp": r.sdp = value.bytesValue
        case "label", "from label": r.label = value.bytesValue.map(ByteString.init)
        case "address": r.address = value.stringValue
        case "set label": r.setLabel = value.bytesValue.map(ByteString.init)
        case "to label": r.toLabel = value.bytesValue.map(ByteString.init)
        case "from tags": r.fromTags += byteStrings(value)
        case "interface": r.interface = value.stringValue
        case "direction": r.direction += strings(value)
        case "metadata": r.metadata = value.stringValue
        case "dtls": r.dtls = value.stringValue
        case "sdes": r.sdes += strings(value)
        case "osrtp": r.osrtp += strings(value)
        case "supports": r.supports.formUnion(strings(value).map(NGFlag.normalize))
        case "tos": r.tos = int(value)
        case "delete delay": r.deleteDelay = int(value)
        case "ptime": r.ptime = int(value)
        case "limit": r.limit = int(value)
        case "replace":
            for s in strings(value) {
                if let v = NGRequest.ReplaceOption(rawValue: NGFlag.normalize(s)) { r.replace.insert(v) } else { r.ignored.append("replace=\(s)") }
            }
        case "rtcp mux":
            for s in strings(value) {
                if let v = NGRequest.RTCPMuxOption(rawValue: NGFlag.normalize(s)) { r.rtcpMux.insert(v) } else { r.ignored.append("rtcp-mux=\(s)") }
            }
        case "received from":
            let parts = strings(value)
            if parts.count == 2, let family = NGRequest.AddressFamily(rawValue: parts[0].uppercased()),
               let ip = IPAddress(parts[1]) {
                r.receivedFrom = .init(family: family, address: ip)
            } else {
                understood = false
            }
        case "media address":
            r.mediaAddress = value.stringValue.flatMap(IPAddress.init)
            understood = r.mediaAddress != nil
        case "address family":
            r.addressFamily = value.stringValue.flatMap { NGRequest.AddressFamily(rawValue: $0.uppercased()) }
            understood = r.addressFamily != nil
        case "ice":
            r.ice = value.stringValue.flatMap { NGRequest.ICEMode(rawValue: NGFlag.normalize($0)) }
            understood = r.ice != nil
        case "transport protocol":
            r.transportProtocol = value.stringValue.flatMap {
                $0.lowercased() == "accept" ? .accept : NGRequest.TransportProtocol(rawValue: $0.uppercased())
            }
            understood = r.transportProtocol != nil
        case "endpoint learning":
            r.endpointLearning = value.stringValue.flatMap { NGRequest.EndpointLearning(rawValue: NGFlag.normalize($0)) }
            understood = r.endpointLearning != nil
        case "record call":
            switch value.stringValue.map(NGFlag.normalize) {
            case "yes", "on": r.recordCall = true
            case "no", "off": r.recordCall = false
            default: understood = false
            }
        case "media echo":
            r.mediaEcho = value.stringValue.flatMap { NGRequest.MediaEcho(rawValue: NGFlag.normalize($0)) }
            understood = r.mediaEcho != nil
        case "drop traffic":
            // `stop` wins over `start` when both are given.
            switch value.stringValue.map(NGFlag.normalize) {
            case "stop": r.dropTraffic = .stop
            case "start": if r.dropTraffic != .stop { r.dropTraffic = .start }
            default: understood = false
            }
        case "codec":
            guard case .dictionary(let verbs) = value else { understood = false; break }
            for (verb, names) in verbs {
                for name in strings(names) where !addCodec(verb: NGFlag.normalize(verb), name, to: &r) {
                    r.ignored.append("codec-\(verb)=\(name)")
                }
            }
        default:
            understood = false
        }
        if !understood { r.ignored.append(original) }
    }

    /// An id (call-id, tag, via-branch): its bytes; empty counts as absent.
    private static func id(_ value: BencodeValue) -> ByteString? {
        guard let b = value.bytesValue, !b.isEmpty else { return nil }
        return ByteString(b)
    }

    /// A list of byte strings, or a single one as a one-element list.
    static func byteStrings(_ value: BencodeValue) -> [ByteString] {
        switch value {
        case .string(let b): return [ByteString(b)]
        case .list(let items): return items.compactMap { $0.bytesValue.map(ByteString.init) }
        default: return []
        }
    }

    /// A list of strings, or a single string as a one-element list.
    static func strings(_ value: BencodeValue) -> [String] {
        switch value {
        case .string: return value.stringValue.map { [$0] } ?? []
        case .list(let items): return items.compactMap(\.stringValue)
        default: return []
        }
    }

    /// An integer given as a bencode integer or as decimal text (from `key=value` flags).
    static func int(_ value: BencodeValue) -> Int? {
        switch value {
        case .integer(let i): return Int(exactly: i)
        case .string: return value.stringValue.flatMap { Int($0) }
        default: return nil
        }
    }
}
