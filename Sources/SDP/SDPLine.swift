/// One `<type>=<value>` line of an SDP body (RFC 8866 section 5), kept as written so that
/// lines the proxy does not rewrite go out exactly as they came in.
public struct SDPLine: Hashable, Sendable, CustomStringConvertible {
    /// The one-letter type (`v`, `o`, `c`, `m`, `a`, ...).
    public var type: Character
    public var value: String

    public init(_ type: Character, _ value: String) {
        self.type = type
        self.value = value
    }

    public var description: String { "\(type)=\(value)" }

    /// For `a=` lines: the attribute name (`rtpmap` in `a=rtpmap:0 PCMU/8000`, `sendrecv`).
    public var attributeName: String? {
        guard type == "a" else { return nil }
        if let colon = value.firstIndex(of: ":") { return String(value[..<colon]) }
        return value
    }

    /// For `a=name:value` lines: the part after the first colon.
    public var attributeValue: String? {
        guard type == "a", let colon = value.firstIndex(of: ":") else { return nil }
        return String(value[value.index(after: colon)...])
    }

    public static func attribute(_ name: String, _ value: String? = nil) -> SDPLine {
        SDPLine("a", value.map { "\(name):\($0)" } ?? name)
    }
}
