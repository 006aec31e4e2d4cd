#!/usr/bin/env python3
"""Generative differential tester: random ng request sequences sent to our rtpengine and to
Debian's rtpengine 10.5, replies compared step by step, differences shrunk to minimal
reproductions. See README.md."""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare  # noqa: E402
import daemons  # noqa: E402
import domain  # noqa: E402
import generator  # noqa: E402
import shrink as shrinker  # noqa: E402
import swift  # noqa: E402
from runner import Pair, Sequence  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OURS = ".build/debug/rtpengine"
DEFAULT_REFERENCE = ".build-peers/rtpengine-daemon/usr/bin/rtpengine"


def make_sequence(seed, index):
    """Sequence `index` of `seed`: reproducible on its own, whatever ran before it."""
    rng = random.Random("difftest/%d/%d" % (seed, index))
    suffix = rng.choice(domain.NON_UTF8) if rng.random() < 0.06 else b""
    steps = generator.generate_sequence(rng)
    return Sequence(steps, suffix, seed, index)


def show(v, limit=None):
    if isinstance(v, bytes):
        s = repr(v)
    else:
        s = repr(v)
    if limit and len(s) > limit:
        s = s[:limit] + "..."
    return s


def python_steps(seq):
    out = []
    for i, st in enumerate(seq.steps):
        fields = {}
        if st.call is not None:
            fields["call-id"] = "<%s call-id>" % st.call
        for k, v in st.fields.items():
            fields[k] = generator_render(v)
        out.append("    %d. %r" % (i + 1, fields))
    return "\n".join(out)


def generator_render(v):
    from runner import wire_value
    return wire_value(v)


class Finding:
    def __init__(self, number, signature, seq, diff):
        self.number = number
        self.signature = signature
        self.first = seq
        self.diff = diff
        self.count = 1
        self.shrunk = None
        self.shrunk_diff = None
        self.trials = 0
        self.reproducible = None
        self.replies = None


def describe(f):
    d = f.shrunk_diff or f.diff
    seq = f.shrunk or f.first
    lines = []
    lines.append("difference %d: %s" % (f.number, compare.signature_text(f.signature)))
    lines.append("  first seen in seed %s #%s (%d steps)%s" % (
        f.first.seed, f.first.index, len(f.first.steps),
        "; shrunk to %d steps in %d trials%s" % (
            len(seq.steps), f.trials,
            "" if f.reproducible in (None, True) else ", NOT reproducible on re-run")
        if f.shrunk is not None else ""))
    lines.append("  step %d (%s) %s: %s" % (d.step + 1, d.command, d.path, d.kind))
    lines.append("    reference: %s" % show(d.ref, 600))
    lines.append("    ours:      %s" % show(d.ours, 600))
    if d.detail:
        lines.append("  detail (SDP normalised: ports as labels):" if d.path.startswith("sdp")
                     else "  detail:")
        lines += ["    " + x for x in d.detail.rstrip("\n").split("\n")]
    if f.replies:
        r, o = f.replies
        lines.append("  replies at that step (raw):")
        lines.append("    reference: %s" % show(r, 3000))
        lines.append("    ours:      %s" % show(o, 3000))
    lines.append("  python steps (seed %s #%s):" % (seq.seed, seq.index))
    lines.append(python_steps(seq))
    if seq.suffix:
        lines.append("    (call-id ends in %r)" % seq.suffix)
    text, notes = swift.scenario(seq, "generated seed %s #%s" % (seq.seed, seq.index))
    lines.append("  swift:")
    lines += ["    " + x for x in text.split("\n")]
    for n in notes:
        lines.append("    // note: " + n)
    return "\n".join(lines)


