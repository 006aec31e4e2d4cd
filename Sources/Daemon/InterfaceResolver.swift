import Config
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

/// A logical interface bound to one concrete local address.
public struct LocalInterface: Hashable, Sendable {
    public var name: String
    public var address: IPAddress
    public var advertised: IPAddress?
}

/// Resolves `--interface` values against the host's addresses (getifaddrs): system interface
/// names and `any` expand to their addresses. An IP that is not (yet) on this host is kept
/// with a warning: floating addresses of HA pairs appear only on failover.
public enum InterfaceResolver {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The host's addresses by system interface name (IPv6 link-local left out: it cannot
    /// be used without a scope id, which SDP cannot carry).
    public static func hostAddresses() -> [(interface: String, address: IPAddress)] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0 else { return [] }
        defer { freeifaddrs(head) }
        var result: [(String, IPAddress)] = []
        var cursor = head
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let sa = entry.pointee.ifa_addr else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                let a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                result.append((name, IPAddress(a)))
            case AF_INET6:
                let ip = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { IPAddress($0.pointee.sin6_addr) }
                if !ip.description.lowercased().hasPrefix("fe80:") { result.append((name, ip)) }
            default:
                continue
            }
        }
        return result
    }

    public static func resolve(
        _ specs: [InterfaceSpec],
        hostAddresses: [(interface: String, address: IPAddress)] = hostAddresses()
    ) throws(Failure) -> (interfaces: [LocalInterface], warnings: [String]) {
        var out: [LocalInterface] = []
        var warnings: [String] = []
        for spec in specs {
            let addresses: [IPAddress]
            switch spec.address {
            case .ip(let ip):
                if !ip.isUnspecified, !hostAddresses.contains(where: { $0.address == ip }) {
                    warnings.append("interface '\(spec)': \(ip) is not an address of this host (yet)")
                }
                addresses = [ip]
            case .systemInterface(let name):
                addresses = hostAddresses.filter { $0.interface == name }.map(\.address)
                guard !addresses.isEmpty else {
                    throw Failure(description: "Invalid interface specification '\(spec)': no system interface '\(name)' with an IP address")
                }
            case .any:
                addresses = hostAddresses.map(\.address)
            }
            for address in addresses {
                if let adv = spec.advertised, adv.family != address.family { continue }
                let local = LocalInterface(name: spec.name, address: address, advertised: spec.advertised)
                if !out.contains(local) { out.append(local) }
            }
        }
        if out.isEmpty { throw Failure(description: "No usable interface address found") }
        return (out, warnings)
    }
}
