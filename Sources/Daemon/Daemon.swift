import Config
import Appliance
import CLI
import Control
import Digest
import Logging
import Media
import NG
import SRTP
import Session
import Systemd
#if canImport(Glibc)
import Glibc
#endif

/// The `rtpengine` executable's whole life: options, logging, start-up checks, listeners,
/// readiness, signals and a clean shutdown.
public enum Daemon {
    public static let version = "0.1.0 (Swift media proxy, rtpengine 10.5 compatible)"

    /// Runs the daemon with `arguments` (without the program name); returns the exit code.
    public static func run(arguments: [String]) -> Int32 {
        let commandLine: CommandLineOptions
        do {
            commandLine = try CommandLineOptions.parse(arguments)
        } catch {
            return fail("\(error)\nRun 'rtpengine --help' to see a full list of available command line options.")
        }
        if commandLine.values["help"] != nil {
            print(HelpText.render(), terminator: "")
            return 0
        }
        if commandLine.values["version"] != nil {
            print("Version: \(version)")
            return 0
        }
        if commandLine.values["codecs"] != nil {
            return fail("--codecs: transcoding is not built in this version, so no codecs can be listed")
        }

        let config: DaemonConfig
        var interfacePorts: [String: InterfacePorts] = [:]
        do {
            let options: ResolvedOptions
            if let instance = try InstanceLoader.load(commandLine) {
                options = instance.options
                interfacePorts = instance.ports
            } else {
                options = try ConfigLoader.load(commandLine: commandLine) { access($0, F_OK) == 0 }
            }
            config = try DaemonConfig(options)
        } catch {
            return fail("\(error)")
        }

        let destination: LogDestination =
            config.logStderr ? .stderr(timestamps: config.logTimestamps) : .syslog(config.logFacility)
        let logLevels = LogLevels(base: config.logLevel, overrides: config.subsystemLogLevels)
        DaemonLogHandler.bootstrap(levels: logLevels, destination: destination)
        let logger = Logger(label: "core")

        for warning in config.options.warnings { logger.warning("\(warning)") }
        for (spec, value, feature) in config.options.notBuiltOptions {
            logger.warning("Option --\(spec.long)=\(value) is accepted but not in effect: \(feature) is not built yet")
        }
        if config.table >= 0 {
            if config.noFallback {
                logger.critical("Fatal error: kernel table \(config.table) requested with --no-fallback, but kernel forwarding is not built yet")
                return 1
            }
            logger.warning("Kernel forwarding is not built yet: table \(config.table) unused, forwarding in userspace only")
        }
        let mediaInterfaces: [MediaInterface]
        do {
            let (interfaces, warnings) = try InterfaceResolver.resolve(config.interfaces)
            mediaInterfaces = interfaces.map {
                MediaInterface(name: $0.name, address: $0.address, advertised: $0.advertised,
                               portRange: interfacePorts[$0.name]?.range, excludedPorts: interfacePorts[$0.name]?.excluded ?? [])
            }
            for w in warnings { logger.warning("\(w)") }
            for i in interfaces {
                logger.debug("Interface '\(i.name)': \(i.address)\(i.advertised.map { " advertised as \($0)" } ?? "")")
            }
            try SRTPLibrary.initialize()
            logger.debug("Using \(OpenSSLLibrary.version), \(SRTPLibrary.version)")
        } catch {
            logger.critical("Fatal error: \(error)")
            return 1
        }

        var reporter = config.foreground
            ? StartupReporter.foreground() : StartupReporter.daemonize(keepStderr: config.logStderr)
        ShutdownSignals.block()

        // RTPENGINE_NO_MMSG=1: one datagram per system call (diagnostics, and the tests of that path).
        let engine = MediaEngine(threads: config.numThreads, batching: getenv("RTPENGINE_NO_MMSG") == nil)
        let ports = SocketPortAllocator(portMin: config.portMin, portMax: config.portMax, tos: config.tos, owner: engine)
        var settings = CallRegistry.Settings(interfaces: mediaInterfaces)
        settings.endpointLearning = EndpointLearning(rawValue: config.endpointLearning) ?? .delayed
        settings.timeout = Double(config.timeout)
        settings.silentTimeout = Double(config.silentTimeout)
        settings.finalTimeout = Double(config.finalTimeout)
        settings.offerTimeout = Double(config.offerTimeout)
        settings.deleteDelay = Double(config.deleteDelay)
        settings.maxSessions = config.maxSessions
        settings.sipSource = config.sipSource
        settings.tos = config.tos
        let calls = CallRegistry(settings: settings, ports: ports, media: engine, clock: wallClock)
        let relay = RelayRates {
            let t = engine.relayTotals
            return RelayRates.Figures(packets: t.packets, bytes: t.bytes, errors: t.errors)
        }
        let commands = DaemonCommands(calls: calls, ports: ports, relay: relay, interfaces: mediaInterfaces,
                                      portRange: (config.portMin, config.portMax), clock: wallClock)
        let control = ControlPlane(processor: NGProcessor(handler: commands), logger: Logger(label: "control"))
        commands.controlStatistics.withLock { $0 = { control.controlStatistics } }
        let pidfile = config.pidfile.map(PidFile.init)
        do {
            try control.startNG(config.listenNG)
            try control.startTCPNG(config.listenTCPNG)
            let cli = DaemonCLI(calls: calls, commands: commands, levels: logLevels, clock: wallClock)
            try control.startCLI(config.listenCLI) { CLIInterpreter.answer($0, backend: cli) }
            try pidfile?.write()
        } catch {
            logger.critical("Fatal error: \(error)")
            control.shutdown()
            reporter.report(1)
            return 1
        }
        for (transport, address) in control.boundAddresses {
            logger.info("Listening for ng over \(transport) on \(address.logDescription)")
        }
        for address in control.cliAddresses { logger.info("Listening for CLI commands on \(address.logDescription)") }
        control.every(seconds: 1) {
            calls.expire(now: wallClock())
            relay.sample(now: wallClock())
        }
        logger.info("Media relay running on \(engine.threadCount) thread(s)\(engine.batching ? "" : ", one datagram per system call")")
        logger.info("Startup complete, version \(version)")
        SystemdNotifier.ready(status: "running")
        reporter.report(0)

        while true {
            let signal = ShutdownSignals.wait()
            if signal == SIGHUP {
                logger.notice("SIGHUP received: this version has nothing to reload")
                continue
            }
            break
        }
        logger.info("Version \(version) shutting down")
        SystemdNotifier.stopping()
        control.shutdown()
        engine.shutdown()
        ports.releaseAll()
        pidfile?.remove()
        return 0
    }

    @Sendable static func wallClock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func fail(_ message: String) -> Int32 {
        writeToStderr("rtpengine: \(message)\n")
        return 1
    }
}
