"""Random but valid ng request sequences on one call, deterministic from a random.Random.

A sequence is a list of Steps. A Step holds the request's keys in order (values: bytes, str,
int, list, dict, or an sdp.Sdp for the `sdp` key) and which call-id it carries: "main" (the
sequence's call-id, filled in by the runner), "sibling" (a second call-id that differs from
the main one only in non-UTF-8 bytes) or None (no call-id: an invalid step). What may be
generated is listed in domain.py.
"""
import domain as D
from sdp import Sdp


class Step:
    def __init__(self, fields, call="main", role=""):
        self.fields = fields
        self.call = call
        self.role = role

    def copy(self):
        return Step(_copy_value(dict(self.fields)), self.call, self.role)

    @property
    def command(self):
        c = self.fields.get("command")
        return c.decode("latin-1") if isinstance(c, bytes) else str(c)

    def __repr__(self):
        return "Step(%r, call=%r, role=%r)" % (self.fields, self.call, self.role)


def _copy_value(v):
    if isinstance(v, dict):
        return {k: _copy_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy_value(x) for x in v]
    if isinstance(v, Sdp):
        return v.copy()
    return v


# --- spelling -------------------------------------------------------------------------------

def spell(rng, words, underscores=True):
    """A multi-word flag or key as the spec allows: spaces, hyphens (or underscores)."""
    if len(words) == 1:
        return words[0]
    r = rng.random()
    joiner = " " if r < 0.4 else "-" if (r < 0.9 or not underscores) else "_"
    return joiner.join(words)


def spell_codec(rng, name):
    r = rng.random()
    if r < 0.08:
        return name.lower()
    if r < 0.12:
        return name.upper()
    return name


def maybe_non_utf8(rng, text, p=0.1):
    """`text` as bytes, sometimes with non-UTF-8 bytes appended or inserted."""
    b = text.encode() if isinstance(text, str) else text
    if rng.random() < p:
        nb = rng.choice(D.NON_UTF8)
        if rng.random() < 0.5:
            return b + nb
        i = rng.randint(0, len(b))
        return b[:i] + nb + b[i:]
    return b


# --- media plans -----------------------------------------------------------------------------

class Media:
    """One m= section's content, independent of who sends it (ports and addresses come from
    the party). kind: "rtp" or "nonrtp"."""

    def __init__(self, kind, mtype, proto, pts=(), maps=None, fmtps=None, template=None,
                 extra=(), rejected=False, count=None):
        self.kind = kind
        self.mtype = mtype
        self.proto = proto
        self.pts = list(pts)
        self.maps = dict(maps or {})       # pt -> encoding (only the ones written as rtpmap)
        self.fmtps = dict(fmtps or {})     # pt -> fmtp string
        self.template = template           # non-RTP: the m= line with PORT
        self.extra = list(extra)
        self.rejected = rejected
        self.count = count                 # the m= line's port count (`5000/2`), or None

    def copy(self):
        return Media(self.kind, self.mtype, self.proto, self.pts, self.maps, self.fmtps,
                     self.template, self.extra, self.rejected, self.count)

    def encoding(self, pt):
        if pt in self.maps:
            return self.maps[pt]
        return D.STATIC_AUDIO.get(pt) or D.STATIC_VIDEO.get(pt)


def gen_rtp_media(rng, mtype):
    proto = rng.choice(D.RTP_PROTOS)
    pts, maps, fmtps = [], {}, {}
    free_dyn = list(range(D.DYNAMIC_PT_RANGE[0], D.DYNAMIC_PT_RANGE[1] + 1))
    rng.shuffle(free_dyn)
    static = D.STATIC_AUDIO if mtype == "audio" else D.STATIC_VIDEO
    dynamic = D.DYNAMIC_AUDIO if mtype == "audio" else D.DYNAMIC_VIDEO
    n_static = rng.choice([0, 1, 1, 2, 2, 3, 4]) if mtype == "audio" else rng.choice([0, 0, 1])
    for pt in rng.sample(sorted(static), min(n_static, len(static))):
        pts.append(pt)
        if rng.random() < 0.4:
            maps[pt] = static[pt]
    n_dyn = rng.choice([0, 1, 1, 2, 3]) if mtype == "audio" else rng.choice([1, 1, 2, 3])
    for enc, fmts in rng.sample(dynamic, min(n_dyn, len(dynamic))):
        pt = free_dyn.pop()
        pts.append(pt)
        maps[pt] = enc
        f = rng.choice(fmts)
        if f is not None:
            fmtps[pt] = f
    if not pts:
        pts = [0] if mtype == "audio" else [free_dyn[0]]
        if mtype != "audio":
            maps[pts[0]] = "H264/90000"
    # telephone-event usually last, but not always
    if rng.random() < 0.3:
        rng.shuffle(pts)
    count = rng.choice([1, 2, 2, 3]) if rng.random() < 0.04 else None
    return Media("rtp", mtype, proto, pts, maps, fmtps, count=count)


