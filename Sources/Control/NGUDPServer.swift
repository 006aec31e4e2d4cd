import CMediaIO
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves the ng protocol over UDP on one bound address. Each datagram is one request; the
/// reply goes back to the sender from the same socket. A thread of its own reads the socket
/// directly (epoll, recvfrom, sendto): signalling is request/response with no fan-out, so
/// an event-loop framework would add allocations and dispatch to every request for nothing.
final class NGUDPServer: @unchecked Sendable {
    let localAddress: SocketAddress
    private let fd: Int32
    private let epoll: Int32
    private let wake: Int32
    private let dispatcher: NGDispatcher
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?
    static let stopTag = UInt64.max

    private init(fd: Int32, localAddress: SocketAddress, dispatcher: NGDispatcher) throws {
        self.fd = fd
        self.localAddress = localAddress
        self.dispatcher = dispatcher
        epoll = mio_epoll_create()
        wake = mio_eventfd()
        guard epoll >= 0, wake >= 0, mio_epoll_add(epoll, fd, 0) == 0, mio_epoll_add(epoll, wake, Self.stopTag) == 0 else {
            Glibc.close(fd)
            throw ControlError("cannot poll the ng socket: errno \(errno)")
        }
    }

    deinit {
        Glibc.close(epoll)
        Glibc.close(wake)
    }

    /// Binds `address`. An IPv6 wildcard is bound IPv6-only so the IPv4 wildcard can be bound
    /// beside it, as rtpengine does for a bare port.
    static func bind(_ address: SocketAddress, dispatcher: NGDispatcher) throws -> NGUDPServer {
        let family = address.protocol.rawValue
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlError("socket: errno \(errno)") }
        if family == AF_INET6 {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc = address.withSockAddr { Glibc.bind(fd, $0, socklen_t($1)) }
        guard rc == 0 else {
            let e = errno
            Glibc.close(fd)
            // The usual cause on a Debian host: its rtpengine-daemon service holds ng port 2223.
            throw ControlError(String(cString: strerror(e))
                               + (e == EADDRINUSE ? " (is another rtpengine, such as Debian's rtpengine-daemon service, running?)" : ""))
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let bound = Self.socketAddress(storage) ?? address
        let server = try NGUDPServer(fd: fd, localAddress: bound, dispatcher: dispatcher)
        server.start()
        return server
    }

    static func socketAddress(_ storage: sockaddr_storage) -> SocketAddress? {
        guard let peer = NGPeer(storage) else { return nil }
        return try? SocketAddress(ipAddress: peer.address.description, port: Int(peer.port))
    }

    private func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { raw in
            let me = Unmanaged<NGUDPServer>.fromOpaque(raw!).takeRetainedValue()
            me.run()
            return nil
        }, context)
        precondition(rc == 0, "cannot start the ng UDP thread")
        thread = tid
    }

    private func run() {
        var tags = [UInt64](repeating: 0, count: 4)
        guard let batch = mio_ng_batch_new() else { preconditionFailure("cannot allocate the ng receive buffers") }
        defer { mio_ng_batch_free(batch) }
        var replies: [UInt8] = []
        var offsets: [Int32] = [], lengths: [Int32] = [], requests: [Int32] = []
        while !stopping.load(ordering: .acquiring) {
            let n = tags.withUnsafeMutableBufferPointer { mio_epoll_wait(epoll, $0.baseAddress, 4, -1) }
            guard n > 0 else { continue }
            // Every queued request, a batch at a time: the replies to one batch leave in one
            // sendmmsg, so a proxy with several requests in flight is woken once per batch.
            while !stopping.load(ordering: .relaxed) {
                let count = mio_ng_recv(fd, batch)
                guard count > 0 else { break }
                replies.removeAll(keepingCapacity: true)
                offsets.removeAll(keepingCapacity: true)
                lengths.removeAll(keepingCapacity: true)
                requests.removeAll(keepingCapacity: true)
                for i in 0..<count {
                    let length = Int(mio_ng_rx_len(batch, i))
                    guard length >= 0, let data = mio_ng_rx_data(batch, i),
                          let peer = Self.peer(mio_ng_rx_source(batch, i)),
                          let reply = dispatcher.handle(Array(UnsafeBufferPointer(start: data, count: length)), from: peer)
                    else { continue }
                    offsets.append(Int32(replies.count))
                    lengths.append(Int32(reply.count))
                    requests.append(i)
                    replies.append(contentsOf: reply)
                }
                guard !requests.isEmpty else { continue }
                _ = replies.withUnsafeBufferPointer { data in
                    mio_ng_send(fd, batch, data.baseAddress, offsets, lengths, requests, Int32(requests.count))
                }
            }
        }
    }

    static func peer(_ source: UnsafePointer<mio_addr>?) -> NGPeer? {
        guard let source else { return nil }
        return withUnsafeBytes(of: source.pointee.u) { NGPeer($0.baseAddress!.assumingMemoryBound(to: sockaddr.self)) }
    }

    /// Stops the thread and closes the socket.
    func close() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        mio_eventfd_signal(wake)
        if let thread { pthread_join(thread, nil) }
        thread = nil
        Glibc.close(fd)
    }
}
