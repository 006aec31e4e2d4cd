"""Sends a sequence step by step to both daemons and compares every reply."""
import collections
import itertools
import os

import compare
from daemons import Daemon, REF_PORTS, OUR_PORTS
from sdp import Sdp

_run_token = os.urandom(3).hex().encode()


def sibling_call_id(cid):
    """The sibling call-id: the same bytes except the non-UTF-8 ones."""
    if cid.endswith(b"\xff"):
        return cid[:-1] + b"\xfe"
    if cid.endswith(b"\xfe\x80"):
        return cid[:-2] + b"\xff\x80"
    return cid + b"\xff"


def wire_value(v):
    if isinstance(v, Sdp):
        return v.render()
    if isinstance(v, dict):
        return {k: wire_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [wire_value(x) for x in v]
    return v


class Sequence:
    """A generated sequence: its steps, the non-UTF-8 suffix of its call-id, and where it
    came from (seed, number)."""

    def __init__(self, steps, suffix=b"", seed=None, index=None):
        self.steps = steps
        self.suffix = suffix
        self.seed = seed
        self.index = index

    def copy(self):
        return Sequence([s.copy() for s in self.steps], self.suffix, self.seed, self.index)


def _uses_round_robin(step):
    d = step.fields.get("direction")
    return isinstance(d, list) and any(x in ("ext", b"ext") for x in d)


class StepResult:
    def __init__(self, index, request, ref, ours):
        self.index = index
        self.request = request
        self.ref = ref
        self.ours = ours


class Pair:
    def __init__(self, ref_bin, our_bin, logdir):
        self.ref = Daemon("reference", ref_bin, REF_PORTS, logdir)
        self.ours = Daemon("ours", our_bin, OUR_PORTS, logdir)
        self.counter = itertools.count()
        self.requests = 0
        self.restarts = 0
        self.rr_resyncs = 0
        self.exhausted = {"reference": 0, "ours": 0}
        self.explained = collections.Counter()   # reason -> generated sequences it ended
        self.last_explained = None                # the reason that ended the last run, if any
        self.reference_crashed = False            # the last run ended in a crash of 10.5 alone
        self.ref.start()
        self.ours.start()

    def stop(self):
        self.ref.stop()
        self.ours.stop()

    def call_ids(self, seq):
        base = b"dt-%s-%d-" % (_run_token, next(self.counter))
        main = base + seq.suffix
        return main, sibling_call_id(main)

    def restart_both(self):
        """Both daemons afresh: after a crash or a hang (the call state is gone), or when one
        ran out of ports. Always both, so state that spans calls (round-robin interface
        selection) stays the same on the two."""
        self.restarts += 1
        self.ref.restart()
        self.ours.restart()

    def _send(self, daemon, request, diffs, index, command):
        reply = daemon.request(request)
        self.requests += 1
        if reply is None:
            if not daemon.alive():
                tail = "exit status %s\n%s" % (daemon.proc.returncode, daemon.log_tail())
                d = compare.Diff(index, command, "process", "crash of " + daemon.name, None, None,
                                 (command, "process", "crash of " + daemon.name), tail)
                d.crash = True
                diffs.append(d)
            elif not daemon.ping():
                tail = daemon.log_tail()
                d = compare.Diff(index, command, "process", "hang of " + daemon.name, None, None,
                                 (command, "process", "hang of " + daemon.name), tail)
                d.crash = True
                diffs.append(d)
        return reply

    def run(self, seq):
        """(step results, differences) of one sequence on both daemons. A daemon that runs
        out of media ports (ours holds ports after some deletes, see README) is not a result:
        both are restarted and the sequence is run again."""
        for attempt in range(3):
            results, diffs = self._run(seq)
            out = [n for n, r in (("reference", 0), ("ours", 1)) if any(
                isinstance(x.ref if r == 0 else x.ours, dict)
                and b"out of ports" in (x.ref if r == 0 else x.ours).get(b"error-reason", b"")
                for x in results)]
            if not out:
                break
            for n in out:
                self.exhausted[n] += 1
            self.restart_both()
        if self.reference_crashed or any(getattr(d, "crash", False) for d in diffs):
            self.restart_both()
        elif any(_uses_round_robin(s) for s in seq.steps):
            self.sync_round_robin()
        return results, diffs

    # Round-robin interface selection (`ext:1`/`ext:2` picked by `direction: [ext]`) is state
    # that spans calls. When a sequence made one daemon pick and the other not (an offer one
    # accepted and the other refused, a difference already reported), every later `ext`
    # offer would differ too. So after a sequence that used it, one probe offer to each
    # (`direction: [ext]`, one turn each) shows where each daemon's turn is; when they
    # disagree, ours gets one more probe, which moves it on by one turn. Counted in
    # `rr_resyncs` and printed in the summary.
    def _rr_probe(self, daemon):
        cid = b"dt-%s-rr-%d" % (_run_token, next(self.counter))
        sdp = b"v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
        daemon.request({"call-id": cid, "command": "offer", "from-tag": "rr", "direction": ["ext"], "sdp": sdp})
        q = daemon.request({"call-id": cid, "command": "query"})
        daemon.request({"call-id": cid, "command": "delete", "delete-delay": 0})
        try:
            return q[b"tags"][b"rr"][b"medias"][0][b"streams"][0][b"local address"]
        except (KeyError, IndexError, TypeError):
            return None

    def sync_round_robin(self):
        drifted = False
        for _ in range(3):
            if self._rr_probe(self.ref) == self._rr_probe(self.ours):
                break
            drifted = True
            self._rr_probe(self.ours)
        self.rr_resyncs += drifted

    def _run(self, seq):
        main, sibling = self.call_ids(seq)
        slots = [("main", main), ("sibling", sibling)]
        ref_lab = compare.PortLabeler(*REF_PORTS)
        our_lab = compare.PortLabeler(*OUR_PORTS)
        results, diffs = [], []
        self.last_explained = None
        self.reference_crashed = False
        try:
            for i, step in enumerate(seq.steps):
                request = {}
                if step.call == "main":
                    request["call-id"] = main
                elif step.call == "sibling":
                    request["call-id"] = sibling
                for k, v in step.fields.items():
                    request[k] = wire_value(v)
                command = step.command
                before = len(diffs)
                ref = self._send(self.ref, request, diffs, i, command)
                ours = self._send(self.ours, request, diffs, i, command)
                results.append(StepResult(i, request, ref, ours))
                if len(diffs) > before:
                    # 10.5 crashing while ours answered is 10.5's fault, not a difference to
                    # fix (a crash or hang of ours always is one).
                    if ours is not None and all(d.kind == "crash of reference" for d in diffs[before:]):
                        del diffs[before:]
                        self.last_explained = compare.REFERENCE_CRASH
                        self.reference_crashed = True
                    break  # a crash or hang: the daemon is restarted and has lost the call
                step_diffs = compare.compare_step(i, command, ref, ours, ref_lab, our_lab, slots)
                reason = compare.explained(ref, step_diffs)
                if reason:
                    # Not a difference to fix; what follows would only be its consequences.
                    self.last_explained = reason
                    break
                diffs += step_diffs
        finally:
            # Not compared: frees the ports at once on both (see README "cleanup").
            for cid in (main, sibling):
                for d in (self.ref, self.ours):
                    if d.alive():
                        d.request({"call-id": cid, "command": "delete", "delete-delay": 0})
        return results, diffs
