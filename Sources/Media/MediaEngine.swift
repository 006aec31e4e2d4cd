import ByteText
import CMediaIO
import NetAddress
import Session
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The media plane: owns every media socket the port allocator binds, spreads them over
/// `threads` media threads (all sockets of one call on the same thread, so learning and
/// forwarding never cross threads) and turns signalling's socket rules into slot updates.
public final class MediaEngine: MediaPlane, SocketOwner, @unchecked Sendable {
    private struct Socket {
        var id: Int32
        var fd: Int32
        var thread: Int?
    }

    private struct State {
        var sockets: [LocalSocket: Socket] = [:]
        var freeIDs: [Int32] = []
        var nextID: Int32 = 0
        /// Per slot id, the ticket of the post that attached its socket: once the thread
        /// has applied it, the socket itself (not the placeholder) is in its epoll set.
        var attachTickets: [UInt64] = []
        var stopped = false
    }

    private let store = SlotStore()
    /// An unbound socket whose descriptor is copied over a released socket's: the port is
    /// free at once, while the descriptor number stays taken until the media thread closes
    /// it, so the thread can never read a number reused by another socket.
    private let placeholder: Int32
    private var threads: [MediaThread] = []
    private let state = Mutex(State())

    /// Starts `threads` media threads (at least one). `batching: false` makes them move one
    /// datagram per system call, as they do by themselves where the kernel refuses batches.
    public init(threads count: Int, batching: Bool = true) {
        if !batching { mio_set_batching(0) }
        placeholder = mio_placeholder_socket()
        for i in 0..<max(1, count) {
            guard let t = MediaThread(index: i, store: store, reclaim: { [weak self] id in self?.recycle(id) }) else {
                preconditionFailure("cannot create media thread \(i): out of file descriptors")
            }
            threads.append(t)
            t.start()
        }
    }

    public var threadCount: Int { threads.count }

    /// Whether every thread has carried out every command posted to it (for tests).
    var isSettled: Bool { threads.allSatisfy(\.isSettled) }

    /// Sets what every thread runs between taking a batch of commands and applying it (tests).
    func setBeforeApplying(_ hook: (@Sendable () -> Void)?) {
        for t in threads { t.beforeApplying.withLock { $0 = hook } }
    }

    /// The threads' epoll descriptors (for tests).
    var epollDescriptors: [Int32] { threads.map(\.epollDescriptor) }

    public var batching: Bool { mio_batching() != 0 }

    // MARK: SocketOwner

    public func adopt(_ fd: Int32, as socket: LocalSocket) -> Bool {
        state.withLock { s in
            let id: Int32
            if let reused = s.freeIDs.popLast() {
                id = reused
            } else {
                guard store.reserve(s.nextID) else { return false }
                id = s.nextID
                s.nextID += 1
                s.attachTickets.append(0)
            }
            s.sockets[socket] = Socket(id: id, fd: fd, thread: nil)
            return true
        }
    }

    public func release(_ socket: LocalSocket) {
        let found: (Socket, stopped: Bool, attachTicket: UInt64)? = state.withLock { s in
            guard let held = s.sockets.removeValue(forKey: socket) else { return nil }
            if held.thread == nil || s.stopped {
                s.freeIDs.append(held.id)
            }
            return (held, s.stopped, s.attachTickets[Int(held.id)])
        }
        guard let (held, stopped, attachTicket) = found else { return }
        if let t = held.thread, !stopped {
            // Polled before the swap: the kernel drops the socket from the epoll set when
            // the swap closes it. Otherwise the thread may come to poll the placeholder
            // and must remove it.
            let polledBefore = threads[t].appliedTicket >= attachTicket
            _ = mio_replace_fd(placeholder, held.fd)
            threads[t].post([.detach(id: held.id, unregister: !polledBefore)])
        } else {
            close(held.fd)
        }
    }

    private func recycle(_ id: Int32) {
        state.withLock { $0.freeIDs.append(id) }
    }

    // MARK: MediaPlane

