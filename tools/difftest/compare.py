"""Normalisation and comparison of the two daemons' replies, step by step.

Only what legitimately differs between two proxies is masked; each mask says why:

1. Allocated media ports. Each daemon allocates from its own range (daemons.py) in its own
   order, so a port in a daemon's range is replaced by a label: P<n> for the n-th distinct
   (address, port) seen in the sequence (in order of first appearance, over all steps, SDP
   and query replies alike). The pattern of reuse therefore still compares: a re-INVITE
   that keeps its ports shows the same labels, one that gets new ports shows new labels.
   a=rtcp is written relative to its section's m= port: PORT (rtcp-mux), PORT+1, or a label
   of its own. Ports outside the daemon's range (the endpoints' own, or a port passed
   through untouched) are compared as they are.
2. The a=rtpengine: loop-protect token: a per-daemon random value.
3. Timestamps in query/delete replies (TIMESTAMP_KEYS): wall-clock values. Their presence
   is still compared, only the value is masked.
4. `list` replies: the daemons hold other calls too (ours lingers calls the reference has
   forgotten, and the other sequences' calls), so only which of this sequence's call-ids
   are listed is compared.

Everything else compares byte for byte: SDP bytes (line endings included), error texts,
dictionary key order (reported as its own kind of difference).
"""
import re
import difflib

TIMESTAMP_KEYS = {b"created", b"created_us", b"last signal", b"last_signal", b"last packet",
                  b"last redis update", b"last_redis_update", b"last signal us", b"last_packet",
                  b"last update"}
# Keys whose values are a small enumeration: a difference in them is signed with the values,
# since different values usually mean different causes.
ENUM_KEYS = {b"result", b"error-reason", b"warning", b"flags", b"protocol", b"type", b"family",
             b"calls", b"label"}


