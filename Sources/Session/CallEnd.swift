/// Why a call ended, for the lifetime totals of `statistics` and the CLI.
enum CallEnd {
    case regular
    case forced
    case timedOut(TimeoutReason)
}

extension CallRegistry {
    /// Counts a call that ended: rtpengine's totals cover finished calls only (a running
    /// call is not yet "managed"), with its duration and how many of its media sections
    /// carried packets both ways, one way or none. Must run before its ports are released.
    func recordEnd(_ call: Call, _ end: CallEnd, now: Double) {
        let (zeroWay, oneWay) = directionCounts(call)
        let duration = now - call.created
        totals.withLock { t in
            switch end {
            case .regular: t.regularTerminated += 1
            case .forced: t.forcedTerminated += 1
            case .timedOut(.timeout): t.timeouts += 1
            case .timedOut(.silent): t.silentTimeouts += 1
            case .timedOut(.final): t.finalTimeouts += 1
            case .timedOut(.offer): t.offerTimeouts += 1
            }
            t.managedSessions += 1
            t.callSeconds += duration
            t.callSecondsSquared += duration * duration
            t.zeroWayStreams += zeroWay
            t.oneWayStreams += oneWay
        }
    }

    /// Per dialogue and media section: did RTP arrive from neither side, or from one only?
    private func directionCounts(_ call: Call) -> (zeroWay: Int, oneWay: Int) {
        var zero = 0, one = 0
        for d in call.dialogues {
            let offerer = call.participants[d.offerer], answerer = call.participants[d.answerer]
            for (i, m) in offerer.medias.enumerated() {
                func received(_ p: Participant, _ leg: MediaLeg?) -> Bool {
                    guard let port = leg?.localPorts?.rtp else { return false }
                    return hasTraffic(leg!.localAddress(default: p), port)
                }
                let ways = [received(offerer, m), received(answerer, i < answerer.medias.count ? answerer.medias[i] : nil)]
                    .filter { $0 }.count
                if ways == 0 { zero += 1 } else if ways == 1 { one += 1 }
            }
        }
        return (zero, one)
    }
}
