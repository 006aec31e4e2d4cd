/// Remembers replies by (source address, cookie) so that a retransmitted request (Kamailio
/// resends when a reply is lost) gets the same reply without running the command twice.
/// Sans-IO: the caller passes the time. Entries live `lifetime` seconds; since every entry
/// lives equally long, insertion order is expiry order and a FIFO suffices.
/// `Source` is however the transport names a peer (a socket address). The methods are
/// inlinable so that the transport's instance is specialised: unspecialised, every request
/// paid for generic metadata lookups.
public struct NGReplyCache<Source: Hashable & Sendable>: Sendable {
    public struct Key: Hashable, Sendable {
        public var source: Source
        public var cookie: [UInt8]

        @inlinable
        public init(source: Source, cookie: [UInt8]) {
            self.source = source
            self.cookie = cookie
        }

        /// The cookie's bytes in one go (an array hashes element by element).
        @inlinable
        public func hash(into hasher: inout Hasher) {
            hasher.combine(source)
            cookie.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        @inlinable
        public static func == (a: Key, b: Key) -> Bool {
            a.source == b.source && a.cookie == b.cookie
        }
    }

    public let lifetime: Double
    public let capacity: Int
    @usableFromInline var replies: [Key: [UInt8]] = [:]
    @usableFromInline var order: [(key: Key, expires: Double)] = []
    @usableFromInline var head = 0

    @inlinable
    public init(lifetime: Double = 30, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    @inlinable
    public var count: Int { replies.count }

    @inlinable
    public mutating func reply(for key: Key, now: Double) -> [UInt8]? {
        expire(now: now)
        return replies[key]
    }

    @inlinable
    public mutating func store(_ reply: [UInt8], for key: Key, now: Double) {
        expire(now: now)
        if replies.updateValue(reply, forKey: key) == nil {
            order.append((key, now + lifetime))
        }
        while replies.count > capacity, head < order.count {
            replies[order[head].key] = nil
            head += 1
        }
        compact()
    }

    @inlinable
    mutating func expire(now: Double) {
        while head < order.count, order[head].expires <= now {
            replies[order[head].key] = nil
            head += 1
        }
        compact()
    }

    /// Drops the consumed front of the queue once it is the larger part.
    @inlinable
    mutating func compact() {
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
