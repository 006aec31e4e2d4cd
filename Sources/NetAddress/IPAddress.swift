#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as raw network-order bytes: a value, cheap to copy and compare,
/// parsed and printed with the C library's `inet_pton`/`inet_ntop` so every textual form the
/// kernel accepts (compressed IPv6, IPv4-mapped) is accepted here too.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)                        // network byte order, as in `in_addr.s_addr`
    case v6(UInt64, UInt64)                // network-order bytes 0-7 and 8-15

    public enum Family: Sendable { case inet, inet6 }

    /// Parses a literal address; IPv6 may be given in brackets (`[::1]`).
    public init?(_ text: String) {
        var text = text
        if let quad = text.withUTF8({ Self.dottedQuad($0) }) {
            guard let quad else { return nil }
            self = quad
            return
        }
        var s = Substring(text)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        let literal = String(s)
        var a4 = in_addr()
        if inet_pton(AF_INET, literal, &a4) == 1 {
            self.init(a4)
            return
        }
        var a6 = in6_addr()
        if inet_pton(AF_INET6, literal, &a6) == 1 {
            self.init(a6)
            return
        }
        return nil
    }

    /// A literal made of digits and dots only, read as `inet_pton` reads IPv4 (four parts
    /// of 0-255 without a leading zero) and no IPv6 literal can be; nil when other bytes
    /// occur (the C library then decides). Parsing in place spares every SDP address a C
    /// string and two library calls.
    public static func dottedQuad(_ b: UnsafeBufferPointer<UInt8>) -> IPAddress?? {
        var acc: UInt32 = 0, value: UInt32 = 0, digits = 0, dots = 0
        var valid = true
        for c in b {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits > 0 && value == 0 { valid = false }  // a leading zero
                value = min(value * 10 + UInt32(c - UInt8(ascii: "0")), 1000)
                digits += 1
                if value > 255 { valid = false }
            case UInt8(ascii: "."):
                if digits == 0 || dots == 3 { valid = false }
                acc = acc << 8 | (value & 0xff)
                value = 0
                digits = 0
                dots += 1
            default:
                return nil
            }
        }
        guard valid, dots == 3, digits > 0 else { return .some(nil) }
        return .some(.v4((acc << 8 | value).bigEndian))
    }

    public init(_ address: in_addr) {
        self = .v4(address.s_addr)
    }

    public init(_ address: in6_addr) {
        self = withUnsafeBytes(of: address) { raw in
            .v6(raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    public var family: Family {
        if case .v4 = self { return .inet }
        return .inet6
    }

    /// `0.0.0.0` or `::`.
    public var isUnspecified: Bool {
        switch self {
        case .v4(let a): return a == 0
        case .v6(let hi, let lo): return hi == 0 && lo == 0
        }
    }

    public static let anyV4 = IPAddress.v4(0)
    public static let anyV6 = IPAddress.v6(0, 0)

    public var description: String {
        switch self {
        case .v4(let a):
            // Dotted quad by hand: every SDP the proxy writes carries one.
            // (Written straight into the string: at most 15 bytes, a small string.)
            return String(unsafeUninitializedCapacity: 15) { out in
                var n = 0
                withUnsafeBytes(of: a) { octets in
                    for (i, octet) in octets.enumerated() {
                        if i > 0 { out[n] = UInt8(ascii: "."); n += 1 }
                        if octet >= 100 { out[n] = UInt8(ascii: "0") + octet / 100; n += 1 }
                        if octet >= 10 { out[n] = UInt8(ascii: "0") + (octet / 10) % 10; n += 1 }
                        out[n] = UInt8(ascii: "0") + octet % 10
                        n += 1
                    }
                }
                return n
            }
        case .v6(let hi, let lo):
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var words = (hi, lo)
            withUnsafeBytes(of: &words) { raw in
                _ = inet_ntop(AF_INET6, raw.baseAddress, &buf, socklen_t(buf.count))
            }
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The address as it appears in `host:port` text: IPv6 in brackets.
    public var bracketedDescription: String {
        family == .inet6 ? "[\(description)]" : description
    }
}
