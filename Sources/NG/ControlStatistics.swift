/// Per-proxy ng request counters and durations, as rtpengine reports them under
/// `controlstatistics` (and `rtpengine-ctl list totals`). Sans-IO: the transport records
/// each request with the time it took.
public struct ControlStatistics: Sendable {
    /// The commands rtpengine counts, with the abbreviations its statistics keys use.
    public static let counted: [(NGCommand, String)] = [
        (.ping, "ping"), (.offer, "offer"), (.answer, "answer"), (.delete, "delete"), (.query, "query"),
        (.list, "list"), (.startRecording, "startrec"), (.stopRecording, "stoprec"),
        (.startForwarding, "startfwd"), (.stopForwarding, "stopfwd"), (.blockDTMF, "blkdtmf"),
        (.unblockDTMF, "unblkdtmf"), (.blockMedia, "blkmedia"), (.unblockMedia, "unblkmedia"),
        (.playMedia, "playmedia"), (.stopMedia, "stopmedia"), (.playDTMF, "playdtmf"), (.statistics, "stats"),
        (.silenceMedia, "slnmedia"), (.unsilenceMedia, "unslnmedia"), (.publish, "pub"),
        (.subscribeRequest, "subreq"), (.subscribeAnswer, "subans"), (.unsubscribe, "unsub"),
    ]

    public struct Proxy: Sendable {
        public var counts: [NGCommand: Int] = [:]
        public var durations: [NGCommand: Double] = [:]
        public var errors = 0
    }

    /// Proxies by source IP, in the order they first spoke.
    public private(set) var proxies: [(address: String, stats: Proxy)] = []

    public init() {}

    /// Records one request from `proxy`: its command when one was recognised, whether it
    /// failed, and how long it took in seconds.
    public mutating func record(proxy: String, command: NGCommand?, failed: Bool, seconds: Double) {
        let i: Int
        if let found = proxies.firstIndex(where: { $0.address == proxy }) {
            i = found
        } else {
            proxies.append((proxy, Proxy()))
            i = proxies.count - 1
        }
        if let command {
            proxies[i].stats.counts[command, default: 0] += 1
            proxies[i].stats.durations[command, default: 0] += seconds
        }
        if failed { proxies[i].stats.errors += 1 }
    }

    public func total(_ command: NGCommand) -> Int {
        proxies.reduce(0) { $0 + ($1.stats.counts[command] ?? 0) }
    }
}