def gen_plan(rng):
    n = rng.choice([1, 1, 1, 2, 2, 3])
    plan = []
    for i in range(n):
        r = rng.random()
        if r < 0.12 and i > 0 or r < 0.04:
            template, extra = rng.choice(D.NON_RTP_MEDIA)
            mtype = template.split(" ")[0][2:]
            plan.append(Media("nonrtp", mtype, None, template=template, extra=extra))
        elif i == 0 or r < 0.55:
            plan.append(gen_rtp_media(rng, "audio"))
        else:
            plan.append(gen_rtp_media(rng, "video"))
        if rng.random() < 0.08:
            plan[-1].rejected = True
    return plan


def answer_plan(rng, offer_plan):
    out = []
    for m in offer_plan:
        a = m.copy()
        if m.kind == "rtp" and not m.rejected:
            k = rng.choice([1, 1, 2, len(m.pts)])
            chosen = rng.sample(m.pts, min(k, len(m.pts)))
            if rng.random() < 0.6:
                chosen.sort(key=m.pts.index)
            # keep telephone-event when offered, as phones do
            for pt in m.pts:
                enc = m.encoding(pt) or ""
                if enc.startswith("telephone-event") and pt not in chosen and rng.random() < 0.6:
                    chosen.append(pt)
            a.pts = chosen
            a.maps = {pt: e for pt, e in m.maps.items() if pt in chosen}
            a.fmtps = {pt: f for pt, f in m.fmtps.items() if pt in chosen}
            if rng.random() < 0.1:
                a.proto = rng.choice(D.RTP_PROTOS)
        if not m.rejected and rng.random() < 0.05:
            a.rejected = True
        out.append(a)
    return out


def reoffer_plan(rng, plan):
    """A re-INVITE's plan: usually the same, sometimes codecs dropped or reordered."""
    out = [m.copy() for m in plan]
    for m in out:
        if m.kind == "rtp" and not m.rejected and len(m.pts) > 1 and rng.random() < 0.25:
            if rng.random() < 0.5:
                drop = rng.choice(m.pts)
                m.pts.remove(drop)
                m.maps.pop(drop, None)
                m.fmtps.pop(drop, None)
            else:
                rng.shuffle(m.pts)
    if rng.random() < 0.05 and len(out) < 3:
        out.append(gen_rtp_media(rng, rng.choice(["audio", "video"])))
    return out


# --- parties and SDP rendering ---------------------------------------------------------------

class Party:
    def __init__(self, rng, caller):
        self.family = "IP6" if rng.random() < 0.15 else "IP4"
        pool = (D.CALLER_V6 if caller else D.CALLEE_V6) if self.family == "IP6" else \
            (D.CALLER_V4 if caller else D.CALLEE_V4)
        self.address = rng.choice(pool)
        lo, hi = D.SDP_PORT_RANGE
        self.port = rng.randrange(lo, hi - 30, 2)
        self.user = maybe_non_utf8(rng, rng.choice(["alice", "bob", "-", "user"]), 0.05)
        self.sess_id = rng.randint(1, 10 ** 9)
        self.version = rng.randint(0, 5)
        self.sname = maybe_non_utf8(rng, rng.choice(["-", "call", "Talk", "session"]), 0.05)


