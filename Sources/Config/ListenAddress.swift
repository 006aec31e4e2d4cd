import NetAddress

/// A listener value: `[IP46|HOSTNAME:]PORT`. A bare port means every local address (both
/// families), as rtpengine binds `0.0.0.0` and `[::]` for it.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Host: Hashable, Sendable {
        case any
        case ip(IPAddress)
        case hostname(String)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String {
        switch host {
        case .any: return String(port)
        case .ip(let ip): return "\(ip.bracketedDescription):\(port)"
        case .hostname(let h): return "\(h):\(port)"
        }
    }

    /// Parses the option text. With `requireHost`, a bare port is refused (`--graphite`).
    public static func parse(_ text: String, requireHost: Bool = false) -> Result<ListenAddress, SpecError> {
        var hostText: Substring?
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(SpecError("missing ']' after IPv6 address"))
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return .failure(SpecError("expected ':PORT' after ']'")) }
            portText = after.dropFirst()
            guard IPAddress(String(hostText!)) != nil else {
                return .failure(SpecError("'\(hostText!)' is not an IPv6 address"))
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostText!.contains(":") {
                return .failure(SpecError("IPv6 addresses need brackets: [ADDRESS]:PORT"))
            }
        }
        guard let port = UInt16(portText), port > 0 else {
            return .failure(SpecError("'\(portText)' is not a port number (1-65535)"))
        }
        guard let hostText else {
            if requireHost { return .failure(SpecError("a host is required (HOST:PORT)")) }
            return .success(ListenAddress(host: .any, port: port))
        }
        if hostText.isEmpty { return .failure(SpecError("empty host before ':'")) }
        if let ip = IPAddress(String(hostText)) {
            return .success(ListenAddress(host: .ip(ip), port: port))
        }
        let validHostname = hostText.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
        }
        guard validHostname, hostText.count <= 253 else {
            return .failure(SpecError("'\(hostText)' is neither an IP address nor a host name"))
        }
        return .success(ListenAddress(host: .hostname(String(hostText)), port: port))
    }
}