class PortLabeler:
    """Labels a daemon's allocated ports P0, P1, ... by first appearance of (address, port).
    Ports are labelled one by one, not as RTP/RTCP pairs: with rtcp-mux a daemon may hand out
    a single port of either parity."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi
        self.labels = {}

    def clone(self):
        c = PortLabeler(self.lo, self.hi)
        c.labels = dict(self.labels)
        return c

    def label(self, addr, port):
        if not (self.lo <= port <= self.hi):
            return None
        key = (addr, port)
        if key not in self.labels:
            self.labels[key] = len(self.labels)
        return b"P%d" % self.labels[key]


_M_RE = re.compile(rb"^(m=\S*[ \t]+)(\d+)")
_RTCP_RE = re.compile(rb"^(a=rtcp:)(\d+)(.*)$", re.S)
_LINE_SPLIT = re.compile(rb"(?<=\n)")


def split_lines(sdp):
    """Lines with their line endings kept, so a CRLF/LF difference shows."""
    return [l for l in _LINE_SPLIT.split(sdp) if l]


def _caddr(line):
    parts = line.rstrip(b"\r\n").split()
    return parts[-1] if len(parts) >= 3 else b""


def section_kind(parts):
    """What a media section is, for signatures: "RTP" for any RTP profile (media type and
    AVP/AVPF apart), else media type and protocol."""
    if not parts:
        return "?"
    protos = [p for p in parts[1:] if not p.split(b"/")[0].isdigit()]   # not a port (with count)
    proto = protos[0] if protos else b""
    if b"RTP/" in proto and not proto.startswith(b"TCP"):
        return "RTP"
    return (parts[0] + b" " + proto).decode("latin-1")


def normalize_sdp(sdp, labeler):
    """(normalised lines, section of each line) of an SDP body."""
    lines = split_lines(sdp)
    # sections: index ranges; the address in force for each section's m= line
    sections = []   # [start, kind, session_addr, media_addr]
    session_addr = b""
    current = None
    kinds = []
    for i, l in enumerate(lines):
        s = l.rstrip(b"\r\n")
        if s.startswith(b"v="):
            session_addr = b""
            current = None
        if s.startswith(b"m="):
            parts = s[2:].split()
            current = [i, section_kind(parts), session_addr, None]
            sections.append(current)
        elif s.startswith(b"c="):
            if current is None:
                session_addr = _caddr(s)
            elif current[3] is None:
                current[3] = _caddr(s)
        kinds.append(current[1] if current else "session")
    out = list(lines)
    # A session version 10.5 made up: `replace SDP version` turns a version of 0 into a
    # random 64-bit number (ours does the same); any two such numbers compare equal.
    for i, l in enumerate(lines):
        if l.startswith(b"o="):
            f = l.split(b" ")
            if len(f) >= 3 and f[2].isdigit() and int(f[2]) >= 1 << 32:
                f[2] = b"RANDOM"
                out[i] = b" ".join(f)
    addr_of = {}
    for sec in sections:
        addr_of[sec[0]] = sec[3] if sec[3] is not None else sec[2]
    addr = b""
    mport = None
    for i, l in enumerate(lines):
        if i in addr_of:
            addr = addr_of[i]
            mport = None
            m = _M_RE.match(l)
            if m:
                mport = int(m.group(2))
                lab = labeler.label(addr, mport)
                if lab is not None:
                    out[i] = m.group(1) + lab + l[m.end():]
        elif l.startswith(b"a=rtcp:"):
            m = _RTCP_RE.match(l)
            if m:
                # relative to the section's own port (as the hand-written differential tests
                # do), so a changed m= port label does not show twice
                rest = m.group(3)
                rparts = rest.strip().split()
                raddr = rparts[2] if len(rparts) >= 3 else addr
                port = int(m.group(2))
                if mport is not None and port == mport and labeler.label(addr, mport) is not None:
                    out[i] = m.group(1) + b"PORT" + rest
                elif mport is not None and port == mport + 1 and labeler.label(addr, mport) is not None:
                    out[i] = m.group(1) + b"PORT+1" + rest
                else:
                    lab = labeler.label(raddr, port)
                    if lab is not None:
                        out[i] = m.group(1) + lab + rest
        elif l.startswith(b"a=rtpengine:"):
            out[i] = b"a=rtpengine:TOKEN" + (b"\r\n" if l.endswith(b"\r\n") else b"\n" if l.endswith(b"\n") else b"")
    return out, kinds


def prelabel(v, labeler):
    """Labels the `local port`s of a reply in a canonical order (dictionary keys sorted), so
    that two daemons listing the same tags in different orders get the same labels (the
    order itself is compared as `key order`)."""
    if isinstance(v, dict):
        if isinstance(v.get(b"local port"), int):
            labeler.label(v.get(b"local address", b""), v[b"local port"])
        for k in sorted(v, key=lambda x: x if isinstance(x, bytes) else b""):
            if k != b"sdp":
                prelabel(v[k], labeler)
    elif isinstance(v, list):
        for x in v:
            prelabel(x, labeler)


def normalize_struct(v, labeler, slots, key=None, parent=None):
    """A reply value with ports labelled and timestamps masked (see the module comment)."""
    if key is None:
        prelabel(v, labeler)
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k == b"sdp" and key is None:
                continue  # compared separately
            if k in TIMESTAMP_KEYS and isinstance(x, int):
                out[k] = b"<timestamp>"
            elif k == b"local port" and isinstance(x, int):
                lab = labeler.label(v.get(b"local address", b""), x)
                out[k] = lab if lab is not None else x
            elif k == b"calls" and isinstance(x, list) and key is None:
                out[k] = [name for name, cid in slots if cid in x]
            else:
                out[k] = normalize_struct(x, labeler, slots, k, v)
        return out
    if isinstance(v, list):
        return [normalize_struct(x, labeler, slots, key, parent) for x in v]
    return v


class Diff:
    def __init__(self, step, command, path, kind, ref, ours, signature, detail=""):
        self.step = step
        self.command = command
        self.path = path
        self.kind = kind
        self.ref = ref
        self.ours = ours
        self.signature = signature
        self.detail = detail

    def __repr__(self):
        return "Diff(step %d %s %s %s)" % (self.step, self.command, self.path, self.kind)


def _s(b):
    if isinstance(b, bytes):
        return b.decode("utf-8", "backslashreplace")
    return str(b)


def _general_path(path):
    """The path with call-specific parts generalised: tags under `tags`/`SSRC` and list
    indices."""
    out = []
    prev = None
    for p in path:
        if isinstance(p, int):
            out.append("[]")
        elif prev in (b"tags", b"SSRC"):
            out.append("*")
        else:
            out.append(_s(p))
        prev = p
    return ".".join(out).replace(".[]", "[]")


def diff_struct(a, b, path=()):
    """(path, kind, ref value, our value) for each difference between two normalised values."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                yield path + (k,), "missing in ours", a[k], None
        for k in b:
            if k not in a:
                yield path + (k,), "extra in ours", None, b[k]
        for k in a:
            if k in b:
                yield from diff_struct(a[k], b[k], path + (k,))
        common_a = [k for k in a if k in b]
        common_b = [k for k in b if k in a]
        if common_a != common_b:
            yield path, "key order", common_a, common_b
        return
    if isinstance(a, list) and isinstance(b, list):
        scalar = all(not isinstance(x, (dict, list)) for x in a + b)
        if scalar:
            if a != b:
                yield path, "value", a, b
            return
        if len(a) != len(b):
            yield path, "list length %d vs %d" % (len(a), len(b)), len(a), len(b)
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff_struct(x, y, path + (i,))
        return
    if type(a) != type(b):
        yield path, "type", a, b
        return
    if a != b:
        yield path, "value", a, b


