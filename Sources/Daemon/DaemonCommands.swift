import Bencode
import CLI
import Media
import NG
import Session
import Synchronization

/// The daemon's ng command handler: call commands go to the call registry; `statistics`
/// combines the registry, the control plane's counters and port usage.
final class DaemonCommands: NGCommandHandler {
    let commands: Set<NGCommand>
    private let calls: CallRegistry
    private let ports: SocketPortAllocator
    private let interfaces: [MediaInterface]
    private let portRange: (min: Int, max: Int)
    private let started: Double
    private let clock: @Sendable () -> Double
    private let relay: RelayRates
    /// Set once the control plane exists (it needs this handler first).
    let controlStatistics = Mutex<(@Sendable () -> ControlStatistics)?>(nil)

    init(calls: CallRegistry, ports: SocketPortAllocator, relay: RelayRates, interfaces: [MediaInterface],
         portRange: (min: Int, max: Int), clock: @escaping @Sendable () -> Double) {
        self.relay = relay
        self.calls = calls
        self.ports = ports
        self.interfaces = interfaces
        self.portRange = portRange
        self.clock = clock
        self.started = clock()
        commands = calls.commands.union([.statistics])
    }

    func handle(_ request: NGRequest) throws(NGError) -> [(key: String, value: BencodeValue)] {
        guard request.command == .statistics else { return try calls.handle(request) }
        return [("statistics", statistics())]
    }

    /// The `statistics` dictionary (ng `statistics`, CLI `list totals` and `list jsonstats`).
    func statistics() -> BencodeValue {
        let control = controlStatistics.withLock { $0 }?() ?? ControlStatistics()
        return StatisticsReport.render(
            active: calls.callCount, mediaUserspace: calls.streamsWithTraffic(), totals: calls.lifetimeTotals,
            relay: (relay.totals(), relay.rates), control: control,
            interfaces: interfaces.map { i in
                let usage = ports.usage(on: i.address)
                return (i, usage.pairs * 2, usage.last)
            },
            portRange: portRange, uptime: clock() - started)
    }
}

/// The `statistics` reply with rtpengine 10.5's keys. Everything is relayed in userspace,
/// so the kernel figures stay zero; interval statistics stay zero as in rtpengine without
/// graphite.
enum StatisticsReport {
    static let intervalCommands = [
        "ping", "offer", "answer", "delete", "query", "list", "start recording", "stop recording",
        "start forwarding", "stop forwarding", "block DTMF", "unblock DTMF", "block media", "unblock media",
        "play media", "stop media", "play DTMF", "statistics", "silence media", "unsilence media", "publish",
        "subscribe request", "subscribe answer", "unsubscribe",
    ]

