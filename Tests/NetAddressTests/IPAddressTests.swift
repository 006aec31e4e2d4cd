import Testing
import NetAddress

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
}
