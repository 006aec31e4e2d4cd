"""One ng request over UDP with a fresh cookie, its reply decoded."""
import itertools
import os
import socket

from bencode import decode, encode

_cookies = itertools.count()
_prefix = os.urandom(4).hex()


class NGClient:
    def __init__(self, port, host="127.0.0.1", timeout=2.0):
        self.addr = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.sock.connect(self.addr)

    def raw(self, body):
        """Sends `body` (bytes) with a fresh cookie; the reply body, or None on timeout.
        Fresh cookies matter: rtpengine answers a repeated cookie from its cache."""
        cookie = b"%s-%d" % (_prefix.encode(), next(_cookies))
        self.sock.send(cookie + b" " + body)
        while True:
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ConnectionRefusedError):
                return None
            head, _, rest = data.partition(b" ")
            if head == cookie:
                return rest

    def request(self, message):
        """Sends a dictionary; the decoded reply dictionary, or None."""
        reply = self.raw(encode(message))
        return None if reply is None else decode(reply)

    def close(self):
        self.sock.close()
