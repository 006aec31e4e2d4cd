import NG
import SDP

/// What `replace username`, `replace session name` and `replace SDP version` go by for the
/// SDPs sent to one participant, so it always sees the same o= username and s= line and a
/// version that grows exactly when the body changes (RFC 3264 section 8). As 10.5 does, the
/// first SDP sent sets them, whether or not it asked for a replacement, and the version
/// counts the changes between bodies sent with `replace SDP version`; a request's `replace`
/// options decide what is written, in every session of the body.
public struct OutgoingOrigin: Sendable {
    var username: String?
    var sessionName: String?
    var version: UInt64?
    /// The last body received for this participant with `replace SDP version`, versions
    /// masked, to detect changes.
    var lastBody: [UInt8]?

    /// Rewrites the o=/s= lines of `sdp` (going out) per `replace`; `incoming` is the body
    /// it was made from, whose changes (rtpengine compares what it received, version aside)
    /// bump the version.
    mutating func apply(to sdp: inout SessionDescription, from incoming: SessionDescription,
                        _ replace: Set<NGRequest.ReplaceOption>) {
        guard let first = sdp.sessions.first else { return }
        let firstOrigin = first.lines.first { $0.typeByte == UInt8(ascii: "o") }.flatMap { Origin(parsing: $0.value) }
        if username == nil { username = firstOrigin?.username }
        if sessionName == nil { sessionName = first.lines.first { $0.typeByte == UInt8(ascii: "s") }?.value }
        var masked = incoming
        for k in masked.sessions.indices {
            for (i, line) in masked.sessions[k].lines.enumerated() where line.typeByte == UInt8(ascii: "o") {
                if var o = Origin(parsing: line.value) {
                    o.sessionVersion = "0"
                    masked.sessions[k].lines[i] = line.with(value: o.description)
                }
            }
        }
        let names = replace.contains(.username), sessions = replace.contains(.sessionName), versions = replace.contains(.sdpVersion)
        if version == nil, let incomingVersion = firstOrigin.flatMap({ UInt64($0.sessionVersion) }) {
            // A version of 0 is no version to count on: 10.5 starts from a random one.
            version = incomingVersion != 0 ? incomingVersion : UInt64.random(in: 1...UInt64.max)
        }
        // Only bodies sent with `replace SDP version` are compared, each with the last one
        // that was (10.5): changes in between without the option bump nothing.
        if versions {
            let body = masked.bytes
            if let lastBody, body != lastBody, let version { self.version = version &+ 1 }
            lastBody = body
        }
        // Without these options the o= and s= lines stay as the rewriter left them.
        guard names || sessions || versions else { return }
        for k in sdp.sessions.indices {
            for (i, line) in sdp.sessions[k].lines.enumerated() {
                switch line.typeByte {
                case UInt8(ascii: "o"):
                    guard names || versions, var o = Origin(parsing: line.value) else { continue }
                    if names, let username { o.username = username }
                    if versions, let version, UInt64(o.sessionVersion) != nil { o.sessionVersion = String(version) }
                    sdp.sessions[k].lines[i] = line.with(value: o.description)
                case UInt8(ascii: "s") where sessions:
                    if let sessionName { sdp.sessions[k].lines[i] = line.with(value: sessionName) }
                default:
                    continue
                }
            }
        }
    }
}
