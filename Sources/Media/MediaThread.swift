import CMediaIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A change the control plane asks a media thread to make to one of its slots.
enum MediaCommand {
    /// Starts polling `fd` for slot `id`.
    case attach(id: Int32, fd: Int32)
    case rule(id: Int32, SlotRule)
    /// Stops polling slot `id`, closes its socket and gives the id back. `unregister` is
    /// false when the socket was polled before the engine swapped it for the placeholder:
    /// the kernel dropped it from the epoll set with the socket, so there is nothing to remove.
    case detach(id: Int32, unregister: Bool)
}

/// A socket rule in the media thread's terms: C addresses and slot ids.
struct SlotRule {
    var advertised: mio_addr
    var learning: UInt8
    /// Wall-clock ns: delayed and heuristic learning end with the first packet after it.
    var learnUntil: UInt64
    var flags: UInt8
    var action: UInt8
    var rtpTarget: Int32
    var rtcpTarget: Int32
}

/// One media thread: an epoll set over its sockets, a preallocated batch, and the packet
/// loop. Per packet it does no allocation, takes no lock and calls nothing dynamic. The
/// control plane reaches it only through `post`, which does not wake it: the thread applies
/// queued commands whenever it wakes (a packet, or its 10 ms tick), always before the
/// packets of that wake-up, so a rule is in force before any packet that arrives after it
/// was posted is relayed; signalling pays no thread switch per request.
final class MediaThread: @unchecked Sendable {
    static let wakeTag = UInt64.max
    static let tickMilliseconds: Int32 = 10

