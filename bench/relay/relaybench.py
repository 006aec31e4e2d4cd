#!/usr/bin/env python3
"""Media relay benchmark: N calls at RATE packets per second per direction (172-byte RTP)
through the minimal C relay (crelay.c, the physical limit), our daemon and, when installed,
the reference rtpengine, in one run. Reports relayed pps, loss and daemon CPU µs per
packet for each, the highest loss-free packet rate of each relay on one media thread
(ramping), and RSS per idle call, as `name: value unit` lines.

Environment: RELAY_REPEAT (3 interleaved runs, medians), RELAY_CALLS (500: 1,000 streams, 50k pps), RELAY_RATE (50), RELAY_SECONDS (10),
RELAY_RAMP (call counts at RELAY_RAMP_RATE=200 pps per stream, default 400 to 600 in
steps of 20, i.e. 160k to 240k pps in 5 % steps, each step run by both relays in turn;
empty skips the ramp), RELAY_IDLE_CALLS (1000)."""
import os, random, re, select, signal, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, ".build-bench")
OURS = os.environ.get("RTPENGINE_BIN", os.path.join(ROOT, ".build/release/rtpengine"))
# Debian's rtpengine 10.5 as `make peers` unpacks it (never installed as a service).
REFERENCE = os.environ.get("RTPENGINE_REFERENCE", os.path.join(ROOT, ".build-peers/rtpengine-daemon/usr/bin/rtpengine"))
CALLS = int(os.environ.get("RELAY_CALLS", "500"))
RATE = int(os.environ.get("RELAY_RATE", "50"))
SECONDS = float(os.environ.get("RELAY_SECONDS", "10"))
RAMP = [int(x) for x in os.environ.get("RELAY_RAMP", ",".join(str(n) for n in range(400, 601, 20))).split(",") if x]
RAMP_RATE = int(os.environ.get("RELAY_RAMP_RATE", "200"))
IDLE_CALLS = int(os.environ.get("RELAY_IDLE_CALLS", "1000"))
# Runs per relay, interleaved, reported as the median: a run's CPU figure varies by about
# 10 % on a shared 2-core machine, most of it kernel time every relay pays alike.
REPEAT = int(os.environ.get("RELAY_REPEAT", "3"))
SIZE = 172

def build():
    os.makedirs(BUILD, exist_ok=True)
    for name, libs in (("rtpgen", ["-lpthread"]), ("crelay", [])):
        subprocess.run(["gcc", "-O2", "-Wall", "-o", os.path.join(BUILD, name), os.path.join(HERE, name + ".c")] + libs,
                       check=True)

def benc(v):
    if isinstance(v, int): return b"i%de" % v
    if isinstance(v, str): v = v.encode()
    if isinstance(v, bytes): return b"%d:%s" % (len(v), v)
    if isinstance(v, list): return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict): return b"d" + b"".join(benc(k) + benc(x) for k, x in v.items()) + b"e"

def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def rss_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"): return int(line.split()[1])
    return 0

