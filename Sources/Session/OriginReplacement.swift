import NG
import SDP

/// What `replace username`, `replace session name` and `replace SDP version` remember about
/// the SDPs sent to one participant, so it always sees the same o= username and s= line and
/// a version that grows exactly when the body changes (RFC 3264 section 8).
public struct OutgoingOrigin: Sendable {
    var username: String?
    var sessionName: String?
    var version: UInt64?
    /// The last body received for this participant, version masked, to detect changes.
    var lastBody: String?

    /// Rewrites the o=/s= lines of `sdp` (going out) per `replace`; `incoming` is the body
    /// it was made from, whose changes (rtpengine compares what it received, version aside)
    /// bump the version.
    mutating func apply(to sdp: inout SessionDescription, from incoming: SessionDescription,
                        _ replace: Set<NGRequest.ReplaceOption>) {
        // Without these options the o= line stays as the rewriter left it.
        guard replace.contains(.username) || replace.contains(.sessionName) || replace.contains(.sdpVersion) else { return }
        guard let oIndex = sdp.sessionLines.firstIndex(where: { $0.typeByte == UInt8(ascii: "o") }),
              var origin = Origin(parsing: sdp.sessionLines[oIndex].value) else { return }
        if replace.contains(.username) {
            if let username { origin.username = username } else { username = origin.username }
        }
        if replace.contains(.sessionName), let sIndex = sdp.sessionLines.firstIndex(where: { $0.typeByte == UInt8(ascii: "s") }) {
            if let sessionName {
                sdp.sessionLines[sIndex] = sdp.sessionLines[sIndex].with(value: sessionName)
            } else {
                sessionName = sdp.sessionLines[sIndex].value
            }
        }
        if replace.contains(.sdpVersion), let incomingVersion = UInt64(origin.sessionVersion) {
            var masked = incoming
            if let i = masked.sessionLines.firstIndex(where: { $0.typeByte == UInt8(ascii: "o") }),
               var o = Origin(parsing: masked.sessionLines[i].value) {
                o.sessionVersion = "0"
                masked.sessionLines[i] = masked.sessionLines[i].with(value: o.description)
            }
            let body = masked.text
            if let version {
                if body != lastBody { self.version = version &+ 1 }
            } else {
                // A version of 0 is no version to count on: 10.5 starts from a random one.
                version = incomingVersion != 0 ? incomingVersion : UInt64.random(in: 1...UInt64.max)
            }
            lastBody = body
            origin.sessionVersion = String(self.version ?? incomingVersion)
        }
        sdp.sessionLines[oIndex] = sdp.sessionLines[oIndex].with(value: origin.description)
    }
}
