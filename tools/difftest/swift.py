"""A sequence as a Swift scenario for `OfferAnswerDifferentialTests.scenarios`."""
from sdp import Sdp


def swift_string(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    try:
        text = b.decode("utf-8")
    except UnicodeDecodeError:
        return ".string([%s])" % ", ".join("0x%02x" % x for x in b)
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '.string("%s")' % "".join(out)


def swift_value(v):
    if isinstance(v, Sdp):
        return swift_string(v.render())
    if isinstance(v, bool):
        raise TypeError(v)
    if isinstance(v, int):
        return ".integer(%d)" % v
    if isinstance(v, (bytes, str)):
        return swift_string(v)
    if isinstance(v, list):
        return ".list([%s])" % ", ".join(swift_value(x) for x in v)
    if isinstance(v, dict):
        if not v:
            return ".dictionary([])"
        return ".dictionary([%s])" % ", ".join(
            "(key: %s, value: %s)" % (_key(k), swift_value(x)) for k, x in v.items())
    raise TypeError(v)


def _key(k):
    s = swift_string(k)
    return s[len(".string("):-1] if s.startswith('.string("') else s


def scenario(seq, name):
    """The Swift text, and notes about what it cannot express (the test adds the scenario's
    call-id to every step, so steps on the sibling call-id or without a call-id are not
    reproduced faithfully)."""
    notes = []
    steps = []
    for i, st in enumerate(seq.steps):
        entries = ["(%s, %s)" % (_key(k), swift_value(v)) for k, v in st.fields.items()]
        if st.call != "main":
            notes.append("step %d uses %s; the test will give it the scenario's call-id"
                         % (i + 1, "no call-id" if st.call is None else "a sibling call-id"))
        steps.append("[" + ", ".join(entries) + "]")
    if seq.suffix:
        notes.append("the call-id ended in non-UTF-8 bytes %r; the test's call-id is ASCII" % seq.suffix)
    text = '("%s", [\n    %s,\n]),' % (name, ",\n    ".join(steps))
    return text, notes
