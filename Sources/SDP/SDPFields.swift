import NetAddress
import ByteText

/// `m=<media> <port>[/<count>] <proto> <fmt> ...` (RFC 8866 section 5.14).
public struct MediaLine: Hashable, Sendable, CustomStringConvertible {
    public var media: String
    public var port: UInt16
    public var portCount: Int?
    public var proto: String
    public var formats: [String]

    public init(media: String, port: UInt16, portCount: Int? = nil, proto: String, formats: [String]) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
    }

    public init?(parsing value: String) {
        // Fields apart by spaces (any number), read over the bytes in place: every SDP's
        // m= lines are parsed here.
        guard let line = value.withUTF8Bytes({ b -> MediaLine? in
            var media = "", proto = "", portField = 0..<0
            var formats: [String] = []
            var field = 0, i = 0
            while i < b.count {
                if b[i] == UInt8(ascii: " ") {
                    i += 1
                    continue
                }
                let start = i
                while i < b.count, b[i] != UInt8(ascii: " ") { i += 1 }
                switch field {
                case 0: media = b.text(start..<i)
                case 1: portField = start..<i
                case 2: proto = b.text(start..<i)
                default:
                    if formats.isEmpty { formats.reserveCapacity(8) }
                    formats.append(b.text(start..<i))
                }
                field += 1
            }
            guard field >= 3 else { return nil }
            let slash = b[portField].firstIndex(of: UInt8(ascii: "/"))
            guard let port = UInt16(b.text(portField.lowerBound..<(slash ?? portField.upperBound))) else { return nil }
            var count: Int?
            if let slash {
                guard let c = Self.portCount(Substring(b.text((slash + 1)..<portField.upperBound))) else { return nil }
                count = c
            }
            return MediaLine(media: media, port: port, portCount: count, proto: proto, formats: formats)
        }) else { return nil }
        self = line
    }

    /// The number of ports after `/`, read as 10.5 reads it: an optional `+` and decimal
    /// digits, whatever follows ignored (`2/3` is 2); 1 to 10, anything else makes the SDP
    /// unparseable.
    static func portCount(_ text: Substring) -> Int? {
        let digits = text.utf8.first == UInt8(ascii: "+") ? text.utf8.dropFirst() : text.utf8[...]
        var value = 0
        var any = false
        for b in digits {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { break }
            value = min(value * 10 + Int(b - UInt8(ascii: "0")), 1000)
            any = true
        }
        return any && (1...10).contains(value) ? value : nil
    }

    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(into: &out)
        return LosslessText.decode(out)
    }

    /// How many bytes `write(into:)` appends.
    public var writtenCount: Int {
        var n = media.utf8.count + 1 + decimalCount(Int64(port)) + 1 + proto.utf8.count
        if let portCount { n += 1 + decimalCount(Int64(portCount)) }
        for fmt in formats { n += 1 + fmt.utf8.count }
        return n
    }

    /// Appends the line's value (what follows `m=`) as bytes: the SDP writer's path, which
    /// string interpolation made a tenth of an offer's serialisation.
    public func write(into out: inout [UInt8]) {
        LosslessText.encode(media, into: &out)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(Int64(port))
        if let portCount {
            out.append(UInt8(ascii: "/"))
            out.appendDecimal(Int64(portCount))
        }
        out.append(UInt8(ascii: " "))
        LosslessText.encode(proto, into: &out)
        for fmt in formats {
            out.append(UInt8(ascii: " "))
            LosslessText.encode(fmt, into: &out)
        }
    }

    /// Whether the formats are RTP payload types: the proxy relays the RTP profiles over UDP
    /// as RTP (RFC 3551, 4585, 3711, 5124, 5764); any other transport (UDPTL, BFCP, SCTP, RTP
    /// over TCP, unknown ones) is passed through as opaque, without rtpmap or RTCP handling,
    /// as rtpengine does.
    public var isRTP: Bool { Self.isRTPProfile(proto) }

    public static func isRTPProfile(_ proto: String) -> Bool {
        switch proto {
        case "RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF": return true
        default: return false
        }
    }

    /// For RTP: every format is a payload type number 0-127.
    public var hasValidPayloadTypes: Bool {
        !isRTP || formats.allSatisfy { Int($0).map { (0...127).contains($0) } ?? false }
    }
}

/// `c=<nettype> <addrtype> <address>` (RFC 8866 section 5.7), as 10.5 reads it: the fields
/// one space apart, `IN`, `IP4` or `IP6`, and a literal address of that family (no host
/// name, no multicast `/ttl`); what follows the address after a space is kept.
public struct Connection: Hashable, Sendable, CustomStringConvertible {
    public var networkType: String
    public var addressType: String
    public var address: String
    /// Text after the address and its space, written back after the address.
    public var trailing: String?

