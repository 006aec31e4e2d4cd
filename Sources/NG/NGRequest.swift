import ByteText
import NetAddress

/// An ng request with every key and flag read into typed fields. Values the oracle would
/// ignore (unknown flags, unknown enumeration words) are kept in `ignored` so they can be
/// logged, never silently dropped from view.
public struct NGRequest: Sendable, Equatable {
    public enum AddressFamily: String, Sendable { case ip4 = "IP4", ip6 = "IP6" }

    public enum ReplaceOption: String, CaseIterable, Sendable {
        case origin
        case sessionConnection = "session connection"
        case sdpVersion = "sdp version"
        case username
        case sessionName = "session name"
        case zeroAddress = "zero address"
    }

    public enum RTCPMuxOption: String, CaseIterable, Sendable {
        case offer, require, demux, accept, reject
    }

    public enum ICEMode: String, CaseIterable, Sendable {
        case remove, force, `default`, forceRelay = "force relay", optional
    }

    public enum TransportProtocol: String, CaseIterable, Sendable {
        case rtpAVP = "RTP/AVP", rtpAVPF = "RTP/AVPF", rtpSAVP = "RTP/SAVP", rtpSAVPF = "RTP/SAVPF"
        case udpTLSRTPSAVP = "UDP/TLS/RTP/SAVP", udpTLSRTPSAVPF = "UDP/TLS/RTP/SAVPF"
        /// `accept` (answers only): go along with the answerer's protocol change.
        case accept
    }

    public enum EndpointLearning: String, CaseIterable, Sendable {
        case off, immediate, delayed, heuristic
    }

    public enum MediaEcho: String, CaseIterable, Sendable {
        case blackhole, forward, backwards, both
    }

    public enum DropTraffic: String, Sendable { case start, stop }

    /// `received from`: the SIP message's source, used unless SDP addresses are trusted.
    public struct ReceivedFrom: Sendable, Equatable {
        public var family: AddressFamily
        public var address: IPAddress
    }

    /// Codec manipulation (`codec` dictionary and `codec-VERB-NAME` flags).
    public struct CodecOptions: Sendable, Equatable {
        public var strip: [String] = []
        public var except: [String] = []
        public var offer: [String] = []
        public var mask: [String] = []
        public var transcode: [String] = []
        public var consume: [String] = []
        public var accept: [String] = []
        public var set: [String] = []

        public init() {}

        public var isEmpty: Bool { self == CodecOptions() }
    }

    public var command: NGCommand
    /// Who sent the request (`ip:port`), when the transport says; a call remembers the
    /// proxy that created it for the CLI's session listings.
    public var source: String?
    // Ids and SDP are bytes, as on the wire (see `ByteString`).
    public var callID: ByteString?
    public var fromTag: ByteString?
    public var toTag: ByteString?
    public var fromTags: [ByteString] = []
    public var viaBranch: ByteString?
    public var sdp: [UInt8]?
    public var label: ByteString?
    /// `address`: selects a participant by its media address (block media and friends).
    public var address: String?
    public var setLabel: ByteString?
    public var toLabel: ByteString?
    public var flags: Set<NGFlag> = []
    /// `trust address` (true) or `SIP source address` (false), whichever came last: 10.5
    /// reads them as one switch; nil when neither was given.
    public var trustAddress: Bool?
    public var replace: Set<ReplaceOption> = []
    public var direction: [String] = []
    public var interface: String?
    public var receivedFrom: ReceivedFrom?
    public var mediaAddress: IPAddress?
    public var addressFamily: AddressFamily?
    public var rtcpMux: Set<RTCPMuxOption> = []
    public var ice: ICEMode?
    public var transportProtocol: TransportProtocol?
    public var tos: Int?
    public var dtls: String?
    public var sdes: [String] = []
    public var osrtp: [String] = []
    public var endpointLearning: EndpointLearning?
    public var recordCall: Bool?
    public var metadata: String?
    public var deleteDelay: Int?
    public var supports: Set<String> = []
    public var mediaEcho: MediaEcho?
    public var dropTraffic: DropTraffic?
    public var codec = CodecOptions()
    public var ptime: Int?
    public var limit: Int?
    /// Flags and values that were not understood, as sent; the oracle ignores them too.
    public var ignored: [String] = []

    public init(command: NGCommand) {
        self.command = command
    }

    public func has(_ flag: NGFlag) -> Bool { flags.contains(flag) }
}
