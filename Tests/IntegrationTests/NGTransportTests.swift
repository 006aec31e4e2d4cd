import Foundation
import TestPorts
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Opens a TCP connection to a loopback port, or returns -1.
func tcpConnect(_ ip: String, _ port: UInt16) -> Int32 {
    let addr = TestAddress(ip, port)
    let fd = socket(addr.family, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var tv = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    guard addr.withSockaddr({ connect(fd, $0, $1) }) == 0 else { close(fd); return -1 }
    return fd
}

func tcpSend(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    _ = send(fd, &bytes, bytes.count, Int32(MSG_NOSIGNAL))
}

/// Reads until `expected` bytes arrived, the peer closed, or the receive timeout passed.
func tcpReceive(_ fd: Int32, atLeast expected: Int) -> String {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while out.count < expected {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        out += buf.prefix(n)
    }
    return String(decoding: out, as: UTF8.self)
}

@Suite struct NGTransportTests {
    @Test func tcpCarriesSeveralMessagesPerConnectionOnBothFamilies() throws {
        let udp = freePort(), tcp = freePort()
        let d = try DaemonProcess(arguments: [
            "--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(udp)", "-N", "\(tcp)", "-f", "-E",
        ])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", udp), "\(d.output)")
        for ip in ["127.0.0.1", "::1"] {
            let fd = tcpConnect(ip, tcp)
            try #require(fd >= 0, "cannot connect to \(ip) port \(tcp)")
            defer { close(fd) }
            // Two messages in one write, a third split over two writes.
            tcpSend(fd, "a d7:command4:pingeb d7:command3:fooe")
            tcpSend(fd, "c d7:comma")
            usleep(50_000)
            tcpSend(fd, "nd4:pinge")
            let expected = "a d6:result4:ponge" + "b d6:result5:error12:error-reason20:Unrecognized commande"
                + "c d6:result4:ponge"
            #expect(tcpReceive(fd, atLeast: expected.utf8.count) == expected)
        }
        // A complete message that is not a dictionary is answered and the connection stays
        // open, as in 10.5; garbage the stream cannot be read past closes it after an error
        // reply (10.5 answers nothing and waits forever); the listener lives on.
        let bad = tcpConnect("127.0.0.1", tcp)
        try #require(bad >= 0)
        let invalid = "z d6:result5:error12:error-reason22:Invalid NG data formate"
        tcpSend(bad, "z l4:pinge")
        #expect(tcpReceive(bad, atLeast: invalid.utf8.count) == invalid)
        tcpSend(bad, "y d7:command4:pinge")
        #expect(tcpReceive(bad, atLeast: 18) == "y d6:result4:ponge")
        tcpSend(bad, "x garbage")
        #expect(tcpReceive(bad, atLeast: 1000) == "x d6:result5:error12:error-reason22:Invalid NG data formate")
        close(bad)
        let again = tcpConnect("127.0.0.1", tcp)
        defer { close(again) }
        tcpSend(again, "n d7:command4:pinge")
        #expect(tcpReceive(again, atLeast: 18) == "n d6:result4:ponge")
        #expect(d.stop().status == 0)
        #expect(portIsFree("127.0.0.1", tcp, type: Int32(SOCK_STREAM.rawValue)))
    }

    @Test func retransmittedRequestsAreAnsweredFromTheReplyCache() throws {
        let ng = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng))
        // Same source port, same cookie: the second copy is a retransmission.
        let addr = TestAddress("127.0.0.1", ng)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        func exchange(_ text: String) -> String {
            var bytes = Array(text.utf8)
            _ = addr.withSockaddr { sendto(fd, &bytes, bytes.count, 0, $0, $1) }
            var buf = [UInt8](repeating: 0, count: 2048)
            let n = recv(fd, &buf, buf.count, 0)
            return n > 0 ? String(decoding: buf.prefix(n), as: UTF8.self) : ""
        }
        let first = exchange("dup1 d7:command3:fooe")
        // A different body under the same cookie still gets the first reply, as rtpengine does.
        let second = exchange("dup1 d7:command4:pinge")
        #expect(first == "dup1 d6:result5:error12:error-reason20:Unrecognized commande")
        #expect(second == first)
        #expect(exchange("dup2 d7:command4:pinge") == "dup2 d6:result4:ponge")
        #expect(d.stop().status == 0)
        #expect(d.output.contains("as a duplicate"))
    }

    /// Requests queued together are read and answered in batches: a burst from two clients,
    /// with bad datagrams among them, gets every answer, each to its own sender.
    @Test(arguments: [false, true])
    func burstsOfRequestsAreAllAnsweredToTheirSenders(oneAtATime: Bool) throws {
        let ng = freePort()
        let d = try DaemonProcess(arguments: ["--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(ng)", "-f", "-E"],
                                  environment: oneAtATime ? ["RTPENGINE_NO_MMSG": "1"] : [:])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", ng))
        let addr = TestAddress("127.0.0.1", ng)
        let clients = (0..<2).map { _ in socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0) }
        defer { clients.forEach { close($0) } }
        for fd in clients {
            var tv = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var size: Int32 = 1 << 20
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        // 100 requests from each client, interleaved; every tenth is garbage without a cookie.
        var expected: [[String]] = [[], []]
        for i in 0..<100 {
            for (c, fd) in clients.enumerated() {
                let text = i % 10 == 9 ? "nocookie" : "c\(c)-\(i) d7:command4:pinge"
                if i % 10 != 9 { expected[c].append("c\(c)-\(i) d6:result4:ponge") }
                var bytes = Array(text.utf8)
                _ = addr.withSockaddr { sendto(fd, &bytes, bytes.count, 0, $0, $1) }
            }
        }
        for (c, fd) in clients.enumerated() {
            var got: [String] = []
            var buf = [UInt8](repeating: 0, count: 2048)
            while got.count < expected[c].count {
                let n = recv(fd, &buf, buf.count, 0)
                guard n > 0 else { break }
                got.append(String(decoding: buf.prefix(n), as: UTF8.self))
            }
            #expect(got == expected[c], "client \(c): \(got.count) of \(expected[c].count) answers")
        }
        #expect(d.stop().status == 0)
    }

    /// The kernel's count of connections refused because a listen queue was full
    /// (TcpExt ListenOverflows): each costs its client a SYN retransmission, a stall of 1 s.
    static func listenOverflows() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/net/netstat", encoding: .utf8) else { return -1 }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ") }
        for (names, values) in zip(lines, lines.dropFirst()) where names.first == "TcpExt:" && values.first == "TcpExt:" {
            if let i = names.firstIndex(of: "ListenOverflows"), i < values.count { return Int(values[i]) ?? -1 }
        }
        return -1
    }

    /// A proxy reconnecting all its workers at once: 1,000 connections opened together, each
    /// sending a ping, are all accepted and answered without one listen-queue overflow.
    @Test func aBurstOfAThousandTCPConnectionsIsAccepted() throws {
        let udp = freePort(), tcp = freePort()
        let d = try DaemonProcess(arguments: [
            "--config-file=none", "-t", "-1", "-i", "127.0.0.1", "-n", "127.0.0.1:\(udp)", "-N", "127.0.0.1:\(tcp)", "-f", "-E",
        ])
        defer { d.stop(signal: SIGKILL) }
        #expect(waitForPong("127.0.0.1", udp), "\(d.output)")
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 1200 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let count = 1000
        let before = Self.listenOverflows()
        let addr = TestAddress("127.0.0.1", tcp)
        var fds: [Int32] = []
        defer { fds.forEach { close($0) } }
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            try #require(fd >= 0, "socket: \(String(cString: strerror(errno)))")
            _ = addr.withSockaddr { connect(fd, $0, $1) }
            fds.append(fd)
        }
        // Each socket: connected -> send its ping -> read its answer.
        var sent = [Bool](repeating: false, count: count), answers = [String](repeating: "", count: count)
        let deadline = Date().addingTimeInterval(30)
        while answers.contains(where: { !$0.hasSuffix("ponge") }), Date() < deadline {
            var pfds = fds.enumerated().filter { !answers[$0.offset].hasSuffix("ponge") }.map {
                pollfd(fd: $0.element, events: Int16(sent[$0.offset] ? POLLIN : POLLOUT), revents: 0)
            }
            guard poll(&pfds, nfds_t(pfds.count), 1000) > 0 else { continue }
            for p in pfds where p.revents != 0 {
                let i = fds.firstIndex(of: p.fd)!
                if !sent[i] {
                    tcpSend(p.fd, "c\(i) d7:command4:pinge")
                    sent[i] = true
                } else {
                    var buf = [UInt8](repeating: 0, count: 256)
                    let n = recv(p.fd, &buf, buf.count, 0)
                    if n > 0 { answers[i] += String(decoding: buf.prefix(n), as: UTF8.self) }
                }
            }
        }
        let answered = answers.enumerated().filter { $0.element == "c\($0.offset) d6:result4:ponge" }.count
        #expect(answered == count)
        #expect(Self.listenOverflows() - before == 0, "the listen queue overflowed")
        #expect(d.stop().status == 0)
    }

    /// Over TCP, an error reply leaves the connection open for the next message, in 10.5
    /// and ours, for every message 10.5 answers.
    @Test(.enabled(if: ReferencePair.installed, ReferencePair.missing))
    func tcpConnectionsStayOpenAfterErrorRepliesAsInTheReference() throws {
        let refTCP = freePort(), ourTCP = freePort()
        let pair = try ReferencePair(extra: (ref: ["--listen-tcp-ng=127.0.0.1:\(refTCP)"], ours: ["--listen-tcp-ng=127.0.0.1:\(ourTCP)"]))
        let conversation = ["a1 d7:command3:fooe", "a2 d7:command4:pinge", "a3 i3e", "a4 d7:command4:pinge", "a5 l4:pinge",
                            "a6 d7:command5:querye", "a7 d7:command5:query7:call-id7:unknowne", "a8 d7:command4:pinge"]
        var seen: [[String]] = [[], []]
        for (k, port) in [refTCP, ourTCP].enumerated() {
            let fd = tcpConnect("127.0.0.1", port)
            try #require(fd >= 0)
            defer { close(fd) }
            for message in conversation {
                tcpSend(fd, message)
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &buf, buf.count, 0)
                seen[k].append(n > 0 ? String(decoding: buf.prefix(n), as: UTF8.self) : "closed")
            }
        }
        #expect(seen[1] == seen[0])
        #expect(!seen[1].contains("closed"))
        #expect(pair.ours.stop().status == 0)
    }
}
