/// The ng commands rtpengine knows, by their wire names. Only `ping` is served so far;
/// the others are recognised so they get a clear "not supported" reply instead of
/// "Unrecognized command".
public enum NGCommand: String, CaseIterable, Sendable {
    case ping
    case offer
    case answer
    case delete
    case query
    case list
    case statistics
    case startRecording = "start recording"
    case stopRecording = "stop recording"
    case pauseRecording = "pause recording"
    case startForwarding = "start forwarding"
    case stopForwarding = "stop forwarding"
    case blockDTMF = "block DTMF"
    case unblockDTMF = "unblock DTMF"
    case blockMedia = "block media"
    case unblockMedia = "unblock media"
    case silenceMedia = "silence media"
    case unsilenceMedia = "unsilence media"
    case playMedia = "play media"
    case stopMedia = "stop media"
    case playDTMF = "play DTMF"
    case publish
    case subscribeRequest = "subscribe request"
    case subscribeAnswer = "subscribe answer"
    case unsubscribe
    case connect
    case transform
    case cliCommand = "cli"
}
