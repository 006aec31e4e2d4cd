"""An SDP body as the generator builds it and the shrinker takes it apart: sessions of head
lines and media sections, each line raw bytes without its line ending. The line endings are
chosen when rendering, so the shrinker can simplify them as one value."""


class Sdp:
    """`sessions`: list of [head_lines, [media_section_lines, ...]]; a media section's first
    line is its m= line. `eol`: "crlf", "lf" or "mixed" (LF on every third line, CRLF on the
    others). `final_eol`: whether the last line ends with a line ending too. `raw`, when
    set, is sent as is (a broken body) and the rest is ignored."""

    def __init__(self, sessions=None, eol="crlf", final_eol=True, raw=None):
        self.sessions = sessions or []
        self.eol = eol
        self.final_eol = final_eol
        self.raw = raw

    def copy(self):
        return Sdp([[list(h), [list(m) for m in ms]] for h, ms in self.sessions], self.eol,
                   self.final_eol, self.raw)

    def lines(self):
        out = []
        for head, medias in self.sessions:
            out += head
            for m in medias:
                out += m
        return out

    def render(self):
        if self.raw is not None:
            return self.raw
        lines = self.lines()
        out = bytearray()
        for i, line in enumerate(lines):
            out += line
            if i == len(lines) - 1 and not self.final_eol:
                break
            if self.eol == "lf" or (self.eol == "mixed" and i % 3 == 1):
                out += b"\n"
            else:
                out += b"\r\n"
        return bytes(out)

    def __repr__(self):
        return "Sdp(%r)" % self.render()

    # Shrinking candidates: each a new Sdp, simplest first.
    def shrink_candidates(self):
        if self.raw is not None:
            if self.raw:
                yield Sdp(raw=b"")
            return
        if self.eol != "crlf":
            c = self.copy()
            c.eol = "crlf"
            yield c
        if not self.final_eol:
            c = self.copy()
            c.final_eol = True
            yield c
        # Drop a whole session (but keep one).
        if len(self.sessions) > 1:
            for i in range(len(self.sessions)):
                c = self.copy()
                del c.sessions[i]
                yield c
        # Drop a media section, never a session's last one: the domain is sessions with 1-3
        # m= lines (bodies without media are hand-written cases in the Swift tests; 10.5
        # crashes on some sequences of them, see the README).
        for si, (_, medias) in enumerate(self.sessions):
            for mi in range(len(medias) if len(medias) > 1 else 0):
                c = self.copy()
                del c.sessions[si][1][mi]
                yield c
        # Drop a line (never a media section's m= line: that is dropping the section). The
        # lines a well-formed body needs (v=, o=, s=, t=, and the rtpmap of a dynamic payload
        # type still listed) stay, so minimal reproductions read like real SDP; c= lines go
        # last.
        for late in (False, True):
            for si, (head, medias) in enumerate(self.sessions):
                for li in range(len(head)):
                    if _kept(head[li], None) or head[li].startswith(b"c=") != late:
                        continue
                    c = self.copy()
                    del c.sessions[si][0][li]
                    yield c
                for mi, m in enumerate(medias):
                    for li in range(1, len(m)):
                        if _kept(m[li], m[0]) or m[li].startswith(b"c=") != late:
                            continue
                        c = self.copy()
                        del c.sessions[si][1][mi][li]
                        yield c
        # Simplify a line: collapse double spaces, drop non-ASCII bytes, drop payload types.
        for si, (head, medias) in enumerate(self.sessions):
            for li, line in enumerate(head):
                for s in simplify_line(line):
                    c = self.copy()
                    c.sessions[si][0][li] = s
                    yield c
            for mi, m in enumerate(medias):
                for li, line in enumerate(m):
                    for s in simplify_line(line):
                        c = self.copy()
                        c.sessions[si][1][mi][li] = s
                        yield c


def _kept(line, mline):
    if line[:2] in (b"v=", b"o=", b"s=", b"t="):
        return True
    if mline is not None and line.startswith(b"a=rtpmap:"):
        pt = line[len(b"a=rtpmap:"):].split(b" ")[0]
        fmts = mline.split()[3:]
        return pt.isdigit() and int(pt) >= 96 and pt in fmts
    return False


def simplify_line(line):
    if b"  " in line:
        s = line
        while b"  " in s:
            s = s.replace(b"  ", b" ")
        yield s
    if any(b >= 0x80 for b in line):
        yield bytes(b for b in line if b < 0x80)
    if line.startswith(b"m="):
        parts = line.split(b" ")
        if len(parts) > 4:
            for i in range(3, len(parts)):
                yield b" ".join(parts[:i] + parts[i + 1:])
