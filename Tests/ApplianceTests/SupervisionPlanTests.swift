import Testing
@testable import Supervisor

/// The supervisor's decisions without processes.
@Suite struct SupervisionPlanTests {
    @Test func startsEverythingThenRestartsTheDeadWithBackoff() {
        var plan = SupervisionPlan()
        #expect(plan.reconcile([("a", "1"), ("b", "1")], now: 0) == [.start("a"), .start("b")])
        plan.started("a", pid: 10, now: 0)
        plan.started("b", pid: 11, now: 0)
        // Killed: back at once, then 0.5 s, 1 s, 2 s ... apart while it keeps dying.
        #expect(plan.exited("a", requested: false, now: 1) == [.start("a")])
        plan.started("a", pid: 12, now: 1)
        #expect(plan.exited("a", requested: false, now: 1.1) == [])
        #expect(plan.due(now: 1.5) == [])
        #expect(plan.due(now: 1.6) == [.start("a")])
        plan.started("a", pid: 13, now: 1.6)
        #expect(plan.exited("a", requested: false, now: 1.7) == [])
        #expect(plan.nextDue == 2.7)
        #expect(plan.instances["a"]?.restarts == 3)
        #expect(SupervisionPlan.backoff(failures: 20) == 10)
        // After a stable run the backoff starts over.
        #expect(plan.due(now: 2.7) == [.start("a")])
        plan.started("a", pid: 14, now: 2.7)
        #expect(plan.exited("a", requested: false, now: 100) == [.start("a")])
    }

    @Test func aCleanExitIsNotRestartedAndStopAllStopsEverything() {
        var plan = SupervisionPlan()
        _ = plan.reconcile([("a", "1"), ("b", "1")], now: 0)
        plan.started("a", pid: 10, now: 0)
        plan.started("b", pid: 11, now: 0)
        #expect(plan.exited("a", requested: true, now: 5) == [])
        #expect(plan.due(now: 100) == [])
        #expect(plan.stopAll() == [.stop("b")])
        #expect(plan.exited("b", requested: false, now: 6) == [], "no restart while stopping")
        #expect(plan.running.isEmpty)
    }

    @Test func reloadRestartsOnlyWhatChanged() {
        var plan = SupervisionPlan()
        _ = plan.reconcile([("a", "1"), ("b", "1")], now: 0)
        plan.started("a", pid: 10, now: 0)
        plan.started("b", pid: 11, now: 0)
        #expect(plan.reconcile([("a", "1"), ("b", "2"), ("c", "1")], now: 1) == [.stop("b"), .start("c")])
        #expect(plan.exited("b", requested: true, now: 1.1) == [.start("b")], "stopped for new settings: started again")
        #expect(plan.reconcile([("b", "2")], now: 2) == [.stop("a")], "a removed")
        #expect(plan.exited("a", requested: true, now: 2.1) == [])
    }
}
