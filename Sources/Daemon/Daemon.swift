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

        // Everything that can stop the start, decided before anything is bound; `check`
        // runs the same plan (StartupPlan).
        let plan: StartupPlan
        do {
            plan = try StartupPlan.make(commandLine)
        } catch {
            guard let config = error.config else { return fail(error.description) }
            bootstrapLogging(config)
            Logger(label: "core").critical("Fatal error: \(error.description)")
            return 1
        }
        let config = plan.config
        let mediaInterfaces = plan.interfaces
        let logLevels = bootstrapLogging(config)
        let logger = Logger(label: "core")
        for warning in plan.warnings { logger.warning("\(warning)") }
        for i in mediaInterfaces {
            logger.debug("Interface '\(i.name)': \(i.address)\(i.advertised.map { " advertised as \($0)" } ?? "")")
        }
        do {
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
        settings.recordingDirectory = config.options.string("recording-dir") != nil
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

    @discardableResult
    static func bootstrapLogging(_ config: DaemonConfig) -> LogLevels {
        let destination: LogDestination =
            config.logStderr ? .stderr(timestamps: config.logTimestamps) : .syslog(config.logFacility)
        let levels = LogLevels(base: config.logLevel, overrides: config.subsystemLogLevels)
        DaemonLogHandler.bootstrap(levels: levels, destination: destination)
        return levels
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
