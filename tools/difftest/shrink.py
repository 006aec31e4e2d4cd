"""Shrinking a sequence to a minimal one that still shows a difference of the same
signature. Greedy: try candidates from coarse (drop steps) to fine (drop an SDP line, simplify
a value), take the first that still shows the signature, start over; stop when no candidate
does or the trial budget is spent. Every trial runs on both daemons with a fresh call-id."""
from sdp import Sdp
from runner import Sequence
from generator import in_domain
from compare import primary


def _strip_high(b):
    return bytes(x for x in b if x < 0x80)


def _value_candidates(v):
    """Simpler versions of one request value (not the value itself)."""
    if isinstance(v, Sdp):
        yield from v.shrink_candidates()
    elif isinstance(v, list):
        for i in range(len(v)):
            yield v[:i] + v[i + 1:]
        for i, x in enumerate(v):
            for s in _value_candidates(x):
                yield v[:i] + [s] + v[i + 1:]
    elif isinstance(v, dict):
        keys = list(v)
        for k in keys:
            yield {x: y for x, y in v.items() if x != k}
        for k in keys:
            for s in _value_candidates(v[k]):
                c = dict(v)
                c[k] = s
                yield c
    elif isinstance(v, bytes):
        if any(x >= 0x80 for x in v):
            yield _strip_high(v)


def candidates(seq):
    steps = seq.steps
    n = len(steps)
    # drop chunks of steps, then single steps (last first: later steps depend on earlier ones)
    size = n // 2
    while size > 1:
        for start in range(0, n - size + 1, size):
            c = seq.copy()
            del c.steps[start:start + size]
            if c.steps:
                yield c
        size //= 2
    for i in reversed(range(n)):
        if n > 1:
            c = seq.copy()
            del c.steps[i]
            yield c
    if seq.suffix:
        c = seq.copy()
        c.suffix = b""
        yield c
    for i, step in enumerate(steps):
        if step.call == "sibling":
            c = seq.copy()
            c.steps[i].call = "main"
            yield c
    # drop a key, then simplify a value
    for i, step in enumerate(steps):
        for k in list(step.fields):
            if k == "command":
                continue
            c = seq.copy()
            del c.steps[i].fields[k]
            yield c
    for i, step in enumerate(steps):
        for k, v in list(step.fields.items()):
            if k == "command":
                continue
            for s in _value_candidates(v):
                c = seq.copy()
                c.steps[i].fields[k] = s
                yield c
    # tags that differ only in non-UTF-8 bytes: make every occurrence plain at once
    tags = set()
    for step in steps:
        for k in ("from-tag", "to-tag", "via-branch"):
            v = step.fields.get(k)
            if isinstance(v, bytes) and any(x >= 0x80 for x in v):
                tags.add(v)
    for t in sorted(tags):
        c = seq.copy()
        for step in c.steps:
            for k in ("from-tag", "to-tag", "via-branch"):
                if step.fields.get(k) == t:
                    step.fields[k] = _strip_high(t) or b"x"
        yield c


def size(seq):
    """A rough size, to refuse candidates that are not smaller."""
    total = 0
    for s in seq.steps:
        total += 1000 + (5 if s.call == "sibling" else 0)
        for k, v in s.fields.items():
            total += 10 + _vsize(v)
    return total + len(seq.suffix)


def _vsize(v):
    if isinstance(v, Sdp):
        return len(v.render()) + (0 if v.eol == "crlf" else 5) + (0 if v.final_eol else 5)
    if isinstance(v, (list, tuple)):
        return 2 + sum(_vsize(x) for x in v)
    if isinstance(v, dict):
        return 2 + sum(len(k) + _vsize(x) for k, x in v.items())
    if isinstance(v, (bytes, str)):
        return len(v) + sum(5 for x in (v if isinstance(v, bytes) else b"") if x >= 0x80)
    return 1


def shrink(pair, seq, signature, budget=500, log=None, all_steps=False):
    """(smallest sequence found, its diffs, trials used). Passes over the candidate list;
    after a success the pass goes on from the same position in the new candidate list
    (earlier positions were just tried), and a new pass starts while passes make progress."""
    trials = 0
    best = seq
    best_diffs = None
    pos = 0
    progress = False
    while trials < budget:
        cands = [c for c in candidates(best)]
        best_size = size(best)
        found = False
        while pos < len(cands) and trials < budget:
            cand = cands[pos]
            pos += 1
            if size(cand) >= best_size or not in_domain(cand.steps):
                continue
            trials += 1
            _, diffs = pair.run(cand)
            pool = diffs if all_steps else primary(diffs) + [d for d in diffs if getattr(d, "crash", False)]
            if any(d.signature == signature for d in pool):
                best, best_diffs = cand, diffs
                found = progress = True
                pos -= 1  # the candidate list shifts by the one just taken
                if log:
                    log("  shrink: %d steps, size %d (trial %d)" % (len(best.steps), size(best), trials))
                break
        if found:
            continue
        if not progress:
            break
        pos, progress = 0, False
    if best_diffs is None:
        _, best_diffs = pair.run(best)
    return best, best_diffs, trials
