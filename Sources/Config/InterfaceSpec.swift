import NetAddress

/// One `--interface` value: `[NAME/]ADDR[!ADVERTISED]`.
///
/// NAME is the logical interface name the ng `direction`/`interface` keys select; it may be
/// `BASE:SUFFIX`, in which case interfaces sharing BASE are used round robin. ADDR is an IP
/// literal, a system interface name (resolved to its addresses at start-up) or `any`.
/// ADVERTISED is the address written into SDP instead of ADDR (for hosts behind NAT).
public struct InterfaceSpec: Hashable, Sendable, CustomStringConvertible {
    public enum Address: Hashable, Sendable {
        case ip(IPAddress)
        case systemInterface(String)
        case any
    }

    public static let defaultName = "default"

    public var name: String
    public var address: Address
    public var advertised: IPAddress?

    public init(name: String = InterfaceSpec.defaultName, address: Address, advertised: IPAddress? = nil) {
        self.name = name
        self.address = address
        self.advertised = advertised
    }

    /// The part of NAME before `:` (the round-robin group), or NAME itself.
    public var baseName: String {
        name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    /// The part of NAME after `:`, when there is one.
    public var suffix: String? {
        let parts = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1]) : nil
    }

    public var description: String {
        var s = name == Self.defaultName ? "" : "\(name)/"
        switch address {
        case .ip(let ip): s += ip.description
        case .systemInterface(let n): s += n
        case .any: s += "any"
        }
        if let advertised { s += "!\(advertised)" }
        return s
    }

    /// Parses the command-line/config form; the error text says what is wrong.
    public static func parse(_ text: String) -> Result<InterfaceSpec, SpecError> {
        var rest = Substring(text)
        var name = defaultName
        if let slash = rest.firstIndex(of: "/") {
            name = String(rest[..<slash])
            rest = rest[rest.index(after: slash)...]
            if name.isEmpty { return .failure(SpecError("empty interface name before '/'")) }
            if name.contains(where: { $0 == " " || $0 == "!" }) {
                return .failure(SpecError("interface name '\(name)' contains a space or '!'"))
            }
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count > 2 || parts.contains(where: \.isEmpty) {
                return .failure(SpecError("interface name '\(name)' must be NAME or BASE:SUFFIX"))
            }
        }
        var advertised: IPAddress?
        if let bang = rest.firstIndex(of: "!") {
            let adv = String(rest[rest.index(after: bang)...])
            guard let ip = IPAddress(adv) else {
                return .failure(SpecError("advertised address '\(adv)' is not an IP address"))
            }
            advertised = ip
            rest = rest[..<bang]
        }
        let addr = String(rest)
        if addr.isEmpty { return .failure(SpecError("no address given")) }
        let address: Address
        if let ip = IPAddress(addr) {
            address = .ip(ip)
        } else if addr == "any" {
            address = .any
        } else if isPlausibleSystemInterfaceName(addr) {
            address = .systemInterface(addr)
        } else {
            return .failure(SpecError("'\(addr)' is neither an IP address, 'any' nor a system interface name"))
        }
        if let advertised, case .ip(let ip) = address, ip.family != advertised.family {
            return .failure(SpecError("advertised address \(advertised) is not of the same family as \(ip)"))
        }
        return .success(InterfaceSpec(name: name, address: address, advertised: advertised))
    }

    /// Linux interface names: 1-15 bytes (IFNAMSIZ - 1), no '/', whitespace or NUL.
    static func isPlausibleSystemInterfaceName(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        return !bytes.isEmpty && bytes.count <= 15
            && !bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 <= 0x20 || $0 >= 0x7f })
            && s != "." && s != ".."
    }
}

/// A human-readable reason why a structured option value is invalid.
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
