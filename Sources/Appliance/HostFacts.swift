import NetAddress

/// What `check` knows of the machine it runs on: its addresses and interface names. Passed
/// in, so validation stays free of IO and tests can describe any host.
public struct HostFacts: Sendable {
    public var interfaces: [String: [IPAddress]]

    public init(interfaces: [String: [IPAddress]]) { self.interfaces = interfaces }

    public var addresses: Set<IPAddress> { Set(interfaces.values.flatMap { $0 }) }
}

/// A local address as far as clashes go: a specific IP, every address of one family, or
/// every address of both (a bare port, `any`).
enum Scope: Equatable, CustomStringConvertible {
    case ip(IPAddress)
    case family(IPAddress.Family)
    case all
    case name(String)

    init(_ ip: IPAddress) { self = ip.isUnspecified ? .family(ip.family) : .ip(ip) }

    func overlaps(_ other: Scope) -> Bool {
        switch (self, other) {
        case (.all, _), (_, .all): return true
        case (.name(let a), .name(let b)): return a == b
        case (.name, _), (_, .name): return false
        case (.family(let f), .ip(let ip)), (.ip(let ip), .family(let f)): return ip.family == f
        case (.family(let f), .family(let g)): return f == g
        case (.ip(let a), .ip(let b)): return a == b
        }
    }

    var description: String {
        switch self {
        case .ip(let ip): return ip.description
        case .family(let f): return f == .inet ? "0.0.0.0" : "::"
        case .all: return "every address"
        case .name(let n): return n
        }
    }
}