    let index: Int
    private let store: SlotStore
    private let epoll: Int32
    private let wake: Int32
    private let batch: OpaquePointer
    private let queue = Mutex<[MediaCommand]>([])
    private let stopping = Atomic<Bool>(false)
    /// Commands posted and commands applied, so a caller can wait for its own.
    private let posted = Atomic<UInt64>(0)
    private let applied = Atomic<UInt64>(0)
    private let reclaim: @Sendable (Int32) -> Void
    private var thread: pthread_t?
    /// Slots that pierce NAT, checked once a second.
    private var piercing: Set<Int32> = []
    /// Per slot id, the batch (`batchNumber`) that attached it, and the batch that attached
    /// and detached it: marks in place of sets built per batch (their hashing and growth were
    /// most of the thread's signalling work).
    private var attachedIn: [UInt32] = []
    private var shortLivedIn: [UInt32] = []
    private var batchNumber: UInt32 = 0
    private var nextTick: UInt64 = 0
    /// xorshift state for echo SSRCs (a getrandom call per socket would cost a system call).
    private var ssrcState: UInt64 = UInt64.random(in: 1...UInt64.max)
    /// Packets and bytes sent on, and packets lost to errors (refused by the kernel);
    /// written by this thread, read by `totals`.
    private let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)

    init?(index: Int, store: SlotStore, reclaim: @escaping @Sendable (Int32) -> Void) {
        guard let batch = mio_batch_new() else { return nil }
        let epoll = mio_epoll_create()
        let wake = mio_eventfd()
        guard epoll >= 0, wake >= 0, mio_epoll_add(epoll, wake, Self.wakeTag) == 0 else {
            mio_batch_free(batch)
            if epoll >= 0 { close(epoll) }
            if wake >= 0 { close(wake) }
            return nil
        }
        self.index = index
        self.store = store
        self.epoll = epoll
        self.wake = wake
        self.batch = batch
        self.reclaim = reclaim
        counters.initialize(repeating: 0, count: 3)
    }

    /// Relayed packets, bytes and errors so far.
    var totals: (packets: UInt64, bytes: UInt64, errors: UInt64) {
        (mio_load(counters), mio_load(counters + 1), mio_load(counters + 2))
    }

    deinit {
        close(epoll)
        close(wake)
        mio_batch_free(batch)
        counters.deallocate()
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            let me = Unmanaged<MediaThread>.fromOpaque(raw!).takeRetainedValue()
            me.run()
            return nil
        }, context)
        precondition(rc == 0, "cannot start a media thread")
        thread = tid
    }

    /// Queues commands for the thread's next wake-up (control plane). Returns their ticket:
    /// once `appliedTicket` reaches it, the thread has carried them out.
    @discardableResult
    func post(_ commands: [MediaCommand]) -> UInt64 {
        guard !commands.isEmpty else { return 0 }
        return queue.withLock { q in
            q.append(contentsOf: commands)
            return posted.add(UInt64(commands.count), ordering: .releasing).newValue
        }
    }

    /// How many posted commands the thread has carried out.
    var appliedTicket: UInt64 { applied.load(ordering: .acquiring) }

    /// Runs on the thread after it has taken a batch and before it applies it (tests use
    /// it to release a socket exactly then).
    let beforeApplying = Mutex<(@Sendable () -> Void)?>(nil)

    /// Whether every posted command has been carried out (for tests).
    var isSettled: Bool { appliedTicket == posted.load(ordering: .acquiring) }

    /// The epoll descriptor, whose /proc fdinfo lists what the thread polls (for tests).
    var epollDescriptor: Int32 { epoll }

    /// Stops the loop and waits for it; the thread's sockets stay open for the caller.
    func stop() {
        stopping.store(true, ordering: .releasing)
        mio_eventfd_signal(wake)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func run() {
        var tags = [UInt64](repeating: 0, count: 64)
        while !stopping.load(ordering: .acquiring) {
            let n = tags.withUnsafeMutableBufferPointer { mio_epoll_wait(epoll, $0.baseAddress, 64, Self.tickMilliseconds) }
            if posted.load(ordering: .acquiring) != applied.load(ordering: .relaxed) { applyCommands() }
            let now = Clock(real: mio_now_realtime_ns(), mono: mio_now_monotonic_ns())
            for i in 0..<Int(n) {
                let tag = tags[i]
                if tag == Self.wakeTag {
                    mio_eventfd_drain(wake)
                } else {
                    receive(Int32(truncatingIfNeeded: tag), now: now)
                }
            }
            let nowMono = now.mono
            if nowMono >= nextTick {
                nextTick = nowMono + 1_000_000_000
                pierceNAT()
            }
        }
        applyCommands()
    }

    private func applyCommands() {
        let (commands, ticket) = queue.withLock { q -> ([MediaCommand], UInt64) in
            defer { q.removeAll(keepingCapacity: true) }
            return (q, posted.load(ordering: .relaxed))
        }
        defer { applied.store(ticket, ordering: .releasing) }
        if let hook = beforeApplying.withLock({ $0 }) { hook() }
        // A socket attached and detached in the same batch (a call set up and torn down
        // within one wake-up) is never polled: that saves an epoll add and delete.
        if batchNumber == UInt32.max {
            batchNumber = 0
            for i in attachedIn.indices { attachedIn[i] = 0; shortLivedIn[i] = 0 }
        }
        batchNumber += 1
        let current = batchNumber
        if commands.count > 1 {
            for command in commands {
                switch command {
                case .attach(let id, _):
                    let i = Int(id)
                    if i >= attachedIn.count {
                        let grown = max(i + 1, attachedIn.count * 2, 64)
                        attachedIn += repeatElement(0, count: grown - attachedIn.count)
                        shortLivedIn += repeatElement(0, count: grown - shortLivedIn.count)
                    }
                    attachedIn[i] = current
                case .detach(let id, _) where Int(id) < attachedIn.count && attachedIn[Int(id)] == current:
                    shortLivedIn[Int(id)] = current
                default: break
                }
            }
        }
        func isShortLived(_ id: Int32) -> Bool { Int(id) < shortLivedIn.count && shortLivedIn[Int(id)] == current }
        for command in commands {
            switch command {
            case .attach(let id, let fd):
                let s = store.slot(id)
                s.pointee = mio_slot()
                s.pointee.fd = fd
                s.pointee.rtp_target = -1
                s.pointee.rtcp_target = -1
                ssrcState ^= ssrcState << 13
                ssrcState ^= ssrcState >> 7
                ssrcState ^= ssrcState << 17
                s.pointee.echo_ssrc = UInt32(truncatingIfNeeded: ssrcState >> 16) | 1
                s.pointee.attached = 1
                if !isShortLived(id) { _ = mio_epoll_add(epoll, fd, UInt64(id)) }
            case .rule(let id, let rule):
                apply(rule, to: store.slot(id))
                if rule.flags & UInt8(MIO_F_PIERCE) != 0 { piercing.insert(id) } else if !piercing.isEmpty { piercing.remove(id) }
            case .detach(let id, let unregister):
                // The engine has already swapped the socket for a placeholder (so its port
                // is free at once); this closes the placeholder's descriptor. A placeholder
                // that was polled must leave the epoll set by hand: closing one of its
                // descriptors does not drop it while the others keep it open.
                let s = store.slot(id)
                if s.pointee.attached != 0 {
                    if unregister, !isShortLived(id) { _ = mio_epoll_del(epoll, s.pointee.fd) }
                    close(s.pointee.fd)
                }
                s.pointee = mio_slot()
                if !piercing.isEmpty { piercing.remove(id) }
                reclaim(id)
            }
        }
    }

    private func apply(_ rule: SlotRule, to s: UnsafeMutablePointer<mio_slot>) {
        var advertised = rule.advertised
        let changed = mio_addr_equal(&s.pointee.advertised, &advertised) == 0
            || s.pointee.advertised.len != advertised.len || s.pointee.learning != rule.learning
        s.pointee.flags = rule.flags
        s.pointee.action = rule.action
        s.pointee.rtp_target = rule.rtpTarget
        s.pointee.rtcp_target = rule.rtcpTarget
        // Every signal moves the end of learning (10.5 waits for a quiet spell after the
        // last offer or answer); a confirmed endpoint stays confirmed.
        s.pointee.learn_deadline_ns = rule.learnUntil
        if changed {
            // A new SDP address (or learning mode) starts learning over from it; without
            // learning, the SDP's endpoint is final from the first packet on.
            s.pointee.advertised = advertised
            s.pointee.learning = rule.learning
            s.pointee.learn_state = rule.learning == UInt8(MIO_LEARN_OFF) ? 2 : 0
            s.pointee.learn_score = 0
            mio_store(&s.pointee.confirmed, 0)
            mio_endpoint_publish(s, &advertised)
        }
    }

    // MARK: the packet path

    /// The time of one epoll wake-up, read once for all its packets.
    struct Clock {
        var real: UInt64
        var mono: UInt64
    }

    private func receive(_ id: Int32, now: Clock) {
        let x = store.slot(id)
        guard x.pointee.attached != 0 else { return }
        while true {
            let n = Int(mio_recv(x.pointee.fd, batch))
            if n <= 0 { return }
            var queued: Int32 = 0, sent: Int32 = 0, bytes: UInt64 = 0
            var fds = (Int32(0), Int32(0))  // (fd of the run being built, its first position)
            for i in 0..<Int32(n) {
                guard let y = route(packet: i, arrivedAt: x, now: now) else { continue }
                if queued > 0, y.pointee.fd != fds.0 {
                    sent += mio_send(fds.0, batch, fds.1, queued - fds.1)
                    fds.1 = queued
                }
                fds.0 = y.pointee.fd
                mio_tx_set(batch, queued, i, &y.pointee.endpoint)
                bytes += UInt64(mio_rx_len(batch, i))
                queued += 1
            }
            if queued > fds.1 { sent += mio_send(fds.0, batch, fds.1, queued - fds.1) }
            if queued > 0 {
                mio_add(counters, UInt64(queued))
                mio_add(counters + 1, bytes)
                if sent < queued { mio_add(counters + 2, UInt64(queued - sent)) }
            }
            if n < Int(MIO_BATCH) { return }
        }
    }

    /// Counts packet `i`, learns from it and returns the slot it leaves by (nil: dropped).
    @inline(__always)
    private func route(packet i: Int32, arrivedAt x: UnsafeMutablePointer<mio_slot>, now: Clock) -> UnsafeMutablePointer<mio_slot>? {
        // A datagram over MIO_BUFSIZE arrives cut to it and goes on so, as in 10.5.
        let len = mio_rx_len(batch, i)
        mio_add(&x.pointee.packets, 1)
        mio_add(&x.pointee.bytes, UInt64(len))
        mio_store(&x.pointee.last_packet_ns, now.real)
        guard learn(from: mio_rx_source(batch, i)!, at: x, now: now.real) else {
            mio_add(&x.pointee.dropped, 1)
            return nil
        }
        let data = mio_rx_data(batch, i)!
        let flags = x.pointee.flags
        let isRTCP = flags & UInt8(MIO_F_RTCP) != 0
            || (flags & UInt8(MIO_F_DEMUX) != 0 && len >= 2 && (64...95).contains(data[1] & 0x7f))
        if isRTCP { trackRTCP(data, len: len, at: x) } else { track(data, len: len, at: x) }
        let y: UnsafeMutablePointer<mio_slot>
        switch x.pointee.action {
        case 0:
            let target = isRTCP ? x.pointee.rtcp_target : x.pointee.rtp_target
            guard target >= 0 else {
                mio_add(&x.pointee.dropped, 1)
                return nil
            }
            y = store.slot(target)
        case 1:
            if !isRTCP, len >= 12 {
                // The echo carries an SSRC of its own, so the sender does not see its own stream.
                let ssrc = x.pointee.echo_ssrc
                data[8] = UInt8(truncatingIfNeeded: ssrc >> 24)
                data[9] = UInt8(truncatingIfNeeded: ssrc >> 16)
                data[10] = UInt8(truncatingIfNeeded: ssrc >> 8)
                data[11] = UInt8(truncatingIfNeeded: ssrc)
            }
            y = x
        default:
            mio_add(&x.pointee.dropped, 1)
            return nil
        }
        if y.pointee.endpoint.len == 0 || (y.pointee.flags & UInt8(MIO_F_NATWAIT) != 0 && mio_load(&y.pointee.packets) == 0) {
            mio_add(&x.pointee.dropped, 1)
            return nil
        }
        return y
    }

    /// Endpoint learning: where the participant really sends from becomes where it
    /// receives. Returns false when `strict source` drops the packet.
    @inline(__always)
    private func learn(from source: UnsafePointer<mio_addr>, at x: UnsafeMutablePointer<mio_slot>, now: UInt64) -> Bool {
        let learning = x.pointee.learning, state = x.pointee.learn_state, flags = x.pointee.flags
        if state == 2 {
            if x.pointee.confirmed == 0 { mio_store(&x.pointee.confirmed, 1) }
            // The common case once learning is over: nothing to do unless the source moved
            // and strict source or media handover cares.
            if flags & UInt8(MIO_F_HANDOVER | MIO_F_STRICT) == 0 { return true }
            if mio_addr_equal(source, x.pointer(to: \.endpoint)!) != 0 { return true }
            if flags & UInt8(MIO_F_HANDOVER) != 0, learning != UInt8(MIO_LEARN_OFF) {
                mio_endpoint_publish(x, source)
                return true
            }
            return flags & UInt8(MIO_F_STRICT) == 0
        }
        let s = x.pointee
        let over = now >= s.learn_deadline_ns
        switch Int(learning) {
        case Int(MIO_LEARN_OFF):
            // A socket without a rule yet: nothing to learn.
            x.pointee.learn_state = 2
        case Int(MIO_LEARN_IMMEDIATE):
            mio_endpoint_publish(x, source)
            x.pointee.learn_state = 2
        case Int(MIO_LEARN_HEURISTIC):
            // The best match of the SDP's endpoint wins: the same address and port, else
            // the same address, else the newest source.
            var advertised = s.advertised
            let score: UInt8 = mio_addr_equal(source, &advertised) != 0 ? 3 : (mio_addr_same_host(source, &advertised) != 0 ? 2 : 1)
            if score >= s.learn_score {
                x.pointee.learn_score = score
                mio_endpoint_publish(x, source)
            }
            x.pointee.learn_state = over ? 2 : 1
        default:
            // delayed: the newest source wins until the first packet after the window,
            // whose source is final.
            var current = s.endpoint
            if mio_addr_equal(source, &current) == 0 { mio_endpoint_publish(x, source) }
            x.pointee.learn_state = over ? 2 : 1
        }
        if x.pointee.learn_state == 2 { mio_store(&x.pointee.confirmed, 1) }
        return true
    }

    /// SSRC and sequence tracking: packets lost are the gaps in the sequence of one SSRC.
    @inline(__always)
    private func track(_ data: UnsafeMutablePointer<UInt8>, len: Int32, at x: UnsafeMutablePointer<mio_slot>) {
        guard len >= 12, data[0] >> 6 == 2 else { return }
        let ssrc = UInt64(data[8]) << 24 | UInt64(data[9]) << 16 | UInt64(data[10]) << 8 | UInt64(data[11])
        let seq = UInt16(data[2]) << 8 | UInt16(data[3])
        let pt = UInt64(data[1] & 0x7f) + 1
        if x.pointee.payload_type != pt { mio_store(&x.pointee.payload_type, pt) }
        if x.pointee.ssrc != ssrc + 1 {
            mio_store(&x.pointee.ssrc, ssrc + 1)
            x.pointee.seq_next = seq &+ 1
            return
        }
        let gap = Int16(bitPattern: seq &- x.pointee.seq_next)
        if gap >= 0 {
            if gap > 0 { mio_add(&x.pointee.lost, UInt64(gap)) }
            x.pointee.seq_next = seq &+ 1
        }
    }

    /// RTCP's SSRC is its sender's (bytes 4-7), as `query` reports it for an RTCP stream.
    @inline(__always)
    private func trackRTCP(_ data: UnsafeMutablePointer<UInt8>, len: Int32, at x: UnsafeMutablePointer<mio_slot>) {
        guard len >= 8 else { return }
        let ssrc = UInt64(data[4]) << 24 | UInt64(data[5]) << 16 | UInt64(data[6]) << 8 | UInt64(data[7])
        if x.pointee.ssrc != ssrc + 1 { mio_store(&x.pointee.ssrc, ssrc + 1) }
    }

    /// pierce NAT: an empty datagram to a participant that has not sent anything yet.
    private func pierceNAT() {
        for id in piercing {
            let s = store.slot(id)
            guard mio_load(&s.pointee.packets) == 0, s.pointee.endpoint.len > 0 else { continue }
            _ = mio_send_one(s.pointee.fd, nil, 0, &s.pointee.endpoint)
        }
    }
}