    static func render(
        active: Int, mediaUserspace: Int, totals: CallRegistry.Totals,
        relay: (totals: RelayRates.Figures, rates: (packets: Double, bytes: Double, errors: Double)), control: ControlStatistics,
        interfaces: [(MediaInterface, usedPorts: Int, last: UInt16)], portRange: (min: Int, max: Int), uptime: Double
    ) -> BencodeValue {
        // `%.6f`, as rtpengine prints its floating-point statistics.
        func f(_ d: Double) -> BencodeValue { .string(TextLayout.fixed(d, digits: 6)) }
        func i(_ n: Int) -> BencodeValue { .integer(Int64(n)) }
        let rate = relay.rates
        let userRates: [BencodeValue] = [i(Int(rate.packets.rounded())), i(Int(rate.bytes.rounded())), i(Int(rate.errors.rounded()))]
        let current: [(key: String, value: BencodeValue)] = [
            ("sessionsown", i(active)), ("sessionsforeign", i(0)), ("sessionstotal", i(active)), ("transcodedmedia", i(0)),
            ("packetrate_user", userRates[0]), ("byterate_user", userRates[1]), ("errorrate_user", userRates[2]),
            ("packetrate_kernel", i(0)), ("byterate_kernel", i(0)), ("errorrate_kernel", i(0)),
            ("packetrate", userRates[0]), ("byterate", userRates[1]), ("errorrate", userRates[2]),
            ("media_userspace", i(mediaUserspace)), ("media_kernel", i(0)), ("media_mixed", i(0)),
        ]
        let moved = relay.totals
        func u(_ v: UInt64) -> BencodeValue { .integer(Int64(clamping: v)) }

        let n = Double(totals.managedSessions)
        let mean = n > 0 ? totals.callSeconds / n : 0
        let variance = n > 0 ? max(0, totals.callSecondsSquared / n - mean * mean) : 0
        let total: [(key: String, value: BencodeValue)] = [
            ("uptime", .string(String(Int(uptime)))), ("managedsessions", i(totals.managedSessions)),
            ("rejectedsessions", i(totals.rejectedSessions)), ("timeoutsessions", i(totals.timeouts)), ("silenttimeoutsessions", i(totals.silentTimeouts)),
            ("finaltimeoutsessions", i(totals.finalTimeouts)), ("offertimeoutsessions", i(totals.offerTimeouts)),
            ("regularterminatedsessions", i(totals.regularTerminated)), ("forcedterminatedsessions", i(totals.forcedTerminated)),
            ("relayedpackets_user", u(moved.packets)), ("relayedpacketerrors_user", u(moved.errors)),
            ("relayedbytes_user", u(moved.bytes)), ("relayedpackets_kernel", i(0)), ("relayedpacketerrors_kernel", i(0)),
            ("relayedbytes_kernel", i(0)), ("relayedpackets", u(moved.packets)), ("relayedpacketerrors", u(moved.errors)),
            ("relayedbytes", u(moved.bytes)), ("zerowaystreams", i(totals.zeroWayStreams)), ("onewaystreams", i(totals.oneWayStreams)),
        ] + [
            ("avgcallduration", f(mean)), ("totalcallsduration", f(totals.callSeconds)),
            ("totalcallsduration2", f(totals.callSecondsSquared)), ("totalcallsduration_stddev", f(variance.squareRoot())),
        ]

        var interval: [(key: String, value: BencodeValue)] = [
            ("totalcallsduration", f(0)), ("minmanagedsessions", i(0)), ("maxmanagedsessions", i(0)),
        ]
        for c in intervalCommands { for p in ["min", "max", "avg"] { interval.append(("\(p)\(c)delay", f(0))) } }
        for c in intervalCommands { for p in ["min", "max", "avg"] { interval.append(("\(p)\(c)requestrate", .string("0"))) } }

        let mos: [(key: String, value: BencodeValue)] = [
            ("mos_total", f(0)), ("mos2_total", f(0)), ("mos_samples_total", i(0)), ("mos_average", f(0)), ("mos_stddev", f(0)),
        ]

        let proxies: [BencodeValue] = control.proxies.map { proxy in
            var entry: [(key: String, value: BencodeValue)] = [("proxy", .string(proxy.address))]
            for (command, abbreviation) in ControlStatistics.counted {
                entry.append(("\(abbreviation)count", i(proxy.stats.counts[command] ?? 0)))
                entry.append(("\(abbreviation)duration", f(proxy.stats.durations[command] ?? 0)))
            }
            entry.append(("errorcount", i(proxy.stats.errors)))
            return .dictionary(entry)
        }
        var controlEntries: [(key: String, value: BencodeValue)] = [("proxies", .list(proxies))]
        for (command, abbreviation) in ControlStatistics.counted {
            controlEntries.append(("total\(abbreviation)count", i(control.total(command))))
        }

        let totalPorts = portRange.max - portRange.min + 1
        let ifaces: [BencodeValue] = interfaces.map { (iface, used, last) in
            .dictionary([
                ("name", .string(iface.name)), ("address", .string(iface.address.description)),
                ("ports", .dictionary([
                    ("min", i(portRange.min)), ("max", i(portRange.max)), ("used", i(used)),
                    ("used_pct", f2(totalPorts > 0 ? Double(used) * 100 / Double(totalPorts) : 0)),
                    ("free", i(totalPorts - used)), ("totals", i(totalPorts)), ("last", i(Int(last))),
                ])),
            ])
        }
        return .dictionary([
            ("currentstatistics", .dictionary(current)), ("totalstatistics", .dictionary(total)),
            ("intervalstatistics", .dictionary(interval)), ("mos", .dictionary(mos)),
            ("controlstatistics", .dictionary(controlEntries)), ("interfaces", .list(ifaces)), ("transcoders", .list([])),
        ])
    }

    static func f2(_ d: Double) -> BencodeValue { .string(TextLayout.fixed(d, digits: 2)) }
}
