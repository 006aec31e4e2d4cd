#!/usr/bin/env python3
"""Exhaustive two-party sequences against rtpengine 10.5: every sequence of L offers and
answers between a caller A and a callee B (A's offer, B's re-INVITE, B's answer, A's answer,
each with one of a few SDP variants), sent to both daemons; after every step the reply's
SDP (ports as labels, o= masked) and query's via-branches, subscriptions, media flags and streams
must match. The `fork` axis adds a second callee C, via-branches and deletes.

Random sequences rarely meet the state a rule hides in (an ICE role taken anew only when
ICE stops between families, say); a few axes enumerated completely do. Each axis is a list
of SDP variants per party and the options every request carries.

    python3 tools/difftest/exhaustive.py                  # every axis, 3 steps
    python3 tools/difftest/exhaustive.py --axis ice --steps 4
    python3 tools/difftest/exhaustive.py --axis mux --show 20

Exit status 0 when both daemons answered alike throughout, 1 otherwise, 2 when a daemon
cannot be started.
"""
import argparse
import itertools
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import daemons  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def sdp(ip, port, user, extra="", conn=None, formats="0"):
    family = "IP6" if ":" in ip else "IP4"
    return ("v=0\r\no=%s 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\nm=audio %d RTP/AVP %s\r\n%s"
            % (user, family, ip, family, conn or ip, port, formats, extra))


def parties(a_ip, b_ip, extras, **kw):
    """Per party the SDP variants: one per extra (None: the section rejected)."""
    def one(ip, port, user):
        return [sdp(ip, 0 if e is None else port, user, e or "", **kw) for e in extras]
    return one(a_ip, 5000, "a"), one(b_ip, 6000, "b")


ICE = "a=ice-ufrag:abcd\r\n"
MUX = "a=rtcp-mux\r\n"
TE = "a=rtpmap:101 telephone-event/8000\r\n"


def codec_variants(ip, port, user):
    return [sdp(ip, port, user, e, formats=f) for f, e in
            [("0", ""), ("8", ""), ("0 8", ""), ("9 0", ""), ("0 101", TE), ("96", "a=rtpmap:96 AMR/8000\r\n"),
             ("97 0", "a=rtpmap:97 opus/48000/2\r\n")]]


def hold_variants(ip, port, user):
    return [sdp(ip, port, user), sdp(ip, port, user, conn="0.0.0.0" if ":" not in ip else "::"), sdp(ip, 0, user),
            sdp(ip, port, user, "a=sendonly\r\n")]


def two_section_variants(ip, port, user):
    """An audio and a video section: both live, the audio or the video rejected, the video
    with rtcp-mux, and the video alone (one section fewer)."""
    family = "IP6" if ":" in ip else "IP4"
    head = "v=0\r\no=%s 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n" % (user, family, ip, family, ip)
    audio = lambda p: "m=audio %d RTP/AVP 0\r\n" % p
    video = lambda p, extra="": "m=video %d RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n%s" % (p, extra)
    return [head + audio(port) + video(port + 2), head + audio(0) + video(port + 2), head + audio(port) + video(0),
            head + audio(port) + video(port + 2, MUX), head + video(port + 2)]


def codec_flag_variants(ip, port, user, caller):
    """Codec lists with the codec flags 10.5 applies without transcoding, each variant an
    SDP and the request's options: the caller's lists wide, the callee's narrower."""
    te = "a=rtpmap:101 telephone-event/8000\r\n"
    lists = [("0 8", "", {}), ("0 8 101", te, {"codec": {"strip": ["PCMA"]}}),
             ("8 0", "", {"codec": {"mask": ["PCMU"]}}), ("0 8 101", te, {"codec": {"strip": ["all"], "except": ["PCMA"]}}),
             ("0 8", "", {"flags": ["single-codec"]})] if caller else [
             ("0 8", "", {}), ("8 101", te, {}), ("8", "", {"codec": {"strip": ["PCMU"]}}), ("0 101", te, {}),
             ("8 0", "", {"flags": ["single-codec"]})]
    return [(sdp(ip, port, user, e, formats=f), o) for f, e, o in lists]


def attribute_variants(ip, port, user):
    """Attributes the proxy rewrites or passes: ptime, a=rtcp (the next port, another port
    and address), rtcp-fb, a direction with ptime."""
    return [sdp(ip, port, user, e) for e in
            ["", "a=ptime:30\r\n", "a=rtcp:%d\r\n" % (port + 1), "a=rtcp:%d IN IP4 192.0.2.9\r\n" % (port + 5),
             "a=rtcp-fb:0 nack\r\n", "a=recvonly\r\na=ptime:20\r\n"]]