def _enum_sig(a, b):
    if isinstance(a, list) and isinstance(b, list):
        sa, sb = [_s(x) for x in a], [_s(x) for x in b]
        minus = [x for x in sa if x not in sb]
        plus = [x for x in sb if x not in sa]
        if not minus and not plus:
            return "order %s -> %s" % (sa, sb)
        return "-%s +%s" % (minus, plus)
    return "%s -> %s" % (_s(a)[:60], _s(b)[:60])


DIRECTION_ATTRS = {b"sendrecv", b"sendonly", b"recvonly", b"inactive"}


def line_kind(line):
    s = line.rstrip(b"\r\n")
    if s.startswith(b"a="):
        name = re.split(rb"[: ]", s[2:], 1)[0]
        if name in DIRECTION_ATTRS:
            return "a=<direction>"
        name = name.replace(b"\xef\xbf\xbd", b"")
        return "a=" + bytes(x for x in name if x < 0x80).decode()[:24]
    return _s(s[:2])


def _field_change(a, b):
    sa, sb = a.rstrip(b"\r\n"), b.rstrip(b"\r\n")
    if sa == sb:
        return "line ending"
    if lossy(sa) == sb:
        return "non-UTF-8 bytes replaced"
    if line_kind(a) == "a=<direction>":
        return "%s -> %s" % (_s(sa[2:]), _s(sb[2:]))
    if b" ".join(sa.split()) == b" ".join(sb.split()):
        return "spacing"
    ta, tb = sa.split(), sb.split()
    if sa.startswith(b"m=") and len(ta) >= 3 and len(tb) >= 3:
        names = []
        if ta[1] != tb[1]:
            names.append("port")
        if ta[2] != tb[2]:
            names.append("proto")
        if ta[3:] != tb[3:]:
            names.append("formats")
        return "changed " + "+".join(names)
    if sa.startswith(b"c=") or sa.startswith(b"o="):
        names = ["field%d" % i for i, (x, y) in enumerate(zip(ta, tb)) if x != y]
        if len(ta) != len(tb):
            names.append("count")
        return "changed " + "+".join(names)
    return "changed"


def diff_sdp(step, command, ref_sdp, our_sdp, ref_lab, our_lab):
    ra, rk = normalize_sdp(ref_sdp, ref_lab)
    oa, ok = normalize_sdp(our_sdp, our_lab)
    if ra == oa:
        return []
    diffs = []
    sm = difflib.SequenceMatcher(None, ra, oa, autojunk=False)
    udiff = "".join(_s(x) for x in difflib.unified_diff(
        [_s(x).rstrip("\n") + "\n" for x in ra], [_s(x).rstrip("\n") + "\n" for x in oa],
        "reference", "ours", n=2))
    full = (b"".join(ra), b"".join(oa))

    def add(section, kind, change, a, b):
        if change == "line ending":
            sig = (command, "sdp", "line ending")  # one cause, whichever line shows it
        else:
            sig = (command, "sdp", section, kind, change)
        diffs.append(Diff(step, command, "sdp[%s] %s" % (section, kind), change, a, b, sig, udiff))
        diffs[-1].full = full

    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        a_lines, b_lines = ra[i1:i2], oa[j1:j2]
        if any(x.startswith(b"v=") for x in a_lines + b_lines):
            # a whole session differs (several sessions in one body): one difference
            sig = (command, "sdp", "session block", "%d lines vs %d" % (len(a_lines), len(b_lines)) if
                   not a_lines or not b_lines else "changed")
            diffs.append(Diff(step, command, "sdp session block", sig[3], b"".join(a_lines),
                              b"".join(b_lines), sig, udiff))
            diffs[-1].full = full
            continue
        paired = []
        if op == "replace":
            # pair lines of the same kind, in order
            used = set()
            for i, x in enumerate(a_lines):
                for j, y in enumerate(b_lines):
                    if j not in used and line_kind(x) == line_kind(y):
                        paired.append((i, j))
                        used.add(j)
                        break
        pa = {i for i, _ in paired}
        pb = {j for _, j in paired}
        for i, j in paired:
            x, y = a_lines[i], b_lines[j]
            add(rk[i1 + i], line_kind(x), _field_change(x, y), x, y)
        for i, x in enumerate(a_lines):
            if i not in pa:
                add(rk[i1 + i], line_kind(x), "missing in ours", x, None)
        for j, y in enumerate(b_lines):
            if j not in pb:
                add(ok[j1 + j], line_kind(y), "extra in ours", None, y)
    return diffs


