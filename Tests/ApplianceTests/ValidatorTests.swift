import Foundation
import NetAddress
import Testing
@testable import Appliance
@testable import Supervisor
import Daemon

/// The host the configs are checked against.
let testHost = HostFacts(interfaces: [
    "lo": [IPAddress("127.0.0.1")!, IPAddress("::1")!],
    "eth0": [IPAddress("192.0.2.10")!, IPAddress("2001:db8::10")!],
    "eth1": [IPAddress("198.51.100.10")!],
])

/// Writes a main file and its drop-ins into a fresh folder; returns the main file's path.
func writeConfig(_ main: String, dropins: [(String, String)] = []) throws -> String {
    let dir = NSTemporaryDirectory() + "appliance-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir + "/conf.d", withIntermediateDirectories: true)
    try main.write(toFile: dir + "/main.conf", atomically: true, encoding: .utf8)
    for (name, text) in dropins { try text.write(toFile: dir + "/conf.d/" + name, atomically: true, encoding: .utf8) }
    return dir + "/main.conf"
}

/// Removes the folder `writeConfig` made for `path` (tests clean up what they write).
func removeConfig(_ path: String) {
    try? FileManager.default.removeItem(atPath: String(path.dropLast("/main.conf".count)))
}

func diagnostics(_ main: String, dropins: [(String, String)] = [], strict: Bool = false) throws -> (path: String, found: [Diagnostic]) {
    let path = try writeConfig(main, dropins: dropins)
    defer { removeConfig(path) }
    let config = ApplianceConfig(files: try ConfigFiles.load(path))
    return (path, Validator.check(config, host: testHost, strict: strict))
}

@Suite struct ValidatorTests {
    @Test(arguments: brokenCases.map(\.name))
    func brokenConfigIsReportedWhereItIsBroken(_ name: String) throws {
        let c = try #require(brokenCases.first { $0.name == name })
        let (path, found) = try diagnostics(c.main, dropins: c.dropins)
        let folder = String(path.dropLast("main.conf".count))
        let errors = found.filter { $0.severity == .error }
        #expect(!errors.isEmpty, "\(name): no error")
        let hit = errors.first { $0.file == folder + c.file && $0.line == c.line && $0.description.contains(c.message) }
        #expect(hit != nil, "\(name): expected \(c.file):\(c.line) '\(c.message)', got:\n\(errors.map(\.description).joined(separator: "\n"))")
    }

    @Test func thereAreAtLeastFortyBrokenCases() {
        #expect(brokenCases.count >= 40)
        #expect(Set(brokenCases.map(\.name)).count == brokenCases.count)
    }

    @Test(arguments: validCases.map(\.name))
    func validConfigHasNoErrors(_ name: String) throws {
        let c = try #require(validCases.first { $0.name == name })
        let (_, found) = try diagnostics(c.main, dropins: c.dropins)
        let errors = found.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(name):\n\(errors.map(\.description).joined(separator: "\n"))")
    }

    @Test func addressesNotOnThisHostWarnUnlessStrict() throws {
        let main = twoInstances.replacingOccurrences(of: "address = 127.0.0.1\nport-min = 30000", with: "address = 203.0.113.77\nport-min = 30000")
        let (_, lax) = try diagnostics(main)
        #expect(lax.contains { $0.severity == .warning && $0.line == 5 && $0.message.contains("not an address of this host") })
        #expect(!lax.contains { $0.severity == .error })
        let (_, strict) = try diagnostics(main, strict: true)
        #expect(strict.contains { $0.severity == .error && $0.line == 5 })
    }

    @Test func unknownKeysWarnWithADidYouMeanAndFailWhenStrict() throws {
        // rtpengine ignores unknown keys, so a file for another version still runs.
        let (_, found) = try diagnostics(base + "listen-ngg = 127.0.0.1:2224\n")
        #expect(found.count == 1 && found.first?.severity == .warning && found.first?.line == 7)
        #expect(found.first?.hint == "did you mean 'listen-ng'?")
        let (_, strict) = try diagnostics(base + "listen-ngg = 127.0.0.1:2224\n", strict: true)
        #expect(strict.first?.severity == .error)
        let (_, instance) = try diagnostics(twoInstances.replacingOccurrences(of: "table = 1", with: "table = 1\ninterfacs = lo2"))
        #expect(instance.contains { $0.line == 22 && $0.hint?.hasPrefix("did you mean 'interface") == true })
    }

    @Test func instanceWithoutNgListenerIsAWarning() throws {
        let (_, found) = try diagnostics(twoInstances.replacingOccurrences(of: "listen-ng = 127.0.0.1:2224\n", with: ""))
        #expect(found.contains { $0.severity == .warning && $0.line == 19 && $0.message == "instance without an ng listener" })
        #expect(!found.contains { $0.severity == .error })
    }

    @Test func checkCommandExitCodesJSONAndExplain() throws {
        let good = try writeConfig(twoInstances, dropins: [("10-a.conf", "[instance-a]\nlisten-ng = 127.0.0.1:2230\n")])
        var o = CheckCommand.Options()
        defer { removeConfig(good) }
        o.file = good
        o.explain = true
        let (status, output) = CheckCommand.run(o, host: testHost)
        #expect(status == 0, "\(output)")
        // --explain: the effective value and where it came from, drop-in included.
        #expect(output.contains("listen-ng = 127.0.0.1:2230    # \(good.dropLast("main.conf".count))conf.d/10-a.conf:2"))
        #expect(output.contains("lo.port-min = 30000    # \(good):6"))

        o = CheckCommand.Options()
        let bad = try writeConfig(base + "log-level = loud\n")
        defer { removeConfig(bad) }
        o.file = bad
        o.json = true
        let (status1, json) = CheckCommand.run(o, host: testHost)
        #expect(status1 == 1)
        #expect(json.hasPrefix("{\"valid\":false,\"diagnostics\":[{\"severity\":\"error\""))
        #expect(json.contains("\"line\":7") && json.contains("\"key\":\"log-level\""))

        o = CheckCommand.Options()
        o.file = "/nonexistent/rtpengine.conf"
        #expect(CheckCommand.run(o, host: testHost).status == 2)
    }

    @Test func rulesOnlyDryRunsAndBadArgumentsAreRefused() throws {
        let r = SupervisorCLI.run(["rules"])
        #expect(r.status == 2 && r.error.contains("only --dry-run"))
        #expect(SupervisorCLI.run(["check", "--bogus"]).status == 2)
        #expect(SupervisorCLI.run(["launch"]).status == 2)
        // A dry run on a config without firewall management says so.
        let path = try writeConfig(twoInstances)
        defer { removeConfig(path) }
        #expect(SupervisorCLI.run(["rules", "--dry-run", "-c", path]).output.hasPrefix("# no instance has firewall = iptables"))
    }
}
