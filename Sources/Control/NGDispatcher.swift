import Logging
import NG
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The one entry point every ng transport (UDP, TCP) hands requests to: answers
/// retransmissions from the reply cache, runs the processor otherwise, and logs like
/// rtpengine ("Received command", "Protocol error in packet").
public final class NGDispatcher: Sendable {
    private let processor: NGProcessor
    private let cache: NIOLockedValueBox<NGReplyCache<NGPeer>>
    private let statistics = NIOLockedValueBox(ControlStatistics())
    /// The last peer as text (IP alone, and IP with port): proxies send from one address,
    /// so this spares formatting the address on every request.
    private let lastProxy = NIOLockedValueBox<(NGPeer, ip: String, full: String)?>(nil)
    private let logger: Logger

    public init(processor: NGProcessor, logger: Logger, cacheLifetime: Double = 30) {
        self.processor = processor
        self.cache = NIOLockedValueBox(NGReplyCache(lifetime: cacheLifetime))
        self.logger = logger
    }

    /// Handles one message from `peer`; returns the reply to send, or nil to send nothing.
    public func handle(_ message: [UInt8], from peer: NGPeer) -> [UInt8]? {
        let key = message.firstIndex(of: 0x20).map { NGReplyCache.Key(source: peer, cookie: message[..<$0]) }
        let now = Self.monotonicSeconds()
        if let key, let cached = cache.withLockedValue({ $0.reply(for: key, now: now) }) {
            logger.info("Detected command from \(peer.logDescription) as a duplicate, resending previous reply")
            return cached
        }
        let proxy = proxyName(peer)
        let outcome = processor.handle(message, source: proxy.full)
        let elapsed = Self.monotonicSeconds() - now
        if key != nil {
            statistics.withLockedValue {
                $0.record(proxy: proxy.ip, command: outcome.known,
                          failed: outcome.error != nil, seconds: elapsed)
            }
        }
        guard let reply = outcome.reply, let key else {
            logger.warning("Received invalid data on NG port (no cookie) from \(peer.logDescription)")
            return nil
        }
        if let error = outcome.error {
            logger.warning("Protocol error in packet from \(peer.logDescription): \(error.reason)",
                           metadata: outcome.command.map { ["command": "\($0)"] } ?? [:])
        } else if let command = outcome.command {
            logger.info("Replying to '\(command)' from \(peer.logDescription)")
        }
        cache.withLockedValue { $0.store(reply, for: key, now: now) }
        return reply
    }

    private func proxyName(_ peer: NGPeer) -> (ip: String, full: String) {
        if let last = lastProxy.withLockedValue({ $0 }), last.0 == peer { return (last.ip, last.full) }
        let ip = peer.address.description, full = peer.logDescription
        lastProxy.withLockedValue { $0 = (peer, ip, full) }
        return (ip, full)
    }

    /// A copy of the per-proxy request counters.
    public var controlStatistics: ControlStatistics { statistics.withLockedValue { $0 } }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension SocketAddress {
    /// `127.0.0.1:5060` or `[::1]:5060`, as operators read addresses in rtpengine's logs.
    public var logDescription: String {
        guard let ip = ipAddress, let port else { return description }
        if case .v6 = self { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
