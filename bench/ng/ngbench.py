#!/usr/bin/env python3
"""ng signalling benchmark: offer + answer + delete cycles against our daemon and, when it
is installed, the reference rtpengine, in one run. Reports cycles per second and daemon CPU
time per ng request (from /proc/PID/stat), as `name: value unit` lines: the median of
NG_BENCH_ROUNDS interleaved rounds (ours, reference, ours, ...; default 3), each round's
figures on stderr. A single round's CPU figure varies by about 5 % on a shared machine."""
import os, random, select, signal, socket, subprocess, sys, time

CYCLES = int(os.environ.get("NG_BENCH_CYCLES", "10000"))
WINDOW = int(os.environ.get("NG_BENCH_WINDOW", "16"))   # cycles in flight at once
ROUNDS = max(1, int(os.environ.get("NG_BENCH_ROUNDS", "3")))
# NG_BENCH_PING=1: three pings per cycle instead of offer/answer/delete, to measure what the
# ng transport alone costs (receive, reply over loopback), the floor of any request.
PING_ONLY = os.environ.get("NG_BENCH_PING") == "1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = os.environ.get("RTPENGINE_BIN", os.path.join(ROOT, ".build/release/rtpengine"))
# Debian's rtpengine 10.5 as `make peers` unpacks it (never installed as a service).
REFERENCE = os.environ.get("RTPENGINE_REFERENCE", os.path.join(ROOT, ".build-peers/rtpengine-daemon/usr/bin/rtpengine"))

def benc(v):
    if isinstance(v, int): return b"i%de" % v
    if isinstance(v, str): v = v.encode()
    if isinstance(v, bytes): return b"%d:%s" % (len(v), v)
    if isinstance(v, list): return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict): return b"d" + b"".join(benc(k) + benc(x) for k, x in v.items()) + b"e"

OFFER = ("v=0\r\no=alice 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
         "m=audio 5000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n")
ANSWER = ("v=0\r\no=bob 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
          "m=audio 6000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n")

def free_port():
    """A free UDP port outside the media port ranges the daemons get (a daemon refuses an
    ng port inside its own media range)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]; s.close()
        if not 50000 <= p <= 59999: return p

def daemon_args(binary, port):
    """A daemon on loopback with its ng port, a media range of its own and no delete delay."""
    return [binary, "--config-file=none", "--table=-1", "--interface=127.0.0.1", "--foreground", "--log-stderr",
            "--log-level=4", "--listen-ng=127.0.0.1:%d" % port, "--port-min=50000", "--port-max=59999",
            "--delete-delay=0"]

def wait_until_answering(sock, name, tries=100, interval=0.1):
    """Pings over the connected `sock` until the daemon answers."""
    for _ in range(tries):
        sock.send(b"w d7:command4:pinge")
        try:
            if select.select([sock], [], [], interval)[0] and sock.recv(100): return
        except ConnectionRefusedError:
            time.sleep(interval)  # not listening yet
    raise SystemExit("%s did not start" % name)

def cpu_split(pid):
    """User and system CPU seconds of a process so far."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick

def run(name, binary):
    port = free_port()
    proc = subprocess.Popen(daemon_args(binary, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect(("127.0.0.1", port))
        wait_until_answering(sock, name)
        run_id = random.randint(0, 1 << 30)
        def request(cycle, step):
            cid = "b%d-%d" % (run_id, cycle)
            if PING_ONLY: d = {"command": "ping"}
            elif step == 0: d = {"command": "offer", "call-id": cid, "from-tag": "a", "sdp": OFFER}
            elif step == 1: d = {"command": "answer", "call-id": cid, "from-tag": "a", "to-tag": "b", "sdp": ANSWER}
            else: d = {"command": "delete", "call-id": cid}
            return b"%d:%d " % (cycle, step) + benc(d)
        split0, t0 = cpu_split(proc.pid), time.monotonic()
        cpu0 = sum(split0)
        next_cycle, done, errors = 0, 0, 0
        pending = {}
        while done < CYCLES:
            while next_cycle < CYCLES and len(pending) < WINDOW:
                pending[next_cycle] = 0
                sock.send(request(next_cycle, 0)); next_cycle += 1
            if not select.select([sock], [], [], 2)[0]:
                raise SystemExit("%s stopped answering" % name)
            reply = sock.recv(65536)
            cookie, body = reply.split(b" ", 1)
            cycle, step = map(int, cookie.split(b":"))
            if b"6:result2:ok" not in body and b"6:result4:pong" not in body: errors += 1
            if step == 2:
                del pending[cycle]; done += 1
            else:
                pending[cycle] = step + 1
                sock.send(request(cycle, step + 1))
        elapsed, split1 = time.monotonic() - t0, cpu_split(proc.pid)
        requests = CYCLES * 3
        # System time is mostly socket work both daemons must do: a reply sent over loopback
        # (the receiver's side runs in the sender's system call), media sockets opened and closed.
        figures = {
            "user_cpu_per_request": (split1[0] - split0[0]) / requests * 1e6,
            "system_cpu_per_request": (split1[1] - split0[1]) / requests * 1e6,
            "cycles_per_second": CYCLES / elapsed,
            "cpu_per_request": (sum(split1) - cpu0) / requests * 1e6,
            "errors": errors,
        }
        print("round: %s %.1f us per request (user %.1f, system %.1f), %.0f cycles/s" % (
            name, figures["cpu_per_request"], figures["user_cpu_per_request"],
            figures["system_cpu_per_request"], figures["cycles_per_second"]), file=sys.stderr)
        return figures
    finally:
        proc.send_signal(signal.SIGKILL); proc.wait()

UNITS = {"user_cpu_per_request": "us", "system_cpu_per_request": "us", "cycles_per_second": "cycles/s",
         "cpu_per_request": "us", "errors": "requests"}

def report(name, rounds):
    """The median round's figures (errors summed over all rounds)."""
    out = {}
    for key, unit in UNITS.items():
        values = sorted(r[key] for r in rounds)
        out[key] = sum(values) if key == "errors" else values[len(values) // 2]
        fmt = "%s_%s: %d %s" if key == "errors" else ("%s_%s: %.0f %s" if unit == "cycles/s" else "%s_%s: %.1f %s")
        print(fmt % (name, key, out[key], unit))
    return out

reference = os.access(REFERENCE, os.X_OK)
ours_rounds, reference_rounds, ratios = [], [], []
for _ in range(ROUNDS):
    ours_rounds.append(run("ours", OURS))
    if reference:
        reference_rounds.append(run("reference", REFERENCE))
        ratios.append(ours_rounds[-1]["cpu_per_request"] / reference_rounds[-1]["cpu_per_request"])
report("ours", ours_rounds)
if reference:
    report("reference", reference_rounds)
    # The ratio of each round (the two daemons measured back to back), then their median.
    print("round_ratios: %s" % " ".join("%.2f" % r for r in ratios), file=sys.stderr)
    print("cpu_per_request_ratio_ours_to_reference: %.2f ratio" % sorted(ratios)[len(ratios) // 2])
else:
    print("reference: not installed (apt-get install rtpengine-daemon)", file=sys.stderr)