def render(rng, party, plan, hold=None, ice=False, direction=None, foreign_token=False):
    """The SDP `party` sends for `plan`. hold: None, "sendonly", "inactive", "session-sendonly",
    "null" (c= of 0.0.0.0 or ::) or "null-sendonly". direction: the direction attribute the
    media carry when not on hold (None: random)."""
    fam = party.family
    addr = party.address
    null = D.NULL_ADDRESSES[fam]
    if hold in ("null", "null-sendonly"):
        addr = null
    sp = lambda: b"  " if rng.random() < 0.04 else b" "  # odd spacing
    head = [b"v=0",
            b"o=" + party.user + sp() + b"%d %d IN %s " % (party.sess_id, party.version, fam.encode())
            + (party.address.encode() if rng.random() < 0.9 else null.encode()),
            b"s=" + party.sname]
    conn = rng.choices(["session", "media", "both", "none"], [80, 10, 8, 2])[0]
    if rng.random() < 0.03 and hold is None:
        addr = null  # a null address without meaning hold
    cline = b"c=IN" + sp() + fam.encode() + b" " + addr.encode()
    if conn in ("session", "both"):
        head.append(cline)
    if rng.random() < 0.05:
        head.append(b"b=AS:%d" % rng.choice([64, 128, 2000]))
    head.append(b"t=0 0")
    if hold == "session-sendonly":
        head.append(b"a=sendonly")
    elif rng.random() < 0.08:
        head.append(b"a=" + rng.choice(D.DIRECTIONS).encode())
    if ice and rng.random() < 0.5:
        head += [x.encode() for x in rng.sample(D.ICE_SESSION_ATTRIBUTES, rng.randint(1, 2))]
    if foreign_token:
        head.append(b"a=rtpengine:" + rng.choice([b"abcdefgh1234", b"0123456789ab"]))
    if rng.random() < 0.05:
        head.append(b"a=group:BUNDLE " + b" ".join(b"%d" % i for i in range(len(plan))))
    if rng.random() < 0.06:
        head.append(maybe_non_utf8(rng, rng.choice(D.UNKNOWN_ATTRIBUTES), 0.3))

    medias = []
    for i, m in enumerate(plan):
        port = 0 if m.rejected else party.port + 8 * i   # room for a port count of 3
        lines = []
        if m.kind == "nonrtp":
            lines.append(m.template.replace("PORT", str(port)).encode())
            lines += [x.replace("PORT", str(port)).encode() for x in m.extra]
        else:
            # Two spaces in an active m= line make 10.5 misread its fields and write an m=
            # line without a port or profile (`m=audio 20784 4836 RTP/AVP`): an explained
            # difference (README), so only a rejected section gets odd spacing here.
            msp = sp() if m.rejected else b" "
            count = b"/%d" % m.count if m.count else b""
            lines.append(b"m=" + m.mtype.encode() + msp + b"%d%s %s " % (port, count, m.proto.encode())
                         + b" ".join(b"%d" % pt for pt in m.pts))
            if conn in ("media", "both"):
                lines.append(cline)
            # (10.5 misreads an m= line with odd spacing, formats included, and keeps its
            # codec lines as plain attributes, as ours does.)
            for pt in m.pts:
                if pt in m.maps:
                    lines.append(b"a=rtpmap:%d %s" % (pt, m.maps[pt].encode()))
                if pt in m.fmtps:
                    lines.append(b"a=fmtp:%d %s" % (pt, m.fmtps[pt].encode()))
            if m.mtype == "audio" and rng.random() < 0.3:
                lines.append(b"a=ptime:%d" % rng.choice([10, 20, 20, 30, 40]))
            if rng.random() < 0.12:
                r = rng.random()
                rport = port + 1 if r < 0.6 else port + rng.choice([3, 11])
                if rng.random() < 0.5:
                    lines.append(b"a=rtcp:%d" % rport)
                else:
                    lines.append(b"a=rtcp:%d IN %s %s" % (rport, fam.encode(), party.address.encode()))
            if rng.random() < 0.15:
                lines.append(b"a=rtcp-mux")
            if rng.random() < 0.06:
                lines.append(b"a=mid:" + rng.choice([b"%d" % i, b"audio", b"v%d" % i]))
            if rng.random() < 0.06:
                lines.append(b"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level")
            if rng.random() < 0.04 and m.pts:
                lines.append(b"a=rtcp-fb:%d nack" % m.pts[0])
            if ice and rng.random() < 0.8:
                lines += [x.encode() for x in rng.sample(D.ICE_MEDIA_ATTRIBUTES, rng.randint(1, 4))]
            if rng.random() < 0.05:
                lines.append(b"a=ssrc:%d cname:x" % rng.randint(1, 2 ** 31))
        if rng.random() < 0.08:
            lines.append(maybe_non_utf8(rng, rng.choice(D.UNKNOWN_ATTRIBUTES), 0.3))
        # direction
        if hold in ("sendonly", "null-sendonly"):
            lines.append(b"a=sendonly")
        elif hold == "inactive":
            lines.append(b"a=inactive")
        elif hold in (None, "null", "session-sendonly"):
            d = direction or (rng.choice(D.DIRECTIONS) if rng.random() < 0.25 else
                              ("sendrecv" if rng.random() < 0.5 else None))
            if d:
                lines.append(b"a=" + d.encode())
        medias.append(lines)

    sessions = [[head, medias]]
    if rng.random() < 0.03:
        # a second session in the same body
        h2 = [b"v=0", b"o=other 1 1 IN IP4 192.0.2.200", b"s=-", b"c=IN IP4 192.0.2.200", b"t=0 0"]
        sessions.append([h2, [[b"m=audio %d RTP/AVP 0" % (party.port + 100)]]])
    eol = rng.choices(["crlf", "lf", "mixed"], [88, 8, 4])[0]
    # Every body ends with a line ending: without one, 10.5 writes the lines it adds
    # straight after the last line (`a=T38FaxVersion:0a=sendrecv`), which loses them; an
    # explained difference (README).
    return Sdp(sessions, eol, final_eol=True)