    public func install(callID: ByteString, rules: [SocketRule]) {
        let t = Self.thread(for: callID, of: threads.count)
        state.withLock { s in
            guard !s.stopped else { return }
            var out: [MediaCommand] = []
            out.reserveCapacity(rules.count * 2)
            // One lookup per rule; targets are almost always the call's own sockets, found
            // among the rules before the table is asked.
            var ids: [Int32] = []
            ids.reserveCapacity(rules.count)
            for rule in rules {
                // (Found once and changed in place: each look-up hashes the address.)
                guard let at = s.sockets.index(forKey: rule.socket) else {
                    ids.append(-1)
                    continue
                }
                let socket = s.sockets.values[at]
                if socket.thread == nil {
                    s.sockets.values[at].thread = t
                    out.append(.attach(id: socket.id, fd: socket.fd))
                }
                ids.append(socket.id)
            }
            func target(_ l: LocalSocket?) -> Int32 {
                guard let l else { return -1 }
                if let i = rules.firstIndex(where: { $0.socket == l }) { return ids[i] }
                return s.sockets[l]?.id ?? -1
            }
            for (i, rule) in rules.enumerated() where ids[i] >= 0 {
                out.append(.rule(id: ids[i], SlotRule(
                    advertised: rule.advertised.map(mio_addr.init) ?? mio_addr(),
                    learning: Self.code(rule.learning),
                    learnUntil: UInt64(max(0, rule.learnUntil) * 1e9),
                    flags: Self.flags(rule),
                    action: rule.action.rawValue,
                    rtpTarget: target(rule.rtpTarget),
                    rtcpTarget: target(rule.rtcpTarget))))
            }
            // Posted under the lock, so a release of these sockets sees their ticket.
            let ticket = threads[t].post(out)
            for command in out {
                if case .attach(let id, _) = command { s.attachTickets[Int(id)] = ticket }
            }
        }
    }

    public func counters(of socket: LocalSocket) -> StreamCounters? {
        state.withLock { s -> StreamCounters? in
            guard let held = s.sockets[socket] else { return nil }
            var c = StreamCounters()
            guard held.thread != nil else { return c }
            let slot = store.slot(held.id)
            c.packets = mio_load(&slot.pointee.packets)
            c.bytes = mio_load(&slot.pointee.bytes)
            c.errors = mio_load(&slot.pointee.errors)
            c.lost = mio_load(&slot.pointee.lost)
            let last = mio_load(&slot.pointee.last_packet_ns)
            c.lastPacket = last == 0 ? nil : Double(last) / 1e9
            let ssrc = mio_load(&slot.pointee.ssrc)
            c.ssrc = ssrc == 0 ? nil : UInt32(truncatingIfNeeded: ssrc - 1)
            let pt = mio_load(&slot.pointee.payload_type)
            c.payloadType = pt == 0 ? nil : Int(pt - 1)
            var endpoint = mio_addr()
            mio_endpoint_read(slot, &endpoint)
            c.endpoint = endpoint.endpoint
            c.confirmed = mio_load(&slot.pointee.confirmed) != 0 && c.packets > 0
            return c
        }
    }

    /// Packets and bytes relayed and packets lost to errors, over every media thread.
    public var relayTotals: (packets: UInt64, bytes: UInt64, errors: UInt64) {
        threads.reduce((0, 0, 0)) { acc, t in
            let x = t.totals
            return (acc.0 + x.packets, acc.1 + x.bytes, acc.2 + x.errors)
        }
    }

    /// Packets dropped by a socket (no peer, blocked, strict source, NAT-wait); for tests
    /// and diagnostics.
    public func dropped(at socket: LocalSocket) -> UInt64? {
        state.withLock { s in s.sockets[socket].map { mio_load(&store.slot($0.id).pointee.dropped) } }
    }

    /// Stops every media thread; sockets are closed as their pairs are released.
    public func shutdown() {
        let already = state.withLock { s in
            defer { s.stopped = true }
            return s.stopped
        }
        guard !already else { return }
        for t in threads { t.stop() }
    }

    deinit {
        shutdown()
        close(placeholder)
    }

    // MARK: helpers

    /// A stable spread of calls over threads (FNV-1a of the call-id).
    static func thread(for callID: ByteString, of count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in callID.bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int(h % UInt64(count))
    }

    static func code(_ learning: EndpointLearning) -> UInt8 {
        switch learning {
        case .off: UInt8(MIO_LEARN_OFF)
        case .immediate: UInt8(MIO_LEARN_IMMEDIATE)
        case .delayed: UInt8(MIO_LEARN_DELAYED)
        case .heuristic: UInt8(MIO_LEARN_HEURISTIC)
        }
    }

    static func flags(_ r: SocketRule) -> UInt8 {
        var f: Int32 = 0
        if r.isRTCP { f |= Int32(MIO_F_RTCP) }
        if r.demux { f |= Int32(MIO_F_DEMUX) }
        if r.strictSource { f |= Int32(MIO_F_STRICT) }
        if r.mediaHandover { f |= Int32(MIO_F_HANDOVER) }
        if r.natWait { f |= Int32(MIO_F_NATWAIT) }
        if r.pierceNAT { f |= Int32(MIO_F_PIERCE) }
        return UInt8(f)
    }
}