DIRECTIONS = [{}, {"direction": ["ext:1"]}, {"direction": ["external"]}, {"direction": ["priv", "ext:2"]},
              {"direction": ["internal", "default"]}]


def direction_variants(ip, port, user):
    """One SDP with each of a few `direction` lists: none, an interface name, a family
    word, two names, a family word and the default (difftest's interfaces)."""
    return [(sdp(ip, port, user), d) for d in DIRECTIONS]


# name: (caller's variants, callee's variants, options on every request, first offer tagged);
# a variant is an SDP, or an SDP and options of its own request.
AXES = {
    "ice": (*parties("198.51.100.1", "2001:db8::6", ["", ICE, None]), {"ICE": "remove"}, True),
    "ice-mux": (*parties("198.51.100.1", "2001:db8::6", ["", MUX, ICE, ICE + MUX, None]), {"ICE": "remove"}, True),
    "ice-one-family": (*parties("198.51.100.1", "203.0.113.6", ["", ICE, None]), {"ICE": "remove"}, True),
    "mux": (*parties("198.51.100.1", "203.0.113.6", ["", MUX, None]), {}, True),
    "mux-untagged": (*parties("198.51.100.1", "203.0.113.6", ["", MUX, None]), {}, False),
    "mux-offer": (*parties("198.51.100.1", "203.0.113.6", ["", MUX, None]), {"rtcp-mux": ["offer"]}, True),
    "hold": (hold_variants("198.51.100.1", 5000, "a"), hold_variants("203.0.113.6", 6000, "b"), {}, False),
    "codec": (codec_variants("198.51.100.1", 5000, "a"), codec_variants("203.0.113.6", 6000, "b"), {}, True),
    "codec-flags": (codec_flag_variants("198.51.100.1", 5000, "a", True), codec_flag_variants("203.0.113.6", 6000, "b", False),
                    {}, True),
    "attributes": (attribute_variants("198.51.100.1", 5000, "a"), attribute_variants("203.0.113.6", 6000, "b"), {}, True),
    "direction": (direction_variants("198.51.100.1", 5000, "a"), direction_variants("203.0.113.6", 6000, "b"), {}, True),
    "direction-v6": (direction_variants("198.51.100.1", 5000, "a"), direction_variants("2001:db8::6", 6000, "b"), {}, True),
    "two-sections": (two_section_variants("198.51.100.1", 5000, "a"), two_section_variants("203.0.113.6", 6000, "b"), {}, True),
    "two-sections-mid": (two_section_variants("198.51.100.1", 5000, "a"), two_section_variants("203.0.113.6", 6000, "b"),
                         {"flags": ["generate-mid"]}, True),
}


def fork_step(kind, i):
    """The fork axis's requests: A's offer on via-branch V<i>, B's or C's answer or
    re-INVITE (variant i: plain, rejected, rtcp-mux), C's answer on a via-branch, and
    deletes of C or of an unknown to-tag by via-branch."""
    v = FORK_VARIANTS
    if kind == "OA":
        return {"command": "offer", "from-tag": "A", "sdp": v["A"][0], "via-branch": "V%d" % i}
    if kind in ("AB", "AC"):
        return {"command": "answer", "from-tag": "A", "to-tag": kind[1], "sdp": v[kind[1]][i]}
    if kind in ("OB", "OC"):
        return {"command": "offer", "from-tag": kind[1], "to-tag": "A", "sdp": v[kind[1]][i]}
    if kind == "AV":
        return {"command": "answer", "from-tag": "A", "to-tag": "C", "sdp": v["C"][0], "via-branch": "V%d" % i}
    if kind == "DC":
        return {"command": "delete", "from-tag": "A", "to-tag": "C", "delete-delay": 0}
    return {"command": "delete", "from-tag": "A", "to-tag": "Z", "delete-delay": 0, "via-branch": "V%d" % i}


FORK_VARIANTS = {p: [sdp(ip, port, p.lower()), sdp(ip, 0, p.lower()), sdp(ip, port, p.lower(), MUX)]
                 for p, ip, port in (("A", "198.51.100.1", 5000), ("B", "203.0.113.6", 6000), ("C", "203.0.113.7", 7000))}
FORK_ALPHABET = [(k, i) for k in ("OA", "AB", "AC", "OB", "OC") for i in range(3)] + [
    ("DC", 0), ("AV", 0), ("AV", 1), ("DV", 0), ("DV", 1)]


EMPTY_FORMATS = re.compile(r"(^|\r\n)m=\S+ (P\d+|0) \S+ ?(\r\n|$)")


