/// What the supervisor should do with its instances, decided without processes: the
/// wanted instances and their settings in, start and stop actions out; time is a parameter.
public struct SupervisionPlan: Sendable {
    public enum Action: Equatable, Sendable {
        case start(String)
        case stop(String)
    }

    public struct InstanceState: Sendable, Equatable {
        /// The effective settings it was (or will be) started with, to see changes on reload.
        public var fingerprint: String
        public var pid: Int32?
        public var startedAt: Double?
        public var restarts = 0
        /// Consecutive quick failures, for the backoff.
        public var failures = 0
        public var nextStart: Double?
        /// Still wanted; false once removed from the config or stopped on request.
        public var wanted = true
        /// Stopping to start again with new settings.
        public var restartPending = false
    }

    public private(set) var instances: [String: InstanceState] = [:]
    public private(set) var order: [String] = []
    public private(set) var stopping = false

    /// An instance that ran this long before dying starts over with no backoff.
    public static let stableAfter = 30.0

    public init() {}

    /// The first restart is immediate; then 0.5 s, 1 s, 2 s ... up to 10 s between tries.
    public static func backoff(failures: Int) -> Double {
        failures <= 1 ? 0 : min(10, 0.5 * Double(1 << min(failures - 2, 5)))
    }

    /// Brings the instances in line with the config: new ones start, removed ones stop,
    /// changed ones restart; unchanged ones are left alone.
    public mutating func reconcile(_ desired: [(name: String, fingerprint: String)], now: Double) -> [Action] {
        var actions: [Action] = []
        let names = Set(desired.map(\.name))
        for name in order where !names.contains(name) {
            guard var s = instances[name], s.wanted else { continue }
            s.wanted = false
            s.nextStart = nil
            instances[name] = s
            if s.pid != nil { actions.append(.stop(name)) }
        }
        for (name, fingerprint) in desired {
            if var s = instances[name], s.wanted {
                guard s.fingerprint != fingerprint else { continue }
                s.fingerprint = fingerprint
                if s.pid != nil {
                    s.restartPending = true
                    actions.append(.stop(name))
                } else {
                    s.nextStart = now
                    actions.append(.start(name))
                }
                instances[name] = s
            } else {
                instances[name] = InstanceState(fingerprint: fingerprint)
                if !order.contains(name) { order.append(name) }
                actions.append(.start(name))
            }
        }
        return actions
    }

    /// An instance is running as `pid`.
    public mutating func started(_ name: String, pid: Int32, now: Double) {
        instances[name]?.pid = pid
        instances[name]?.startedAt = now
        instances[name]?.nextStart = nil
    }

    /// Starting failed (the executable could not be spawned): try again after the backoff.
    public mutating func failedToStart(_ name: String, now: Double) {
        guard var s = instances[name] else { return }
        s.failures += 1
        s.nextStart = now + max(0.5, Self.backoff(failures: s.failures))
        instances[name] = s
    }

    /// An instance's process ended. `requested`: it exited cleanly (status 0), as it does
    /// when told to stop; it is then not restarted unless a new config wants it.
    public mutating func exited(_ name: String, requested: Bool, now: Double) -> [Action] {
        guard var s = instances[name] else { return [] }
        let ran = s.startedAt.map { now - $0 } ?? 0
        s.pid = nil
        s.startedAt = nil
        defer { instances[name] = s }
        if stopping || !s.wanted { return [] }
        if s.restartPending {
            s.restartPending = false
            s.failures = 0
            return [.start(name)]
        }
        if requested {
            s.wanted = false
            return []
        }
        s.failures = ran >= Self.stableAfter ? 1 : s.failures + 1
        s.restarts += 1
        let delay = Self.backoff(failures: s.failures)
        if delay == 0 { return [.start(name)] }
        s.nextStart = now + delay
        return []
    }

    /// Restarts whose backoff has passed.
    public mutating func due(now: Double) -> [Action] {
        var actions: [Action] = []
        for name in order {
            guard let s = instances[name], s.wanted, s.pid == nil, let at = s.nextStart, at <= now else { continue }
            instances[name]?.nextStart = nil
            actions.append(.start(name))
        }
        return actions
    }

    /// When the next restart is due, if any.
    public var nextDue: Double? { instances.values.compactMap { $0.pid == nil && $0.wanted ? $0.nextStart : nil }.min() }

    /// SIGTERM/SIGINT: every running instance stops, none restarts.
    public mutating func stopAll() -> [Action] {
        stopping = true
        return order.compactMap { instances[$0]?.pid != nil ? .stop($0) : nil }
    }

    public var running: [String] { order.filter { instances[$0]?.pid != nil } }
}
