#!/usr/bin/env python3
"""ng signalling benchmark: offer + answer + delete cycles against our daemon and, when it
is installed, the reference rtpengine, in one run. Reports cycles per second and daemon CPU
time per ng request (from /proc/PID/stat), as `name: value unit` lines."""
import os, random, select, signal, socket, subprocess, sys, time

CYCLES = int(os.environ.get("NG_BENCH_CYCLES", "10000"))
WINDOW = int(os.environ.get("NG_BENCH_WINDOW", "16"))   # cycles in flight at once
# NG_BENCH_PING=1: three pings per cycle instead of offer/answer/delete, to measure what the
# ng transport alone costs (receive, reply over loopback), the floor of any request.
PING_ONLY = os.environ.get("NG_BENCH_PING") == "1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OURS = os.environ.get("RTPENGINE_BIN", os.path.join(ROOT, ".build/release/rtpengine"))
REFERENCE = "/usr/bin/rtpengine"

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

def cpu_split(pid):
    """User and system CPU seconds of a process so far."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick

def cpu_seconds(pid):
    return sum(cpu_split(pid))

def free_port():
    """A free UDP port outside the media port ranges the daemons get (a daemon refuses an
    ng port inside its own media range)."""
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]; s.close()
        if not 50000 <= p <= 59999: return p

def run(name, binary):
    port = free_port()
    args = [binary, "--config-file=none", "--table=-1", "--interface=127.0.0.1", "--foreground", "--log-stderr",
            "--log-level=4", "--listen-ng=127.0.0.1:%d" % port, "--port-min=50000", "--port-max=59999",
            "--delete-delay=0"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect(("127.0.0.1", port))
        for _ in range(100):
            sock.send(b"w d7:command4:pinge")
            try:
                if select.select([sock], [], [], 0.1)[0] and sock.recv(100): break
            except ConnectionRefusedError:
                time.sleep(0.1)  # not listening yet
        else:
            raise SystemExit("%s did not start" % name)
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
        cpu = sum(split1) - cpu0
        requests = CYCLES * 3
        # System time is mostly socket work both daemons must do: a reply sent over loopback
        # (the receiver's side runs in the sender's system call), media sockets opened and closed.
        print("%s_user_cpu_per_request: %.1f us" % (name, (split1[0] - split0[0]) / requests * 1e6))
        print("%s_system_cpu_per_request: %.1f us" % (name, (split1[1] - split0[1]) / requests * 1e6))
        print("%s_cycles_per_second: %.0f cycles/s" % (name, CYCLES / elapsed))
        print("%s_cpu_per_request: %.1f us" % (name, cpu / requests * 1e6))
        print("%s_errors: %d requests" % (name, errors))
        return cpu / requests
    finally:
        proc.send_signal(signal.SIGKILL); proc.wait()

ours = run("ours", OURS)
if os.access(REFERENCE, os.X_OK):
    ref = run("reference", REFERENCE)
    print("cpu_per_request_ratio_ours_to_reference: %.2f ratio" % (ours / ref))
else:
    print("reference: not installed (apt-get install rtpengine-daemon)", file=sys.stderr)
