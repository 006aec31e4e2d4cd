import Appliance
import Config
import Control
import NetAddress
import Session
#if canImport(Glibc)
import Glibc
#endif

/// What the daemon starts with, worked out from its command line (and the config file and
/// instance it names) before anything is bound: options, interfaces resolved against the
/// host's addresses, and listeners that can be bound here. Every reason the daemon refuses
/// to start, short of a port another process holds, is found here. `rtpengine-supervisor
/// check` runs the same plan for each instance of a file, so check calls a file valid
/// exactly when the daemon starts with it.
public struct StartupPlan: Sendable {
    public var config: DaemonConfig
    public var interfaces: [MediaInterface]
    /// Said at start-up: addresses not on this host (yet), options not in effect.
    public var warnings: [String]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The options, when they could be read (the daemon logs the failure with them);
        /// nil when the failure is in reading them.
        public var config: DaemonConfig?
    }

    public static func make(
        _ commandLine: CommandLineOptions,
        hostAddresses: [(interface: String, address: IPAddress)] = InterfaceResolver.hostAddresses()
    ) throws(Failure) -> StartupPlan {
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
            throw Failure(description: "\(error)", config: nil)
        }
        if config.table >= 0, config.noFallback {
            throw Failure(description: "kernel table \(config.table) requested with --no-fallback, but kernel forwarding is not built yet",
                          config: config)
        }
        let resolved: (interfaces: [LocalInterface], warnings: [String])
        do {
            resolved = try InterfaceResolver.resolve(config.interfaces, hostAddresses: hostAddresses)
        } catch {
            throw Failure(description: error.description, config: config)
        }
        let interfaces = resolved.interfaces.map {
            MediaInterface(name: $0.name, address: $0.address, advertised: $0.advertised,
                           portRange: interfacePorts[$0.name]?.range, excludedPorts: interfacePorts[$0.name]?.excluded ?? [])
        }
        let local = Set(hostAddresses.map(\.address))
        for (kind, listeners) in [("ng", config.listenNG), ("TCP ng", config.listenTCPNG), ("CLI", config.listenCLI)] {
            for listen in listeners {
                let addresses: [(ip: IPAddress?, optional: Bool)]
                do {
                    addresses = try ControlPlane.socketAddresses(for: listen).map { ($0.0.ipAddress.flatMap(IPAddress.init), $0.optional) }
                } catch {
                    throw Failure(description: "\(error)", config: config)
                }
                // A specific address must be this host's: binding another fails.
                for (ip, optional) in addresses where !optional {
                    if let ip, !ip.isUnspecified, !local.contains(ip) {
                        throw Failure(description: "cannot listen for \(kind) on \(listen): \(ip) is not an address of this host",
                                      config: config)
                    }
                }
            }
        }
        var warnings = config.options.warnings + resolved.warnings
        for (spec, value, feature) in config.options.notBuiltOptions {
            warnings.append("Option --\(spec.long)=\(value) is accepted but not in effect: \(feature) is not built yet")
        }
        if config.table >= 0 {
            warnings.append("Kernel forwarding is not built yet: table \(config.table) unused, forwarding in userspace only")
        }
        return StartupPlan(config: config, interfaces: interfaces, warnings: warnings)
    }
}
