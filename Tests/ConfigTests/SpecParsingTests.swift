import Testing
import NetAddress
@testable import Config

@Suite struct InterfaceSpecTests {
    @Test func plainAddress() throws {
        let s = try InterfaceSpec.parse("10.0.0.1").get()
        #expect(s.name == "default")
        #expect(s.address == .ip(IPAddress("10.0.0.1")!))
        #expect(s.advertised == nil)
    }

    @Test func nameAddressAndAdvertised() throws {
        let s = try InterfaceSpec.parse("pub/192.168.1.10!203.0.113.7").get()
        #expect(s.name == "pub")
        #expect(s.address == .ip(IPAddress("192.168.1.10")!))
        #expect(s.advertised == IPAddress("203.0.113.7"))
        #expect(s.description == "pub/192.168.1.10!203.0.113.7")
    }

    @Test func roundRobinName() throws {
        let s = try InterfaceSpec.parse("ext:2/eth0").get()
        #expect(s.baseName == "ext")
        #expect(s.suffix == "2")
        #expect(s.address == .systemInterface("eth0"))
    }

    @Test func anyAndIPv6() throws {
        #expect(try InterfaceSpec.parse("any").get().address == .any)
        #expect(try InterfaceSpec.parse("v6/[2001:db8::1]").get().address == .ip(IPAddress("2001:db8::1")!))
        #expect(try InterfaceSpec.parse("v6/::1").get().address == .ip(IPAddress("::1")!))
    }

    @Test(arguments: ["", "/1.2.3.4", "a:b:c/1.2.3.4", ":x/1.2.3.4", "x/", "1.2.3.4!", "1.2.3.4!host",
                      "1.2.3.4!::1", "averyveryverylongifname", "x/a b"])
    func rejects(text: String) {
        #expect(throws: SpecError.self) { try InterfaceSpec.parse(text).get() }
    }
}

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("2223", ListenAddress(host: .any, port: 2223)),
        ("127.0.0.1:2223", ListenAddress(host: .ip(IPAddress("127.0.0.1")!), port: 2223)),
        ("[::1]:2223", ListenAddress(host: .ip(IPAddress("::1")!), port: 2223)),
        ("localhost:9900", ListenAddress(host: .hostname("localhost"), port: 9900)),
    ])
    func parses(text: String, expected: ListenAddress) throws {
        #expect(try ListenAddress.parse(text).get() == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: ["", "0", "65536", "x", ":22", "::1:2223", "[::1]2223", "[::1", "[zz]:1", "a b:1", "1.2.3.4:"])
    func rejects(text: String) {
        #expect(throws: SpecError.self) { try ListenAddress.parse(text).get() }
    }

    @Test func hostPortNeedsAHost() {
        #expect(throws: SpecError.self) { try ListenAddress.parse("2003", requireHost: true).get() }
        #expect(throws: Never.self) { try ListenAddress.parse("graphite:2003", requireHost: true).get() }
    }
}