def masked(reply, labels):
    """The reply's result and SDP, o= masked and each m= port by its label: ports numbered
    in the order the sequence first shows them (per daemon, by address too: each interface
    has ports of its own), 0 as it is."""
    if not reply:
        return "no reply"
    text = reply.get(b"sdp", b"").decode(errors="replace")
    lines = text.split("\r\n")
    session_c, out, pending = "", [], None   # pending: index in out of an m= line to label
    for line in lines + ["m=end"]:
        if line.startswith("m=") or line == "m=end":
            if pending is not None:
                media, port, rest, address = out[pending]
                key = (address or session_c, port)
                if port != "0" and key not in labels:
                    labels[key] = "P%d" % len(labels)
                out[pending] = "%s %s%s" % (media, "0" if port == "0" else labels[key], rest)
            if line == "m=end":
                break
            m = re.match(r"(m=\S+) (\d+)(.*)", line)
            if m:
                out.append([m.group(1), m.group(2), m.group(3), None])
                pending = len(out) - 1
                continue
            pending = None
        elif line.startswith("c="):
            if pending is None:
                session_c = line
            else:
                out[pending][3] = line
        out.append(line)
    text = "\r\n".join(x if isinstance(x, str) else "%s %s%s" % tuple(x[:3]) for x in out)
    text = re.sub(r"^a=rtcp:\d+", "a=rtcp:P", text, flags=re.M)
    text = re.sub(r"^o=[^\r\n]*", "o=", text, flags=re.M)
    return "%s %s %s" % (reply.get(b"result", b"").decode(), reply.get(b"error-reason", b"").decode(), text)


def flags(daemon, call_id):
    """Query's media flags and stream flags per tag. (`transcoding` left out: 10.5 sets it
    where it would transcode, which this proxy does not do yet.)"""
    q = daemon.request({"command": "query", "call-id": call_id}) or {}
    out = []
    for tag in sorted(q.get(b"tags", {})):
        entry = q[b"tags"][tag]
        out.append("%s{%s|%s|%s}" % (tag.decode(errors="replace"), entry.get(b"via-branch", b"").decode(errors="replace"),
                                      ",".join(x.get(b"tag", b"").decode(errors="replace") for x in entry.get(b"subscriptions", [])),
                                      ",".join(x.get(b"tag", b"").decode(errors="replace") for x in entry.get(b"subscribers", []))))
        for m in entry.get(b"medias", []):
            media = [f for f in m.get(b"flags", []) if f != b"transcoding"]
            # Each stream's local port by its shape: none, 0, the media's first stream's,
            # the one after it, or another (ports differ between daemons, shapes must not).
            first = (m.get(b"streams") or [{}])[0].get(b"local port")

            def shape(port):
                if port is None or port == 0:
                    return {None: b"-", 0: b"0"}[port]
                return b"=" if port == first else b"+1" if first and port == first + 1 else b"P"
            streams = [b",".join(s.get(b"flags", []) + [b"@" + shape(s.get(b"local port"))]) for s in m.get(b"streams", [])]
            out.append("%s[%s|%s]" % (tag.decode(errors="replace"), b",".join(media).decode(), b";".join(streams).decode()))
    return " ".join(out)


def step(kind, a, b, options, tagged):
    """One request: OA (A offers), OB (B re-INVITEs), AB (B answers A), AA (A answers B)."""
    offer = kind[0] == "O"
    frm, to = {"OA": ("A", "B"), "OB": ("B", "A"), "AB": ("A", "B"), "AA": ("B", "A")}[kind]
    body = a if kind in ("OA", "AA") else b
    body, own = body if isinstance(body, tuple) else (body, {})
    r = {"command": "offer" if offer else "answer", "from-tag": frm, "sdp": body}
    if tagged or not offer:
        r["to-tag"] = to
    r.update(options)
    r.update(own)
    return r


def answers_last_offer(seq):
    """Whether every answer answers the last offer's direction (AB after A's offer, AA
    after B's), as a SIP dialogue sends them: the other answers are requests no controller
    sends, where 10.5's codec handling follows no rule worth modelling."""
    last = None
    for kind, _ in seq:
        if kind in ("OA", "OB"):
            last = kind[1]
        elif kind in ("AB", "AA") and last != {"AB": "A", "AA": "B"}[kind]:
            return False
    return True


