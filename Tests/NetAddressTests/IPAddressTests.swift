import Testing
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1", IPAddress.Family.inet),
        ("::1", "::1", .inet6),
        ("[::1]", "::1", .inet6),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", .inet6),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1", .inet6),
        ("0.0.0.0", "0.0.0.0", .inet),
        ("255.255.255.255", "255.255.255.255", .inet),
        ("10.0.100.9", "10.0.100.9", .inet),
        ("192.168.1.10", "192.168.1.10", .inet),
        ("1.20.199.250", "1.20.199.250", .inet),
    ])
    func parsesAndPrints(text: String, printed: String, family: IPAddress.Family) throws {
        let ip = try #require(IPAddress(text))
        #expect(ip.description == printed)
        #expect(ip.family == family)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "eth0", "::1::2", "[::1", "1.2.3.4 ", "any"])
    func rejectsNonAddresses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func bracketsOnlyForV6() {
        #expect(IPAddress("::1")!.bracketedDescription == "[::1]")
        #expect(IPAddress("10.1.2.3")!.bracketedDescription == "10.1.2.3")
        #expect(IPAddress("0.0.0.0")!.isUnspecified)
        #expect(IPAddress("::")!.isUnspecified)
        #expect(!IPAddress("::1")!.isUnspecified)
    }

    /// The in-place IPv4 reader decides exactly as `inet_pton` does, over strings of digits
    /// and dots (leading zeros, parts over 255, missing or extra parts, empty parts) and
    /// with other bytes mixed in (then the C library decides, so a NUL ends the literal).
    @Test func dottedQuadsReadAsInetPton() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["0", "1", "2", "5", "9", ".", ".", "0", "2", "5", "a", ":", "\0", " "]
        var cases = ["0.0.0.0", "00.1.2.3", "1.02.3.4", "255.255.255.255", "256.0.0.0", "1.2.3.", ".1.2.3", "1..2.3",
                     "1.2.3.4.", "9999999999999.1.1.1", "1.2.3.4\0junk", "1.2.3.04", "0.0.0.00"]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...16, using: &rng)
            cases.append(String((0..<n).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        for text in cases {
            var a4 = in_addr()
            var a6 = in6_addr()
            let expected: IPAddress? = inet_pton(AF_INET, text, &a4) == 1 ? IPAddress(a4)
                : inet_pton(AF_INET6, text, &a6) == 1 ? IPAddress(a6) : nil
            #expect(IPAddress(text) == expected, "\(text.debugDescription)")
        }
    }
}