def broken_sdp(rng, party):
    options = [
        Sdp(raw=b"garbage"),
        Sdp(raw=b""),
        Sdp([[[b"v=0", b"s=-", b"t=0 0"], [[b"m=audio 5000 RTP/AVP 0"]]]]),   # no o=, no c=
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0"],
              [[b"m=audio abc RTP/AVP 0"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0"],
              [[b"m=audio 5000"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP9 1.2.3.4", b"t=0 0"],
              [[b"m=audio 5000 RTP/AVP 0"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 999.1.1.1", b"t=0 0"],
              [[b"m=audio 5000 RTP/AVP 0"]]]]),
        Sdp([[[b"o=- 1 1 IN IP4 198.51.100.1", b"v=0", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0"],
              [[b"m=audio 5000 RTP/AVP 0"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0"],
              [[b"m=audio 70000 RTP/AVP 0"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0"],
              [[b"m=audio 5000 RTP/AVP 0", b"a=rtpmap:0"]]]]),
        Sdp([[[b"v=0", b"o=- 1 1 IN IP4 198.51.100.1", b"s=-", b"c=IN IP4 198.51.100.1", b"t=0 0",
               b"garbage line"], [[b"m=audio 5000 RTP/AVP 0"]]]]),
    ]
    return rng.choice(options)


# --- flags -----------------------------------------------------------------------------------

def present_codecs(plan):
    names = []
    for m in plan:
        if m.kind != "rtp":
            continue
        for pt in m.pts:
            enc = m.encoding(pt)
            if enc:
                names.append(enc.split("/")[0])
                names.append(enc)
    return list(dict.fromkeys(names))


def gen_options(rng, plan, role):
    """Extra request keys for an offer ("offer") or answer ("answer"): returns (dict, ice).
    `ice` says whether ICE attributes may go into the SDP (only with ICE=remove)."""
    out = {}
    flags = []
    p = rng.choice([0.0, 0.04, 0.08, 0.12])
    offer = role == "offer"

    def add_flag(f):
        flags.append(f)

    for words in D.FLAGS_BOTH + (D.FLAGS_ANSWER if not offer or rng.random() < 0.2 else []):
        if rng.random() < p * 0.5:
            add_flag(spell(rng, words))
    if rng.random() < p * 0.3:
        add_flag(rng.choice(D.FLAG_FORMS_OF_KEYS))
    if rng.random() < p:
        opts = rng.sample(D.REPLACE_OPTIONS, rng.randint(1, 3))
        if rng.random() < 0.8:
            out["replace"] = [spell(rng, w) for w in opts]
        else:
            for w in opts:
                add_flag("replace-" + spell(rng, w, underscores=False))
    if offer and rng.random() < p * 1.2:
        if rng.random() < 0.2:
            out["direction"] = [rng.choice(D.DIRECTION_NAMES)]
        else:
            out["direction"] = [rng.choice(D.DIRECTION_NAMES), rng.choice(D.DIRECTION_NAMES)]
    if rng.random() < p:
        out[spell(rng, D.KEY_ADDRESS_FAMILY, underscores=False)] = rng.choice(D.ADDRESS_FAMILIES)
    if offer and rng.random() < p * 1.5:
        codec = {}
        present = present_codecs(plan)
        for action in D.CODEC_ACTIONS_NAMED:
            if rng.random() < 0.45:
                pool = D.CODEC_NAMES + present * 2 + D.CODEC_KEYWORDS
                codec[action] = [spell_codec(rng, rng.choice(pool)) for _ in range(rng.randint(1, 2))]
        if present and rng.random() < 0.35:
            codec["offer"] = [spell_codec(rng, rng.choice(present)) for _ in range(rng.randint(1, 2))]
        if codec:
            if rng.random() < 0.6:
                out["codec"] = codec
            else:
                for action, names in codec.items():
                    for n in names:
                        add_flag("codec-%s-%s" % (action, n))
    if rng.random() < p:
        opts = rng.sample(D.RTCP_MUX_OPTIONS, rng.choice([1, 1, 2]))
        out["rtcp-mux"] = opts
    if rng.random() < p:
        out[spell(rng, D.KEY_TRANSPORT, underscores=False)] = rng.choice(D.TRANSPORT_PROTOCOL_VALUES)
    if rng.random() < p * 0.7:
        out[spell(rng, D.KEY_MEDIA_ADDRESS, underscores=False)] = rng.choice(D.MEDIA_ADDRESSES)
    if rng.random() < p:
        if rng.random() < 0.8:
            out[spell(rng, D.KEY_RECEIVED_FROM, underscores=False)] = ["IP4", rng.choice(D.SIP_SOURCES_V4)]
        else:
            out[spell(rng, D.KEY_RECEIVED_FROM, underscores=False)] = ["IP6", rng.choice(D.SIP_SOURCES_V6)]
    if rng.random() < p * 0.7:
        out[rng.choice(["label", "from-label"])] = maybe_non_utf8(rng, rng.choice(["caller", "callee", "x"]), 0.25)
    if rng.random() < p * 0.5:
        out["TOS"] = rng.choice(D.TOS_VALUES)
    if rng.random() < p * 0.4:
        out[spell(rng, D.KEY_RECORD_CALL, underscores=False)] = rng.choice(D.RECORD_CALL_VALUES)
    if rng.random() < p * 0.3:
        out[spell(rng, D.KEY_DELETE_DELAY, underscores=False)] = rng.choice([0, 5, 30])
    ice = False
    if rng.random() < p * 0.8:
        out["ICE"] = "remove"
        ice = True
    if flags:
        out["flags"] = flags
    return out, ice


# --- identities --------------------------------------------------------------------------------

def gen_tag(rng, base):
    r = rng.random()
    if r < 0.08:
        return base.encode() + rng.choice(D.NON_UTF8)
    if r < 0.5:
        return base.encode()
    return ("%s%x" % (base, rng.randrange(16 ** 6))).encode()


def sibling_tag(rng, tag):
    """Another tag: usually different, sometimes differing only in a non-UTF-8 byte."""
    if rng.random() < 0.15:
        for i, nb in enumerate(D.NON_UTF8[:2]):
            if tag.endswith(nb):
                return tag[: -len(nb)] + D.NON_UTF8[1 - i]
        return tag + b"\xff"
    return gen_tag(rng, "B2-")


# --- the sequence ----------------------------------------------------------------------------

class CallGen:
    def __init__(self, rng):
        self.rng = rng
        self.steps = []
        self.caller = Party(rng, True)
        self.callee = Party(rng, False)
        self.callee2 = Party(rng, False)
        self.a = gen_tag(rng, "A")
        self.b = gen_tag(rng, "B")
        self.b2 = sibling_tag(rng, self.b)
        self.via = [maybe_non_utf8(rng, "z9hG4bK-%x" % rng.randrange(16 ** 5), 0.1)]
        self.use_via = rng.random() < 0.25
        self.plan = gen_plan(rng)
        self.offered = False
        self.answered = []        # to-tags that answered
        self.pending = None       # (from_tag, to_tag_or_None, via, offer_plan, answerer_party, offerer is caller)
        self.callee_plan = None
        self.ice = False          # once ICE attributes were sent, every SDP goes with ICE=remove

    def _ice(self, options, ice):
        if self.ice:
            options["ICE"] = "remove"
        self.ice = self.ice or ice
        return self.ice

    def step(self, fields, call="main", role=""):
        if self.ice and "sdp" in fields:
            fields["ICE"] = "remove"
        self.steps.append(Step(fields, call, role))

    def _sdp_step(self, command, from_tag, to_tag, sdp, options, via=None, role=""):
        f = {"command": command.encode(), "from-tag": from_tag}
        if to_tag is not None:
            f["to-tag"] = to_tag
        if via is not None:
            f["via-branch"] = via
        f["sdp"] = sdp
        f.update(options)
        self.step(f, role=role)

    def offer(self, reinvite=None, via=None, hold=None, role="offer"):
        """reinvite: None (initial or via fork), "caller" or "callee"."""
        rng = self.rng
        if reinvite == "callee":
            party, plan = self.callee, reoffer_plan(rng, self.callee_plan or answer_plan(rng, self.plan))
            self.callee_plan = plan
            from_tag, to_tag = self.answered[0] if self.answered else self.b, self.a
        else:
            party = self.caller
            plan = self.plan if reinvite is None and not self.offered else reoffer_plan(rng, self.plan)
            self.plan = plan
            from_tag = self.a
            to_tag = rng.choice(self.answered) if reinvite == "caller" and self.answered else None
        if self.offered and rng.random() < 0.8:
            party.version += 1
        if rng.random() < 0.1:
            party.port = rng.randrange(D.SDP_PORT_RANGE[0], D.SDP_PORT_RANGE[1] - 30, 2)
        options, ice = gen_options(rng, plan, "offer")
        ice = self._ice(options, ice)
        foreign = "flags" in options and any("loop" in f for f in options["flags"]) and rng.random() < 0.3
        sdp = render(rng, party, plan, hold=hold, ice=ice, foreign_token=foreign)
        self._sdp_step("offer", from_tag, to_tag, sdp, options, via, role)
        self.offered = True
        self.pending = (from_tag, to_tag, via, plan, reinvite == "callee")

    def answer(self, to_tag=None, role="answer"):
        rng = self.rng
        from_tag, offer_to, via, plan, callee_offered = self.pending
        if callee_offered:
            party = self.caller
            aplan = answer_plan(rng, plan)
            self.plan = [a if a.kind != "rtp" else o for a, o in zip(aplan, self.plan)] + self.plan[len(aplan):]
            tag = self.a
        else:
            tag = to_tag or offer_to or (self.b if not self.answered else rng.choice(self.answered))
            party = self.callee if tag == self.b else self.callee2
            aplan = answer_plan(rng, plan)
            self.callee_plan = aplan
        options, ice = gen_options(rng, aplan, "answer")
        ice = self._ice(options, ice)
        sdp = render(rng, party, aplan, ice=ice)
        self._sdp_step("answer", from_tag, tag, sdp, options, via, role)
        if not callee_offered and tag not in self.answered:
            self.answered.append(tag)
        if rng.random() < 0.85:
            self.pending = None

    def generate(self):
        rng = self.rng
        target = rng.choice([1, 2, 2, 3, 4, 4, 5, 6, 7, 9])
        if rng.random() < 0.05:
            self.invalid()
        self.offer(via=self.via[0] if self.use_via else None)
        while len(self.steps) < target:
            self.random_step()
        if rng.random() < 0.9:
            self.step({"command": b"delete", spell(rng, D.KEY_DELETE_DELAY, underscores=False): 0}, role="delete")
        return self.steps

    def random_step(self):
        rng = self.rng
        choices = []
        if self.pending:
            choices += [("answer", 10)]
        if self.offered and not self.answered:
            choices += [("via_fork", 2 if self.use_via else 0.5)]
        if self.answered:
            choices += [("reinvite_caller", 4), ("reinvite_callee", 2), ("hold", 2), ("partial_delete", 1)]
            if len(self.answered) < 2:
                choices += [("fork_answer", 2)]
        choices += [("query", 2), ("list", 0.7), ("invalid", 1), ("reoffer_same", 0.5), ("delete_mid", 0.3)]
        action = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        getattr(self, "do_" + action)()

    def do_answer(self):
        self.answer()

    def do_via_fork(self):
        v = maybe_non_utf8(self.rng, "z9hG4bK-%x" % self.rng.randrange(16 ** 5), 0.1)
        if self.rng.random() < 0.15 and self.via[0][-1:] in (b"\xff", b"\xfe"):
            v = self.via[0][:-1] + (b"\xfe" if self.via[0][-1:] == b"\xff" else b"\xff")
        self.via.append(v)
        self.use_via = True
        self.offer(via=v, role="offer-via-fork")
        # the next answer for this branch comes from the second callee, or return to branch 1
        if self.rng.random() < 0.6:
            self.answer(to_tag=self.b2, role="answer-via-fork")
        if self.rng.random() < 0.3:
            self.offer(via=self.via[0], role="offer-via-return")

    def do_fork_answer(self):
        rng = self.rng
        plan = self.plan
        self.pending = (self.a, None, self.via[-1] if self.use_via else None, plan, False)
        self.answer(to_tag=self.b2, role="answer-fork")

    def do_reinvite_caller(self):
        via = self.rng.choice(self.via) if self.use_via else None
        self.offer(reinvite="caller", via=via, role="reinvite-caller")

    def do_reinvite_callee(self):
        self.offer(reinvite="callee", role="reinvite-callee")

    def do_hold(self):
        rng = self.rng
        hold = rng.choice(["sendonly", "inactive", "session-sendonly", "null", "null-sendonly"])
        side = "caller" if rng.random() < 0.7 else "callee"
        self.offer(reinvite=side, hold=hold, role="hold-" + side)
        if rng.random() < 0.7:
            self.answer(role="answer-hold")
            if rng.random() < 0.5:
                self.offer(reinvite=side, role="unhold-" + side)

    def do_reoffer_same(self):
        # an identical retransmission of the last offer (a new cookie, so not the cache)
        for s in reversed(self.steps):
            if s.fields.get("command") == b"offer" and s.role.startswith(("offer", "reinvite", "hold", "unhold")):
                c = s.copy()
                self.step(c.fields, c.call, "offer-repeat")
                return
        self.do_query()

    def do_partial_delete(self):
        rng = self.rng
        f = {"command": b"delete", "from-tag": self.a, "to-tag": rng.choice(self.answered)}
        if rng.random() < 0.3:
            f["from-tag"], f["to-tag"] = f["to-tag"], f["from-tag"]
        if self.use_via and rng.random() < 0.3:
            f["via-branch"] = rng.choice(self.via)
        if rng.random() < 0.5:
            f[spell(rng, D.KEY_DELETE_DELAY, underscores=False)] = 0
        self.step(f, role="partial-delete")
        removed = f["to-tag"] if f["from-tag"] == self.a else f["from-tag"]
        if removed in self.answered and rng.random() < 0.5:
            self.answered.remove(removed)

    def do_delete_mid(self):
        rng = self.rng
        f = {"command": b"delete"}
        if rng.random() < 0.5:
            f["from-tag"] = self.a
        if rng.random() < 0.5:
            f[spell(rng, D.KEY_DELETE_DELAY, underscores=False)] = rng.choice([0, 0, 10])
        if rng.random() < 0.2:
            f["flags"] = ["fatal"]
        self.step(f, role="delete-mid")

    def do_query(self):
        rng = self.rng
        f = {"command": b"query"}
        r = rng.random()
        if r < 0.3:
            f["from-tag"] = self.a
        elif r < 0.4 and self.answered:
            f["from-tag"] = rng.choice(self.answered)
            if rng.random() < 0.5:
                f["to-tag"] = self.a
        self.step(f, role="query")

    def do_list(self):
        f = {"command": b"list"}
        if self.rng.random() < 0.2:
            f["limit"] = self.rng.choice([1, 5, 32])
        self.step(f, role="list")

    def invalid(self):
        self.do_invalid()

    def do_invalid(self):
        rng = self.rng
        kind = rng.choice(["answer-unknown-call", "unknown-from-tag-answer", "unknown-tags-delete",
                           "unknown-tag-query", "missing-from-tag", "missing-sdp", "missing-call-id",
                           "missing-to-tag", "broken-sdp", "sibling-query", "unknown-command"])
        party = self.callee
        simple = render(rng, party, answer_plan(rng, self.plan))
        if kind == "answer-unknown-call":
            self.step({"command": b"answer", "from-tag": self.a, "to-tag": self.b, "sdp": simple},
                      call="sibling", role=kind)
        elif kind == "unknown-from-tag-answer":
            self.step({"command": b"answer", "from-tag": b"nobody", "to-tag": self.b, "sdp": simple}, role=kind)
        elif kind == "unknown-tags-delete":
            self.step({"command": b"delete", "from-tag": b"nobody", "to-tag": b"nobody2"}, role=kind)
        elif kind == "unknown-tag-query":
            self.step({"command": b"query", "from-tag": maybe_non_utf8(rng, "nobody", 0.3)}, role=kind)
        elif kind == "missing-from-tag":
            self.step({"command": b"offer", "sdp": render(rng, self.caller, self.plan)}, role=kind)
        elif kind == "missing-sdp":
            self.step({"command": rng.choice([b"offer", b"answer"]), "from-tag": self.a, "to-tag": self.b}, role=kind)
        elif kind == "missing-call-id":
            self.step({"command": b"offer", "from-tag": self.a, "sdp": render(rng, self.caller, self.plan)},
                      call=None, role=kind)
        elif kind == "missing-to-tag":
            self.step({"command": b"answer", "from-tag": self.a, "sdp": simple}, role=kind)
        elif kind == "broken-sdp":
            self.step({"command": b"offer", "from-tag": self.a, "sdp": broken_sdp(rng, self.caller)}, role=kind)
        elif kind == "sibling-query":
            self.step({"command": rng.choice([b"query", b"delete"])}, call="sibling", role=kind)
        elif kind == "unknown-command":
            self.step({"command": rng.choice([b"offerx", b"Offer"]), "from-tag": self.a}, role=kind)


def generate_sequence(rng):
    while True:
        steps = CallGen(rng).generate()
        if in_domain(steps):
            return steps


# --- the domain's constraints, checked on shrink candidates too ---------------------------------

def _sdp_lines(step):
    v = step.fields.get("sdp")
    if isinstance(v, Sdp):
        return v.lines() if v.raw is None else v.raw.splitlines()
    return []


def _codec_offer_names(step):
    names = []
    codec = step.fields.get("codec")
    if isinstance(codec, dict):
        for n in codec.get("offer", []) if isinstance(codec.get("offer"), list) else []:
            names.append(n)
    for f in step.fields.get("flags", []) if isinstance(step.fields.get("flags"), list) else []:
        if isinstance(f, str) and f.startswith("codec-offer-"):
            names.append(f[len("codec-offer-"):])
    return names


def _codec_action_names(step, action):
    names = []
    codec = step.fields.get("codec")
    if isinstance(codec, dict) and isinstance(codec.get(action), list):
        names += [n for n in codec[action] if isinstance(n, str)]
    for f in step.fields.get("flags", []) if isinstance(step.fields.get("flags"), list) else []:
        if isinstance(f, str) and f.lower().startswith("codec-%s-" % action):
            names.append(f[len("codec-%s-" % action):])
    return names


def _spec_matches(spec, name, clock, channels):
    parts = spec.split("/")
    if parts[0].lower() != name.lower():
        return False
    if len(parts) > 1 and parts[1] and parts[1] != str(clock):
        return False
    if len(parts) > 2 and parts[2] and parts[2] != str(channels):
        return False
    return not (len(parts) == 2 and channels != 1)


def _strip_out_of_domain(step, lines):
    """Whether an offer's codec flags leave a section only telephone-event/CN (10.5 then
    writes an m= line without formats, not valid SDP, RFC 4566 section 5.14), or strip in a
    section whose telephone-event or comfort noise clock rates do not match its main codecs'
    before or after, even when what it strips is offered again (10.5's codec engine then adds
    and drops such types, which belongs to the DTMF and transcoding issues): explained
    differences (README)."""
    strip = _codec_action_names(step, "strip")
    if not strip:
        return False
    keep = _codec_action_names(step, "except") + _codec_action_names(step, "offer")
    strip_all = any(n.lower() in ("all", "full") for n in strip)
    sections, maps = [], {}
    for l in lines:
        if l.startswith(b"m="):
            sections.append((l.split()[3:], {}))
        elif l.startswith(b"a=rtpmap:") and sections:
            pt, _, enc = l[9:].decode("latin-1").partition(" ")
            sections[-1][1][pt] = enc
    def clocks(codecs, supplemental):
        """The clock rates of one supplemental codec, or (None) of the main codecs."""
        if supplemental:
            return {c for n, c in codecs if n == supplemental}
        return {c for n, c in codecs if n not in ("telephone-event", "cn")}

    for pts, rtpmaps in sections:
        before, survivors, touched = [], [], False
        for pt in (p.decode("latin-1") for p in pts):
            enc = rtpmaps.get(pt) or (D.STATIC_AUDIO.get(int(pt)) if pt.isdigit() else None) \
                or (D.STATIC_VIDEO.get(int(pt)) if pt.isdigit() else None)
            if not enc:
                continue
            f = enc.split("/")
            name, clock, channels = f[0], f[1] if len(f) > 1 else "", int(f[2]) if len(f) > 2 else 1
            before.append((name.lower(), clock))
            touched = touched or strip_all or any(_spec_matches(k, name, clock, channels) for k in strip)
            if any(_spec_matches(k, name, clock, channels) for k in keep) or \
                    not (strip_all or any(_spec_matches(k, name, clock, channels) for k in strip)):
                survivors.append((name.lower(), clock))
        if survivors and all(n in ("telephone-event", "cn") for n, _ in survivors):
            return True
        for sup in ("telephone-event", "cn"):
            # (A codec stripped and offered again engages the engine all the same.)
            if any(n == sup for n, _ in before) and touched and \
                    (clocks(before, sup) != clocks(before, None) or clocks(survivors, sup) != clocks(survivors, None)):
                return True
    return False


def _section_codecs(lines):
    """Per m= section: the set of (payload type, encoding) of an RTP section, None otherwise."""
    out = []
    for l in lines:
        if l.startswith(b"m="):
            f = l.split()
            rtp = len(f) > 2 and b"RTP/" in f[2] and not f[1].startswith(b"0")
            out.append({} if rtp else None)
            if rtp:
                for pt in f[3:]:
                    if pt.isdigit():
                        out[-1][pt] = (D.STATIC_AUDIO.get(int(pt)) or D.STATIC_VIDEO.get(int(pt)) or "").lower()
        elif l.startswith(b"a=rtpmap:") and out and out[-1] is not None:
            pt, _, enc = l[9:].partition(b" ")
            if pt in out[-1]:
                out[-1][pt] = enc.decode("latin-1").lower()
    return [None if c is None else set(c.items()) for c in out]


def _stripped(step, codecs):
    """The (payload type, encoding) pairs of an offer section its codec flags remove."""
    strip = _codec_action_names(step, "strip")
    keep = _codec_action_names(step, "except")
    back = _codec_action_names(step, "offer")
    strip_all = any(n.lower() in ("all", "full") for n in strip)
    out = set()
    for pt, enc in codecs:
        f = enc.split("/")
        name, clock, channels = f[0], f[1] if len(f) > 1 else "", int(f[2]) if len(f) > 2 else 1
        named = any(_spec_matches(k, name, clock, channels) for k in strip)
        gone = named or (strip_all and not any(_spec_matches(k, name, clock, channels) for k in keep))
        if gone and not any(_spec_matches(k, name, clock, channels) for k in back):
            out.add((pt, enc))
    return out


def _answer_foreign(offer_step, offer_lines, answer_lines):
    """Whether an answer names a codec the offer did not carry to the answerer (absent from
    it, or removed by its codec flags): 10.5 then transcodes (answers the offerer with codecs
    of its own, as far as it can encode them), a feature of the transcoding issue: an
    explained difference (README)."""
    for o, a in zip(_section_codecs(offer_lines), _section_codecs(answer_lines)):
        if o is not None and a is not None and not a <= (o - _stripped(offer_step, o)):
            return True
    return False


def in_domain(steps):
    """Whether a sequence stays inside the domain (the generator's output always does; the
    shrinker uses this to refuse candidates that leave it): ICE attributes only with
    ICE=remove, and from then on ICE=remove on every SDP; codec-offer only of codecs in the
    SDP; no codec flags that leave a section only telephone-event or CN; no answer codecs its
    offer did not carry."""
    ice_seen = False
    last_offer = None
    for st in steps:
        lines = _sdp_lines(st)
        if st.command == "offer" and lines:
            last_offer = (st, lines)
        if st.command == "answer" and lines and last_offer and _answer_foreign(last_offer[0], last_offer[1], lines):
            return False
        if not lines and "sdp" not in st.fields:
            continue
        has_ice = any(l.startswith((b"a=ice-", b"a=candidate", b"a=end-of-candidates")) for l in lines)
        remove = st.fields.get("ICE") == "remove"
        if (has_ice or ice_seen) and not remove and "sdp" in st.fields:
            return False
        ice_seen = ice_seen or has_ice or remove
        if st.command == "offer" and _strip_out_of_domain(st, lines):
            return False
        if st.command == "offer":
            names = _codec_offer_names(st)
            if names:
                encs = set()
                for l in lines:
                    if l.startswith(b"a=rtpmap:"):
                        parts = l.split(b" ", 1)
                        if len(parts) == 2:
                            encs.add(parts[1].split(b"/")[0].decode("latin-1").lower())
                    if l.startswith(b"m="):
                        for pt in l.split()[3:]:
                            if pt.isdigit():
                                e = D.STATIC_AUDIO.get(int(pt)) or D.STATIC_VIDEO.get(int(pt))
                                if e:
                                    encs.add(e.split("/")[0].lower())
                for n in names:
                    if not isinstance(n, str) or n.split("/")[0].lower() not in encs:
                        return False
                # Comfort noise or telephone-event both stripped and offered: 10.5's codec
                # engine then generates them per clock rate (the transcoding and DTMF issues).
                strip = [x.split("/")[0].lower() for x in _codec_action_names(st, "strip")]
                for n in names:
                    base = n.split("/")[0].lower()
                    if base in ("cn", "telephone-event") and (base in strip or "all" in strip or "full" in strip):
                        return False
                    # A codec 10.5 cannot encode, stripped and offered again: it offers it
                    # as one to transcode to, and its codec engine judges the answer (the
                    # transcoding issue).
                    if base not in D.TRANSCODABLE_BY_105 and (base in strip or "all" in strip or "full" in strip):
                        return False
    return True