def free_port():
    """A free UDP port outside the media port ranges the daemons get (a daemon refuses an
    ng port inside its own media range)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]; s.close()
        if not 40000 <= p <= 59999: return p

class Daemon:
    """Our daemon or the reference, on loopback with its own ng port and port range."""
    def __init__(self, binary, port_min, threads=1):
        self.port = free_port()
        args = [binary, "--config-file=none", "--table=-1", "--interface=127.0.0.1", "--foreground", "--log-stderr",
                "--log-level=3", "--listen-ng=127.0.0.1:%d" % self.port, "--port-min=%d" % port_min,
                "--port-max=%d" % (port_min + 9999), "--delete-delay=0", "--num-threads=%d" % threads,
                "--timeout=600"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect(("127.0.0.1", self.port))
        for _ in range(100):
            if self.request({"command": "ping"}, timeout=0.1): break
            time.sleep(0.05)
        else:
            self.stop(); raise SystemExit("%s did not start" % binary)

    def request(self, d, timeout=2.0):
        cookie = b"%x" % random.getrandbits(48)
        try:
            self.sock.send(cookie + b" " + benc(d))
            if select.select([self.sock], [], [], timeout)[0]:
                return self.sock.recv(65535)
        except ConnectionRefusedError:
            pass
        return None

    def call(self, i, a_port, b_port):
        sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
        cid = "relay-%d" % i
        o = self.request({"command": "offer", "call-id": cid, "from-tag": "a", "sdp": sdp % a_port})
        a = self.request({"command": "answer", "call-id": cid, "from-tag": "a", "to-tag": "b", "sdp": sdp % b_port})
        to_b = int(re.search(rb"m=audio (\d+)", o).group(1))
        to_a = int(re.search(rb"m=audio (\d+)", a).group(1))
        return to_a, to_b

    def stop(self):
        self.proc.send_signal(signal.SIGKILL); self.proc.wait()

class CRelay:
    def __init__(self, calls, a_port, b_port):
        self.proc = subprocess.Popen([os.path.join(BUILD, "crelay"), str(calls), str(a_port), str(b_port)],
                                     stdout=subprocess.PIPE, text=True)
        self.ports = [tuple(int(x) for x in self.proc.stdout.readline().split()) for _ in range(calls)]

    def stop(self):
        self.proc.send_signal(signal.SIGKILL); self.proc.wait()

def run_load(kind, binary, calls, rate, seconds, port_min):
    """One measured run: returns (relayed pps, loss fraction, CPU µs per relayed packet)."""
    gen = subprocess.Popen([os.path.join(BUILD, "rtpgen"), str(calls), str(rate), str(seconds), str(SIZE)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    a_port, b_port = (int(x) for x in gen.stdout.readline().split())
    relay = CRelay(calls, a_port, b_port) if kind == "c" else Daemon(binary, port_min)
    try:
        ports = relay.ports if kind == "c" else [relay.call(i, a_port, b_port) for i in range(calls)]
        cpu0 = cpu_seconds(relay.proc.pid)
        gen.stdin.write("".join("%d %d\n" % p for p in ports)); gen.stdin.flush(); gen.stdin.close()
        out = gen.stdout.read()
        cpu = cpu_seconds(relay.proc.pid) - cpu0
    finally:
        gen.wait(); relay.stop()
    sent, received = (int(x) for x in re.search(r"sent=(\d+) received=(\d+)", out).groups())
    loss = max(0.0, (sent - received) / sent) if sent else 1.0
    return received / seconds, loss, cpu * 1e6 / max(received, 1)

def idle_rss(binary, port_min):
    d = Daemon(binary, port_min)
    try:
        time.sleep(0.5)
        before = rss_kib(d.proc.pid)
        for i in range(IDLE_CALLS): d.call(i, 40000 + 2 * (i % 1000), 42000 + 2 * (i % 1000))
        time.sleep(0.5)
        return (rss_kib(d.proc.pid) - before) / IDLE_CALLS
    finally:
        d.stop()

def main():
    build()
    if not os.path.exists(OURS): raise SystemExit("build first: make build (%s missing)" % OURS)
    targets = [("c", None), ("ours", OURS)]
    if os.path.exists(REFERENCE): targets.append(("reference", REFERENCE))
    else: print("# reference rtpengine not installed: only ours and the C relay are measured")
    print("# %d calls x %d pps per direction, %d-byte packets, %gs each, one media thread" % (CALLS, RATE, SIZE, SECONDS))
    runs = {name: [] for name, _ in targets}
    for _ in range(REPEAT):
        for i, (name, binary) in enumerate(targets):
            runs[name].append(run_load(name, binary, CALLS, RATE, SECONDS, 50000 - 10000 * (i % 2)))
    cpu = {}
    for name, results in runs.items():
        median = lambda k: sorted(r[k] for r in results)[len(results) // 2]
        cpu[name] = median(2)
        print("relay.%s.pps: %.0f pps" % (name, median(0)))
        print("relay.%s.loss: %.4f %%" % (name, max(r[1] for r in results) * 100))
        print("relay.%s.cpu_per_packet: %.2f us (runs: %s)" % (name, cpu[name], ", ".join("%.2f" % r[2] for r in results)))
    for name in cpu:
        if name != "c": print("relay.%s.cpu_vs_c: %.2f x" % (name, cpu[name] / cpu["c"]))
    if RAMP:
        best = {}
        for calls in RAMP:
            for name, binary in targets[:2]:
                pps, loss, _ = run_load(name, binary, calls, RAMP_RATE, min(SECONDS, 5), 50000)
                print("# ramp %s: %d calls x %d pps: relayed %.0f pps, loss %.3f %%" % (name, calls, RAMP_RATE, pps, loss * 100))
                if loss <= 0.001: best[name] = max(best.get(name, 0), pps)
        for name, _ in targets[:2]:
            print("relay.%s.max_lossfree_pps: %.0f pps" % (name, best.get(name, 0)))
        if best.get("c"): print("relay.ours.max_pps_vs_c: %.2f x" % (best.get("ours", 0) / best["c"]))
    rss = {name: idle_rss(binary, 50000) for name, binary in targets[1:]}
    for name, kib in rss.items(): print("relay.%s.rss_per_idle_call: %.2f KiB" % (name, kib))
    if "reference" in rss and rss["reference"] > 0:
        print("relay.ours.rss_vs_reference: %.2f x" % (rss["ours"] / rss["reference"]))

if __name__ == "__main__":
    main()
