import NetAddress
import Session
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Takes over the sockets an allocator binds (the media engine polls them and closes them
/// on its own thread).
public protocol SocketOwner: AnyObject, Sendable {
    /// Takes `fd`, bound as `socket`; false when it cannot (the allocator then closes it).
    func adopt(_ fd: Int32, as socket: LocalSocket) -> Bool
    /// Gives the socket up; the owner closes it.
    func release(_ socket: LocalSocket)
}

/// Allocates RTP/RTCP port pairs by binding real UDP sockets on the interface address, so
/// an allocated port is truly ours (another process, or another instance sharing the range,
/// cannot hold it). The search walks the range from a moving cursor per address, as
/// rtpengine does, so a just-released pair is not handed out again at once.
public final class SocketPortAllocator: PortAllocator {
    private struct Bound {
        var rtp: Int32
        /// -1 for an RTP port held alone.
        var rtcp: Int32
    }

    /// Where a search starts: per local address and range, as rtpengine keeps a port pool
    /// per interface address (each address's first pair is the range's first).
    private struct CursorKey: Hashable {
        var address: IPAddress
        var range: ClosedRange<Int>
    }

    private struct State {
        /// The next RTP port to try, per address and range (interfaces may have ranges of
        /// their own).
        var cursors: [CursorKey: Int] = [:]
        /// Bound pairs per local address.
        var tables: [IPAddress: PortTable] = [:]
        var last: UInt16 = 0
    }

    /// The pairs bound on one address, indexed by RTP port: the search looks ports up
    /// without hashing an address for each (that hashing was most of an allocation's time).
    private struct PortTable {
        var slots = [Bound?](repeating: nil, count: 65536)
        var count = 0

        subscript(port: UInt16) -> Bound? {
            get { slots[Int(port)] }
            set {
                count += (newValue == nil ? 0 : 1) - (slots[Int(port)] == nil ? 0 : 1)
                slots[Int(port)] = newValue
            }
        }
    }

    public let portMin: Int
    public let portMax: Int
    /// `--tos`: the TOS byte new sockets start with (0 leaves the kernel default).
    public let defaultTOS: Int
    private let state: Mutex<State>
    private let owner: (any SocketOwner)?

    /// Allocates from `portMin...portMax` (RTP ports are the even ones with room for RTCP).
    public init(portMin: Int, portMax: Int, tos: Int = 0, owner: (any SocketOwner)? = nil) {
        self.owner = owner
        self.portMin = portMin
        self.portMax = portMax
        self.defaultTOS = tos
        state = Mutex(State())
    }

    /// Port pairs in use on `address`, and the last RTP port handed out on any.
    public func usage(on address: IPAddress) -> (pairs: Int, last: UInt16) {
        state.withLock { s in (s.tables[address]?.count ?? 0, s.last) }
    }

    public func allocate(on interface: MediaInterface, pairs count: Int) -> PortPair? {
        allocate(on: interface, pairs: count, rtcp: true)
    }

    /// An even RTP port bound alone; the port after it stays free for nobody (the table
    /// holds the slot), as a pair's would.
    public func allocateRTPOnly(on interface: MediaInterface) -> PortPair? {
        allocate(on: interface, pairs: 1, rtcp: false)
    }

    private func allocate(on interface: MediaInterface, pairs count: Int, rtcp: Bool) -> PortPair? {
        let range = interface.portRange ?? portMin...portMax
        let span = 2 * max(1, count)
        return state.withLock { s in
            let first = range.lowerBound + (range.lowerBound & 1)
            let pairs = max(0, (range.upperBound - first + 1) / 2)
            guard pairs > 0 else { return nil }
            let key = CursorKey(address: interface.address, range: range)
            var cursor = s.cursors[key] ?? first
            // Taken out for the search and put back: changed in place, not copied.
            var table = s.tables.removeValue(forKey: interface.address) ?? PortTable()
            defer {
                s.cursors[key] = cursor
                s.tables[interface.address] = table
            }
            for _ in 0..<pairs {
                let base = cursor
                cursor += 2
                if cursor + 1 > range.upperBound { cursor = first }
                // A block does not wrap around the end of the range.
                guard base + span - 1 <= range.upperBound else { continue }
                if !interface.excludedPorts.isEmpty, (base..<(base + span)).contains(where: interface.excludedPorts.contains) { continue }
                // Bound pair by pair, each recorded at once; a block that cannot be
                // completed gives back what it took.
                var done = 0
                for port in stride(from: base, to: base + span, by: 2) {
                    guard table[UInt16(port)] == nil, let bound = bindPair(interface.address, UInt16(port), rtcp: rtcp) else { break }
                    table[UInt16(port)] = bound
                    done += 1
                }
                guard done == span / 2 else {
                    for k in 0..<done {
                        let port = UInt16(base + 2 * k)
                        if let b = table[port] {
                            table[port] = nil
                            give(b, address: interface.address, port: port)
                        }
                    }
                    continue
                }
                s.last = UInt16(base)
                // The next search starts after the whole block: ports a call just freed are
                // not handed out again at once (late packets of the old call).
                cursor = base + span + 1 > range.upperBound ? first : base + span
                return PortPair(rtp: UInt16(base), pairs: span / 2, hasRTCP: rtcp)
            }
            return nil
        }
    }

    /// Binds `port` and (with `rtcp`) `port + 1`, and hands them to the owner; or nil.
    private func bindPair(_ address: IPAddress, _ port: UInt16, rtcp withRTCP: Bool = true) -> Bound? {
        guard let rtp = Self.bindUDP(address, port) else { return nil }
        guard withRTCP else {
            if defaultTOS > 0 { Self.setTOS(defaultTOS, fd: rtp, family: address.family) }
            if let owner, !owner.adopt(rtp, as: LocalSocket(address: address, port: port)) {
                close(rtp)
                return nil
            }
            return Bound(rtp: rtp, rtcp: -1)
        }
        guard let rtcp = Self.bindUDP(address, port + 1) else {
            close(rtp)
            return nil
        }
        if defaultTOS > 0 {
            Self.setTOS(defaultTOS, fd: rtp, family: address.family)
            Self.setTOS(defaultTOS, fd: rtcp, family: address.family)
        }
        if let owner {
            let rtpSocket = LocalSocket(address: address, port: port)
            guard owner.adopt(rtp, as: rtpSocket) else {
                close(rtp)
                close(rtcp)
                return nil
            }
            guard owner.adopt(rtcp, as: LocalSocket(address: address, port: port + 1)) else {
                owner.release(rtpSocket)
                close(rtcp)
                return nil
            }
        }
        return Bound(rtp: rtp, rtcp: rtcp)
    }

    public func release(_ block: PortPair, on interface: MediaInterface) {
        for k in 0..<block.pairs {
            let pair = block.pair(k)
            let b: Bound? = state.withLock { s in
                guard let held = s.tables[interface.address]?[pair.rtp] else { return nil }
                s.tables[interface.address]?[pair.rtp] = nil
                return held
            }
            if let b { give(b, address: interface.address, port: pair.rtp) }
        }
    }

    public func setTOS(_ tos: Int, for block: PortPair, on interface: MediaInterface) {
        state.withLock { s in
            for k in 0..<block.pairs {
                let pair = block.pair(k)
                guard let b = s.tables[interface.address]?[pair.rtp] else { continue }
                Self.setTOS(tos, fd: b.rtp, family: interface.address.family)
                if b.rtcp >= 0 { Self.setTOS(tos, fd: b.rtcp, family: interface.address.family) }
            }
        }
    }

    /// The TOS byte an allocated pair's RTP socket carries (for tests and diagnostics).
    public func tos(of pair: PortPair, on interface: MediaInterface) -> Int? {
        state.withLock { s in
            guard let b = s.tables[interface.address]?[pair.rtp] else { return nil }
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            let (level, name) = Self.tosOption(interface.address.family)
            return getsockopt(b.rtp, level, name, &value, &length) == 0 ? Int(value) : nil
        }
    }

    static func tosOption(_ family: IPAddress.Family) -> (Int32, Int32) {
        family == .inet ? (Int32(IPPROTO_IP), IP_TOS) : (Int32(IPPROTO_IPV6), IPV6_TCLASS)
    }

    static func setTOS(_ tos: Int, fd: Int32, family: IPAddress.Family) {
        var value = Int32(tos)
        let (level, name) = tosOption(family)
        setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Closes every socket (shutdown).
    public func releaseAll() {
        let all = state.withLock { s -> [(IPAddress, UInt16, Bound)] in
            defer { s.tables.removeAll() }
            return s.tables.flatMap { address, table in
                table.slots.indices.compactMap { port in table.slots[port].map { (address, UInt16(port), $0) } }
            }
        }
        for (address, port, b) in all { give(b, address: address, port: port) }
    }

    /// Closes a pair's sockets, or hands them back to their owner.
    private func give(_ b: Bound, address: IPAddress, port: UInt16) {
        if let owner {
            owner.release(LocalSocket(address: address, port: port))
            if b.rtcp >= 0 { owner.release(LocalSocket(address: address, port: port + 1)) }
        } else {
            close(b.rtp)
            if b.rtcp >= 0 { close(b.rtcp) }
        }
    }

    /// A UDP socket bound to `address:port`, non-blocking and close-on-exec, or nil.
    static func bindUDP(_ address: IPAddress, _ port: UInt16) -> Int32? {
        let family = address.family == .inet ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        if address.family == .inet6 {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let ok = address.withSocketAddress(port: port) { bind(fd, $0, $1) }
        if ok != 0 {
            close(fd)
            return nil
        }
        return fd
    }
}