def lossy(b):
    """`b` as a lossy UTF-8 decoder would pass it on (invalid bytes -> U+FFFD)."""
    return b.decode("utf-8", "replace").encode("utf-8")


def compare_step(step, command, ref, ours, ref_lab, our_lab, slots):
    """Differences between the two replies to one request."""
    return _compare_step(step, command, ref, ours, ref_lab, our_lab, slots)


def _compare_step(step, command, ref, ours, ref_lab, our_lab, slots):
    if ref is None or ours is None:
        if ref is None and ours is None:
            return []
        who = "reference" if ref is None else "ours"
        return [Diff(step, command, "reply", "no reply from " + who, ref, ours,
                     (command, "reply", "no reply from " + who))]
    diffs = []
    rres, ores = ref.get(b"result"), ours.get(b"result")
    if rres != ores:
        # Everything else follows from this one.
        return [Diff(step, command, "result", "value", ref, ours,
                     (command, "result", _enum_sig(rres, ores)))]
    rs, os_ = ref.get(b"sdp"), ours.get(b"sdp")
    if isinstance(rs, bytes) and isinstance(os_, bytes):
        diffs += diff_sdp(step, command, rs, os_, ref_lab, our_lab)
    na = normalize_struct(ref, ref_lab, slots)
    nb = normalize_struct(ours, our_lab, slots)
    if (rs is None) != (os_ is None):
        diffs.append(Diff(step, command, "sdp", "missing in ours" if os_ is None else "extra in ours",
                          rs, os_, (command, "sdp", "presence")))
    for path, kind, a, b in diff_struct(na, nb):
        gp = _general_path(path)
        last = path[-1] if path else None
        if kind == "value" and last == b"flags" and isinstance(a, list) and isinstance(b, list):
            # one difference per flag: a list mixes independent causes
            for x in a:
                if x not in b:
                    diffs.append(Diff(step, command, gp, "flag missing in ours", a, b,
                                      (command, gp, "flag missing in ours", _s(x))))
            for x in b:
                if x not in a:
                    diffs.append(Diff(step, command, gp, "flag extra in ours", a, b,
                                      (command, gp, "flag extra in ours", _s(x))))
            if sorted(a) == sorted(b):
                diffs.append(Diff(step, command, gp, "flag order", a, b, (command, gp, "flag order")))
            continue
        if kind == "value" and last in ENUM_KEYS:
            sig = (command, gp, kind, _enum_sig(a, b))
        elif kind == "key order":
            sig = (command, gp, kind)
        else:
            sig = (command, gp, kind)
        diffs.append(Diff(step, command, gp or "(reply)", kind, a, b, sig))
    return diffs


# Explained differences that the generator cannot keep out beforehand (README, "Explained
# differences"): recognised in 10.5's reply, they end the sequence there, counted apart.
EMPTY_FORMATS = ("10.5 wrote an active m= line without formats, which is not a valid answer "
                 "(RFC 3264 section 6.1) nor valid SDP (RFC 4566 section 5.14)")


REFERENCE_CRASH = ("10.5 crashed (the reference's own fault: there is nothing to compare at that step, "
                   "while ours answered it)")


TRANSCODING = ("10.5 engaged its transcoder for a section (query's media flag `transcoding`), "
               "which belongs to the transcoding issue")


def explained(ref, diffs):
    """Why this step's differences are explained ones (a reason from above), or None."""
    if diffs and all(d.kind == "flag missing in ours" and d.signature[-1] == "transcoding" for d in diffs):
        return TRANSCODING
    if not diffs or not isinstance(ref, dict) or not isinstance(ref.get(b"sdp"), bytes):
        return None
    for line in split_lines(ref[b"sdp"]):
        parts = line.split()
        if line.startswith(b"m=") and len(parts) == 3 and parts[1].split(b"/")[0] != b"0":
            return EMPTY_FORMATS
    return None


def signature_text(sig):
    return " | ".join(str(x) for x in sig)


def primary(diffs):
    """The differences at the first step that differs: later ones are often consequences."""
    if not diffs:
        return []
    first = min(d.step for d in diffs)
    return [d for d in diffs if d.step == first]
