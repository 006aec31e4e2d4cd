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
        /// Cookies of up to 24 bytes (Kamailio's are around ten) are held inline: no
        /// allocation per request, and hashing an old entry to evict it reads no other
        /// memory. Longer ones spill into an array.
        @usableFromInline var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        @usableFromInline var length: Int
        @usableFromInline var spill: [UInt8]?

        @inlinable
        public init(source: Source, cookie: [UInt8]) {
            self.init(source: source, cookie: cookie[...])
        }

        @inlinable
        public init(source: Source, cookie: ArraySlice<UInt8>) {
            self.source = source
            length = cookie.count
            if cookie.count <= 24 {
                spill = nil
                cookie.withUnsafeBytes { bytes in
                    withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
                }
            } else {
                spill = Array(cookie)
            }
        }

        @inlinable
        public func hash(into hasher: inout Hasher) {
            hasher.combine(source)
            hasher.combine(length)
            if let spill {
                spill.withUnsafeBytes { hasher.combine(bytes: $0) }
            } else {
                hasher.combine(words.0)
                hasher.combine(words.1)
                hasher.combine(words.2)
            }
        }

        @inlinable
        public static func == (a: Key, b: Key) -> Bool {
            a.length == b.length && a.words == b.words && a.spill == b.spill && a.source == b.source
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