def resolve(path, env, default):
    p = path or os.environ.get(env) or default
    if not os.path.isabs(p):
        p = os.path.join(REPO, p)
    return p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, help="one seed (default: random, printed)")
    ap.add_argument("--seeds", help="several seeds, comma-separated")
    ap.add_argument("--count", type=int, default=500, help="sequences per seed (default 500)")
    ap.add_argument("--keep-going", action="store_true",
                    help="collect every distinct difference instead of stopping at the first")
    ap.add_argument("--ours", help="our daemon (default %s, env RTPENGINE_BIN)" % DEFAULT_OURS)
    ap.add_argument("--reference", help="rtpengine 10.5 (default %s, env RTPENGINE_REFERENCE)" % DEFAULT_REFERENCE)
    ap.add_argument("--verbose", action="store_true", help="print every request and reply")
    ap.add_argument("--no-shrink", action="store_true", help="report differences unshrunk")
    ap.add_argument("--shrink-budget", type=int, default=500, help="trials per shrink (default 500)")
    ap.add_argument("--report", help="also write the differences to this file")
    ap.add_argument("--index", help="write each differing sequence (seed, number) with the signatures "
                    "of its first differing step to this file, one per line (to pick examples to --only)")
    ap.add_argument("--all-steps", action="store_true",
                    help="treat differences after a sequence's first differing step as findings too "
                         "(by default they are counted as consequences, not shrunk)")
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the daemons' logs (kept anyway when a daemon crashed or hung)")
    ap.add_argument("--only", help="run only sequence numbers (comma-separated) of the seed(s)")
    ap.add_argument("--known", help="file of difference signatures already known and not yet fixed "
                                    "(one per line, as the summary prints them): counted, not shrunk, "
                                    "and no failure; any other difference fails the run")
    ap.add_argument("--write-known", help="write the signatures seen to this file (a new baseline)")
    ap.add_argument("--explore", action="store_true",
                    help="new differences are reported (shrunk) but fail the run only when our daemon "
                         "crashed or hung (for a random seed, which may meet rare known behaviour "
                         "the baseline lacks)")
    args = ap.parse_args(argv)
    known = set()
    if args.known:
        with open(args.known, encoding="utf-8") as f:
            known = {l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")}

    if args.seeds:
        seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    elif args.seed is not None:
        seeds = [args.seed]
    else:
        seeds = [random.SystemRandom().randrange(1, 10 ** 6)]
        print("difftest: random seed %d" % seeds[0], flush=True)
    ours = resolve(args.ours, "RTPENGINE_BIN", DEFAULT_OURS)
    ref = resolve(args.reference, "RTPENGINE_REFERENCE", DEFAULT_REFERENCE)
    for name, p in (("ours", ours), ("reference", ref)):
        if not os.access(p, os.X_OK):
            print("difftest: %s binary not found or not executable: %s" % (name, p), file=sys.stderr)
            return 2
    # Our binary may be rebuilt while we run: use a private copy.
    bindir = tempfile.mkdtemp(prefix="difftest-bin-")
    ours_copy = os.path.join(bindir, "rtpengine")
    shutil.copy2(ours, ours_copy)
    logdir = daemons.make_logdir()
    only = [int(x) for x in args.only.split(",")] if args.only else None

    report = open(args.report, "w") if args.report else None
    index_file = open(args.index, "w") if args.index else None
    findings = {}
    secondary = {}
    total = 0
    occurrences = 0
    started = time.time()
    pair = None
    try:
        pair = Pair(ref, ours_copy, logdir)
        print("difftest: reference %s, ours %s (copy of %s), logs in %s" % (ref, ours_copy, ours, logdir), flush=True)
        stop = False
        for seed in seeds:
            indices = only if only is not None else range(args.count)
            for n in indices:
                seq = make_sequence(seed, n)
                results, diffs = pair.run(seq)
                if pair.last_explained:
                    pair.explained[pair.last_explained] += 1
                total += 1
                if args.verbose:
                    print("--- seed %d #%d" % (seed, n))
                    for r in results:
                        print("  > %s" % show(r.request, 2000))
                        print("  < ref  %s" % show(r.ref, 2000))
                        print("  < ours %s" % show(r.ours, 2000))
                new = []
                first = diffs if args.all_steps else compare.primary(diffs)
                first = first + [d for d in diffs if getattr(d, "crash", False) and d not in first]
                for d in diffs:
                    if d not in first:
                        secondary[d.signature] = secondary.get(d.signature, 0) + 1
                if index_file and first:
                    index_file.write("%d %d\t%s\n" % (seed, n, "\t".join(sorted({
                        compare.signature_text(d.signature) for d in first}))))
                for d in first:
                    occurrences += 1
                    if d.signature in findings:
                        findings[d.signature].count += 1
                    else:
                        f = Finding(len(findings) + 1, d.signature, seq, d)
                        findings[d.signature] = f
                        new.append(f)
                for f in new:
                    if compare.signature_text(f.signature) in known:
                        continue
                    if not args.no_shrink:
                        print("difftest: shrinking difference %d (%s)" % (
                            f.number, compare.signature_text(f.signature)), flush=True)
                        f.shrunk, f.shrunk_diff, f.trials = shrinker.shrink(
                            pair, seq, f.signature, args.shrink_budget, all_steps=args.all_steps)
                        # confirm it on a fresh call-id
                        _, again = pair.run(f.shrunk)
                        f.reproducible = any(x.signature == f.signature for x in again)
                        f.shrunk_diff = next((x for x in f.shrunk_diff if x.signature == f.signature), f.diff)
                        rs, _ = pair.run(f.shrunk)
                        if f.shrunk_diff.step < len(rs):
                            f.replies = (rs[f.shrunk_diff.step].ref, rs[f.shrunk_diff.step].ours)
                    else:
                        if f.diff.step < len(results):
                            f.replies = (results[f.diff.step].ref, results[f.diff.step].ours)
                    text = describe(f)
                    print(text, flush=True)
                    if report:
                        report.write(text + "\n\n")
                        report.flush()
                if any(compare.signature_text(f.signature) not in known for f in new) and not args.keep_going:
                    stop = True
                    break
                if total % 100 == 0:
                    print("difftest: %d sequences (seed %d), %d distinct differences, %.0f s" % (
                        total, seed, len(findings), time.time() - started), flush=True)
            if stop:
                break
    except RuntimeError as e:
        print("difftest: %s" % e, file=sys.stderr)
        return 2
    finally:
        if pair:
            pair.stop()
        shutil.rmtree(bindir, ignore_errors=True)
        if report:
            report.close()
        if index_file:
            index_file.close()
        crashed = any(getattr(f.diff, "crash", False) for f in findings.values())
        if not args.keep_logs and not crashed:
            shutil.rmtree(logdir, ignore_errors=True)
        elif pair:
            print("difftest: daemon logs kept in %s" % logdir)
    if findings:
        print("difftest: signatures seen (occurrences):")
        for f in findings.values():
            print("  %4d  #%d %s" % (f.count, f.number, compare.signature_text(f.signature)))
    if pair and (pair.exhausted["ours"] or pair.exhausted["reference"]):
        print("difftest: ran out of media ports: ours %d times, reference %d times (both restarted, "
              "the sequence run again)" % (pair.exhausted["ours"], pair.exhausted["reference"]))
    if pair:
        for reason, n in pair.explained.most_common():
            print("difftest: explained, %d sequences ended where %s (README, \"Explained differences\")" % (n, reason))
    if pair and pair.rr_resyncs:
        print("difftest: round-robin interface selection drifted apart %d times after a difference "
              "(resynchronised, see runner.sync_round_robin)" % pair.rr_resyncs)
    later = {k: v for k, v in secondary.items() if k not in findings}
    if later:
        print("difftest: seen only after an earlier difference in the same sequence (not shrunk; --all-steps to chase them):")
        for sig, n in sorted(later.items(), key=lambda x: -x[1]):
            print("  %4d  %s" % (n, compare.signature_text(sig)))
    if args.write_known:
        with open(args.write_known, "w", encoding="utf-8") as f:
            f.write("# Differences from rtpengine 10.5 that the generative tester finds and that are not\n"
                    "# fixed yet, by signature (tools/difftest/README.md). CI fails on any other.\n")
            for sig in sorted(compare.signature_text(x.signature) for x in findings.values()):
                f.write(sig + "\n")
    unknown = [f for f in findings.values() if compare.signature_text(f.signature) not in known]
    if known:
        seen = {compare.signature_text(f.signature) for f in findings.values()}
        print("difftest: %d known differences seen (of %d listed in %s), %d new" % (
            len(seen & known), len(known), args.known, len(unknown)))
    print("difftest: %d sequences, %d differences (seeds %s)" % (
        total, len(unknown) if known else len(findings), ",".join(str(s) for s in seeds)), flush=True)
    if args.explore:
        ours_failed = [f for f in unknown if "of ours" in compare.signature_text(f.signature)]
        if unknown:
            print("difftest: %d new differences found exploring (reported above; not fatal)" % len(unknown))
        return 1 if ours_failed else 0
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
