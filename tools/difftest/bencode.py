"""Bencode for ng messages: bytes in, bytes out. Strings stay bytes (call-ids, tags and SDP
are byte strings on the wire); dictionaries keep their order."""


def encode(value):
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _encode(v, out):
    if isinstance(v, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(v, int):
        out += b"i%de" % v
    elif isinstance(v, str):
        _encode(v.encode("utf-8", "surrogateescape"), out)
    elif isinstance(v, (bytes, bytearray)):
        out += b"%d:" % len(v) + v
    elif isinstance(v, (list, tuple)):
        out += b"l"
        for x in v:
            _encode(x, out)
        out += b"e"
    elif isinstance(v, dict):
        out += b"d"
        for k, x in v.items():
            _encode(k, out)
            _encode(x, out)
        out += b"e"
    else:
        raise TypeError("cannot bencode %r" % (v,))


class DecodeError(ValueError):
    pass


def decode(data):
    """The value at the start of `data` (trailing bytes are ignored, as ng readers do)."""
    value, _ = _decode(data, 0)
    return value


def _decode(b, i):
    if i >= len(b):
        raise DecodeError("truncated")
    c = b[i:i + 1]
    if c == b"i":
        end = b.index(b"e", i)
        return int(b[i + 1:end]), end + 1
    if c == b"l":
        i += 1
        items = []
        while b[i:i + 1] != b"e":
            v, i = _decode(b, i)
            items.append(v)
        return items, i + 1
    if c == b"d":
        i += 1
        d = {}
        while b[i:i + 1] != b"e":
            k, i = _decode(b, i)
            v, i = _decode(b, i)
            d[k] = v
        return d, i + 1
    if c.isdigit():
        colon = b.index(b":", i)
        n = int(b[i:colon])
        start = colon + 1
        if start + n > len(b):
            raise DecodeError("truncated string")
        return b[start:start + n], start + n
    raise DecodeError("unexpected byte %r at %d" % (c, i))