def run_axis(name, pair, steps, show, only=None, valid=False):
    """Every sequence of the axis (with `valid`, those `answers_last_offer` lets through),
    or only the one given (each step of it printed)."""
    if name == "fork":
        n, alphabet = 3, FORK_ALPHABET
    else:
        a_variants, b_variants, options, tagged = AXES[name]
        n = len(a_variants)
        alphabet = [(k, i) for k in ("OA", "OB", "AB", "AA") for i in range(n)]
    count = differ = deliberate = 0
    prefixes = {}   # first differing prefix -> how many sequences start with it
    every = ([("OA", first)] + list(rest) for first in range(n) for rest in itertools.product(alphabet, repeat=steps - 1))
    for seq in ([only] if only else (x for x in every if not valid or answers_last_offer(x))):
        count += 1
        call_id = "x-%s-%d-%s" % (name, count, os.urandom(3).hex())
        seen = {"reference": [], "ours": []}
        labels = {"reference": {}, "ours": {}}
        for j, (kind, i) in enumerate(seq):
            if name == "fork":
                r = fork_step(kind, i)
            else:
                r = step(kind, a_variants[i], b_variants[i], options, tagged or j > 0)
            r["call-id"] = call_id
            for d in pair:
                seen[d.name].append(masked(d.request(r), labels[d.name]) + " | " + flags(d, call_id))
        for d in pair:
            d.request({"command": "delete", "call-id": call_id, "delete-delay": 0})
        if only:
            for j, (ref, ours) in enumerate(zip(seen["reference"], seen["ours"])):
                print("  step %d %s%d %s" % (j + 1, *seq[j], "same" if ref == ours else "DIFFERS"))
                print("    reference: %s" % ref.replace("\r\n", ";"))
                if ref != ours:
                    print("    ours:      %s" % ours.replace("\r\n", ";"))
        # Where 10.5 writes an m= line without a format (invalid SDP), ours deliberately
        # does not (see CodecFilter.answerCodecs): the sequence is compared up to there.
        cut = next((k for k, text in enumerate(seen["reference"]) if EMPTY_FORMATS.search(text)), None)
        if cut is not None:
            deliberate += 1
            seen = {name: steps_seen[:cut] for name, steps_seen in seen.items()}
        if seen["reference"] != seen["ours"]:
            differ += 1
            k = next(k for k in range(len(seq)) if seen["reference"][k] != seen["ours"][k])
            prefix = " ".join("%s%d" % s for s in seq[:k + 1])
            if prefix not in prefixes and len(prefixes) < show:
                print("  %s: %s" % (name, prefix))
                print("    reference: %s" % seen["reference"][k].replace("\r\n", ";"))
                print("    ours:      %s" % seen["ours"][k].replace("\r\n", ";"))
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
    # The shortest prefixes first: a difference a longer one shows is often the same rule.
    for prefix in sorted(prefixes, key=lambda x: (len(x), x))[:show]:
        print("  %5d  %s" % (prefixes[prefix], prefix))
    print("exhaustive: %s, %d sequences of %d steps, %d differ (%d distinct first-differing prefixes)%s"
          % (name, count, steps, differ, len(prefixes),
             ", %d compared up to an m= line without formats" % deliberate if deliberate else ""))
    return differ


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--axis", action="append", choices=sorted(AXES) + ["fork"], help="axes to run (default: all)")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--sequence", help="one sequence of the (single) axis, e.g. 'OA0 AB0 AC0 OA0': every step shown")
    p.add_argument("--valid", action="store_true", help="only answers to the last offer's direction (not the fork axis)")
    p.add_argument("--show", type=int, default=5, help="distinct differing prefixes printed per axis")
    p.add_argument("--ours", default=os.environ.get("RTPENGINE_BIN", os.path.join(ROOT, ".build/debug/rtpengine")))
    p.add_argument("--reference", default=os.environ.get(
        "RTPENGINE_REFERENCE", os.path.join(ROOT, ".build-peers/rtpengine-daemon/usr/bin/rtpengine")))
    args = p.parse_args()
    for path in (args.ours, args.reference):
        if not os.access(path, os.X_OK):
            print("exhaustive: %s is not there (make peers, swift build)" % path, file=sys.stderr)
            return 2
    logdir = daemons.make_logdir()
    pair = [daemons.Daemon("reference", args.reference, daemons.REF_PORTS, logdir),
            daemons.Daemon("ours", args.ours, daemons.OUR_PORTS, logdir)]
    try:
        for d in pair:
            d.start()
    except RuntimeError as e:
        print("exhaustive: %s" % e, file=sys.stderr)
        return 2
    try:
        only = [(w[:2], int(w[2:])) for w in args.sequence.split()] if args.sequence else None
        if only and len(args.axis or []) != 1:
            print("exhaustive: --sequence needs one --axis", file=sys.stderr)
            return 2
        total = sum(run_axis(name, pair, len(only) if only else args.steps, args.show, only, args.valid and name != "fork")
                    for name in (args.axis or sorted(AXES) + ["fork"]))
    finally:
        for d in pair:
            d.stop()
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