    public init(networkType: String = "IN", addressType: String, address: String, trailing: String? = nil) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
        self.trailing = trailing
    }

    public init?(parsing value: String) {
        // (Read over the bytes in place: every SDP's addresses are parsed several times.)
        guard let c = value.withUTF8Bytes({ b -> Connection? in
            let space = UInt8(ascii: " ")
            guard let s1 = b.firstIndex(of: space), let s2 = b[(s1 + 1)...].firstIndex(of: space) else { return nil }
            let s3 = b[(s2 + 1)...].firstIndex(of: space)
            let addressBytes = UnsafeBufferPointer(rebasing: b[(s2 + 1)..<(s3 ?? b.count)])
            // `IN`, then `IP4` or `IP6`, compared byte by byte.
            guard s1 == 2, b[0] == UInt8(ascii: "I"), b[1] == UInt8(ascii: "N"), s2 == 6, b[3] == UInt8(ascii: "I"),
                  b[4] == UInt8(ascii: "P"), b[5] == UInt8(ascii: "4") || b[5] == UInt8(ascii: "6"),
                  addressBytes.first != UInt8(ascii: "[") else { return nil }
            let address = b.text((s2 + 1)..<(s3 ?? b.count))
            guard let ip = IPAddress.dottedQuad(addressBytes) ?? IPAddress(address) else { return nil }
            let addressType: String
            switch ip.family {
            case .inet where b[5] == UInt8(ascii: "4"): addressType = "IP4"
            case .inet6 where b[5] == UInt8(ascii: "6"): addressType = "IP6"
            default: return nil
            }
            return Connection(networkType: "IN", addressType: addressType, address: address,
                              trailing: s3.map { b.text(($0 + 1)..<b.count) })
        }) else { return nil }
        self = c
    }

    public var description: String {
        "\(networkType) \(addressType) \(address)" + (trailing.map { " " + $0 } ?? "")
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>` (section 5.2), as
/// 10.5 reads it: fields one space apart, by position, an empty one between two spaces
/// counting as a field; what is not changed is written back as it came, spacing included.
public struct Origin: Hashable, Sendable, CustomStringConvertible {
    public var fields: [String]

    public init?(parsing value: String) {
        let f = value.asciiFields(UInt8(ascii: " "), omittingEmpty: false)
        guard f.count >= 6 else { return nil }
        fields = f
    }

    public var username: String { get { fields[0] } set { fields[0] = newValue } }
    public var sessionID: String { get { fields[1] } set { fields[1] = newValue } }
    public var sessionVersion: String { get { fields[2] } set { fields[2] = newValue } }
    public var networkType: String { get { fields[3] } set { fields[3] = newValue } }
    public var addressType: String { get { fields[4] } set { fields[4] = newValue } }
    public var address: String { get { fields[5] } set { fields[5] = newValue } }

    public var description: String { fields.joined(separator: " ") }
}

/// `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]` (section 6.6).
public struct RTPMap: Hashable, Sendable, CustomStringConvertible {
    public var payloadType: Int
    public var encoding: String
    public var clockRate: Int
    public var channels: Int?

    public init(payloadType: Int, encoding: String, clockRate: Int, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encoding = encoding
        self.clockRate = clockRate
        self.channels = channels
    }

    public init?(parsing value: String) { self.init(parsingText: value) }

    /// From the part of a line after `a=rtpmap:`, without making it a string of its own.
    public init?(parsing value: Substring) { self.init(parsingText: value) }

    private init?<S: StringProtocol>(parsingText value: S) where S.SubSequence == Substring {
        // The payload type (after any spaces), one space, then `encoding/clock[/channels]`
        // (what follows that space, spaces and all), read over the bytes in place.
        guard let map = value.withUTF8Bytes({ b -> RTPMap? in
            guard let start = b.firstIndex(where: { $0 != UInt8(ascii: " ") }) else { return nil }
            guard let space = b[start...].firstIndex(of: UInt8(ascii: " ")), space + 1 < b.count,
                  let pt = Int(b.text(start..<space)), (0...127).contains(pt) else { return nil }
            let rest = (space + 1)..<b.count
            guard let slash1 = b[rest].firstIndex(of: UInt8(ascii: "/")), slash1 > rest.lowerBound else { return nil }
            let slash2 = b[(slash1 + 1)..<rest.upperBound].firstIndex(of: UInt8(ascii: "/"))
            if let slash2, b[(slash2 + 1)..<rest.upperBound].contains(UInt8(ascii: "/")) { return nil }
            guard let clock = Int(b.text((slash1 + 1)..<(slash2 ?? rest.upperBound))) else { return nil }
            var channels: Int?
            if let slash2 {
                guard let c = Int(b.text((slash2 + 1)..<rest.upperBound)) else { return nil }
                channels = c
            }
            return RTPMap(payloadType: pt, encoding: b.text(rest.lowerBound..<slash1), clockRate: clock, channels: channels)
        }) else { return nil }
        self = map
    }

    public var description: String { "\(payloadType) \(encodingDescription)" }

    /// `PCMU/8000` or `opus/48000/2`: the part after the payload type.
    public var encodingDescription: String {
        "\(encoding)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
    }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605).
public struct RTCPAttribute: Hashable, Sendable, CustomStringConvertible {
    public var port: UInt16
    public var connection: Connection?

    public init(port: UInt16, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    public init?(parsing value: String) {
        let f = value.asciiFields(UInt8(ascii: " "))
        guard f.count == 1 || f.count == 4, let port = UInt16(f[0]) else { return nil }
        self.init(port: port, connection: f.count == 4 ? Connection(networkType: f[1], addressType: f[2], address: f[3]) : nil)
    }

    public var description: String {
        connection.map { "\(port) \($0)" } ?? String(port)
    }
}
