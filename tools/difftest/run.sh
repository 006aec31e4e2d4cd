#!/bin/sh
# Generative differential test against Debian's rtpengine 10.5, as CI runs it: three fixed
# seeds plus one random seed (printed, so a failure can be replayed with --seed), at least
# 500 sequences in all (DIFF_SEQUENCES to change). Exit status 1 when any difference is
# found, 2 when a daemon cannot be started. Extra arguments go to difftest.py.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
total=${DIFF_SEQUENCES:-600}
per_seed=$(( (total + 3) / 4 ))
random_seed=${DIFF_RANDOM_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}
echo "difftest: fixed seeds 1,2,3 and random seed $random_seed, $per_seed sequences each"
exec python3 "$here/difftest.py" --seeds "1,2,3,$random_seed" --count "$per_seed" --keep-going "$@"
