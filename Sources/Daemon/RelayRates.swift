import Synchronization

/// What the media engine relayed, in total and per second, for `statistics`. The daemon's
/// once-a-second timer feeds it the engine's totals; the rates are the last second's.
final class RelayRates: Sendable {
    struct Figures: Sendable {
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
        var errors: UInt64 = 0
    }

    private struct State {
        var last = Figures()
        var lastTime: Double?
        var rates = (packets: 0.0, bytes: 0.0, errors: 0.0)
    }

    private let state = Mutex(State())
    let totals: @Sendable () -> Figures

    init(totals: @escaping @Sendable () -> Figures) { self.totals = totals }

    /// Takes a sample at `now` (seconds).
    func sample(now: Double) {
        let current = totals()
        state.withLock { s in
            if let t = s.lastTime, now > t {
                let dt = now - t
                s.rates = (Double(current.packets &- s.last.packets) / dt, Double(current.bytes &- s.last.bytes) / dt,
                           Double(current.errors &- s.last.errors) / dt)
            }
            s.last = current
            s.lastTime = now
        }
    }

    var rates: (packets: Double, bytes: Double, errors: Double) { state.withLock { $0.rates } }
}
