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

    public var reason: String {
        switch self {
        case .invalidFormat: return "Invalid NG data format"
        case .undecodableBencode: return "Could not decode bencode dictionary"
        case .undecodableJSON: return "Could not decode JSON dictionary"
        case .missingCommand: return "Dictionary contains no key \"command\""
        case .unrecognizedCommand: return "Unrecognized command"
        case .unsupportedCommand(let c): return "Command '\(c.rawValue)' is not supported by this version"
        case .messageTooLarge: return "Message too large"
        }
    }
}
