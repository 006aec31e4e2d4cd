#!/bin/sh
# Generative differential test against Debian's rtpengine 10.5, as CI runs it (make
# difftest): fixed seeds 1, 2 and 3 must show no difference beyond those listed in
# known-differences.txt (each new one fails the run, printed shrunk with its seed and as a
# Swift scenario); then one random seed (printed, so a finding can be replayed with --seed)
# explores, its new findings reported but fatal only when our daemon crashed or hung.
# DIFF_SEQUENCES (default 600) sequences in all, at least 500. Extra arguments go to
# difftest.py. Exit status 1 on a failure, 2 when a daemon cannot be started.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
total=${DIFF_SEQUENCES:-600}
per_seed=$(( (total + 3) / 4 ))
random_seed=${DIFF_RANDOM_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}
known="$here/known-differences.txt"
echo "difftest: fixed seeds 1,2,3, $per_seed sequences each, against $known"
python3 "$here/difftest.py" --seeds 1,2,3 --count "$per_seed" --keep-going --known "$known" "$@"
echo "difftest: random seed $random_seed, $per_seed sequences (DIFF_RANDOM_SEED=$random_seed to replay)"
exec python3 "$here/difftest.py" --seed "$random_seed" --count "$per_seed" --keep-going --known "$known" --explore "$@"
