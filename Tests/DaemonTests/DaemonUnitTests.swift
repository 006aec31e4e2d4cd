import Logging
import NetAddress
import Testing
import Config
@testable import Daemon

@Suite struct InterfaceResolverTests {
    static let host: [(interface: String, address: IPAddress)] = [
        ("lo", IPAddress("127.0.0.1")!), ("lo", IPAddress("::1")!),
        ("eth0", IPAddress("192.0.2.10")!), ("eth0", IPAddress("2001:db8::10")!),
    ]

    static func specs(_ texts: [String]) throws -> [InterfaceSpec] {
        try texts.map { try InterfaceSpec.parse($0).get() }
    }

    @Test func systemInterfaceNamesExpandToTheirAddresses() throws {
        let (ifs, warnings) = try InterfaceResolver.resolve(Self.specs(["pub/eth0"]), hostAddresses: Self.host)
        #expect(ifs.map(\.address.description) == ["192.0.2.10", "2001:db8::10"])
        #expect(ifs.allSatisfy { $0.name == "pub" })
        #expect(warnings.isEmpty)
    }

    @Test func advertisedAddressOnlyAppliesToItsFamily() throws {
        let (ifs, _) = try InterfaceResolver.resolve(Self.specs(["eth0!203.0.113.1"]), hostAddresses: Self.host)
        #expect(ifs.count == 1)
        #expect(ifs[0].advertised == IPAddress("203.0.113.1"))
    }

    @Test func anyTakesEveryAddressAndForeignIPsWarn() throws {
        #expect(try InterfaceResolver.resolve(Self.specs(["any"]), hostAddresses: Self.host).interfaces.count == 4)
        let (ifs, warnings) = try InterfaceResolver.resolve(Self.specs(["198.51.100.7"]), hostAddresses: Self.host)
        #expect(ifs.count == 1)
        #expect(warnings.count == 1 && warnings[0].contains("198.51.100.7"))
    }

    @Test func unknownSystemInterfaceFails() throws {
        #expect(throws: InterfaceResolver.Failure.self) {
            try InterfaceResolver.resolve(Self.specs(["eth7"]), hostAddresses: Self.host)
        }
    }

    @Test func loopbackExistsOnThisHost() throws {
        let (ifs, _) = try InterfaceResolver.resolve(Self.specs(["lo"]))
        #expect(ifs.contains { $0.address == IPAddress("127.0.0.1") })
    }
}

@Suite struct LogLevelTests {
    @Test(arguments: [(0, Logger.Level.critical), (2, .critical), (3, .error), (4, .warning),
                      (5, .notice), (6, .info), (7, .debug)])
    func syslogPriorityMapsToLoggerLevel(priority: Int, level: Logger.Level) {
        #expect(DaemonLogHandler.loggerLevel(forPriority: priority) == level)
        // Every message at the chosen level is emitted at a priority the operator allowed.
        #expect(Int(DaemonLogHandler.priority(of: level)) <= max(priority, 2))
    }
}
