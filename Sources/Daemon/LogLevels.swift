import CLI
import Config
import Synchronization

/// The log level of each of rtpengine's log subsystems (`--log-level-SUBSYSTEM`), readable by
/// every logger at each message and changeable at run time by the CLI.
public final class LogLevels: Sendable {
    /// Subsystem names and descriptions, in rtpengine's order, from the option registry.
    public static let subsystems: [(name: String, description: String)] = OptionRegistry.all.compactMap { spec in
        guard spec.long.hasPrefix("log-level-") else { return nil }
        let description = spec.help.hasPrefix("Log level for: ") ? String(spec.help.dropFirst("Log level for: ".count)) : spec.help
        return (String(spec.long.dropFirst("log-level-".count)), description)
    }

    private let levels: Mutex<[Int]>

    /// Each subsystem starts at its own option, else `--log-level`; `internals` (noisy
    /// low-level detail) stays off unless given.
    public init(base: Int, overrides: [String: Int] = [:]) {
        levels = Mutex(Self.subsystems.map { overrides[$0.name] ?? ($0.name == "internals" ? -1 : base) })
    }

    /// A subsystem's position, for `level(at:)`; an unknown name is `core`'s.
    public static func index(of subsystem: String) -> Int {
        subsystems.firstIndex { $0.name == subsystem } ?? 0
    }

    public func level(at index: Int) -> Int {
        levels.withLock { $0[index] }
    }

    public var all: [LogSubsystemLevel] {
        let current = levels.withLock { $0 }
        return zip(Self.subsystems, current).map { LogSubsystemLevel(name: $0.name, description: $0.description, level: $1) }
    }

    /// Sets one subsystem, or every one when `subsystem` is nil; false for an unknown name.
    public func set(_ level: Int, subsystem: String?) -> Bool {
        guard let subsystem else {
            levels.withLock { $0 = $0.map { _ in level } }
            return true
        }
        guard let index = Self.subsystems.firstIndex(where: { $0.name == subsystem }) else { return false }
        levels.withLock { $0[index] = level }
        return true
    }
}
