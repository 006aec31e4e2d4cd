import Testing
import KeyFile
import Digest
import SRTP
import Systemd
#if canImport(Glibc)
import Glibc
#endif

/// Each C library is linked and used for real through its one Swift owner type.
@Suite struct CLibraryTests {
    @Test func keyFileParsesListsEscapesCommentsAndBooleans() throws {
        let kf = try KeyFile(text: """
            # comment
            [rtpengine]
            interface = a/1.2.3.4;b/5.6.7.8
            foreground = true
            table = -1
            ratio = 2.5
            escaped = tab\\there\\;semi
            ints = 1;2;3

            [other]
            x = 1
            """)
        #expect(kf.groups == ["rtpengine", "other"])
        #expect(kf.keys(in: "rtpengine") == ["interface", "foreground", "table", "ratio", "escaped", "ints"])
        #expect(try kf.stringList(group: "rtpengine", key: "interface") == ["a/1.2.3.4", "b/5.6.7.8"])
        #expect(try kf.bool(group: "rtpengine", key: "foreground"))
        #expect(try kf.int(group: "rtpengine", key: "table") == -1)
        #expect(try kf.double(group: "rtpengine", key: "ratio") == 2.5)
        #expect(try kf.string(group: "rtpengine", key: "escaped") == "tab\there\\;semi")
        #expect(try kf.intList(group: "rtpengine", key: "ints") == [1, 2, 3])
        #expect(kf.rawValue(group: "rtpengine", key: "table") == "-1")
        #expect(throws: KeyFileError.self) { try kf.int(group: "rtpengine", key: "interface") }
        #expect(throws: KeyFileError.self) { try kf.bool(group: "rtpengine", key: "table") }
        #expect(throws: KeyFileError.self) { try kf.string(group: "rtpengine", key: "missing") }
    }

    @Test func keyFileSyntaxErrorNamesTheLine() {
        do {
            _ = try KeyFile(text: "[rtpengine]\nthis is not a key\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.description.contains("this is not a key"))
        }
        #expect(throws: KeyFileError.self) { try KeyFile(path: "/nonexistent/rtpengine.conf") }
    }

    @Test func sha256ThroughOpenSSL() {
        // FIPS 180-2 test vector for "abc".
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([]).count == 32)
        #expect(OpenSSLLibrary.version.hasPrefix("OpenSSL"))
    }

    @Test func srtpInitializes() throws {
        try SRTPLibrary.initialize()
        try SRTPLibrary.initialize()  // idempotent
        #expect(SRTPLibrary.version.contains("libsrtp2"))
    }

    @Test func sdNotifyReachesTheNotifySocket() throws {
        let path = "/tmp/cliblib-notify-\(getpid()).sock"
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        setenv("NOTIFY_SOCKET", path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        #expect(SystemdNotifier.isEnabled)
        #expect(SystemdNotifier.notify("READY=1"))
        var buf = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
        #expect(n > 0 && String(decoding: buf.prefix(max(n, 0)), as: UTF8.self) == "READY=1")
    }
}
