/// Everything that makes an ng request fail. `reason` is the one place that maps an error to
/// the `error-reason` text of the reply, worded as rtpengine words it where it has the case.
public enum NGError: Error, Equatable, Sendable {
    /// The body is neither a bencode dictionary nor JSON.
    case invalidFormat
    case undecodableBencode
    case undecodableJSON
    case missingCommand
    case unrecognizedCommand(String)
    case unsupportedCommand(NGCommand)
    /// A TCP message grew past the size limit without completing.
    case messageTooLarge
    /// A required key (`call-id`, `from-tag`, `to-tag`) is absent or not a string.
    case missingKey(String)
    case missingSDP
    case sdpParse
    case sdpRewrite
    /// `SIP source address` without `received from`.
    case incompleteSDP
    case unknownCall
    /// `delete` of a call or tags nobody has, under `fatal` (a warning otherwise).
    case deleteNotFound
    /// An unknown call in a call-control command (block media, ...), spelled as rtpengine does there.
    case unknownCallID
    case unknownFromTag
    case unknownLabel
    case badAddress
    case unknownAddress
    case portsExhausted
    /// `--max-sessions` reached.
    case sessionLimit
    /// A request option whose feature is not built yet; names the feature.
    case notSupported(String)

    public var reason: String {
        switch self {
        case .invalidFormat: return "Invalid NG data format"
        case .undecodableBencode: return "Could not decode bencode dictionary"
        case .undecodableJSON: return "Could not decode JSON dictionary"
        case .missingCommand: return "Dictionary contains no key \"command\""
        case .unrecognizedCommand: return "Unrecognized command"
        case .unsupportedCommand(let c): return "Command '\(c.rawValue)' is not supported by this version"
        case .messageTooLarge: return "Message too large"
        case .missingKey(let k): return "No \(k) in message"
        case .missingSDP: return "No SDP body in message"
        case .sdpParse: return "Failed to parse SDP"
        case .sdpRewrite: return "Error rewriting SDP"
        case .incompleteSDP: return "Incomplete SDP specification"
        case .unknownCall: return "Unknown call-id"
        case .deleteNotFound: return "Call-ID not found or tags didn't match"
        case .unknownCallID: return "Unknown call-ID"
        case .unknownFromTag: return "From-tag given, but no such tag exists"
        case .unknownLabel: return "No monologue matching the given label"
        case .badAddress: return "Failed to parse network address"
        case .unknownAddress: return "Failed to match address to any tag"
        case .portsExhausted: return "Ran out of ports"
        case .sessionLimit: return "Parallel session limit reached"
        case .notSupported(let feature): return "\(feature) is not supported by this version"
        }
    }
}
