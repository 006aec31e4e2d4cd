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
    /// The last body sent to this participant with `replace SDP version`, versions masked,
    /// to detect changes.
    var lastBody: [UInt8]?

    /// Rewrites the o=/s= lines of `sdp` (going out) per `replace`; its changes from the last
    /// body sent (10.5 compares what it sends, version aside: a flag that changes it counts,
    /// attributes it removes do not) bump the version.
    mutating func apply(to sdp: inout SessionDescription, _ replace: Set<NGRequest.ReplaceOption>) {
        guard let first = sdp.sessions.first else { return }
        // (Read only while a username or version is still to be learnt from it.)
        let firstOrigin = username == nil || version == nil
            ? first.lines.first { $0.typeByte == UInt8(ascii: "o") }.flatMap { Origin(parsing: $0.value) } : nil
        if username == nil { username = firstOrigin?.username }
        if sessionName == nil { sessionName = first.lines.first { $0.typeByte == UInt8(ascii: "s") }?.value }
        let names = replace.contains(.username), sessions = replace.contains(.sessionName), versions = replace.contains(.sdpVersion)
        if version == nil, let incomingVersion = firstOrigin.flatMap({ UInt64($0.sessionVersion) }) {
            // A version of 0 is no version to count on: 10.5 starts from a random one.
            version = incomingVersion != 0 ? incomingVersion : UInt64.random(in: 1...UInt64.max)
        }
        // Without these options the o= and s= lines stay as the rewriter left them.
        guard names || sessions || versions else { return }
        // Each session's o= line, edited by `edit` where it parses.
        func editOrigins(_ sdp: inout SessionDescription, _ edit: (inout Origin) -> Void) {
            for k in sdp.sessions.indices {
                for (i, line) in sdp.sessions[k].lines.enumerated() where line.typeByte == UInt8(ascii: "o") {
                    guard var o = Origin(parsing: line.value) else { continue }
                    edit(&o)
                    sdp.sessions[k].lines[i] = line.with(value: o.description)
                }
            }
        }
        if names, let username { editOrigins(&sdp) { $0.username = username } }
        if sessions, let sessionName {
            for k in sdp.sessions.indices {
                for (i, line) in sdp.sessions[k].lines.enumerated() where line.typeByte == UInt8(ascii: "s") {
                    sdp.sessions[k].lines[i] = line.with(value: sessionName)
                }
            }
        }
        guard versions else { return }
        // Only bodies sent with `replace SDP version` are compared, each with the last one
        // that was (10.5): changes in between without the option bump nothing.
        var masked = sdp
        editOrigins(&masked) { $0.sessionVersion = "0" }
        let body = masked.bytes
        if let lastBody, body != lastBody, let version { self.version = version &+ 1 }
        lastBody = body
        if let version { editOrigins(&sdp) { if UInt64($0.sessionVersion) != nil { $0.sessionVersion = String(version) } } }
    }
}
