import Foundation
import Testing
@testable import Config

@Suite struct RegistryTests {
    /// The options the foundation issue names, with the letters rtpengine's `--help` shows.
    static let required: [(String, Character?)] = [
        ("config-file", nil), ("config-section", nil), ("table", "t"), ("interface", "i"),
        ("listen-ng", "n"), ("listen-tcp-ng", "N"), ("listen-cli", "c"), ("listen-udp", "u"),
        ("listen-tcp", "l"), ("listen-http", nil), ("listen-https", nil), ("foreground", "f"),
        ("log-level", "L"), ("log-stderr", "E"), ("log-facility", nil), ("pidfile", "p"),
        ("port-min", "m"), ("port-max", "M"), ("tos", "T"), ("timeout", "o"), ("silent-timeout", "s"),
        ("final-timeout", "a"), ("offer-timeout", nil), ("delete-delay", "d"), ("num-threads", nil),
        ("max-sessions", nil), ("no-fallback", "F"), ("sip-source", nil), ("endpoint-learning", nil),
        ("silence-detect", nil), ("jitter-buffer", nil), ("dtx-delay", nil), ("dtx-cn-params", nil),
        ("log-level-internals", nil), ("janus-secret", nil), ("recording-dir", nil),
        ("recording-method", nil), ("redis", "r"),
    ]

    @Test(arguments: required)
    func registryHasTheOption(long: String, short: Character?) throws {
        let spec = try #require(OptionRegistry.spec(long: long))
        #expect(spec.short == short)
    }

    @Test func namesAndLettersAreUnique() {
        let longs = OptionRegistry.all.map(\.long)
        #expect(Set(longs).count == longs.count)
        let shorts = OptionRegistry.all.compactMap(\.short)
        #expect(Set(shorts).count == shorts.count)
    }

    @Test func defaultsSatisfyTheirOwnChecks() throws {
        for spec in OptionRegistry.all {
            guard let d = spec.defaultValue else { continue }
            #expect(throws: Never.self, "\(spec.long)") { try OptionValidation.check(spec, d, file: nil) }
        }
    }

    @Test func helpListsEveryRegisteredOption() {
        let help = HelpText.render()
        for spec in OptionRegistry.all {
            #expect(help.contains("--\(spec.long)"), "--\(spec.long) missing from --help")
            if let s = spec.short { #expect(help.contains("-\(s), --\(spec.long)")) }
        }
        #expect(help.contains("[not built yet: transcoding]"))
    }

    /// The checked-in man page must list exactly the registry's options. Run with
    /// UPDATE_MAN_PAGE=1 to regenerate its OPTIONS section after changing the registry.
    @Test func manPageListsExactlyTheRegistry() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("man/rtpengine.8")
        var page = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(page.range(of: ManPage.beginMarker))
        let end = try #require(page.range(of: ManPage.endMarker + "\n"))
        let generated = ManPage.optionsSection()
        if ProcessInfo.processInfo.environment["UPDATE_MAN_PAGE"] == "1" {
            page.replaceSubrange(begin.lowerBound..<end.upperBound, with: generated)
            try page.write(to: url, atomically: true, encoding: .utf8)
        }
        let section = String(page[begin.lowerBound..<end.upperBound])
        let listed = Set(section.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "\\fB\\-\\-"),
                  let stop = line[start.upperBound...].range(of: "\\fR") else { return nil }
            return line[start.upperBound..<stop.lowerBound].replacingOccurrences(of: "\\-", with: "-")
        })
        #expect(listed == Set(OptionRegistry.all.map(\.long)))
        #expect(section == generated, "man/rtpengine.8 is stale: run UPDATE_MAN_PAGE=1 swift test --filter manPage")
    }
}
