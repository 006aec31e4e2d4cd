"""Starting and stopping the two daemons. Every process started here is stopped by its pid
(at exit, on SIGINT/SIGTERM, and when a run fails)."""
import atexit
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time

import domain
from ngclient import NGClient

# Media port ranges: below the kernel's ephemeral range (32768-60999) so nothing else on the
# host takes them, and disjoint, so a port identifies the daemon that allocated it.
REF_PORTS = (20000, 24999)
OUR_PORTS = (25000, 29999)

_running = []


def _stop_all():
    for d in list(_running):
        d.stop()


def _on_signal(signum, frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def _no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    def __init__(self, name, binary, ports, logdir):
        self.name = name
        self.binary = binary
        self.ports = ports
        self.log_path = os.path.join(logdir, name + ".log")
        self.proc = None
        self.ng_port = None
        self.client = None
        self.starts = 0

    def start(self):
        # A free port may be taken again before the daemon binds it (the tool's own ng
        # clients use ephemeral ports too): a start that fails to bind tries another.
        for attempt in range(5):
            try:
                return self._start_once()
            except RuntimeError as e:
                if attempt == 4 or "in use" not in str(e):
                    raise

    def _start_once(self):
        self.ng_port = free_udp_port()
        args = [self.binary, "--config-file=none", "--foreground", "--log-stderr", "--table=-1"]
        args += ["--interface=" + i for i in domain.INTERFACES]
        args += ["--listen-ng=127.0.0.1:%d" % self.ng_port, "--port-min=%d" % self.ports[0],
                 "--port-max=%d" % self.ports[1]]
        self.log = open(self.log_path, "ab")
        self.log.write(b"\n==== start %d: %s\n" % (self.starts, " ".join(args).encode()))
        self.log.flush()
        # cwd in the log directory and no core dumps: a crashing reference must not leave a
        # 70 MB core file wherever the tool was started.
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, cwd=os.path.dirname(self.log_path),
                                     preexec_fn=_no_core)
        _running.append(self)
        self.starts += 1
        self.client = NGClient(self.ng_port, timeout=3.0)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited at start (status %s):\n%s" % (
                    self.name, self.proc.returncode, self.log_tail()))
            probe = NGClient(self.ng_port, timeout=0.3)
            try:
                r = probe.request({"command": "ping"})
            finally:
                probe.close()
            if r and r.get(b"result") == b"pong":
                return
        self.stop()
        raise RuntimeError("%s did not answer ping:\n%s" % (self.name, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def request(self, message):
        return self.client.request(message)

    def ping(self):
        probe = NGClient(self.ng_port, timeout=1.0)
        try:
            r = probe.request({"command": "ping"})
        finally:
            probe.close()
        return bool(r and r.get(b"result") == b"pong")

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()[-20000:]
            return b"\n".join(data.splitlines()[-lines:]).decode("utf-8", "backslashreplace")
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(3)
        if self in _running:
            _running.remove(self)
        if self.client:
            self.client.close()
            self.client = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None

    def restart(self):
        self.stop()
        self.start()


def make_logdir():
    return tempfile.mkdtemp(prefix="difftest-")
