#!/usr/bin/env python3
"""ng signalling cost in instructions: offer + answer + delete cycles (the requests of
ngbench.py) sent one at a time to a daemon under callgrind, counting the user-space
instructions the daemon runs per request, every thread included, once a warm-up is over.
Unlike CPU time this does not drift with the machine's load, so it shows what a change to
the signalling path costs (the kernel's part, socket work, is not counted). Ours and, when
unpacked, the reference, as `name: value unit` lines. NG_INSTR_CYCLES sets the measured
cycles (default 300). Needs valgrind (apt-get install valgrind)."""
import glob, os, select, shutil, socket, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CYCLES = int(os.environ.get("NG_INSTR_CYCLES", "300"))
OURS = os.environ.get("RTPENGINE_BIN", os.path.join(ROOT, ".build/release/rtpengine"))
REFERENCE = os.environ.get("RTPENGINE_REFERENCE", os.path.join(ROOT, ".build-peers/rtpengine-daemon/usr/bin/rtpengine"))

# The same requests as the CPU benchmark (its module runs the benchmark when imported, so
# only the definitions before its first function are taken).
_ns = {"__file__": os.path.join(HERE, "ngbench.py")}
exec(open(os.path.join(HERE, "ngbench.py")).read().split("def cpu_split")[0], _ns)
benc, OFFER, ANSWER = _ns["benc"], _ns["OFFER"], _ns["ANSWER"]
free_port, daemon_args, wait_until_answering = _ns["free_port"], _ns["daemon_args"], _ns["wait_until_answering"]


def measure(name, binary, workdir):
    # Valgrind 3.19 cannot read the DWARF 5 that Swift 6 writes: a copy without debug
    # information still has its symbols.
    target = os.path.join(workdir, name)
    if subprocess.run(["objcopy", "--strip-debug", binary, target]).returncode != 0:
        shutil.copy(binary, target)
    out = os.path.join(workdir, name + ".callgrind")
    ng = free_port()
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + daemon_args(target, ng),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect(("127.0.0.1", ng))
        # (Valgrind takes seconds to start the daemon.)
        wait_until_answering(sock, name + " under valgrind", tries=600, interval=0.2)
        serial = [0]

        def cycle(i):
            cid = "i%d" % i
            for d in ({"command": "offer", "call-id": cid, "from-tag": "a", "sdp": OFFER},
                      {"command": "answer", "call-id": cid, "from-tag": "a", "to-tag": "b", "sdp": ANSWER},
                      {"command": "delete", "call-id": cid}):
                serial[0] += 1
                sock.send(b"%d " % serial[0] + benc(d))
                if not select.select([sock], [], [], 30)[0]:
                    raise SystemExit("%s stopped answering" % name)
                if b"6:result2:ok" not in sock.recv(65536):
                    raise SystemExit("%s answered an error" % name)

        for i in range(50):  # warm-up: caches, first allocations, lazily made tables
            cycle(i)
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in range(50, 50 + CYCLES):
            cycle(i)
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        proc.kill()
        proc.wait()
    total = 0
    for f in glob.glob(out + "*"):
        for line in open(f, errors="replace"):
            if line.startswith(("summary:", "totals:")):
                total += int(line.split()[1])
                break
    return total / (3 * CYCLES)


if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
    raise SystemExit("valgrind is not installed (apt-get install valgrind)")
with tempfile.TemporaryDirectory() as work:
    ours = measure("ours", OURS, work)
    print("ours_instructions_per_request: %.0f instructions" % ours)
    if os.access(REFERENCE, os.X_OK):
        reference = measure("reference", REFERENCE, work)
        print("reference_instructions_per_request: %.0f instructions" % reference)
        print("instructions_ratio_ours_to_reference: %.2f ratio" % (ours / reference))
    else:
        print("reference: not unpacked (make peers)", file=sys.stderr)
